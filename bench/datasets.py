"""The datasets of the peer benchmark: where each file is, how it is scored, and which pages a run takes.

Files are the shared development copy (``shared/data/*.jsonl.gz``, see its README.md); pages are streamed one at a
time, so a worker's memory is the extractor's, not the dataset's. Nothing from these files is written to the
repository: outputs go to a temporary folder and only figures reach bench/RESULTS.md.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from classifier.datasets.records import is_validation

ROOT = Path(__file__).resolve().parent.parent
#: The shared data folder next to the checkout (shared/data/README.md describes it).
DEFAULT_DATA = ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    #: "scrapinghub" (shingles + bag of words), "snippets" (trafilatura's with/without), "wcxb" (word F1 + snippet
    #: shares), "bow" (bag-of-words F1 against gold_text)
    protocol: str
    title: str
    #: Only the pages of the dev file that no model of ours trains on (classifier.datasets.records.is_validation):
    #: WCXB's dev file is mostly trained on, its validation slice is not.
    validation_only: bool = False


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("scrapinghub", "scrapinghub.eval.jsonl.gz", "scrapinghub", "ScrapingHub article-extraction-benchmark"),
        Dataset("trafilatura", "trafilatura-eval.eval.jsonl.gz", "snippets", "trafilatura evaluation set"),
        Dataset("wcxb", "wcxb.dev.jsonl.gz", "wcxb", "WCXB dev, validation slice (20 %)", validation_only=True),
        Dataset("l3s-gn1", "l3s-gn1.dev.jsonl.gz", "bow", "L3S-GN1 dev"),
        Dataset("googletrends", "googletrends-2017.dev.jsonl.gz", "bow", "GoogleTrends-2017 dev"),
        Dataset("cleaneval", "cleaneval.dev.jsonl.gz", "bow", "CleanEval dev"),
        Dataset("readability", "readability.eval.jsonl.gz", "bow", "Mozilla Readability test pages"),
    )
}

#: CleanEval input files are wrapped in ``<text id="URL" title="..." encoding="...">...</text>`` (shared/data
#: README, "CleanEval"); the wrapper is stripped for every extractor alike.
_CLEANEVAL_OPEN = re.compile(r"\A\s*<text\b[^>]*>", re.IGNORECASE)
_CLEANEVAL_CLOSE = re.compile(r"</text>\s*\Z", re.IGNORECASE)


def page_html(dataset: Dataset, record: dict) -> str:
    """The page given to every extractor: the record's decoded HTML (CleanEval without its wrapper)."""
    html = record["html"]
    if dataset.name == "cleaneval":
        html = _CLEANEVAL_CLOSE.sub("", _CLEANEVAL_OPEN.sub("", html, count=1), count=1)
    return html


def _records(dataset: Dataset, path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not dataset.validation_only or is_validation(record["dataset"], record["split"], str(record["id"])):
                yield record


def count_pages(dataset: Dataset, path: Path) -> int:
    return sum(1 for _ in _records(dataset, path))


def chosen_indices(total: int, limit: int | None) -> set[int]:
    """Which pages a run takes: all, or ``limit`` pages spread evenly over the file (the same for every extractor)."""
    if limit is None or limit >= total:
        return set(range(total))
    return {i * total // limit for i in range(limit)}


def pages(dataset: Dataset, data_dir: Path, limit: int | None = None) -> Iterator[dict]:
    """The run's records of a dataset, in file order, one at a time."""
    path = data_dir / dataset.file
    keep = chosen_indices(count_pages(dataset, path), limit)
    for index, record in enumerate(_records(dataset, path)):
        if index in keep:
            yield record
