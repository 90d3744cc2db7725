"""Beyond one machine: the per-partition function for Dask bags and Spark's ``mapPartitions``.

:func:`clean_partition` cleans one partition of pages in the calling worker and yields one JSON-ready
dict per record (the records of ``classifier clean``'s JSON Lines output). The model is loaded once
per worker process and kept (``load_model``'s cache). With Dask (the optional extra ``dask``):

* :func:`clean_files` makes a bag with one partition per input file (JSON Lines, WARC or page files);
  the workers read the files themselves, so pages never travel through the client;
* :func:`clean_bag` cleans a bag of pages you already hold (str, bytes or dicts with ``html``/``text``);
  each partition's records get their own source, ``<partition N>``, so keys are unique over the bag.

The per-page time limit (``timeout``) needs SIGALRM on a process's main thread: Dask and Spark run
tasks on other threads, where it is not enforced. Pages over ``max_bytes`` are still refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BatchError
from ..labels import Label
from .inputs import InputFile, expand, guarded, read_file
from .many import CleanOptions, clean_records
from .records import DEFAULT_READ, IN_MEMORY, PageRecord, ReadOptions, as_record, display_path

if TYPE_CHECKING:
    from ..model import BlockModel

#: How to install the Dask side.
NEEDS_DASK = "the Dask integration needs dask: pip install '.[dask]' (in the checkout)"


def clean_partition(
    records: Iterable[Any],
    model: str | Path | BlockModel | None = None,
    input_format: str = "auto",
    keep: tuple[str, ...] = (),
    blocks: bool = False,
    max_bytes: int | None = None,
    fields: ReadOptions = DEFAULT_READ,
    partition: int | None = None,
) -> Iterator[dict]:
    """Clean one partition here, one dict per record, in order: ``{"id", "source", "index", "url", "text"}``
    or ``{..., "error"}``. Records are pages (str, bytes), dicts, Spark Rows or PageRecords; with
    ``partition`` (its number), in-memory records get the source ``<partition N>`` (unique keys).

    Example (Spark): ``rdd.mapPartitionsWithIndex(lambda i, rows: clean_partition(rows, partition=i))``
    """
    read = fields if max_bytes is None else replace(fields, max_bytes=max_bytes)
    source = IN_MEMORY if partition is None else f"<partition {partition}>"
    rows = (_as_dict(row) for row in records)
    pages = (as_record(row, position, read, source) for position, row in enumerate(rows))
    # Dask and Spark run tasks on threads, where the SIGALRM time limit cannot work: no timeout.
    options = CleanOptions(input_format, tuple(Label(name) for name in keep), blocks, timeout=None)
    return (result.to_dict() for result in clean_records(pages, 1, options, model))


def _as_dict(row: Any) -> Any:
    """A Spark Row as a dict; anything else as it is (a bad row becomes an error record downstream)."""
    try:
        return row.asDict() if hasattr(row, "asDict") else row
    except Exception:
        return row


def clean_files(
    paths: Iterable[str | Path], globs: tuple[str, ...] = (), fields: ReadOptions = DEFAULT_READ, **options: Any
):
    """A Dask bag of result dicts, one partition per input file (listed here, read on the workers).

    ``options`` go to :func:`clean_partition` (model, input_format, keep, blocks, max_bytes).
    Example: ``clean_files(["crawl/"], globs=("*.warc.gz",)).map(json.dumps).to_textfiles("out/*.jsonl")``
    """
    bag = _dask_bag()
    files = list(expand(paths, globs, fields.exclude))
    if not files:
        return bag.from_sequence([], npartitions=1)
    return bag.from_sequence(files, npartitions=len(files)).map_partitions(_clean_file_partition, fields, options)


def clean_bag(pages, fields: ReadOptions = DEFAULT_READ, **options: Any):
    """Clean a Dask bag of pages (str, bytes or dicts), partition by partition: a bag of result dicts."""
    numbers = _dask_bag().from_sequence(range(pages.npartitions), npartitions=pages.npartitions)
    return _dask_bag().map_partitions(_clean_list, pages, numbers, fields, options)


def _clean_file_partition(files: Iterable[InputFile], fields: ReadOptions, options: dict) -> list[dict]:
    records = (record for found in files for record in _read_found(found, fields))
    return list(clean_partition(records, fields=fields, **options))


def _read_found(found: InputFile, fields: ReadOptions) -> Iterator[PageRecord]:
    source = display_path(found.path)
    if found.error:
        return iter([PageRecord(source, 0, None, relative=found.relative, error=found.error)])
    return guarded(read_file(Path(found.path), found.relative, fields), source, found.relative)


def _clean_list(pages: Iterable[Any], numbers: Iterable[int], fields: ReadOptions, options: dict) -> list[dict]:
    partition = next(iter(numbers), None)
    return list(clean_partition(pages, fields=fields, partition=partition, **options))


def _dask_bag():
    try:
        import dask.bag
    except ImportError:
        raise BatchError(NEEDS_DASK) from None
    return dask.bag
