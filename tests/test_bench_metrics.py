"""The peer benchmark's scoring (bench/metrics.py, bench/scoring.py) on tiny strings written for these tests.

No extractor runs here: the benchmark itself is bench/peers.py, which prints figures instead of asserting them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import Dataset  # noqa: E402
from bench.metrics import (  # noqa: E402
    Average,
    Confusion,
    bag_of_words,
    collapse_space,
    mean_prf,
    shingle_counts,
    shingle_scores,
    shingles,
    snippet_confusion,
    snippet_share,
    words,
)
from bench.scoring import score  # noqa: E402

GOLD = "The ferry leaves the harbour at nine. Tickets cost four euros."


def test_words_are_lowercased_word_tokens():
    assert words("Ferry-Boat, 9 a.m.!") == ["ferry", "boat", "9", "a", "m"]
    assert words("Fähre ÜBER", lower=False) == ["Fähre", "ÜBER"]
    assert words(None) == []


def test_bag_of_words_identical_text_scores_one():
    assert bag_of_words(GOLD.upper(), GOLD).f1 == pytest.approx(1.0)


def test_bag_of_words_partial_overlap():
    score_ = bag_of_words("alpha beta gamma delta", "alpha beta epsilon zeta")
    assert (score_.precision, score_.recall, score_.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_bag_of_words_counts_repeated_words_once_per_gold_occurrence():
    score_ = bag_of_words("menu menu menu", "menu")
    assert (score_.precision, score_.recall) == pytest.approx((1 / 3, 1.0))


def test_bag_of_words_empty_output_scores_zero_and_empty_gold_needs_empty_output():
    assert bag_of_words("", GOLD).f1 == 0.0
    assert bag_of_words("  ...  ", GOLD).f1 == 0.0
    assert bag_of_words("", "").f1 == 1.0
    assert bag_of_words("some words", "").f1 == 0.0


def test_mean_prf_averages_page_f1_not_f1_of_means():
    pages = [bag_of_words("a b", "a b"), bag_of_words("a b c d", "a")]
    mean = mean_prf(pages)
    assert mean.precision == pytest.approx((1 + 0.25) / 2)
    assert mean.f1 == pytest.approx((1 + 0.4) / 2)
    assert mean_prf([]).f1 == 0.0


def test_shingles_are_word_4_grams_with_case_kept():
    assert shingles("one two three four five") == {
        ("one", "two", "three", "four"): 1,
        ("two", "three", "four", "five"): 1,
    }
    assert shingles("Two words") == {("Two", "words"): 1}
    assert shingles("") == {}
    assert ("The", "ferry", "leaves", "the") in shingles(GOLD)
    assert ("the", "ferry", "leaves", "the") not in shingles(GOLD)


def test_shingle_counts_are_normalised_per_page():
    perfect = shingle_counts(GOLD, GOLD)
    assert (perfect.tp, perfect.fp, perfect.fn) == pytest.approx((1.0, 0.0, 0.0))
    half = shingle_counts("one two three four five", "one two three four six")
    assert half.tp + half.fp + half.fn == pytest.approx(1.0)
    assert (half.tp, half.fp, half.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_shingle_scores_leave_an_empty_output_out_of_precision_only():
    pages = [shingle_counts(GOLD, GOLD), shingle_counts("", GOLD)]
    official = shingle_scores(pages)
    assert official.precision == pytest.approx(1.0)
    assert official.recall == pytest.approx(0.5)
    assert official.f1 == pytest.approx(2 / 3)
    # The bag-of-words figure scores the same empty page 0, so it is lower.
    assert mean_prf([bag_of_words(GOLD, GOLD), bag_of_words("", GOLD)]).f1 == pytest.approx(0.5)


def test_shingle_scores_skip_pages_without_gold_or_output():
    assert shingle_scores([shingle_counts("", ""), shingle_counts(GOLD, GOLD)]).f1 == pytest.approx(1.0)
    assert shingle_scores([]).f1 == 0.0


def test_snippet_confusion_collapses_whitespace_and_keeps_case():
    output = "The ferry leaves\nthe harbour at nine.\n\nSubscribe now"
    page = snippet_confusion(output, ["ferry leaves the harbour", "Tickets cost"], ["Subscribe now", "Cookie policy"])
    assert (page.tp, page.fn, page.fp, page.tn) == (1, 1, 1, 1)
    assert snippet_confusion(output, ["THE FERRY"], []).tp == 0
    assert collapse_space("  a \n\t b ") == "a b"


def test_confusion_scores_are_taken_from_summed_counts():
    total = Confusion()
    total.add(Confusion(tp=2, fp=1, fn=0, tn=3))
    total.add(Confusion(tp=1, fp=0, fn=1, tn=2))
    assert (total.tp, total.fp, total.fn, total.tn) == (3, 1, 1, 5)
    assert (total.precision, total.recall, total.f1, total.accuracy) == pytest.approx((0.75, 0.75, 0.75, 0.8))
    assert Confusion().f1 == 0.0


def test_snippet_share_is_case_insensitive_and_none_without_snippets():
    assert snippet_share("The Ferry leaves", ["the ferry", "tickets"]) == 0.5
    assert snippet_share("anything", []) is None
    average = Average()
    for value in (1.0, None, 0.0):
        average.add(value)
    assert average.mean == 0.5
    assert Average().mean is None


def test_score_per_protocol_counts_missing_outputs_as_empty():
    golds = {
        "a": {"gold": GOLD, "with": ["ferry leaves"], "without": ["Subscribe"]},
        "b": {"gold": "Short gold text here", "with": ["gold text"], "without": []},
    }
    outputs = {"a": GOLD + "\nSubscribe"}
    bow = score(Dataset("x", "x.jsonl.gz", "bow", "X"), golds, outputs)
    assert bow["empty"] == 1
    assert bow["r"] == pytest.approx(0.5)
    snippets = score(Dataset("x", "x.jsonl.gz", "snippets", "X"), golds, outputs)
    assert (snippets["tp"], snippets["fp"], snippets["fn"], snippets["tn"]) == (1, 1, 1, 0)
    sh = score(Dataset("x", "x.jsonl.gz", "scrapinghub", "X"), golds, outputs)
    assert sh["r"] == pytest.approx(0.5)
    assert sh["bow_f1"] < sh["f1"]
    wcxb = score(Dataset("x", "x.jsonl.gz", "wcxb", "X"), golds, outputs)
    assert (wcxb["with_found"], wcxb["without_found"]) == (0.5, 1.0)


def test_score_leaves_null_gold_out_of_word_f1():
    golds = {"a": {"gold": None, "with": [], "without": []}, "b": {"gold": GOLD, "with": [], "without": []}}
    result = score(Dataset("x", "x.jsonl.gz", "wcxb", "X"), golds, {"b": GOLD})
    assert result["f1"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown protocol"):
        score(Dataset("x", "x.jsonl.gz", "nope", "X"), golds, {})


def test_results_md_keeps_the_cross_dataset_section_across_rewrites():
    from bench.results_md import SECTION_END, SECTION_START, marked_section, with_section

    section = f"{SECTION_START}\n| left out | F1 |\n{SECTION_END}"
    first = with_section("# Results\n\npeer tables\n", section)
    assert first.startswith("# Results") and marked_section(first) == section
    newer = f"{SECTION_START}\n| left out | F1 |\n| dragnet | 0.9 |\n{SECTION_END}"
    second = with_section(first, newer)
    assert marked_section(second) == newer and second.count(SECTION_START) == 1 and "peer tables" in second
    assert marked_section("no markers here") == ""
