"""Typed errors. Each message names the input and says what is wrong."""

from __future__ import annotations


class ClassifierError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ClassifierError):
    """A page that cannot be read: empty, binary, undecodable or unparsable."""


class ModelError(ClassifierError):
    """A model file that is missing, unreadable, foreign or from an incompatible version."""


class DataFormatError(ClassifierError):
    """Labeled training data that does not follow training_data/README.md."""


class OutputError(ClassifierError):
    """An output file or folder that cannot be written."""


class PageLimitError(InputError):
    """A page over a batch limit: too many bytes, or too long to clean (``--max-bytes``, ``--timeout``)."""


class BatchError(ClassifierError):
    """A batch job that cannot start or go on: an unusable output, a journal that cannot be resumed."""


class HeldOutError(ClassifierError):
    """A held-out test page or an evaluation-only dataset reached the training-data converters."""
