"""block-classifier: label every block of a scraped page and keep the editorial text.

>>> from classifier import clean
>>> text = clean(open("page.html", "rb").read())  # doctest: +SKIP
"""

from .batch import PageResult, clean_many
from .blocks import Block
from .errors import ClassifierError, DataFormatError, InputError, ModelError
from .export import Extraction
from .labels import Label
from .pipeline import classify, clean, extract, load_model
from .segment import segment

__version__ = "0.1.0"

__all__ = [
    "Block",
    "ClassifierError",
    "DataFormatError",
    "Extraction",
    "InputError",
    "Label",
    "ModelError",
    "PageResult",
    "__version__",
    "classify",
    "clean",
    "clean_many",
    "extract",
    "load_model",
    "segment",
]
