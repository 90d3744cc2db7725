"""Align a labeled reference text (a dataset's gold, or the text of its annotated copy) to a page's blocks.

The reference is a list of segments, each a piece of text with a class (a ``Label``, or ``SUPPLEMENTAL`` for
L3S-GN1's class that is resolved later). Page and reference are both turned into word tokens; tokens are matched
in order by patience alignment (words that occur once in both ranges anchor the match, the longest increasing run
of anchors keeps the order, the gaps between anchors are aligned the same way, and small gaps without anchors by
difflib). A block then takes the class most of its matched tokens carry, when most of its tokens are matched.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

#: The class of L3S-GN1's "supplemental" text before it is resolved to caption or navigation.
SUPPLEMENTAL = "supplemental"
#: A run of matched tokens shorter than this (in a row in both texts) is taken for chance ("home", "share")
#: unless it is a whole block matched to a whole reference segment (a one-word subheading of the gold).
MIN_RUN = 3
#: A block takes a class from the reference when at least this share of its tokens is matched
#: (the brief's rule: "editorial when most of its tokens are found in the gold in order").
MIN_COVERAGE = 0.5
#: A block is reported ambiguous when its matched share or its winning class's share of matched tokens
#: falls between MIN_COVERAGE's neighbourhood bounds: under this share the decision could flip on a few words.
CLEAR_SHARE = 0.8
#: Lower bound of the ambiguous band of matched shares (below it a block is clearly not in the reference).
UNCLEAR_FLOOR = 0.2
#: Gaps without anchors are aligned with difflib when one side is at most this long (difflib's cost grows with the
#: product of the two lengths, and one short side keeps it small).
DIFFLIB_GAP = 400
#: A word that occurs once in the reference still anchors the alignment when the page repeats it this often.
RARE_REPEATS = 3

_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens after Unicode NFKC normalisation (so curly quotes or ligatures do not matter)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


@dataclass
class Reference:
    """Reference tokens, the class of each, and where each segment starts and ends (token indices)."""

    words: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    starts: set[int] = field(default_factory=set)
    ends: set[int] = field(default_factory=set)

    def add(self, text: str, cls: str) -> None:
        words = tokens(text)
        if not words:
            return
        self.starts.add(len(self.words))
        self.words.extend(words)
        self.classes.extend([cls] * len(words))
        self.ends.add(len(self.words) - 1)


@dataclass
class BlockMatch:
    """How one block aligned: its token count, matched token count and matched tokens per reference class."""

    size: int
    matched: int
    votes: Counter

    @property
    def coverage(self) -> float:
        return self.matched / self.size if self.size else 0.0

    def winner(self) -> str | None:
        """The reference class of this block, or None when too few of its tokens are in the reference."""
        if self.coverage < MIN_COVERAGE or not self.votes:
            return None
        return self.votes.most_common(1)[0][0]

    @property
    def ambiguous(self) -> bool:
        if UNCLEAR_FLOOR <= self.coverage < CLEAR_SHARE:
            return True
        if self.coverage >= MIN_COVERAGE and self.votes:
            return self.votes.most_common(1)[0][1] / self.matched < CLEAR_SHARE
        return False


@dataclass
class Alignment:
    """Per-block matches, and which reference tokens were matched to which block (-1: none)."""

    blocks: list[BlockMatch]
    reference_block: list[int]


def align(block_texts: list[str], reference: Reference) -> Alignment:
    """Match the blocks' tokens to the reference in order and count, per block, the classes matched."""
    page: list[str] = []
    owner: list[int] = []
    first: list[int] = []
    for index, text in enumerate(block_texts):
        words = tokens(text)
        first.append(len(page))
        page.extend(words)
        owner.extend([index] * len(words))
    first.append(len(page))
    matches = _keep_real_runs(match_tokens(page, reference.words), first, reference)
    blocks = [BlockMatch(size=first[i + 1] - first[i], matched=0, votes=Counter()) for i in range(len(block_texts))]
    reference_block = [-1] * len(reference.words)
    for i, j in enumerate(matches):
        if j >= 0:
            match = blocks[owner[i]]
            match.matched += 1
            match.votes[reference.classes[j]] += 1
            reference_block[j] = owner[i]
    return Alignment(blocks, reference_block)


def match_tokens(a: list[str], b: list[str]) -> list[int]:
    """For each token of ``a`` the index of its partner in ``b`` (-1: none); partners increase with the index."""
    result = [-1] * len(a)
    stack = [(0, len(a), 0, len(b))]
    while stack:
        a0, a1, b0, b1 = stack.pop()
        while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
            result[a0] = b0
            a0, b0 = a0 + 1, b0 + 1
        while a0 < a1 and b0 < b1 and a[a1 - 1] == b[b1 - 1]:
            a1, b1 = a1 - 1, b1 - 1
            result[a1] = b1
        if a0 >= a1 or b0 >= b1:
            continue
        anchors = _increasing(_unique_pairs(a, a0, a1, b, b0, b1)) or _increasing(_rare_pairs(a, a0, a1, b, b0, b1))
        if not anchors:
            if min(a1 - a0, b1 - b0) <= DIFFLIB_GAP:
                matcher = difflib.SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False)
                for i, j, size in matcher.get_matching_blocks():
                    for k in range(size):
                        result[a0 + i + k] = b0 + j + k
            continue
        previous_a, previous_b = a0, b0
        for i, j in anchors:
            result[i] = j
            stack.append((previous_a, i, previous_b, j))
            previous_a, previous_b = i + 1, j + 1
        stack.append((previous_a, a1, previous_b, b1))
    return result


def _unique_pairs(a: list[str], a0: int, a1: int, b: list[str], b0: int, b1: int) -> list[tuple[int, int]]:
    count_a = Counter(a[a0:a1])
    count_b = Counter(b[b0:b1])
    where_b = {b[j]: j for j in range(b0, b1) if count_b[b[j]] == 1 and count_a.get(b[j]) == 1}
    return [(i, where_b[a[i]]) for i in range(a0, a1) if a[i] in where_b]


def _rare_pairs(a: list[str], a0: int, a1: int, b: list[str], b0: int, b1: int) -> list[tuple[int, int]]:
    """Words once in ``b``'s range but repeated (up to RARE_REPEATS times) in ``a``'s: a page that shows its
    article twice (a print copy, a mobile copy) has no word that occurs once on both sides."""
    count_a = Counter(a[a0:a1])
    count_b = Counter(b[b0:b1])
    where_b = {b[j]: j for j in range(b0, b1) if count_b[b[j]] == 1 and 1 <= count_a.get(b[j], 0) <= RARE_REPEATS}
    return [(i, where_b[a[i]]) for i in range(a0, a1) if a[i] in where_b]


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of pairs whose second items increase (pairs come sorted by their first item)."""
    tails: list[int] = []
    tail_index: list[int] = []
    back = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
        back[index] = tail_index[k - 1] if k else -1
    out: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        out.append(pairs[index])
        index = back[index]
    return out[::-1]


def _keep_real_runs(matches: list[int], first: list[int], reference: Reference) -> list[int]:
    """Drop runs of matched tokens shorter than MIN_RUN, unless a whole block matches whole reference segments."""
    kept = list(matches)
    start = 0
    size = len(matches)
    while start < size:
        if matches[start] < 0:
            start += 1
            continue
        end = start + 1
        while end < size and matches[end] == matches[end - 1] + 1:
            end += 1
        if end - start < MIN_RUN and not _whole_block_and_segments(start, end, matches, first, reference):
            for k in range(start, end):
                kept[k] = -1
        start = end
    return kept


def _whole_block_and_segments(start: int, end: int, matches: list[int], first: list[int], reference: Reference) -> bool:
    k = bisect_left(first, start + 1) - 1  # the block holding token `start`
    whole_block = first[k] == start and first[k + 1] == end
    return whole_block and matches[start] in reference.starts and matches[end - 1] in reference.ends
