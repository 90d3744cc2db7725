"""Labeled data (three formats, see training_data/README.md), training and evaluation."""

from __future__ import annotations

import gzip
import hashlib
import json
import platform
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .blocks import Block
from .decode import decode
from .errors import DataFormatError, InputError
from .labels import LABELS, Label
from .model import BlockModel
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


def train(
    paths: Iterable[str | Path],
    output: str | Path | None = None,
    cv: int = 5,
    heldout: Iterable[str | Path] = (),
    weights: dict[str, float] | None = None,
    **params,
) -> BlockModel:
    """Fit a model on the labeled pages in ``paths``; with ``output``, save it and its card there.

    ``weights`` maps a file or folder to the weight of every page in it (default 1; the innermost path counts).
    ``cv`` folds of cross-validation and an evaluation on ``heldout`` pages go into the card.
    """
    from .estimator import BlockClassifier  # scikit-learn is imported only to train
    from .persist import save_model

    files = labeled_files(paths)
    pages: list[LabeledPage] = []
    page_weights: list[float] = []
    for file in files:
        found = load_labeled([file])
        pages.extend(found)
        page_weights.extend([path_weight(file, weights or {})] * len(found))
    estimator = BlockClassifier(**params).fit([p.blocks for p in pages], [p.labels for p in pages], page_weights)
    model = estimator.model_
    card = {
        "trained": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_files": [{"path": str(f), "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files],
        "training_pages": len(pages),
        "training_blocks": {label.value: sum(b.label == label for p in pages for b in p.blocks) for label in LABELS},
        "vocabulary_size": len(model.vocabulary),
        "weights": {str(path): weight for path, weight in (weights or {}).items()},
        "versions": _versions(),
    }
    if cv > 1:
        card["cross_validation"] = cross_validate(pages, folds=cv, **params)
    heldout = list(heldout)
    heldout_files = labeled_files(heldout)
    if heldout_files:
        card["heldout"] = evaluate(model, load_labeled(heldout_files))
        card["heldout"]["files"] = len(heldout_files)
    if len(heldout) > 1:  # each set apart too: written pages and real pages tell different stories
        card["heldout_by_path"] = {str(path): evaluate(model, load_labeled([path])) for path in heldout}
    model.card.update(card)
    if output is not None:
        save_model(model, output)
    return model


def path_weight(file: Path, weights: dict[str, float]) -> float:
    """The weight of the pages of ``file``: that of the innermost path of ``weights`` holding it, else 1."""
    file = file.resolve()
    best, weight = -1, 1.0
    for path, value in weights.items():
        folder = Path(path).resolve()
        if (file == folder or folder in file.parents) and len(folder.parts) > best:
            best, weight = len(folder.parts), value
    return weight


def cross_validate(pages: list[LabeledPage], folds: int = 5, **params) -> dict:
    """Per-label metrics of models trained on all but one fold of pages, scored on that fold."""
    from sklearn.model_selection import GroupKFold

    from .estimator import BlockClassifier

    gold: list[Label] = []
    predicted: list[Label] = []
    splitter = GroupKFold(n_splits=min(folds, len(pages)), shuffle=True, random_state=params.get("random_state", 0))
    for train_idx, test_idx in splitter.split(pages, groups=np.arange(len(pages))):
        estimator = BlockClassifier(**params).fit(
            [pages[i].blocks for i in train_idx], [pages[i].labels for i in train_idx]
        )
        for i in test_idx:
            gold.extend(pages[i].labels)
            predicted.extend(estimator.model_.predict(pages[i].blocks))
    report = score(gold, predicted)
    report["folds"] = splitter.n_splits
    return report


def evaluate(model: BlockModel, pages: list[LabeledPage]) -> dict:
    """Per-label precision, recall and F1, macro-F1 and the confusion matrix of ``model`` on ``pages``."""
    gold: list[Label] = []
    predicted: list[Label] = []
    for page in pages:
        gold.extend(page.labels)
        predicted.extend(model.predict(page.blocks))
    report = score(gold, predicted)
    report["pages"] = len(pages)
    return report


def score(gold: list[Label], predicted: list[Label]) -> dict:
    """Metrics of predicted against gold labels (one per block; for text pages, one per line)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    names = [label.value for label in LABELS]
    g = [label.value for label in gold]
    p = [label.value for label in predicted]
    precision, recall, f1, support = precision_recall_fscore_support(g, p, labels=names, zero_division=0)
    return {
        "blocks": len(g),
        "labels": {
            name: {
                "precision": round(float(pr), 4),
                "recall": round(float(rc), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for name, pr, rc, f, s in zip(names, precision, recall, f1, support)
        },
        "macro_f1": round(float(np.mean(f1)), 4),
        "accuracy": round(float(np.mean(np.array(g) == np.array(p))), 4) if g else 0.0,
        "confusion": {"labels": names, "matrix": confusion_matrix(g, p, labels=names).tolist()},
    }


def _versions() -> dict[str, str]:
    import scipy
    import sklearn

    from . import __version__

    return {
        "block-classifier": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }
