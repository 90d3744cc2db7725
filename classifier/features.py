"""[Block] -> features: symbolic tokens (words, punctuation, DOM context), layout numbers, page context.

Three kinds, used by the two stages of the model (see model.py):
- ``block_tokens``: sparse symbolic features of one block (word uni/bigrams, punctuation marks,
  tag path, class/id words). The model keeps a learned vocabulary of them.
- ``layout_features``: a dense matrix of numbers per block (length, shares of digits, capitals and
  punctuation, duplicates, position, blank lines around, link share, DOM flags).
- ``context_features``: for the second stage, first-stage probabilities of each block's neighbours,
  of the page before and after it, and of its sibling group.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from .blocks import Block

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
#: Words longer than this are cut: long tokens are URLs or hashes, whose tail carries nothing.
MAX_WORD_LENGTH = 20
#: DOM ancestors that decide a block's role on most sites; each is a flag in the layout features.
LANDMARK_TAGS = ("nav", "header", "footer", "aside", "figure", "figcaption", "li", "table", "form", "button", "a")
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
#: Neighbours on each side whose first-stage probabilities the second stage sees.
#: Three covers caption + duplicate + credit runs and a heading followed by two teasers.
CONTEXT_WINDOW = 3
#: Neighbours averaged on each side for the "recent run" features (a teaser run is usually 4-8 blocks).
RUN_WINDOW = 6
#: Sentence-ending characters, closing quotes included.
_TERMINAL = frozenset(".!?…:;\"”»'")

LAYOUT_FEATURES = (
    "log_chars",
    "log_words",
    "upper_share",
    "digit_share",
    "punct_share",
    "ends_terminal",
    "starts_upper",
    "titlecase_share",
    "mean_word_length",
    "duplicate_in_page",
    "same_as_previous",
    "same_as_next",
    "relative_position",
    "log_blocks_before",
    "log_blocks_after",
    "relative_length",
    "blank_before",
    "blank_after",
    "starts_bullet",
    "starts_lower",
    "is_html",
    "link_share",
    "is_heading",
    "dom_depth",
    *(f"in_{tag}" for tag in LANDMARK_TAGS),
)


def block_tokens(block: Block) -> list[str]:
    """The symbolic features of one block (unique, unordered)."""
    text = block.text
    words = [w[:MAX_WORD_LENGTH] for w in _WORD.findall(_DIGIT.sub("0", text.lower()))]
    tokens = set(words)
    tokens.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    if words:
        tokens.add(f"^{words[0]}")
        tokens.add(f"{words[-1]}$")
        if len(words) <= 3:
            tokens.add("=" + " ".join(words))
    tokens.update(f"p:{ch}" for ch in set(text) if not ch.isalnum() and not ch.isspace())
    dom = block.dom
    if dom is not None:
        tokens.add(f"t:{dom.tag}")
        if len(dom.path) > 1:
            tokens.add(f"pt:{dom.path[-2]}/{dom.tag}")
        tokens.update(f"a:{tag}" for tag in set(dom.path[:-1]))
        tokens.update(f"c:{word}" for word in dom.attributes)
    return list(tokens)


def layout_features(blocks: list[Block]) -> np.ndarray:
    """The dense layout features of every block of a page, one row per block."""
    n = len(blocks)
    out = np.zeros((n, len(LAYOUT_FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    texts = [b.text for b in blocks]
    counts = Counter(texts)
    longest = max(len(t) for t in texts) or 1
    for i, block in enumerate(blocks):
        out[i] = _block_layout(block, i, n, texts, counts, longest)
    if blocks[0].lines is not None:
        starts = np.array([b.lines[0] for b in blocks])
        ends = np.array([b.lines[1] for b in blocks])
        gap = starts[1:] - ends[:-1] > 1
        column = LAYOUT_FEATURES.index("blank_before")
        out[:, column] = np.concatenate(([True], gap))
        out[:, column + 1] = np.concatenate((gap, [True]))
    return out


def _block_layout(block: Block, i: int, n: int, texts: list[str], counts: Counter, longest: int) -> list[float]:
    text = block.text
    chars = len(text)
    words = text.split()
    letters = sum(ch.isalpha() for ch in text) or 1
    upper = sum(ch.isupper() for ch in text)
    digits = sum(ch.isdigit() for ch in text)
    punct = sum(not ch.isalnum() and not ch.isspace() for ch in text)
    title = sum(w[:1].isupper() for w in words)
    dom = block.dom
    row = [
        np.log1p(chars),
        np.log1p(len(words)),
        upper / letters,
        digits / max(1, chars),
        punct / max(1, chars),
        float(text[-1] in _TERMINAL),
        float(text[0].isupper()),
        title / max(1, len(words)),
        sum(len(w) for w in words) / max(1, len(words)),
        float(counts[text] > 1),
        float(i > 0 and texts[i - 1] == text),
        float(i + 1 < n and texts[i + 1] == text),
        i / max(1, n - 1),
        np.log1p(i),
        np.log1p(n - 1 - i),
        chars / longest,
        0.0,
        0.0,
        float(text[0] in "-•*–·>"),
        float(text[0].islower()),
        float(dom is not None),
        dom.link_share if dom is not None else 0.0,
        float(dom is not None and dom.tag in HEADING_TAGS),
        min(len(dom.path), 40) / 40 if dom is not None else 0.0,
    ]
    path = set(dom.path) if dom is not None else ()
    row.extend(float(tag in path) for tag in LANDMARK_TAGS)
    return row


def groups(blocks: list[Block]) -> np.ndarray:
    """A group id per block: siblings under one HTML parent, or a run of text lines without a blank line."""
    if not blocks:
        return np.zeros(0, dtype=np.int64)
    if blocks[0].dom is not None:
        keys = [b.dom.parent if b.dom is not None else -1 for b in blocks]
        _, ids = np.unique(np.array(keys), return_inverse=True)
        return ids.astype(np.int64)
    if blocks[0].lines is None:
        return np.arange(len(blocks), dtype=np.int64)
    starts = np.array([b.lines[0] for b in blocks])
    ends = np.array([b.lines[1] for b in blocks])
    new_run = np.concatenate(([True], starts[1:] - ends[:-1] > 1))
    return np.cumsum(new_run) - 1


def context_features(probs: np.ndarray, lengths: np.ndarray, group_ids: np.ndarray) -> np.ndarray:
    """Second-stage features of a page from its first-stage probabilities (n blocks x k labels).

    ``lengths`` are the blocks' log character counts; ``group_ids`` come from :func:`groups`.
    """
    n, k = probs.shape
    columns = [probs]
    for offset in range(1, CONTEXT_WINDOW + 1):
        columns.append(_shift(probs, offset))
        columns.append(_shift(probs, -offset))
    cumulative = np.vstack((np.zeros((1, k)), np.cumsum(probs, axis=0)))
    count_before = np.arange(n)[:, None]
    count_after = (n - 1 - np.arange(n))[:, None]
    columns.append((cumulative[:-1]) / np.maximum(count_before, 1))
    columns.append((cumulative[-1] - cumulative[1:]) / np.maximum(count_after, 1))
    run_before = cumulative[:-1] - cumulative[np.maximum(np.arange(n) - RUN_WINDOW, 0)]
    run_after = cumulative[np.minimum(np.arange(n) + 1 + RUN_WINDOW, n)] - cumulative[1:]
    columns.append(run_before / np.maximum(np.minimum(count_before, RUN_WINDOW), 1))
    columns.append(run_after / np.maximum(np.minimum(count_after, RUN_WINDOW), 1))
    group_sum = np.zeros((group_ids.max() + 1 if n else 0, k))
    np.add.at(group_sum, group_ids, probs)
    group_size = np.bincount(group_ids, minlength=len(group_sum))[:, None]
    columns.append(group_sum[group_ids] / group_size[group_ids])
    columns.append(np.log1p(group_size[group_ids]))
    # Where the story's text lies: the share of editorial-looking characters before each block.
    mass = probs[:, 0] * np.expm1(lengths)
    total = mass.sum() or 1.0
    before = (np.cumsum(mass) - mass) / total
    columns.append(np.column_stack((before, 1.0 - before - mass / total)))
    return np.hstack(columns)


def _shift(values: np.ndarray, offset: int) -> np.ndarray:
    """Row i of the result is row i - offset of ``values`` (zeros past the edges), plus an edge flag."""
    n, k = values.shape
    out = np.zeros((n, k + 1))
    if offset > 0:
        out[offset:, :k] = values[: n - offset]
        out[:offset, k] = 1.0
    else:
        out[: n + offset, :k] = values[-offset:]
        out[n + offset :, k] = 1.0
    return out
