"""classify() and clean(): decode -> segment -> features -> model -> export, in a few lines."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

from .blocks import Block
from .export import editorial_text
from .labels import Label
from .model import BlockModel
from .persist import load_model as _load_model_dir
from .segment import segment

_default_model: BlockModel | None = None
_default_lock = threading.Lock()
#: Name of the model shipped inside the package (models/ in the source tree).
DEFAULT_MODEL = "default"


def default_model_path() -> Path:
    """Where the shipped default model lives: in the installed package, or models/ of a checkout."""
    packaged = resources.files("classifier") / "models" / DEFAULT_MODEL
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL


def load_model(path: str | Path | None = None) -> BlockModel:
    """Load a model directory, or (no path) the shipped default model, loaded once per process."""
    global _default_model
    if path is not None:
        return _load_model_dir(path)
    with _default_lock:
        if _default_model is None:
            _default_model = _load_model_dir(default_model_path())
        return _default_model


def classify(
    content: str | bytes, input_format: str = "auto", model: BlockModel | None = None, source: str = "<input>"
) -> list[Block]:
    """Split a page into blocks and label each one, with its probabilities."""
    blocks = segment(content, input_format, source)
    model = model or load_model()
    probabilities = model.predict_proba(blocks)
    for block, row in zip(blocks, probabilities):
        block.probabilities = dict(zip(model.labels, map(float, row)))
        block.label = model.labels[int(row.argmax())]
    return blocks


def clean(
    content: str | bytes,
    input_format: str = "auto",
    model: BlockModel | None = None,
    keep: tuple[Label, ...] = (Label.EDITORIAL,),
    source: str = "<input>",
) -> str:
    """The page's editorial text (plus any ``keep`` labels), one block per line, in page order."""
    return editorial_text(classify(content, input_format, model, source), keep)
