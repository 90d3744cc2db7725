"""Save and load a BlockModel as plain arrays (``model.npz``) and a JSON card (``model.json``).

Loading never runs code from the files (``allow_pickle=False``; the card is JSON) and checks both files
against the tables below first: a damaged, foreign, hostile or other-version model gives a one-line
ModelError naming the file and the field, never a crash later or silently wrong probabilities.
"""

from __future__ import annotations

import hashlib
import json
import math
import reprlib
import struct
import tokenize
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .errors import ModelError
from .features import LAYOUT_FEATURES, context_features
from .labels import Label
from .model import BlockModel

#: Bumped whenever the features or the arrays change meaning; a model of another version is refused.
FORMAT_VERSION = 2  # 2: the ends_call_to_action layout feature
ARRAYS = "model.npz"
CARD = "model.json"
#: Largest model.json read. The shipped card is 65,660 bytes, mostly its list of 400-odd training files
#: (~150 bytes each); a card listing 100,000 training files still fits.
MAX_CARD_BYTES = 16 * 2**20
#: Largest total of the uncompressed sizes model.npz's entries declare, checked before anything is
#: decompressed (a zip bomb is refused here). The shipped model declares 5,525,552 bytes (token_weights
#: 3.2 MB and vocabulary 2.2 MB at max_tokens=200000); ten times its tokens would need about 55 MB.
MAX_UNCOMPRESSED_BYTES = 256 * 2**20
#: Largest |value| of any array. The shipped model's largest is 16.2 (a token weight); a label missing from
#: training gets an intercept of -30. Under this cap (and MIN_SCALE) every logit stays far inside the
#: float64 range, so probabilities are always finite.
MAX_ABS_VALUE = 1e6
#: Smallest accepted value of a scale that features are divided by. Training replaces a zero spread by 1;
#: the shipped model's smallest scale is 0.016, but the probability features of a label absent from training
#: spread by ~1e-14. Below this, standardised features could overflow to infinity.
MIN_SCALE = 1e-30
#: Longest block, in characters, that a page could bring (a tebibyte of text: more than memory holds).
MAX_BLOCK_CHARS = 2**40
#: features.context_features sums e**x over a page's blocks, x a block's standardised log character count
#: (layout column 0). For a MAX_BLOCK_CHARS block x must stay under this, so that a sum over 2**40 such blocks
#: stays finite: e**600 * 2**40 < 1.8e308 = e**709.8. The shipped model's x reaches 19.8.
MAX_LENGTH_EXPONENT = 600
#: .npy header versions read: numpy.save writes 1.0, or 2.0 for a header over 64 KiB.
NPY_VERSIONS = ((1, 0), (2, 0))
#: Accepted dtypes per kind of array: save_model writes token_weights as float32 (the estimator halves the
#: file) and the other weights as float64, either byte order; the vocabulary is UTF-8 bytes.
DTYPES = {"float": ("float32", "float64"), "bytes": ("uint8",)}
#: Card fields the code reads or training writes, with their JSON type (``format``, ``format_version``
#: and ``labels`` are required; the others are checked when present). report.py shows ``trained`` in every
#: report, bench/peers.py counts ``training_files``, cli.py prints the training figures.
CARD_FIELDS: dict[str, type] = {
    **dict.fromkeys(("format", "trained", "arrays_sha256"), str),
    **dict.fromkeys(("format_version", "training_pages", "vocabulary_size"), int),
    **dict.fromkeys(("labels", "training_files"), list),
    **dict.fromkeys(("parameters", "training_blocks", "weights", "versions", "cross_validation"), dict),
    **dict.fromkeys(("heldout", "heldout_by_path"), dict),
}


class ArraySpec(NamedTuple):
    """One entry of model.npz: its kind of dtype (DTYPES) and one dimension name per axis. Axes of the same
    name have the same length: ``labels``, ``layout``, ``context`` and ``vocabulary`` are known before the
    arrays are read, ``hidden`` is taken from the first array that has it, ``stage2`` from _DERIVED."""

    name: str
    kind: str
    dims: tuple[str, ...]
    divisor: bool = False  # features are divided by it: every value at least MIN_SCALE


#: Every entry of model.npz, in the order save_model writes them (see BlockModel and model.predict_proba).
ARRAY_SPECS = (
    ArraySpec("token_weights", "float", ("vocabulary", "labels")),
    ArraySpec("layout_mean", "float", ("layout",)),
    ArraySpec("layout_scale", "float", ("layout",), divisor=True),
    ArraySpec("layout_weights", "float", ("layout", "labels")),
    ArraySpec("intercept", "float", ("labels",)),
    ArraySpec("context_mean", "float", ("context",)),
    ArraySpec("context_scale", "float", ("context",), divisor=True),
    ArraySpec("context_weights", "float", ("stage2", "labels")),
    ArraySpec("context_intercept", "float", ("labels",)),
    ArraySpec("hidden_weights", "float", ("context", "hidden")),
    ArraySpec("hidden_intercept", "float", ("hidden",)),
    ArraySpec("vocabulary", "bytes", ("bytes",)),  # the tokens in id order, UTF-8, joined by newlines
)
_SPECS = {spec.name: spec for spec in ARRAY_SPECS}
_ARRAY_FIELDS = tuple(spec.name for spec in ARRAY_SPECS if spec.name != "vocabulary")
#: Dimensions that follow from others: stage 2's output layer reads the hidden units, or without a hidden
#: layer (``hidden`` = 0) the context features themselves.
_DERIVED = {"stage2": lambda dims: dims["hidden"] if dims["hidden"][0] else dims["context"]}
#: What zipfile and numpy's .npy reader raise on damaged input (NotImplementedError and RecursionError are
#: RuntimeErrors; numpy parses a .npy header as a Python literal).
_READ_ERRORS = (OSError, EOFError, ValueError, TypeError, RuntimeError, SyntaxError, tokenize.TokenError)
_READ_ERRORS += (zipfile.BadZipFile, zlib.error, struct.error)
_brief = reprlib.repr  # a value quoted in a message, cut to about 30 characters


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
    card = _read_card(card_path)
    labels = tuple(Label(name) for name in card["labels"])
    arrays = _read_arrays(arrays_path)
    vocabulary = _vocabulary(arrays_path, arrays.pop("vocabulary"))
    _check_arrays(arrays_path, arrays, len(labels), len(vocabulary))
    return BlockModel(labels=labels, vocabulary=vocabulary, card=card, **arrays)


def _read_card(card_path: Path) -> dict:
    """The card as a dict whose fields have the types of CARD_FIELDS, of this format version."""
    try:
        if card_path.stat().st_size > MAX_CARD_BYTES:
            raise ModelError(f"{card_path}: model card over {MAX_CARD_BYTES} bytes")
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({_one_line(exc)})") from None
    if not isinstance(card, dict):
        raise ModelError(f"{card_path}: not a block-classifier model card (a JSON {type(card).__name__})")
    if card.get("format") != "block-classifier":
        raise ModelError(f"{card_path}: format: not a block-classifier model card ({_brief(card.get('format'))})")
    version = card.get("format_version")
    if version is not None and type(version) is not int:
        raise ModelError(f"{card_path}: format_version: {_brief(version)} is not an integer")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{card_path}: format_version: model format version {version} is not {FORMAT_VERSION}, "
            "the one this version of block-classifier reads; retrain it with `classifier train`"
        )
    for name, kind in CARD_FIELDS.items():
        value = card.get(name, kind())
        if not (type(value) is int if kind is int else isinstance(value, kind)):
            raise ModelError(f"{card_path}: {name}: {_brief(value)} is not of type {kind.__name__}")
    names = card.get("labels", [])
    known = [label.value for label in Label]
    if not names or len(set(map(str, names))) < len(names) or not all(name in known for name in names):
        raise ModelError(f"{card_path}: labels: {_brief(names)} is not a list of distinct names of {known}")
    if names[0] != Label.EDITORIAL.value:  # features.context_features reads column 0 as editorial
        raise ModelError(f"{card_path}: labels: the first label is {names[0]!r}, not 'editorial'")
    return card


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The entries of model.npz, after checking their declared sizes, names, dtypes and dimensions."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            declared = sum(entry.file_size for entry in entries)
            if declared > MAX_UNCOMPRESSED_BYTES:
                largest = max(entries, key=lambda entry: entry.file_size).filename
                raise ModelError(f"{path}: {largest}: {declared} bytes uncompressed, over {MAX_UNCOMPRESSED_BYTES}")
            names = [entry.filename for entry in entries]
            for name, count in Counter(names).items():
                if count > 1 or name.removesuffix(".npy") not in _SPECS or not name.endswith(".npy"):
                    raise ModelError(f"{path}: {_brief(name)}: {'duplicate' if count > 1 else 'unexpected'} entry")
            for spec in ARRAY_SPECS:
                if f"{spec.name}.npy" not in names:
                    raise ModelError(f"{path}: {spec.name}: missing entry")
            return {entry.filename[:-4]: _read_entry(path, archive, entry) for entry in entries}
    except _READ_ERRORS as exc:
        raise ModelError(f"{path}: unreadable: not a zip of arrays ({_one_line(exc)})") from None


def _read_entry(path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> np.ndarray:
    """One array, its .npy header checked against its spec and its entry's size before the data is read."""
    spec = _SPECS[entry.filename[:-4]]
    where = f"{path}: {spec.name}"
    try:
        with archive.open(entry) as file:
            version = np.lib.format.read_magic(file)
            if version not in NPY_VERSIONS:
                raise ModelError(f"{where}: unreadable .npy version {version}")
            read_header = getattr(np.lib.format, f"read_array_header_{version[0]}_0")
            shape, _, dtype = read_header(file)
            data_bytes = entry.file_size - file.tell()
        if dtype.hasobject:
            raise ModelError(f"{where}: unreadable array of Python objects (pickled data is never loaded)")
        if dtype.name not in DTYPES[spec.kind]:
            raise ModelError(f"{where}: dtype {dtype.name} is not one of {', '.join(DTYPES[spec.kind])}")
        if len(shape) != len(spec.dims):
            raise ModelError(f"{where}: {len(shape)} dimensions, not {len(spec.dims)} ({' x '.join(spec.dims)})")
        if math.prod(shape) * dtype.itemsize != data_bytes:
            raise ModelError(f"{where}: {data_bytes} bytes of data, not the {shape} {dtype.name} its header declares")
        with archive.open(entry) as file:
            return np.lib.format.read_array(file, allow_pickle=False)
    except _READ_ERRORS as exc:
        raise ModelError(f"{where}: unreadable entry ({_one_line(exc)})") from None


def _vocabulary(path: Path, raw: np.ndarray) -> dict[str, int]:
    """Token -> id from the vocabulary entry: distinct, non-empty UTF-8 tokens, one per line."""
    try:
        text = raw.tobytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path}: vocabulary: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    tokens = text.split("\n") if text else []
    vocabulary = {token: i for i, token in enumerate(tokens)}
    if len(vocabulary) < len(tokens):
        twice = next(token for token, count in Counter(tokens).items() if count > 1)
        raise ModelError(f"{path}: vocabulary: token {_brief(twice)} appears more than once")
    if "" in vocabulary:
        raise ModelError(f"{path}: vocabulary: holds an empty token (line {vocabulary[''] + 1})")
    return vocabulary


def _check_arrays(path: Path, arrays: dict[str, np.ndarray], n_labels: int, n_tokens: int) -> None:
    """Shapes that agree with each other, the labels and the vocabulary; finite values within MAX_ABS_VALUE;
    scales at least MIN_SCALE; a length feature that context_features can exponentiate."""
    one = np.zeros(1, dtype=np.int64)  # model.stage2_inputs: a block's context features, then its layout
    n_layout = len(LAYOUT_FEATURES)
    n_context = context_features(np.full((1, n_labels), 1 / n_labels), np.zeros(1), one, one).shape[1] + n_layout
    dims = {  # dimension -> its length, and where that comes from
        "labels": (n_labels, f"{n_labels} labels in {CARD}"),
        "layout": (n_layout, f"{n_layout} layout features"),
        "context": (n_context, f"{n_context} stage-2 inputs for {n_labels} labels"),
        "vocabulary": (n_tokens, f"{n_tokens} tokens in vocabulary"),
    }
    specs = [_SPECS[name] for name in _ARRAY_FIELDS]
    for spec in specs:  # the free dimensions take their length where they first appear
        for dim, length in zip(spec.dims, arrays[spec.name].shape):
            if dim not in _DERIVED and dim not in dims:
                dims[dim] = (length, f"{length} {dim} units in {spec.name}")
    dims.update({dim: rule(dims) for dim, rule in _DERIVED.items()})
    for spec in specs:
        array = arrays[spec.name]
        expected = [dims[dim] for dim in spec.dims]
        if array.shape != tuple(length for length, _ in expected):
            wrong = "; ".join(source for (length, source), n in zip(expected, array.shape) if length != n)
            raise ModelError(f"{path}: {spec.name}: shape {array.shape} does not match {wrong}")
        if not np.isfinite(array).all():
            raise ModelError(f"{path}: {spec.name}: holds NaN or infinity")
        if array.size and np.abs(array).max() > MAX_ABS_VALUE:
            raise ModelError(f"{path}: {spec.name}: holds {np.abs(array).max():g}, over the {MAX_ABS_VALUE:g} cap")
        if spec.divisor and array.size and array.min() < MIN_SCALE:
            raise ModelError(f"{path}: {spec.name}: holds scale {array.min():g}, and features are divided by it")
    mean, scale = arrays["layout_mean"][0], arrays["layout_scale"][0]
    if (math.log1p(MAX_BLOCK_CHARS) - mean) / scale > MAX_LENGTH_EXPONENT:
        raise ModelError(f"{path}: layout_scale: with layout_mean, {LAYOUT_FEATURES[0]} overflows exp() in context")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
