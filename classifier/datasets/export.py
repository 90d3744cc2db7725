"""Export the converted public pages as labeled JSON Lines that ``classifier train`` reads.

For every page of a training dataset the export writes two records (training_data/README.md, Format 3):

* ``format: "html"``: the page's HTML and its blocks in segmenter order, each with ``text`` and ``label``; the
  training reader segments the HTML again (the model needs each block's DOM context) and checks the texts agree;
* ``format: "text"``: the same blocks as a plain-text dump, one block per line, as a scraper would write it.

Pages are streamed one at a time (a batch per worker when ``jobs`` > 1), so memory stays at a few pages whatever
the size of the datasets. Output goes to a folder outside the repository: the datasets' licences forbid copying
their pages into the project (shared/data/README.md, "Licences").
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import TextIO

from ..errors import DataFormatError, OutputError
from ..labels import LABELS, Label
from .ads import Ad, insert_ads, load_ads
from .converters import ConvertedPage, PageStats, convert_record
from .dom import ancestors_or_self, check_same_blocks, page_blocks, serialise, tag_of
from .easylist import SponsoredSelectors
from .records import (
    CONPRO_FILE,
    EASYLIST_SELECTORS_FILE,
    PAGE_FILES,
    DatasetFile,
    HeldOutGuard,
    is_validation,
    page_fraction,
    read_records,
)
from .rules import is_ad_marker

#: A page whose blocks align to less than this share of its editorial gold text is dropped: its alignment failed
#: (a gold from another version of the page, a page the segmenter reads differently), and keeping it would teach
#: the model that article text is navigation. bench/DATASETS.md shows how many pages each dataset loses.
MIN_ALIGNED = 0.5
#: An EasyList match larger than this many blocks is not an ad box but a page region that happens to carry a
#: sponsor class ("metaboxType-sponsor" around a most-read list); it is left alone.
EASYLIST_MAX_BLOCKS = 25
#: Pages converted per worker task when ``jobs`` > 1.
BATCH = 16
#: Layouts of the text mirror: most scrapers separate paragraphs with a blank line, some write none.
TEXT_LAYOUTS = ("blank lines", "blank lines", "compact")
#: Share of text mirrors cut to start at the article, as a scraper that dumps only the story region writes
#: them (the seed page of shared/seed/ is such a dump: its first line is the headline). A full-page mirror always
#: opens with menus, and a model trained on those alone learns that a first line is never a headline.
ARTICLE_START_SHARE = 0.3
#: A cut mirror keeps up to this many blocks before its first editorial block (a section name, a date line).
ARTICLE_START_LEAD = 2
#: Block elements that are items of one list or table: consecutive items stay on consecutive lines.
_ITEM_TAGS = frozenset({"li", "dt", "dd", "td", "th", "option", "tr"})
#: Default output folder (outside the repository).
DEFAULT_OUTPUT = Path("/tmp/classifier-datasets")
#: Subfolders of the output: the pages to train on, and the validation pages (dev splits and the WCXB validation
#: slice, records.is_validation) that are never trained on and measure the model.
TRAIN_FOLDER = "train"
VALIDATION_FOLDER = "validation"


@dataclass
class Resources:
    """What the sponsored augmentations need, loaded once per process."""

    selectors: SponsoredSelectors | None = None
    ads: list[Ad] = field(default_factory=list)
    seed: int = 0


@dataclass
class ExportedPage:
    """A converted page ready to write, and its figures."""

    dataset: str
    split: str
    html_record: dict
    text_record: dict
    labels: list[Label]
    stats: PageStats
    easylist_blocks: int = 0
    easylist_skipped: int = 0
    ads: Counter = field(default_factory=Counter)

    @property
    def page_id(self) -> str:
        """The dataset's own id of the page."""
        return self.html_record["id"].split("/", 1)[1]


@dataclass
class FileSummary:
    """Figures of one dataset file, for the report."""

    dataset: str
    split: str
    pages_read: int = 0
    pages_exported: int = 0
    errors: list[str] = field(default_factory=list)
    dropped: int = 0
    gold_tokens: int = 0
    aligned_tokens: int = 0
    recovered_tokens: int = 0
    blocks: int = 0
    ambiguous: int = 0
    #: Per-page shares, summed, for page means (a few pages with huge golds dominate the token totals).
    pages_with_gold: int = 0
    aligned_share_sum: float = 0.0
    editorial_share_sum: float = 0.0
    labels: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    easylist_blocks: int = 0
    easylist_skipped: int = 0
    ads: Counter = field(default_factory=Counter)
    validation_pages: int = 0

    def add(self, page: ExportedPage) -> None:
        self.pages_exported += 1
        self.labels.update(label.value for label in page.labels)
        self.easylist_blocks += page.easylist_blocks
        self.easylist_skipped += page.easylist_skipped
        self.ads.update(page.ads)

    def add_alignment(self, stats: PageStats) -> None:
        self.gold_tokens += stats.gold_tokens
        self.aligned_tokens += stats.aligned_tokens
        self.recovered_tokens += stats.recovered_tokens
        self.blocks += stats.blocks
        self.ambiguous += stats.ambiguous
        self.rules.update(stats.rules)
        if stats.gold_tokens:
            self.pages_with_gold += 1
            self.aligned_share_sum += stats.aligned_tokens / stats.gold_tokens
            self.editorial_share_sum += stats.recovered_tokens / stats.gold_tokens

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "split": self.split,
            "pages_read": self.pages_read,
            "pages_exported": self.pages_exported,
            "validation_pages": self.validation_pages,
            "pages_dropped_alignment_failed": self.dropped,
            "pages_with_errors": len(self.errors),
            "gold_aligned": _share(self.aligned_tokens, self.gold_tokens),
            "gold_in_editorial_blocks": _share(self.recovered_tokens, self.gold_tokens),
            "gold_aligned_page_mean": _mean(self.aligned_share_sum, self.pages_with_gold),
            "gold_in_editorial_blocks_page_mean": _mean(self.editorial_share_sum, self.pages_with_gold),
            "ambiguous_blocks": _share(self.ambiguous, self.blocks),
            "blocks": {label.value: self.labels[label.value] for label in LABELS},
            "rules": dict(sorted(self.rules.items())),
            "easylist_sponsored_blocks": self.easylist_blocks,
            "easylist_matches_skipped": self.easylist_skipped,
            "ads_inserted": dict(sorted(self.ads.items())),
            "errors": self.errors,
        }


def load_resources(data: str | Path, seed: int = 0, ads: bool = True, easylist: bool = True) -> Resources:
    """The EasyList selectors and ConPro ads of the shared folder (each optional)."""
    data = Path(data)
    guard = HeldOutGuard.from_folder(data)
    for name in ([CONPRO_FILE] if ads else []) + ([EASYLIST_SELECTORS_FILE] if easylist else []):
        guard.check_file(data / name)
        if not (data / name).is_file():
            raise DataFormatError(f"{data / name}: no such file")
    return Resources(
        selectors=SponsoredSelectors.from_file(data / EASYLIST_SELECTORS_FILE) if easylist else None,
        ads=load_ads(data / CONPRO_FILE) if ads else [],
        seed=seed,
    )


def finish_page(page: ConvertedPage, resources: Resources) -> ExportedPage:
    """Add the weak sponsored labels and ads to a converted page and make its two records."""
    labels = list(page.labels)
    easylist_blocks, easylist_skipped = _apply_easylist(page, labels, resources.selectors)
    rng = random.Random(f"{resources.seed}:{page.dataset}:{page.id}")
    source = f"{page.dataset}/{page.id}"
    blocks, html = page.blocks, None
    insertions = insert_ads(page.root, blocks, labels, resources.ads, rng)
    if insertions:
        try:
            blocks, labels_with_ads = _blocks_after_insertion(page, labels, insertions, source)
            html = serialise(page.root)
            check_same_blocks(html, blocks, source)
            labels = labels_with_ads
        except DataFormatError:
            # The ad landed where the HTML parser would not keep it (a <div> inside a <p> closes the <p> when
            # parsed again): take it out and keep the page as it was.
            for insertion in insertions:
                insertion.element.getparent().remove(insertion.element)
            insertions, blocks, html = [], page.blocks, None
    if html is None:
        html = page.original_html if page.original_html is not None else serialise(page.root)
        check_same_blocks(html, blocks, source)
    ads = Counter(f"{insertion.ad.label.value} {insertion.place}" for insertion in insertions)
    layout = rng.choice(TEXT_LAYOUTS)
    page_id = f"{page.dataset}/{page.id}"
    html_record = {
        "id": page_id,
        "dataset": page.dataset,
        "split": page.split,
        "lang": page.lang,
        "format": "html",
        "html": html,
        "blocks": [{"text": b.text, "label": label.value} for b, label in zip(blocks, labels)],
    }
    text_record = {
        "id": page_id + "#text",
        "dataset": page.dataset,
        "split": page.split,
        "lang": page.lang,
        "format": "text",
        "blocks": text_dump(*text_region(blocks, labels, rng), compact=layout == "compact"),
    }
    return ExportedPage(
        page.dataset, page.split, html_record, text_record, labels, page.stats, easylist_blocks, easylist_skipped, ads
    )


def text_region(blocks: list, labels: list[Label], rng: random.Random) -> tuple[list, list[Label]]:
    """The blocks a text mirror holds: all of them, or (ARTICLE_START_SHARE of pages) from just before the first
    editorial block on."""
    first = next((i for i, label in enumerate(labels) if label is Label.EDITORIAL), None)
    if first is None or rng.random() >= ARTICLE_START_SHARE:
        return blocks, labels
    start = max(0, first - rng.randint(0, ARTICLE_START_LEAD))
    return blocks[start:], labels[start:]


def text_dump(blocks: list, labels: list[Label], compact: bool = False) -> list[dict]:
    """The blocks as the lines of a text dump (Format 3, text): a blank line between paragraphs unless
    ``compact``; items of one list or table on consecutive lines."""
    lines: list[dict] = []
    previous = None
    for block, label in zip(blocks, labels):
        element = block.element
        same_list = (
            previous is not None
            and tag_of(element) in _ITEM_TAGS
            and tag_of(previous) in _ITEM_TAGS
            and element.getparent() is previous.getparent()
        )
        if lines and not compact and not same_list:
            lines.append({"text": ""})
        lines.append({"text": block.text, "label": label.value})
        previous = element
    return lines


def _apply_easylist(page: ConvertedPage, labels: list[Label], selectors: SponsoredSelectors | None) -> tuple[int, int]:
    """Label the blocks inside EasyList matches sponsored (bare ad markers stay navigation); a match holding
    editorial text, or too big to be an ad box, is skipped. Returns (blocks relabeled, matches skipped)."""
    if selectors is None:
        return 0, 0
    matches = selectors.matches(page.root, page.url)
    if not matches:
        return 0, 0
    inside: dict[int, list[int]] = {}
    matched = {element: n for n, element in enumerate(matches)}
    for index, block in enumerate(page.blocks):
        owner = next((matched[e] for e in ancestors_or_self(block.element) if e in matched), None)
        if owner is not None:
            inside.setdefault(owner, []).append(index)
    relabeled = skipped = 0
    for indices in inside.values():
        if len(indices) > EASYLIST_MAX_BLOCKS or any(labels[i] is Label.EDITORIAL for i in indices):
            skipped += 1
            continue
        for i in indices:
            if not is_ad_marker(page.blocks[i].text) and labels[i] is not Label.SPONSORED:
                labels[i] = Label.SPONSORED
                relabeled += 1
    return relabeled, skipped


def _blocks_after_insertion(page: ConvertedPage, labels: list[Label], insertions: list, source: str):
    """The page's blocks and labels after ads went in: the old blocks keep their labels, the ads' blocks get theirs."""
    wrappers = {insertion.element: insertion.ad.label for insertion in insertions}
    blocks = page_blocks(page.root)
    new_labels: list[Label] = []
    old = iter(zip(page.blocks, labels))
    for block in blocks:
        ad_label = next((wrappers[e] for e in ancestors_or_self(block.element) if e in wrappers), None)
        if ad_label is not None:
            new_labels.append(Label.NAVIGATION if is_ad_marker(block.text) else ad_label)
            continue
        previous = next(old, None)
        if previous is None or previous[0].text != block.text:
            raise DataFormatError(f"{source}: inserting an ad changed the page's own blocks")
        new_labels.append(previous[1])
    if next(old, None) is not None:
        raise DataFormatError(f"{source}: inserting an ad lost some of the page's own blocks")
    return blocks, new_labels


def _convert(task: tuple[dict, str]) -> tuple[str, ExportedPage | str, PageStats | None]:
    """Convert one record: ("ok", page, stats), ("dropped", reason, stats) or ("error", message, None)."""
    record, source = task
    try:
        page = convert_record(record, source)
        stats = page.stats
        if stats.gold_tokens and stats.aligned_tokens / stats.gold_tokens < MIN_ALIGNED:
            share = stats.aligned_tokens / stats.gold_tokens
            return "dropped", f"{source}: only {share:.0%} of the gold text aligned to the page's blocks", stats
        return "ok", finish_page(page, _WORKER_RESOURCES), stats
    except DataFormatError as exc:
        return "error", str(exc), None


_WORKER_RESOURCES = Resources()


def _init_worker(resources: Resources) -> None:
    global _WORKER_RESOURCES
    _WORKER_RESOURCES = resources


def convert_file(
    data: str | Path,
    file: DatasetFile,
    resources: Resources,
    guard: HeldOutGuard,
    limit: int | None = None,
    jobs: int = 1,
    sample: float = 1.0,
) -> Iterator[tuple[str, ExportedPage | str, PageStats | None]]:
    """Convert the pages of one dataset file, in file order; every record passes the held-out guard first.

    ``sample`` < 1 keeps that share of the training pages (a seeded choice by page id); validation pages are
    always kept."""
    path = Path(data) / file.name
    if not path.is_file():
        raise DataFormatError(f"{path}: no such file")
    records = (
        record
        for record in read_records(path, guard)
        if sample >= 1.0
        or is_validation(file.dataset, file.split, str(record.get("id")))
        or page_fraction(f"sample:{resources.seed}:{file.dataset}/{record.get('id')}") < sample
    )
    tasks = ((record, f"{path.name}, page {record.get('id')}") for record in records)
    if limit is not None:
        tasks = islice(tasks, limit)
    if jobs <= 1:
        _init_worker(resources)
        yield from map(_convert, tasks)
        return
    with get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(resources,)) as pool:
        for batch in _batches(tasks, BATCH * jobs):
            yield from pool.map(_convert, batch, chunksize=BATCH)


def export(
    data: str | Path,
    output: str | Path = DEFAULT_OUTPUT,
    seed: int = 0,
    splits: Iterable[str] = ("train", "dev"),
    datasets: Iterable[str] | None = None,
    limit: int | None = None,
    jobs: int = 1,
    ads: bool = True,
    easylist: bool = True,
    sample: float = 1.0,
) -> list[FileSummary]:
    """Convert every training file of ``data`` into ``output``/train/ and ``output``/validation/ (records.is_validation
    decides), as <dataset>.<split>.{html,text}.jsonl.gz, and ``output``/summary.json; returns the figures per file.

    ``sample`` < 1 keeps that share of the training pages (seeded by page id; validation pages are all kept)."""
    start = time.perf_counter()
    data, output = Path(data), Path(output)
    _refuse_repository(output)
    guard = HeldOutGuard.from_folder(data)
    resources = load_resources(data, seed, ads=ads, easylist=easylist)
    wanted = set(datasets) if datasets is not None else None
    files = [f for f in PAGE_FILES if f.split in set(splits) and (wanted is None or f.dataset in wanted)]
    try:
        for folder in (TRAIN_FOLDER, VALIDATION_FOLDER):
            (output / folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{output}: cannot create the output folder ({exc.strerror})") from None
    summaries = []
    for file in files:
        summary = FileSummary(file.dataset, file.split)
        summaries.append(summary)
        if not (data / file.name).is_file():
            summary.errors.append(f"{data / file.name}: no such file")
            continue
        name = f"{file.dataset}.{file.split}"
        try:
            with _Writers(output, name) as writers:
                for status, result, stats in convert_file(data, file, resources, guard, limit, jobs, sample):
                    summary.pages_read += 1
                    if stats is not None:
                        summary.add_alignment(stats)
                    if status == "error":
                        summary.errors.append(str(result))
                    elif status == "dropped":
                        summary.dropped += 1
                    else:
                        assert isinstance(result, ExportedPage)
                        writers.write(result, is_validation(file.dataset, file.split, result.page_id))
                        summary.add(result)
                summary.validation_pages = writers.validation_pages
        except OSError as exc:
            raise OutputError(f"{output / name}: cannot write the export ({exc.strerror or exc})") from None
    report = {
        "data": str(data),
        "seed": seed,
        "sample": sample,
        "seconds": round(time.perf_counter() - start, 1),
        "jobs": jobs,
        "bytes": sum(p.stat().st_size for p in output.glob("*/*.jsonl.gz")),
        "easylist_rules": {
            "used": resources.selectors.size if resources.selectors else 0,
            "skipped": resources.selectors.skipped if resources.selectors else 0,
        },
        "conpro_ads": dict(Counter(ad.label.value for ad in resources.ads)),
        "files": [s.to_dict() for s in summaries],
    }
    (output / "summary.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return summaries


class _Writers:
    """The gzip files of one dataset file, opened on first use: train/ and validation/, HTML and text each."""

    def __init__(self, output: Path, name: str) -> None:
        self.output, self.name = output, name
        self.handles: dict[tuple[str, str], TextIO] = {}
        self.validation_pages = 0
        self.files = ExitStack()

    def write(self, page: ExportedPage, validation: bool) -> None:
        folder = VALIDATION_FOLDER if validation else TRAIN_FOLDER
        self.validation_pages += validation
        for kind, record in (("html", page.html_record), ("text", page.text_record)):
            if (folder, kind) not in self.handles:
                path = self.output / folder / f"{self.name}.{kind}.jsonl.gz"
                self.handles[folder, kind] = self.files.enter_context(gzip.open(path, "wt", encoding="utf-8"))  # noqa: SIM115 (closed by the ExitStack)
            self.handles[folder, kind].write(json.dumps(record, ensure_ascii=False) + "\n")

    def __enter__(self) -> _Writers:
        return self

    def __exit__(self, *exc_info) -> None:
        self.files.close()


def _refuse_repository(output: Path) -> None:
    """The export holds licensed pages: it must never land inside a checkout of this project (shared/data/README.md).

    A checkout is a folder with ``.git`` and this package's source; the check walks up from the output folder, so
    it holds whether the package runs from the checkout or from an installed copy.
    """
    target = output.resolve()
    for folder in (target, *target.parents):
        if (folder / ".git").exists() and (folder / "classifier" / "datasets").is_dir():
            raise OutputError(f"{output}: is inside the repository; the datasets' pages must not be copied into it")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 4) if count else None


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
