"""classify() and clean(): decode -> segment -> features -> model -> export, in a few lines."""

from __future__ import annotations

import os
import threading
from importlib import resources
from pathlib import Path

from .blocks import Block
from .export import Extraction, editorial_text, kept_labels, thresholds_for
from .labels import Label
from .model import BlockModel
from .persist import ARRAYS, CARD
from .persist import load_model as _load_model_dir
from .segment import segment, to_text

#: Loaded models by directory, with the files' sizes and times: one per process, shared by single pages,
#: batches and Dask or Spark tasks; a model written again at the same path is loaded again.
_models: dict[tuple, BlockModel] = {}
_models_lock = threading.Lock()
#: Name of the model shipped inside the package (models/ in the source tree).
DEFAULT_MODEL = "default"


def default_model_path() -> Path:
    """Where the shipped default model lives: in the installed package, or models/ of a checkout."""
    packaged = resources.files("classifier") / "models" / DEFAULT_MODEL
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL


def load_model(path: str | Path | None = None) -> BlockModel:
    """A model directory (None: the shipped default model), loaded once per process and kept."""
    directory = default_model_path() if path is None else Path(path)
    key = _cache_key(directory)
    with _models_lock:
        if key is None or key not in _models:
            model = _load_model_dir(directory)  # raises ModelError for anything but a readable model
            key = _cache_key(directory)
            if key is not None:
                _models[key] = model
            return model
        return _models[key]


def _cache_key(directory: Path) -> tuple | None:
    """The model's real path with its files' sizes and modification times; None if they cannot be read."""
    try:
        folder = directory.parent if directory.is_file() else directory
        stats = [(folder / name).stat() for name in (ARRAYS, CARD)]
    except OSError:
        return None
    return (os.path.realpath(folder), *((s.st_size, s.st_mtime_ns) for s in stats))


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
    keep: tuple[Label, ...] = (),
    source: str = "<input>",
    favor: str = "balanced",
    output_format: str = "text",
) -> str:
    """The page's editorial text (plus any ``keep`` labels), one block per line, in page order.

    ``favor``: ``"balanced"`` keeps blocks whose most likely label is kept; ``"precision"`` and ``"recall"`` use
    the probability thresholds of export.FAVOR (fewer or more doubtful blocks). ``output_format``: ``"text"``,
    ``"markdown"`` (headings, lists, tables, quotes kept) or ``"json"`` (text, Markdown and the page's metadata).
    """
    if output_format != "text":
        return extract(content, input_format, model, keep, source, favor).render(output_format)
    return editorial_text(classify(content, input_format, model, source), keep, thresholds_for(favor))


def extract(
    content: str | bytes,
    input_format: str = "auto",
    model: BlockModel | None = None,
    keep: tuple[Label, ...] = (),
    source: str = "<input>",
    favor: str = "balanced",
    links: bool = False,
    url: str | None = None,
) -> Extraction:
    """The page cleaned, with everything: kept text, Markdown (``links``: with its links), metadata, blocks.

    Metadata comes from the page itself (``<title>``, ``<meta>``, OpenGraph, JSON-LD), never the network;
    ``url`` resolves a relative canonical link. A text dump has no metadata (every field null).
    """
    from .markdown import to_markdown
    from .metadata import Metadata, extract_metadata

    page = to_text(content, source)
    blocks = classify(page, input_format, model, source)
    labels, thresholds = kept_labels(keep), thresholds_for(favor)
    is_html = bool(blocks) and blocks[0].dom is not None
    metadata = extract_metadata(page, url) if is_html else Metadata()
    text = editorial_text(blocks, keep, thresholds)
    return Extraction(text, to_markdown(blocks, labels, links, thresholds), metadata.to_dict(), blocks)
