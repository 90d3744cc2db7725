"""Converters from the public web-page datasets (shared/data/) to our labeled training data.

``export(data, output)`` converts every training page of L3S-GN1, GoogleTrends-2017, CleanEval, Dragnet and WCXB
(never a held-out or evaluation-only page: ``records.HeldOutGuard``), adds weak sponsored examples (EasyList
matches, ConPro ads) and writes JSON Lines that ``classifier train`` reads. From the shell:

    python -m classifier.datasets export --data ../shared/data -o /tmp/classifier-datasets
"""

from .converters import CONVERTERS, ConvertedPage, convert_record
from .export import DEFAULT_OUTPUT, FileSummary, export
from .records import EVALUATION_ONLY, HeldOutGuard, read_records

__all__ = [
    "CONVERTERS",
    "DEFAULT_OUTPUT",
    "EVALUATION_ONLY",
    "ConvertedPage",
    "FileSummary",
    "HeldOutGuard",
    "convert_record",
    "export",
    "read_records",
]
