"""Save and load a BlockModel as plain arrays (``model.npz``) and a JSON card (``model.json``).

Loading never runs code from the files: ``numpy.load(allow_pickle=False)`` reads only numeric
and byte arrays, and the card is JSON. A model written by another format version is refused.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from .errors import ModelError
from .labels import Label
from .model import BlockModel

#: Bumped whenever the features or the arrays change meaning; a model of another version is refused.
FORMAT_VERSION = 2  # 2: the ends_call_to_action layout feature
ARRAYS = "model.npz"
CARD = "model.json"
_ARRAY_FIELDS = (
    "token_weights",
    "layout_mean",
    "layout_scale",
    "layout_weights",
    "intercept",
    "context_mean",
    "context_scale",
    "context_weights",
    "context_intercept",
    "hidden_weights",
    "hidden_intercept",
)


def save_model(model: BlockModel, directory: str | Path, card: dict | None = None) -> Path:
    """Write ``model.npz`` and ``model.json`` into ``directory`` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tokens = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    arrays = {name: np.ascontiguousarray(getattr(model, name)) for name in _ARRAY_FIELDS}
    arrays["vocabulary"] = np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)
    path = directory / ARRAYS
    np.savez_compressed(path, **arrays)  # zip entries carry a fixed 1980 timestamp: same data, same bytes
    full_card = {
        "format": "block-classifier",
        "format_version": FORMAT_VERSION,
        "labels": [label.value for label in model.labels],
        **model.card,
        **(card or {}),
        "arrays_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    (directory / CARD).write_text(json.dumps(full_card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return directory


def load_model(path: str | Path) -> BlockModel:
    """Load a model directory written by :func:`save_model`, or raise ModelError saying what to do."""
    directory = Path(path)
    if directory.is_file() and directory.name in (ARRAYS, CARD):
        directory = directory.parent
    card_path, arrays_path = directory / CARD, directory / ARRAYS
    if not card_path.is_file() or not arrays_path.is_file():
        raise ModelError(f"{path}: not a model directory (expected {CARD} and {ARRAYS} in it)")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({exc})") from None
    if not isinstance(card, dict) or card.get("format") != "block-classifier":
        raise ModelError(f"{card_path}: not a block-classifier model card")
    if card.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model format version {card.get('format_version')} is not {FORMAT_VERSION}, "
            "the one this version of block-classifier reads; retrain it with `classifier train`"
        )
    try:
        with np.load(arrays_path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in (*_ARRAY_FIELDS, "vocabulary")}
        labels = tuple(Label(name) for name in card["labels"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{arrays_path}: unreadable or incomplete model arrays ({exc})") from None
    text = arrays.pop("vocabulary").tobytes().decode("utf-8")
    vocabulary = {token: i for i, token in enumerate(text.split("\n"))} if text else {}
    if arrays["token_weights"].shape != (len(vocabulary), len(labels)):
        raise ModelError(f"{arrays_path}: arrays do not match the vocabulary and labels of {card_path}")
    return BlockModel(labels=labels, vocabulary=vocabulary, card=card, **arrays)
