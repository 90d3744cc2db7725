"""Labeled pages in the three formats of training_data/README.md: read, found in folders, written.

Training, evaluation, the HTML report and ``classifier annotate`` all use these; nothing here fits a model.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .blocks import Block
from .decode import decode
from .errors import DataFormatError, InputError
from .labels import Label
from .segment import segment_html, segment_text

#: Attribute that carries a label in labeled HTML pages.
LABEL_ATTRIBUTE = "data-label"
_HEADER = re.compile(r"#\s*([\w-]+)\s*:\s*(.*)")
_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".jsonl.gz")


@dataclass
class LabeledPage:
    """A page's blocks with their gold labels (``block.label``), and where it came from."""

    id: str
    blocks: list[Block]
    format: str = "text"
    lang: str | None = None
    source: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def labels(self) -> list[Label]:
        return [block.label for block in self.blocks]


def read_labeled_text(text: str, source: str = "<labeled text>") -> LabeledPage:
    """Parse the hand-editable format: ``LABEL text`` per physical line, blank lines, # comments."""
    meta: dict[str, str] = {}
    dump: list[str] = []
    labels: dict[int, Label] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            match = _HEADER.match(line)
            if match and not dump:
                meta[match.group(1).lower()] = match.group(2).strip()
            continue
        if not line.strip():
            dump.append("")
            continue
        name, _, rest = line.strip().replace("\t", " ", 1).partition(" ")
        try:
            label = Label.parse(name)
        except ValueError as exc:
            raise DataFormatError(f"{source}, line {number}: {exc}") from None
        if not rest.strip():
            raise DataFormatError(f"{source}, line {number}: label {name!r} has no text after it")
        dump.append(rest.strip())
        labels[len(dump)] = label
    blocks = segment_text("\n".join(dump))
    for block in blocks:
        block.label = labels[block.lines[0]]
    if not blocks:
        raise DataFormatError(f"{source}: no labeled lines")
    return LabeledPage(
        id=meta.get("id", Path(source).stem),
        blocks=blocks,
        format="text",
        lang=meta.get("lang"),
        source=source,
        meta=meta,
    )


def read_labeled_html(content: str | bytes, source: str = "<labeled html>") -> LabeledPage:
    """Parse an HTML page whose elements carry ``data-label``; blocks inherit the nearest one."""
    text = decode(content, source) if isinstance(content, bytes) else content
    try:
        blocks = segment_html(text, source, label_attribute=LABEL_ATTRIBUTE)
    except InputError as exc:
        raise DataFormatError(str(exc)) from None
    if not blocks:
        raise DataFormatError(f"{source}: no text blocks")
    lang = re.search(r"<html[^>]*\blang=[\"']?([\w-]+)", text[:2000], re.IGNORECASE)
    return LabeledPage(
        id=Path(source).stem, blocks=blocks, format="html", lang=lang.group(1) if lang else None, source=source
    )


def read_labeled_jsonl(path: str | Path) -> Iterator[LabeledPage]:
    """Pages from a JSON Lines file (``.gz`` too): ``{"id", "lang", "format", "blocks": [{"text", "label"}]}``."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield _page_from_record(line, f"{path}, line {number}")


def _page_from_record(line: str, source: str) -> LabeledPage:
    try:
        record = json.loads(line)
        raw_blocks = record["blocks"]
        page_format = record.get("format", "text")
        if page_format == "text":
            rows = [(b.get("text", "") or "", b.get("label")) for b in raw_blocks]
            blocks = segment_text("\n".join(text for text, _ in rows))
            labels = {n: label for n, (text, label) in enumerate(rows, start=1) if text.strip()}
            for block in blocks:
                block.label = Label.parse(labels[block.lines[0]])
        elif "html" in record:
            blocks = _html_blocks(record["html"], raw_blocks, source)
        else:
            blocks = [Block(text=" ".join(b["text"].split()), label=Label.parse(b["label"])) for b in raw_blocks]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFormatError(f"{source}: not a labeled page record ({exc})") from None
    return LabeledPage(
        id=str(record.get("id", source)), blocks=blocks, format=page_format, lang=record.get("lang"), source=source
    )


def _html_blocks(html: str, raw_blocks: list[dict], source: str) -> list[Block]:
    """An HTML record's page segmented again (so its blocks keep their DOM context), labeled in order from its
    ``blocks``; the texts must agree, or the record was made by another segmenter and is refused."""
    try:
        blocks = segment_html(html, source)
    except InputError as exc:
        raise DataFormatError(str(exc)) from None
    texts = [" ".join(b["text"].split()) for b in raw_blocks]
    if [block.text for block in blocks] != texts:
        where = next((i for i, (a, b) in enumerate(zip(blocks, texts)) if a.text != b), min(len(blocks), len(texts)))
        raise DataFormatError(
            f"{source}: its html segments into {len(blocks)} blocks that differ from its {len(texts)} labeled blocks "
            f"at block {where + 1} (made with another segmenter? export it again)"
        )
    for block, raw in zip(blocks, raw_blocks):
        block.label = Label.parse(raw["label"])
    return blocks


def labeled_files(paths: Iterable[str | Path]) -> list[Path]:
    """The labeled-data files named by ``paths`` (folders are searched recursively), sorted."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.name.endswith(_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise DataFormatError(f"{path}: no such file or folder")
    return found


def load_labeled(paths: Iterable[str | Path]) -> list[LabeledPage]:
    """Every labeled page in the given files and folders."""
    pages: list[LabeledPage] = []
    for path in labeled_files(paths):
        name = path.name.lower()
        if name.endswith((".jsonl", ".jsonl.gz")):
            pages.extend(read_labeled_jsonl(path))
        elif name.endswith((".html", ".htm")):
            pages.append(read_labeled_html(path.read_bytes(), str(path)))
        else:
            pages.append(read_labeled_text(path.read_text(encoding="utf-8"), str(path)))
    if not pages:
        raise DataFormatError("no labeled pages found in " + ", ".join(map(str, paths)))
    return pages


def write_labeled_text(blocks: list[Block], meta: dict[str, str] | None = None) -> str:
    """The hand-editable format for text blocks (blank lines kept) or HTML blocks (one per line)."""
    out = [f"# {key}: {value}" for key, value in (meta or {}).items()]
    previous_end = 0
    for block in blocks:
        if block.lines is not None:
            out.extend("" for _ in range(block.lines[0] - previous_end - 1))
            previous_end = block.lines[1]
        label = block.label.value if block.label is not None else Label.EDITORIAL.value
        out.append(f"{label} {block.text}")
    return "\n".join(out) + "\n"


def write_labeled_record(html: str, blocks: list[Block], meta: dict[str, str] | None = None) -> str:
    """An HTML page and its labels as one JSON Lines record (format 3), read back as an HTML page: the page is
    segmented again on reading, so its blocks keep their DOM context when a model is trained on them."""
    rows = [{"text": block.text, "label": (block.label or Label.EDITORIAL).value} for block in blocks]
    record = {**(meta or {}), "format": "html", "html": html, "blocks": rows}
    return json.dumps(record, ensure_ascii=False) + "\n"
