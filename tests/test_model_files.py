"""Hostile model directories (classifier/persist.py): every broken, foreign or oversized model.json or
model.npz gives a one-line ModelError naming the file and the field, never another exception, and a
model that loads classifies with finite probabilities."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import struct
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier import ModelError, classify, load_model, persist
from classifier.features import page_tokens
from classifier.persist import ARRAY_SPECS, CARD_FIELDS, save_model
from classifier.pipeline import default_model_path
from classifier.segment import segment

SHIPPED = default_model_path()
HTML_PAGE = (
    "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><h1>Harbour reopens</h1>"
    "<p>The harbour reopened on Monday after two weeks of repairs, the port authority said.</p>"
    "<figure><img src='x.jpg'><figcaption>Boats at the quay. Photo: A. B.</figcaption></figure>"
    "<aside class='promo'>Sponsored: find out more about our ferries. Learn more.</aside></body></html>"
)
TEXT_PAGE = "Harbour reopens\n\nThe harbour reopened on Monday after two weeks\nof repairs, the port said.\n\nMore news"
#: Tokens kept (besides those of the two pages) by the small copy of the shipped model the property test damages.
TINY_VOCABULARY = 300
DROP = object()  # a card field to delete


@pytest.fixture(scope="module")
def shipped_arrays() -> dict[str, np.ndarray]:
    with np.load(SHIPPED / "model.npz", allow_pickle=False) as data:
        return dict(data)


@pytest.fixture(scope="module")
def shipped_card() -> dict:
    return json.loads((SHIPPED / "model.json").read_text(encoding="utf-8"))


def write_model(directory: Path, arrays: dict, card: dict) -> Path:
    """A model directory holding ``arrays`` (np.savez: uncompressed, object arrays pickled) and ``card``."""
    directory.mkdir(parents=True, exist_ok=True)
    np.savez(directory / "model.npz", **arrays)
    (directory / "model.json").write_text(json.dumps(card), encoding="utf-8")
    return directory


def refused(directory: Path, file: str, *words: str) -> str:
    """Load ``directory``, expecting a one-line ModelError naming ``file`` and holding every one of ``words``."""
    with pytest.raises(ModelError) as info:
        load_model(directory)
    message = str(info.value)
    assert "\n" not in message and str(directory / file) in message, message
    assert all(word in message for word in words), message
    return message


def npy(array: np.ndarray | None = None, header: dict | None = None, version: int = 1) -> bytes:
    """The bytes of a .npy file: of ``array``, or of a bare ``header`` (with no data) marked as ``version``."""
    out = io.BytesIO()
    if array is not None:
        np.lib.format.write_array(out, array, allow_pickle=True)
        return out.getvalue()
    np.lib.format.write_array_header_1_0(out, header)
    data = out.getvalue()
    return data[:6] + bytes([version]) + data[7:]  # the major version byte follows the 6-byte magic


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name"
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def tokens_of(vocabulary: np.ndarray) -> list[str]:
    return vocabulary.tobytes().decode().split("\n")


def vocabulary_of(tokens: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(tokens).encode(), dtype=np.uint8)


def replaced(array: np.ndarray, index: int, value) -> np.ndarray:
    out = array.copy()
    out.flat[index] = value
    return out


def test_shipped_model_loads_and_round_trips_to_identical_arrays(tmp_path):
    model = load_model(SHIPPED)
    assert len(model.vocabulary) == len(model.token_weights) and model.token_weights.dtype == np.float32
    save_model(model, tmp_path / "a")
    again = load_model(tmp_path / "a")
    for spec in ARRAY_SPECS[:-1]:
        before, after = getattr(model, spec.name), getattr(again, spec.name)
        assert before.dtype == after.dtype and np.array_equal(before, after), spec.name
    assert again.vocabulary == model.vocabulary and again.labels == model.labels and again.card == model.card
    save_model(again, tmp_path / "b")
    for name in ("model.npz", "model.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    blocks = classify(HTML_PAGE, "auto", model)
    assert [b.probabilities for b in blocks] == [b.probabilities for b in classify(HTML_PAGE, "auto", again)]


def test_equivalent_encodings_still_load(tmp_path, shipped_arrays, shipped_card):
    """Uncompressed, float64, big-endian or Fortran-ordered arrays hold the same model."""
    arrays = dict(shipped_arrays)
    arrays["token_weights"] = arrays["token_weights"].astype(np.float64)
    arrays["layout_weights"] = arrays["layout_weights"].astype(">f8")
    arrays["hidden_weights"] = np.asfortranarray(arrays["hidden_weights"])
    model = load_model(write_model(tmp_path, arrays, shipped_card))
    blocks = segment(HTML_PAGE)
    assert np.allclose(model.predict_proba(blocks), load_model(SHIPPED).predict_proba(blocks))


CARD_CASES = {
    "format missing": ({"format": DROP}, "format", "not a block-classifier model card"),
    "format wrong": ({"format": "other-classifier"}, "format", "not a block-classifier model card"),
    "version a string": ({"format_version": "2"}, "format_version", "not an integer"),
    "version a float": ({"format_version": 2.0}, "format_version", "not an integer"),
    "version a bool": ({"format_version": True}, "format_version", "not an integer"),
    "version other": ({"format_version": 999}, "format_version", "retrain it with `classifier train`"),
    "version missing": ({"format_version": DROP}, "format_version", "retrain it with `classifier train`"),
    "labels missing": ({"labels": DROP}, "labels", "distinct names"),
    "labels a string": ({"labels": "editorial"}, "labels", "is not of type list"),
    "labels empty": ({"labels": []}, "labels", "distinct names"),
    "labels repeated": ({"labels": ["editorial", "editorial", "caption", "navigation"]}, "labels", "distinct"),
    "label unknown": ({"labels": ["editorial", "sponsored", "caption", "menu"]}, "labels", "distinct"),
    "labels numbers": ({"labels": [0, 1, 2, 3]}, "labels", "distinct"),
    "labels unhashable": ({"labels": ["editorial", {"a": 1}, [], "caption"]}, "labels", "distinct"),
    "editorial not first": ({"labels": ["sponsored", "editorial", "caption", "navigation"]}, "labels", "editorial"),
    **{
        f"{name}={wrong!r}": ({name: wrong}, name, "is not of type")
        for name, wrong in [
            ("trained", 20261127),
            ("training_files", "training_data/"),
            ("training_pages", "12"),
            ("training_pages", 12.5),
            ("training_pages", None),
            ("training_blocks", [1, 2]),
            ("vocabulary_size", "200000"),
            ("weights", 2.0),
            ("versions", "numpy 2"),
            ("parameters", None),
            ("cross_validation", "0.9"),
            ("heldout", []),
            ("heldout_by_path", "x"),
            ("arrays_sha256", 0),
        ]
    },
}


@pytest.mark.parametrize("case", list(CARD_CASES))
def test_card_field_of_the_wrong_kind_is_refused(case, tmp_path, shipped_card):
    changes, field, words = CARD_CASES[case]
    card = {**shipped_card, **changes}
    shutil.copy(SHIPPED / "model.npz", tmp_path / "model.npz")
    (tmp_path / "model.json").write_text(json.dumps({k: v for k, v in card.items() if v is not DROP}))
    refused(tmp_path, "model.json", f"{field}: ", words)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"{not json", "unreadable model card"),
        (b'{"format": "\xff"}', "unreadable model card"),
        (b"[" * 100_000 + b"]" * 100_000, "unreadable model card"),
        (b"", "unreadable model card"),
        (b"[1, 2]", "not a block-classifier model card (a JSON list)"),
        (b'"model"', "not a block-classifier model card (a JSON str)"),
    ],
    ids=["not JSON", "not UTF-8", "nested too deep", "empty", "a list", "a string"],
)
def test_card_that_is_not_a_json_object_is_refused(content, words, tmp_path):
    shutil.copy(SHIPPED / "model.npz", tmp_path / "model.npz")
    (tmp_path / "model.json").write_bytes(content)
    refused(tmp_path, "model.json", words)


def test_labels_the_arrays_do_not_have_are_refused(tmp_path, shipped_card):
    shutil.copy(SHIPPED / "model.npz", tmp_path / "model.npz")
    (tmp_path / "model.json").write_text(json.dumps({**shipped_card, "labels": ["editorial", "sponsored", "caption"]}))
    refused(tmp_path, "model.npz", "token_weights", "3 labels in model.json")


def test_oversized_card_is_refused(tmp_path, shipped_card, monkeypatch):
    monkeypatch.setattr(persist, "MAX_CARD_BYTES", 100_000)
    shutil.copy(SHIPPED / "model.npz", tmp_path / "model.npz")
    (tmp_path / "model.json").write_text(json.dumps({**shipped_card, "notes": "x" * 100_000}))
    refused(tmp_path, "model.json", "model card over 100000 bytes")


def declaring(size: int) -> bytes:
    """The shipped model.npz, its central directory declaring ``size`` bytes for token_weights.npy."""
    data = bytearray(SHIPPED.joinpath("model.npz").read_bytes())
    at = data.index(b"PK\x01\x02")  # token_weights.npy is the first entry of the central directory
    data[at + 24 : at + 28] = struct.pack("<I", size)  # its uncompressed size
    return bytes(data)


def corrupted(archive: bytes, name: str) -> bytes:
    """``archive`` with the last data byte of its stored entry ``name`` flipped (the CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as read:
        info = read.getinfo(name)
    data = bytearray(archive)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    data[info.header_offset + 30 + name_length + extra_length + info.compress_size - 1] ^= 0xFF
    return bytes(data)


@pytest.fixture(scope="module")
def archive_cases(shipped_arrays) -> dict[str, tuple[bytes, tuple[str, ...]]]:
    entries = [(f"{name}.npy", npy(array)) for name, array in shipped_arrays.items()]
    stored = dict(entries)
    intercept = stored["intercept.npy"]

    def changed(name: str, data: bytes) -> bytes:
        return zip_of([(entry, data if entry == name else old) for entry, old in entries])

    lying_header_fields = {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    lying_header = npy(header=lying_header_fields)
    return {
        "random bytes": (bytes(range(256)) * 4, ("not a zip",)),
        "empty": (b"", ("not a zip",)),
        "a plain .npy": (intercept, ("not a zip",)),
        "cut in half": (SHIPPED.joinpath("model.npz").read_bytes()[:1_000_000], ("not a zip",)),
        "declares 4 GB": (declaring(2**32 - 2), ("token_weights.npy", "bytes uncompressed")),
        "entry missing": (zip_of(entries[:-2] + entries[-1:]), ("hidden_intercept", "missing entry")),
        "entry extra": (zip_of([*entries, ("notes.npy", intercept)]), ("notes.npy", "unexpected entry")),
        "entry in a folder": (zip_of([*entries, ("a/intercept.npy", intercept)]), ("a/intercept.npy", "unexpected")),
        "entry not .npy": (zip_of([*entries, ("intercept", intercept)]), ("'intercept'", "unexpected")),
        "entry twice": (zip_of([*entries, ("intercept.npy", intercept)]), ("intercept.npy", "duplicate entry")),
        "header lies": (changed("intercept.npy", lying_header), ("intercept", "header declares")),
        "data cut short": (changed("intercept.npy", intercept[:-8]), ("intercept", "header declares")),
        "npy version 3": (
            changed("intercept.npy", npy(header=lying_header_fields, version=3)),
            ("intercept", ".npy version (3, 0)"),
        ),
        "not npy": (changed("intercept.npy", b"hello"), ("intercept", "unreadable entry")),
        "bad CRC": (corrupted(zip_of(entries), "intercept.npy"), ("intercept", "Bad CRC-32")),
    }


ARCHIVE_CASES = [
    "random bytes",
    "empty",
    "a plain .npy",
    "cut in half",
    "declares 4 GB",
    "entry missing",
    "entry extra",
    "entry in a folder",
    "entry not .npy",
    "entry twice",
    "header lies",
    "data cut short",
    "npy version 3",
    "not npy",
    "bad CRC",
]


@pytest.mark.parametrize("case", ARCHIVE_CASES)
def test_archive_that_is_not_a_zip_of_the_arrays_is_refused(case, archive_cases, tmp_path):
    data, words = archive_cases[case]
    (tmp_path / "model.npz").write_bytes(data)
    shutil.copy(SHIPPED / "model.json", tmp_path / "model.json")
    refused(tmp_path, "model.npz", *words)


def test_zip_bomb_is_refused_before_decompressing(tmp_path, monkeypatch):
    """Highly compressed zeros over the cap (lowered here to keep the test fast) are never inflated."""
    monkeypatch.setattr(persist, "MAX_UNCOMPRESSED_BYTES", 4 * 2**20)
    with (
        zipfile.ZipFile(tmp_path / "model.npz", "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("token_weights.npy", "w") as entry,
    ):
        entry.write(npy(header={"descr": "<f4", "fortran_order": False, "shape": (2**21, 4)}))
        for _ in range(32):
            entry.write(bytes(2**20))
    assert (tmp_path / "model.npz").stat().st_size < 100_000
    shutil.copy(SHIPPED / "model.json", tmp_path / "model.json")
    refused(tmp_path, "model.npz", "token_weights.npy", "bytes uncompressed", f"over {4 * 2**20}")
    assert 5_000_000 < sum(info.file_size for info in zipfile.ZipFile(SHIPPED / "model.npz").infolist()) < 2**24


ARRAY_CASES = {
    # dtypes: save_model writes float32 and float64 weights and a uint8 vocabulary
    "complex weights": ("token_weights", lambda a: a.astype(np.complex128), "dtype complex128"),
    "int weights": ("layout_mean", lambda a: a.astype(np.int64), "dtype int64"),
    "bool weights": ("intercept", lambda a: a > 0, "dtype bool"),
    "half floats": ("context_weights", lambda a: a.astype(np.float16), "dtype float16"),
    "strings": ("intercept", lambda a: a.astype("<U8"), "dtype str"),
    "byte strings": ("layout_scale", lambda a: a.astype("S8"), "dtype bytes"),
    "pickled objects": ("intercept", lambda a: a.astype(object), "pickled data is never loaded"),
    "structured": ("intercept", lambda a: np.zeros(4, dtype=[("x", "<f8")]), "dtype void"),
    "vocabulary of ints": ("vocabulary", lambda a: a.astype(np.int32), "dtype int32"),
    "vocabulary of floats": ("vocabulary", lambda a: a.astype(np.float64), "dtype float64"),
    # dimensions
    "scalar": ("context_intercept", lambda a: a[0], "0 dimensions"),
    "extra axis": ("layout_weights", lambda a: a[None], "3 dimensions"),
    "flattened": ("token_weights", lambda a: a.ravel(), "1 dimensions"),
    "vocabulary 2-d": ("vocabulary", lambda a: a.reshape(2, -1), "2 dimensions"),
    # shapes: against the vocabulary, the labels, the layout features and each other
    "fewer tokens": ("token_weights", lambda a: a[:-1], "200000 tokens in vocabulary"),
    "fewer label columns": ("token_weights", lambda a: a[:, :3], "4 labels in model.json"),
    "transposed": ("layout_weights", lambda a: a.T.copy(), "36 layout features; 4 labels"),
    "layout mean short": ("layout_mean", lambda a: a[:-1], "36 layout features"),
    "layout scale long": ("layout_scale", lambda a: np.append(a, 1.0), "36 layout features"),
    "intercept short": ("intercept", lambda a: a[:3], "4 labels"),
    "context mean short": ("context_mean", lambda a: a[:-1], "105 stage-2 inputs for 4 labels"),
    "context scale short": ("context_scale", lambda a: a[:-2], "105 stage-2 inputs"),
    "hidden rows": ("hidden_weights", lambda a: a[:-1], "105 stage-2 inputs"),
    "hidden columns": ("hidden_weights", lambda a: a[:, :-1], "159 hidden units in hidden_weights"),
    "hidden intercept short": ("hidden_intercept", lambda a: a[:-1], "160 hidden units in hidden_weights"),
    "output rows": ("context_weights", lambda a: a[:-1], "160 hidden units in hidden_weights"),
    "context intercept long": ("context_intercept", lambda a: np.append(a, 0.0), "4 labels"),
    # values
    "NaN token weight": ("token_weights", lambda a: replaced(a, 12345, np.nan), "NaN or infinity"),
    "inf mean": ("context_mean", lambda a: replaced(a, 3, np.inf), "NaN or infinity"),
    "-inf hidden weight": ("hidden_weights", lambda a: replaced(a, 99, -np.inf), "NaN or infinity"),
    "NaN scale": ("layout_scale", lambda a: replaced(a, 0, np.nan), "NaN or infinity"),
    "huge weight": ("layout_weights", lambda a: replaced(a, 0, 1e300), "over the 1e+06 cap"),
    "zero layout scale": ("layout_scale", lambda a: replaced(a, 5, 0.0), "divided by"),
    "zero context scale": ("context_scale", lambda a: replaced(a, 0, 0.0), "divided by"),
    "negative scale": ("context_scale", lambda a: replaced(a, 1, -1.0), "divided by"),
    "subnormal scale": ("layout_scale", lambda a: replaced(a, 1, 1e-320), "divided by"),
    "length scale tiny": ("layout_scale", lambda a: replaced(a, 0, 1e-25), "log_chars overflows exp()"),
    "length mean far below": ("layout_mean", lambda a: replaced(a, 0, -1e5), "layout_scale: with layout_mean"),
    # vocabulary
    "vocabulary not UTF-8": ("vocabulary", lambda a: replaced(a, 0, 0xFF), "not UTF-8"),
    "vocabulary cut in a character": ("vocabulary", lambda a: np.append(a, np.uint8(0xC3)), "not UTF-8"),
    "token twice": ("vocabulary", lambda a: vocabulary_of(tokens_of(a)[:-1] + tokens_of(a)[:1]), "more than once"),
    "empty token": ("vocabulary", lambda a: vocabulary_of(tokens_of(a)[:-1] + [""]), "empty token"),
    "one token more": ("vocabulary", lambda a: vocabulary_of([*tokens_of(a), "zzz"]), "200001 tokens"),
}


@pytest.mark.parametrize("case", list(ARRAY_CASES))
def test_array_of_the_wrong_kind_is_refused(case, tmp_path, shipped_arrays, shipped_card):
    name, change, words = ARRAY_CASES[case]
    arrays = {**shipped_arrays, name: change(shipped_arrays[name])}
    message = refused(write_model(tmp_path, arrays, shipped_card), "model.npz", words)
    assert name in message or (case == "one token more" and "token_weights" in message), message


# Property test: random damage to a small copy of the shipped model.

_names = st.sampled_from([spec.name for spec in ARRAY_SPECS])
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_label_names = ["editorial", "sponsored", "caption", "navigation", "junk", ""]
_values = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e300, -1e300, 1e-320, 1e-25, 1e6, -1e6, 10.0, 10]
_mutations = st.one_of(
    st.tuples(st.just("dtype"), _names, st.sampled_from(["f2", "f4", "f8", ">f8", "i1", "i8", "u1", "?", "c8"])),
    st.tuples(st.just("dtype"), _names, st.sampled_from(["U4", "S4", "O", "V8", "M8[s]"])),
    st.tuples(st.just("reshape"), _names, st.sampled_from(["ravel", "front", "back", "T", "scalar", "empty"])),
    st.tuples(st.just("set"), _names, st.floats(0, 1), st.sampled_from(_values)),
    st.tuples(st.just("set"), st.just("vocabulary"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("truncate"), _names, st.floats(0, 1), st.booleans()),
    st.tuples(st.just("drop"), _names),
    st.tuples(st.just("extra"), st.sampled_from(["extra", "intercept ", "Vocabulary"])),
    st.tuples(st.just("card"), st.sampled_from([*CARD_FIELDS, "notes"]), _json),
    st.tuples(st.just("card"), st.just("labels"), st.lists(st.sampled_from(_label_names), max_size=5)),
    st.tuples(st.just("card"), st.just("labels"), st.permutations(_label_names[:4])),
    st.tuples(st.just("uncard"), st.sampled_from(list(CARD_FIELDS))),
    st.tuples(st.just("file"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.floats(0, 1)),
    # a byte of the n-th zip entry header, central directory record or .npy header: the structure, not the data
    st.tuples(
        st.just("near"),
        st.sampled_from([b"PK\x03\x04", b"PK\x01\x02", b"\x93NUMPY"]),
        st.integers(0, 11),
        st.integers(0, 127),
        st.integers(0, 255),
    ),
)


@pytest.fixture(scope="module")
def tiny_model(shipped_arrays, shipped_card):
    """The shipped model with its first TINY_VOCABULARY tokens and those of the test pages: valid, and quick."""
    tokens = tokens_of(shipped_arrays["vocabulary"])
    on_pages = {t for page in (HTML_PAGE, TEXT_PAGE) for block in page_tokens(segment(page)) for t in block}
    kept = sorted({*range(TINY_VOCABULARY), *(i for i, token in enumerate(tokens) if token in on_pages)})
    assert len(kept) > TINY_VOCABULARY + 20  # the pages' tokens score
    arrays = dict(shipped_arrays)
    arrays["vocabulary"] = vocabulary_of([tokens[i] for i in kept])
    arrays["token_weights"] = arrays["token_weights"][kept]
    return TinyModel(arrays, shipped_card)


class TinyModel(NamedTuple):
    arrays: dict[str, np.ndarray]
    card: dict

    def __repr__(self) -> str:  # hypothesis shows it with each failing example
        return f"<shipped model cut to {len(self.arrays['token_weights'])} tokens>"


def damage(arrays: dict, card: dict, file: list, mutation: tuple) -> None:
    """Apply one mutation to ``arrays`` or ``card``; add those of the written file's bytes to ``file``."""
    kind, *args = mutation
    if kind in ("file", "cut", "near"):
        file.append(mutation)
    elif kind == "card":
        card[args[0]] = args[1]
    elif kind == "uncard":
        card.pop(args[0], None)
    elif kind == "extra":
        arrays[args[0]] = np.zeros(3)
    elif args[0] not in arrays:
        return
    elif kind == "drop":
        del arrays[args[0]]
    else:
        with contextlib.suppress(TypeError, ValueError, OverflowError, RuntimeError):  # changes numpy cannot make
            arrays[args[0]] = _changed(arrays[args[0]], kind, *args[1:])


def _changed(array: np.ndarray, kind: str, *args) -> np.ndarray:
    if kind == "dtype":
        return array.astype(args[0])
    if kind == "reshape":
        shapes = {"ravel": array.ravel, "front": lambda: array[None], "back": lambda: array[..., None]}
        shapes.update(T=lambda: array.T, scalar=lambda: array.flat[0], empty=lambda: array[:0])
        return np.asarray(shapes[args[0]]())
    if kind == "set":
        return replaced(array, int(args[0] * (array.size - 1)), args[1]) if array.size else array
    length = int(args[0] * array.shape[-1 if args[1] else 0]) if array.ndim else 0
    return (array[..., :length] if args[1] else array[:length]) if array.ndim else array


@settings(max_examples=150, deadline=None)
@given(mutations=st.lists(_mutations, min_size=1, max_size=3))
def test_any_damage_gives_model_error_or_a_working_model(tiny_model, mutations):
    arrays, card, file = dict(tiny_model.arrays), json.loads(json.dumps(tiny_model.card)), []
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as folder:
        warnings.simplefilter("ignore")  # NaN cast to int, and the like
        for mutation in mutations:
            damage(arrays, card, file, mutation)
        directory = write_model(Path(folder), arrays, card)
        data = bytearray((directory / "model.npz").read_bytes())
        for kind, where, *rest in file:
            if kind == "near":
                starts = [found.start() for found in re.finditer(re.escape(where), data)]
                at = starts[rest[0] % len(starts)] + rest[1] if starts else len(data)
                data[at : at + 1] = bytes([rest[2]]) if at < len(data) else b""
            elif kind == "file" and data:
                data[int(where * (len(data) - 1))] = rest[0]
            elif kind == "cut":
                data = data[: int(where * len(data))]
        (directory / "model.npz").write_bytes(bytes(data))
        try:
            model = load_model(directory)
        except ModelError as exc:
            assert "\n" not in str(exc) and str(directory) in str(exc)
            return
    for page in (HTML_PAGE, TEXT_PAGE):
        blocks = classify(page, "auto", model)
        probabilities = np.array([[block.probabilities[label] for label in model.labels] for block in blocks])
        assert len(blocks) > 2 and np.isfinite(probabilities).all()
        assert np.allclose(probabilities.sum(axis=1), 1.0)
