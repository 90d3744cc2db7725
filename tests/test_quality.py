"""The quality gate: the shipped model on pages it never trained on, and on the seed page."""

from __future__ import annotations

import json

import pytest
from conftest import SHARED, TRAINING_DATA, needs_shared

from classifier import Label, classify, clean, load_model
from classifier.labeled import load_labeled
from classifier.training import evaluate

#: Per-label F1 floors of the shipped model on training_data/heldout/ (written independently of the
#: training pages; the default model never trains on them). Each floor sits a little under the figure
#: measured when the model was last retrained (models/default/model.json, "heldout_by_path"): raise a floor
#: when the model improves, never lower one without saying why in the commit.
#: Floors lowered once, on purpose, when the default model began to train on real pages too (issue 3): real-page
#: figures rose (validation macro-F1 0.33 -> 0.78, ScrapingHub F1 0.77 -> 0.93) and written-page figures fell a
#: little (sponsored 0.908 -> 0.882, navigation 0.956 -> 0.943, macro 0.945 -> 0.930).
F1_FLOORS = {
    Label.EDITORIAL: 0.93,  # measured 0.935
    Label.SPONSORED: 0.87,  # measured 0.882 (was floor 0.89)
    Label.CAPTION: 0.95,  # measured 0.961
    Label.NAVIGATION: 0.93,  # measured 0.943 (was floor 0.94)
}
MACRO_F1_FLOOR = 0.92  # measured 0.930 (was floor 0.93)


@pytest.fixture(scope="module")
def heldout_report():
    return evaluate(load_model(), load_labeled([TRAINING_DATA / "heldout"]))


@pytest.mark.parametrize("label", list(F1_FLOORS))
def test_heldout_f1_floor(heldout_report, label):
    f1 = heldout_report["labels"][label.value]["f1"]
    assert f1 >= F1_FLOORS[label], f"{label.value} F1 {f1:.3f} fell below its floor {F1_FLOORS[label]}"


def test_heldout_macro_f1_floor(heldout_report):
    assert heldout_report["macro_f1"] >= MACRO_F1_FLOOR


@needs_shared()
def test_seed_page_is_cleaned_exactly():
    raw = (SHARED / "seed" / "gzero-ukraine.txt").read_bytes()
    gold = json.loads((SHARED / "seed" / "gzero-ukraine.labels.json").read_text(encoding="utf-8"))["lines"]
    expected = [line["text"] for line in gold if line["label"] == Label.EDITORIAL.value]
    assert len(expected) == 5
    assert clean(raw).splitlines() == expected


@needs_shared()
def test_seed_page_removes_every_sponsored_and_caption_line():
    raw = (SHARED / "seed" / "gzero-ukraine.txt").read_text(encoding="utf-8")
    gold = json.loads((SHARED / "seed" / "gzero-ukraine.labels.json").read_text(encoding="utf-8"))["lines"]
    blocks = classify(raw)
    assert [b.text for b in blocks] == [line["text"] for line in gold]
    for block, line in zip(blocks, gold):
        if line["label"] in (Label.SPONSORED.value, Label.CAPTION.value):
            assert block.label is not Label.EDITORIAL, block.text
        if line["label"] == Label.CAPTION.value:
            assert block.label is Label.CAPTION, block.text


@pytest.mark.parametrize("paragraphs", [1, 2, 3])
def test_short_pages_are_classified(paragraphs):
    page = "".join(f"<p>Paragraph number {i} of a very short page.</p>" for i in range(paragraphs))
    blocks = classify(page, input_format="html")
    assert len(blocks) == paragraphs and all(b.label in Label for b in blocks)
    lines = classify("\n".join(f"Line {i} of a short dump." for i in range(paragraphs)), input_format="text")
    assert [b.lines for b in lines] == [(i, i) for i in range(1, paragraphs + 1)]


# --- real pages ------------------------------------------------------------------------------------------------------

#: Per-label F1 floors of the shipped model on real pages it never trained on: the dev splits of L3S-GN1,
#: GoogleTrends-2017 and CleanEval, converted by classifier.datasets as `export` does (weak sponsored labels and
#: inserted ConPro ads included), HTML pages and their text dumps together. Same rule as above: each floor sits a
#: little under the figure this test measured at the last retraining; raise, never lower.
REAL_F1_FLOORS = {
    Label.EDITORIAL: 0.79,  # measured 0.801
    Label.SPONSORED: 0.78,  # measured 0.794
    Label.CAPTION: 0.58,  # measured 0.599 (97 caption blocks)
    Label.NAVIGATION: 0.92,  # measured 0.930
}
REAL_MACRO_F1_FLOOR = 0.77  # measured 0.781
#: The dev files of the gate: the three datasets whose dev split is never trained on (WCXB's validation slice is
#: measured by bench/peers.py; converting it here would add a minute to every CI run).
REAL_DEV_DATASETS = ("l3s-gn1", "googletrends-2017", "cleaneval")


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    from classifier.datasets import export

    data = SHARED / "data"
    out = tmp_path_factory.mktemp("dev-pages")
    summaries = export(data, out, splits=("dev",), datasets=REAL_DEV_DATASETS, jobs=2)
    assert sum(s.pages_exported for s in summaries) > 150  # 164 dev pages, a few fail to align
    return evaluate(load_model(), load_labeled([out / "validation"]))


@needs_shared("data", "the public datasets")
@pytest.mark.parametrize("label", list(REAL_F1_FLOORS))
def test_real_pages_f1_floor(real_report, label):
    f1 = real_report["labels"][label.value]["f1"]
    assert f1 >= REAL_F1_FLOORS[label], f"{label.value} F1 {f1:.3f} fell below its floor {REAL_F1_FLOORS[label]}"


@needs_shared("data", "the public datasets")
def test_real_pages_macro_f1_floor(real_report):
    assert real_report["macro_f1"] >= REAL_MACRO_F1_FLOOR
