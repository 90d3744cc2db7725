"""The quality gate: the shipped model on pages it never trained on, and on the seed page."""

from __future__ import annotations

import json

import pytest
from conftest import SHARED, TRAINING_DATA, needs_shared

from classifier import Label, classify, clean, load_model
from classifier.training import evaluate, load_labeled

#: Per-label F1 floors of the shipped model on training_data/heldout/ (written independently of the
#: training pages; the default model never trains on them). Each floor sits a little under the figure
#: measured when the model was last retrained (see models/default/model.json, "heldout"): raise a floor
#: when the model improves, never lower one without saying why in the commit.
F1_FLOORS = {
    Label.EDITORIAL: 0.93,  # measured 0.943
    Label.SPONSORED: 0.89,  # measured 0.894
    Label.CAPTION: 0.95,  # measured 0.963
    # measured 0.938. Was 0.94 (0.956) when the model trained on written pages only; since it also trains on
    # real pages (validation macro-F1 0.33 -> 0.79, ScrapingHub 0.77 -> 0.93), it calls a few more written
    # teaser links editorial or sponsored.
    Label.NAVIGATION: 0.93,
}
MACRO_F1_FLOOR = 0.93  # measured 0.934


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
    Label.EDITORIAL: 0.79,  # measured 0.803
    Label.SPONSORED: 0.79,  # measured 0.807
    Label.CAPTION: 0.58,  # measured 0.605 (97 caption blocks)
    Label.NAVIGATION: 0.92,  # measured 0.934
}
REAL_MACRO_F1_FLOOR = 0.77  # measured 0.787
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


@needs_shared()
@pytest.mark.parametrize("label", list(REAL_F1_FLOORS))
def test_real_pages_f1_floor(real_report, label):
    f1 = real_report["labels"][label.value]["f1"]
    assert f1 >= REAL_F1_FLOORS[label], f"{label.value} F1 {f1:.3f} fell below its floor {REAL_F1_FLOORS[label]}"


@needs_shared()
def test_real_pages_macro_f1_floor(real_report):
    assert real_report["macro_f1"] >= REAL_MACRO_F1_FLOOR
