"""Scoring functions of the peer benchmark (bench/peers.py): pure functions on strings, no extractor imports.

Each protocol follows the benchmark that defines it (re-implemented here from its description, not copied):

- ScrapingHub article-extraction-benchmark: word 4-gram shingles; per page the true-positive, false-positive and
  false-negative shingle counts are normalised to sum to 1; precision is averaged over the pages with any predicted
  shingle, recall over the pages with any gold shingle, and F1 is taken of the two averages.
- trafilatura's evaluation: a ``with`` snippet found in the output is a true positive, else a false negative; a
  ``without`` snippet found is a false positive, else a true negative; matching is a substring test after collapsing
  whitespace; the counts are summed over all pages before precision, recall, accuracy and F-score are taken.
- WCXB: per page bag-of-words precision, recall and F1 over lowercased ``\\w+`` tokens, averaged over pages; the
  share of ``with`` / ``without`` snippets found (case-insensitive substring) per page, averaged over pages.
- The bag-of-words F1 used for every dataset with gold text is the WCXB one: an empty output against a non-empty
  gold scores 0, and an output against an empty gold scores 1 only when the output is empty too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
#: Shingle length of the ScrapingHub benchmark (its evaluate.py: ``ngram_n=4``).
SHINGLE_WORDS = 4


def words(text: str | None, lower: bool = True) -> list[str]:
    """The ``\\w+`` tokens of a text (lowercased unless ``lower`` is False); None counts as empty."""
    text = text or ""
    return _WORD.findall(text.lower() if lower else text)


# --- bag of words (WCXB's word F1, also used for L3S-GN1, GoogleTrends, CleanEval, Readability, ScrapingHub) ---


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one page or of an average over pages."""

    precision: float
    recall: float
    f1: float


def bag_of_words(predicted: str | None, gold: str | None) -> PRF:
    """Bag-of-words precision / recall / F1 of one page; an empty output against a non-empty gold scores 0."""
    p, g = Counter(words(predicted)), Counter(words(gold))
    if not g:
        return PRF(1.0, 1.0, 1.0) if not p else PRF(0.0, 0.0, 0.0)
    if not p:
        return PRF(0.0, 0.0, 0.0)
    overlap = sum((p & g).values())
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return PRF(precision, recall, f1)


def mean_prf(scores: Iterable[PRF]) -> PRF:
    """Page-averaged precision, recall and F1 (the mean of the pages' F1, not the F1 of the means)."""
    scores = list(scores)
    if not scores:
        return PRF(0.0, 0.0, 0.0)
    n = len(scores)
    return PRF(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n)


# --- ScrapingHub: word 4-gram shingles ---


def shingles(text: str | None, n: int = SHINGLE_WORDS) -> Counter:
    """Counts of the text's word n-grams (case kept); a text shorter than n words is one shorter shingle."""
    tokens = words(text, lower=False)
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class ShingleCounts:
    """One page's shingle true positives, false positives and false negatives, normalised to sum to 1."""

    tp: float
    fp: float
    fn: float


def shingle_counts(predicted: str | None, gold: str | None) -> ShingleCounts:
    """Shingle matching of one page, as in the ScrapingHub benchmark (so long pages do not weigh more)."""
    p, g = shingles(predicted), shingles(gold)
    tp = sum((p & g).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    if not total:
        return ShingleCounts(0.0, 0.0, 0.0)
    return ShingleCounts(tp / total, fp / total, fn / total)


def _page_precision(c: ShingleCounts) -> float:
    return 1.0 if c.fp == c.fn == 0 else (c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0)


def _page_recall(c: ShingleCounts) -> float:
    return 1.0 if c.fp == c.fn == 0 else (c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0)


def shingle_scores(pages: Iterable[ShingleCounts]) -> PRF:
    """The ScrapingHub figures: precision averaged over pages with output, recall over pages with gold, F1 of both.

    A page with an empty output is left out of the precision average (the official protocol), which is why the
    benchmark also reports the bag-of-words F1 that scores it 0 and the number of empty outputs.
    """
    pages = list(pages)
    precisions = [_page_precision(c) for c in pages if c.tp + c.fp > 0]
    recalls = [_page_recall(c) for c in pages if c.tp + c.fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


# --- trafilatura: with / without snippets, counts summed over pages ---


def collapse_space(text: str | None) -> str:
    """Runs of whitespace as one space, trimmed: line breaks between blocks do not hide a snippet."""
    return _SPACE.sub(" ", text or "").strip()


@dataclass
class Confusion:
    """Snippet counts summed over pages (trafilatura's protocol), with its four scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, other: Confusion) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def snippet_confusion(output: str | None, with_: Iterable[str], without: Iterable[str]) -> Confusion:
    """One page under trafilatura's protocol: which ``with`` / ``without`` snippets the output contains."""
    text = collapse_space(output)
    with_, without = [collapse_space(s) for s in with_], [collapse_space(s) for s in without]
    found_with = sum(1 for s in with_ if s in text)
    found_without = sum(1 for s in without if s in text)
    return Confusion(found_with, found_without, len(with_) - found_with, len(without) - found_without)


# --- WCXB: share of snippets found per page ---


def snippet_share(output: str | None, snippets: list[str]) -> float | None:
    """Share of snippets the output contains, case-insensitively (WCXB); None when the page has no snippets."""
    if not snippets:
        return None
    text = (output or "").lower()
    return sum(1 for s in snippets if s.lower() in text) / len(snippets)


@dataclass
class Average:
    """A running mean that ignores None (a page without snippets of that kind)."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None
