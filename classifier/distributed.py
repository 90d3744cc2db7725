"""Kept for code written against earlier versions: the Dask and Spark helpers live in classifier.batch.distributed."""

from .batch.distributed import NEEDS_DASK, clean_bag, clean_files, clean_partition

__all__ = ["NEEDS_DASK", "clean_bag", "clean_files", "clean_partition"]
