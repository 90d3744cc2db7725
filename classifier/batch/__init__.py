"""The batch wing: many pages in, one record out per page, nothing lost.

``records`` (what flows: PageRecord in, PageResult out, the one size check) <- ``inputs`` and ``warc``
(files and folders to records) <- ``many`` (clean_many over ``pool`` workers) <- ``run`` (the CLI's
batch: inputs -> many -> ``journal`` outputs, with ``progress``); ``distributed`` runs ``many`` inside
Dask or Spark tasks. The pipeline (segment, features, model, export) never imports this package.
"""

from .many import DEFAULT_TIMEOUT, CleanOptions, clean_many
from .records import DEFAULT_MAX_BYTES, PageRecord, PageResult, ReadOptions
from .run import BatchOptions, Output, run_batch

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "BatchOptions",
    "CleanOptions",
    "Output",
    "PageRecord",
    "PageResult",
    "ReadOptions",
    "clean_many",
    "run_batch",
]
