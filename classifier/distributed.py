"""Beyond one machine: the per-partition function for Dask bags and Spark's ``mapPartitions``.

:func:`clean_partition` cleans one partition of pages in the calling worker and yields one JSON-ready
dict per record (the records of ``classifier clean``'s JSON Lines output). The model is loaded once
per worker process and kept (:func:`worker_model`). With Dask (the optional extra ``dask``):

* :func:`clean_files` makes a bag with one partition per input file (JSON Lines, WARC or page files);
  the workers read the files themselves, so pages never travel through the client;
* :func:`clean_bag` cleans a bag of pages you already hold (str, bytes or dicts with ``html``/``text``).

The per-page time limit (``timeout``) needs SIGALRM on a process's main thread: Dask and Spark run
tasks on other threads, where it is not enforced. Pages over ``max_bytes`` are still refused.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import clean_many
from .inputs import DEFAULT_READ, ReadOptions, expand, read_file
from .labels import Label

if TYPE_CHECKING:
    from .model import BlockModel

_models: dict[str | None, BlockModel] = {}
_models_lock = threading.Lock()
#: How to install the Dask side.
NEEDS_DASK = "the Dask integration needs dask: pip install 'block-classifier[dask]'"


def worker_model(model: str | Path | None = None) -> BlockModel:
    """The model for ``model`` (a directory, or None: the shipped one), loaded once per process."""
    from .pipeline import load_model

    key = None if model is None else str(model)
    with _models_lock:
        if key not in _models:
            _models[key] = load_model(key)
        return _models[key]


def clean_partition(
    records: Iterable[Any],
    model: str | Path | None = None,
    input_format: str = "auto",
    keep: tuple[str, ...] = (Label.EDITORIAL.value,),
    blocks: bool = False,
    max_bytes: int | None = None,
    fields: ReadOptions = DEFAULT_READ,
) -> Iterator[dict]:
    """Clean one partition here, one dict per record, in order: ``{"id", "source", "index", "url", "text"}``
    or ``{..., "error"}``. Records are pages (str, bytes), dicts, Spark Rows or PageRecords.

    Example (Spark): ``rdd.mapPartitions(clean_partition)``
    """
    rows = (row.asDict() if hasattr(row, "asDict") else row for row in records)
    results = clean_many(
        rows,
        jobs=1,
        model=worker_model(model),
        input_format=input_format,
        keep=tuple(Label(name) for name in keep),
        blocks=blocks,
        max_bytes=fields.max_bytes if max_bytes is None else max_bytes,
        timeout=None,
        fields=fields,
    )
    return (result.to_dict() for result in results)


def clean_files(
    paths: Iterable[str | Path], globs: tuple[str, ...] = (), fields: ReadOptions = DEFAULT_READ, **options: Any
):
    """A Dask bag of result dicts, one partition per input file (listed here, read on the workers).

    ``options`` go to :func:`clean_partition` (model, input_format, keep, blocks, max_bytes).
    Example: ``clean_files(["crawl/"], globs=("*.warc.gz",)).map(json.dumps).to_textfiles("out/*.jsonl")``
    """
    bag = _dask_bag()
    files = [(str(path), relative) for path, relative in expand(paths, globs)]
    if not files:
        return bag.from_sequence([], npartitions=1)
    return bag.from_sequence(files, npartitions=len(files)).map_partitions(_clean_file_partition, fields, options)


def clean_bag(pages, fields: ReadOptions = DEFAULT_READ, **options: Any):
    """Clean a Dask bag of pages (str, bytes or dicts), partition by partition: a bag of result dicts."""
    return pages.map_partitions(_clean_list, fields, options)


def _clean_file_partition(files: Iterable[tuple[str, str]], fields: ReadOptions, options: dict) -> list[dict]:
    records = (record for path, relative in files for record in read_file(Path(path), relative, fields))
    return list(clean_partition(records, fields=fields, **options))


def _clean_list(pages: Iterable[str | bytes | Mapping], fields: ReadOptions, options: dict) -> list[dict]:
    return list(clean_partition(pages, fields=fields, **options))


def _dask_bag():
    try:
        import dask.bag
    except ImportError:
        from .errors import BatchError

        raise BatchError(NEEDS_DASK) from None
    return dask.bag
