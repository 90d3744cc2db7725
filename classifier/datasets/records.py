"""Reading the shared datasets (shared/data/README.md), with the guard that keeps test pages out of training.

Every record that a converter sees passes ``HeldOutGuard.check``: an evaluation-only dataset, a test or eval
split, or an id listed in ``heldout_ids/`` raises HeldOutError and stops the export. That never happens with the
development copy, which leaves those pages out; the guard is there for a copy that does not (an upstream checkout,
a rebuilt folder), and it fails closed: without ``heldout_ids/`` nothing is converted.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFormatError, HeldOutError

#: Datasets whose pages are for evaluation only (shared/data/README.md, "Split policy"): never converted.
EVALUATION_ONLY = frozenset({"scrapinghub", "trafilatura-eval", "readability"})
#: Splits that are never trained on.
FORBIDDEN_SPLITS = frozenset({"test", "eval"})
#: Folder of held-back ids, one file per dataset (``<dataset>.txt``), and the list of dropped near copies.
HELDOUT_FOLDER = "heldout_ids"
DROPPED_FILE = "dropped_from_dev_copy.tsv"
#: WCXB's only split here is dev (its test split is held back), and it is the biggest and most varied dataset, so it
#: is split again: this share of its pages (about 270 of 1,358, enough for a page-mean F1 to +-0.02) is a validation
#: slice that is never trained on and that bench/peers.py measures on; the rest is trained on.
WCXB_VALIDATION_SHARE = 0.2
#: Datasets whose dev file is trained on (the rest keep their dev file for validation).
DEV_TRAINED = frozenset({"wcxb"})


def page_fraction(key: str) -> float:
    """A stable pseudo-random number in [0, 1) for ``key``: the same in every process and on every machine (CRC-32,
    not Python's salted ``hash``), so samples and validation slices are reproducible."""
    return zlib.crc32(key.encode("utf-8")) / 2**32


def is_validation(dataset: str, split: str, page_id: str) -> bool:
    """Whether a page of a training file is kept out of training for validation: every dev page, except WCXB's,
    of which only the ``WCXB_VALIDATION_SHARE`` slice is."""
    if split != "dev":
        return False
    if dataset in DEV_TRAINED:
        return page_fraction(f"validation:{dataset}/{page_id}") < WCXB_VALIDATION_SHARE
    return True


@dataclass(frozen=True)
class DatasetFile:
    """One training file of the shared folder."""

    dataset: str
    split: str

    @property
    def name(self) -> str:
        return f"{self.dataset}.{self.split}.jsonl.gz"


#: The page datasets the converters read, in export order (shared/data/README.md, "Files").
PAGE_FILES: tuple[DatasetFile, ...] = (
    DatasetFile("l3s-gn1", "train"),
    DatasetFile("l3s-gn1", "dev"),
    DatasetFile("googletrends-2017", "train"),
    DatasetFile("googletrends-2017", "dev"),
    DatasetFile("cleaneval", "train"),
    DatasetFile("cleaneval", "dev"),
    DatasetFile("dragnet", "train"),
    DatasetFile("wcxb", "dev"),
)
CONPRO_FILE = "conpro-ads.train.jsonl.gz"
EASYLIST_SELECTORS_FILE = "easylist.sponsored_selectors.jsonl.gz"


class HeldOutGuard:
    """Knows every held-back id of the shared folder and refuses records that are, or may be, test pages."""

    def __init__(self, held_out: dict[str, set[str]]) -> None:
        self.held_out = held_out

    @classmethod
    def from_folder(cls, data: str | Path) -> HeldOutGuard:
        """Read ``heldout_ids/*.txt`` and the dropped near copies; a missing folder is an error, not an empty list."""
        folder = Path(data) / HELDOUT_FOLDER
        lists = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if not lists:
            raise DataFormatError(f"{folder}: no held-out id lists, so test pages cannot be kept out of training")
        held_out: dict[str, set[str]] = {}
        for path in lists:
            held_out[path.stem] = {
                line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            }
        dropped = folder / DROPPED_FILE
        if dropped.is_file():
            with dropped.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    dataset = row["file"].split(".", 1)[0]
                    held_out.setdefault(dataset, set()).add(row["id"].strip())
        return cls(held_out)

    def check_file(self, path: str | Path) -> None:
        """Refuse to open an evaluation-only file or a test/eval split."""
        name = Path(path).name
        dataset, _, rest = name.partition(".")
        if dataset in EVALUATION_ONLY or rest.split(".", 1)[0] in FORBIDDEN_SPLITS:
            raise HeldOutError(f"{path}: evaluation-only data, never converted for training")

    def check(self, record: dict, source: str) -> None:
        """Raise HeldOutError if ``record`` is a held-out page, an evaluation page, or from a test split."""
        dataset = str(record.get("dataset", ""))
        page_id = str(record.get("id", ""))
        if dataset in EVALUATION_ONLY or record.get("split") in FORBIDDEN_SPLITS:
            raise HeldOutError(f"{source}: page {page_id!r} of {dataset} is evaluation data ({record.get('split')})")
        if page_id in self.held_out.get(dataset, ()):
            raise HeldOutError(f"{source}: page {page_id!r} of {dataset} is held out for the final evaluation")


def read_records(path: str | Path, guard: HeldOutGuard | None = None) -> Iterator[dict]:
    """Stream the records of a ``.jsonl.gz`` file of the shared folder, each checked by ``guard`` if given."""
    if guard is not None:
        guard.check_file(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                source = f"{path}, line {number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataFormatError(f"{source}: not a JSON record ({exc.msg})") from None
                if guard is not None:
                    guard.check(record, source)
                yield record
    except (OSError, EOFError) as exc:
        raise DataFormatError(f"{path}: cannot be read as gzip-compressed JSON Lines ({exc})") from None
