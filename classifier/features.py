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

#: A word token; longer runs of word characters (URLs, hashes) are cut into pieces of this many.
MAX_WORD_LENGTH = 20
_WORD = re.compile(rf"\w{{1,{MAX_WORD_LENGTH}}}")
_DIGIT = re.compile(r"\d")
_MARK = re.compile(r"[^\w\s]")
#: DOM ancestors that decide a block's role on most sites; each is a flag in the layout features.
LANDMARK_TAGS = ("nav", "header", "footer", "aside", "figure", "figcaption", "li", "table", "form", "button", "a")
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
#: A block of at most this many words passes its words on to the next block's tokens: run headers such as
#: "More from The Daily", "Sponsored content" or "Das könnte Sie auch interessieren" are this short.
HEADER_WORDS = 6
#: Neighbours on each side whose first-stage probabilities the second stage sees.
#: Three covers caption + duplicate + credit runs and a heading followed by two teasers.
CONTEXT_WINDOW = 3
#: Neighbours averaged on each side for the "recent run" features (a teaser run is usually 4-8 blocks).
RUN_WINDOW = 6
#: A text dump whose longest line is at most this long is taken to be hard-wrapped (wrapping tools
#: and mail clients wrap at 60-80 characters; unwrapped dumps have paragraphs of hundreds).
MAX_WRAP_WIDTH = 100
#: In a hard-wrapped dump, a line at least this share of the wrap width long is continued by the next
#: line (a wrapped paragraph's last line is the only short one).
WRAPPED_LINE_SHARE = 0.7
#: Sentence-ending characters, closing quotes included.
_TERMINAL = frozenset(".!?…:;\"”»'")
#: The closing call to action of brand copy (LABELS.md, sponsored: "brand announcements written as marketing copy
#: ('Learn more here.', '*See website for additional details.')"), in the languages of the training pages. Inside a
#: long block one phrase is lost among a hundred word tokens, so it is a layout feature of its own.
_CALL_TO_ACTION = re.compile(
    r"(?:^|[.!?)]\s+|\*\s*)"
    r"(?:learn more|find out more|read more about|discover more|see website|visit us|shop now|get started"
    r"|sign up today|apply now|book now|order now|jetzt (?:entdecken|mehr erfahren|bestellen|informieren)"
    r"|mehr erfahren|en savoir plus|d[ée]couvrez|m[áa]s informaci[óo]n|desc[úu]brelo|scopri di più|saiba mais"
    r"|meer informatie|lees meer|ontdek)\b[^.!?]{0,60}[.!?*]*\s*(?:\*[^*]{0,80})?$",
    re.IGNORECASE,
)
#: Only the end of a block is searched for it.
CALL_TO_ACTION_TAIL = 120
#: Characters that open a list item or a teaser line in text dumps.
_BULLETS = frozenset("-•*–·>")

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
    "ends_call_to_action",
    "is_html",
    "link_share",
    "is_heading",
    "dom_depth",
    *(f"in_{tag}" for tag in LANDMARK_TAGS),
)


def block_words(block: Block) -> list[str]:
    """The block's lower-cased words, digits folded to 0 (one token per run of up to MAX_WORD_LENGTH)."""
    return _WORD.findall(_DIGIT.sub("0", block.text.lower()))


def block_tokens(block: Block, words: list[str] | None = None) -> set[str]:
    """The symbolic features of one block (unique, unordered); ``words`` if already split."""
    text = block.text
    if words is None:
        words = block_words(block)
    tokens = set(words)
    tokens.update(map(" ".join, zip(words, words[1:])))
    if words:
        tokens.add(f"^{words[0]}")
        tokens.add(f"{words[-1]}$")
        if len(words) <= 3:
            tokens.add("=" + " ".join(words))
    tokens.update(["p:" + mark for mark in set(_MARK.findall(text))])
    dom = block.dom
    if dom is not None:
        tokens.add(f"t:{dom.tag}")
        if len(dom.path) > 1:
            tokens.add(f"pt:{dom.path[-2]}/{dom.tag}")
        tokens.update(f"a:{tag}" for tag in set(dom.path[:-1]))
        tokens.update(f"c:{word}" for word in dom.attributes)
    return tokens


def page_tokens(blocks: list[Block]) -> list[set[str]]:
    """Each block's tokens, plus the words of the block before it when that one is a short heading-like
    line ("More from ...", "Sponsored", "Related", "Anzeige"): what a run is, its header says."""
    out = []
    previous: list[str] = []
    for block in blocks:
        words = block_words(block)
        tokens = block_tokens(block, words)
        tokens.update(previous)
        out.append(tokens)
        previous = ["<" + word for word in words] + ["<=" + " ".join(words)] if len(words) <= HEADER_WORDS else []
    return out


def layout_features(blocks: list[Block]) -> np.ndarray:
    """The dense layout features of every block of a page, one row per block.

    Character classes are counted for the whole page at once with numpy (a lookup table of code
    points), so the cost per block stays a few microseconds.
    """
    n = len(blocks)
    out = np.zeros((n, len(LAYOUT_FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    texts = [b.text for b in blocks]
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    flags = _character_flags("\x00".join(texts))
    starts = np.concatenate(([0], np.cumsum(lengths[:-1] + 1))).astype(np.int64)
    ends = (starts + lengths - 1).astype(np.int64)
    space = (flags & _F_SPACE) > 0
    word_start = ~space & np.concatenate(([True], space[:-1] | (flags[:-1] == 0)))
    counts = {name: np.add.reduceat(((flags & bit) > 0).astype(np.int64), starts) for name, bit in _COUNTED}
    words = np.add.reduceat(word_start.astype(np.int64), starts)
    title_words = np.add.reduceat((word_start & ((flags & _F_UPPER) > 0)).astype(np.int64), starts)
    non_space = lengths - counts["space"]
    first, last = flags[starts], flags[ends]
    repeated = Counter(texts)
    position = np.arange(n, dtype=np.float64)
    columns = {
        "log_chars": np.log1p(lengths),
        "log_words": np.log1p(words),
        "upper_share": counts["upper"] / np.maximum(counts["alpha"], 1),
        "digit_share": counts["digit"] / np.maximum(lengths, 1),
        "punct_share": counts["punct"] / np.maximum(lengths, 1),
        "ends_terminal": (last & _F_TERMINAL) > 0,
        "starts_upper": (first & _F_UPPER) > 0,
        "titlecase_share": title_words / np.maximum(words, 1),
        "mean_word_length": non_space / np.maximum(words, 1),
        "duplicate_in_page": [repeated[t] > 1 for t in texts],
        "same_as_previous": [False] + [a == b for a, b in zip(texts, texts[1:])],
        "same_as_next": [a == b for a, b in zip(texts, texts[1:])] + [False],
        "relative_position": position / max(1, n - 1),
        "log_blocks_before": np.log1p(position),
        "log_blocks_after": np.log1p(n - 1 - position),
        "relative_length": lengths / max(1.0, lengths.max()),
        "starts_bullet": (first & _F_BULLET) > 0,
        "starts_lower": (first & _F_LOWER) > 0,
        "ends_call_to_action": [_ends_call_to_action(t) for t in texts],
    }
    for name, values in columns.items():
        out[:, _COLUMN[name]] = values
    if blocks[0].lines is not None:
        line_starts = np.array([b.lines[0] for b in blocks])
        line_ends = np.array([b.lines[1] for b in blocks])
        gap = line_starts[1:] - line_ends[:-1] > 1
        out[:, _COLUMN["blank_before"]] = np.concatenate(([True], gap))
        out[:, _COLUMN["blank_after"]] = np.concatenate((gap, [True]))
    for i, block in enumerate(blocks):
        if block.dom is not None:
            out[i, _COLUMN["is_html"] :] = _dom_layout(block.dom)
    return out


def _ends_call_to_action(text: str) -> bool:
    # A cut tail does not start a sentence: the "x" keeps the pattern's ^ from matching there.
    tail = text if len(text) <= CALL_TO_ACTION_TAIL else "x" + text[-CALL_TO_ACTION_TAIL:]
    return _CALL_TO_ACTION.search(tail) is not None


def _dom_layout(dom) -> list[float]:
    path = set(dom.path)
    return [
        1.0,
        dom.link_share,
        float(dom.tag in HEADING_TAGS),
        min(len(dom.path), MAX_DEPTH_FEATURE) / MAX_DEPTH_FEATURE,
        *(float(tag in path) for tag in LANDMARK_TAGS),
    ]


_F_ALPHA, _F_UPPER, _F_LOWER, _F_DIGIT, _F_SPACE, _F_PUNCT, _F_TERMINAL, _F_BULLET = (1 << i for i in range(8))
_COUNTED = (("alpha", _F_ALPHA), ("upper", _F_UPPER), ("digit", _F_DIGIT), ("space", _F_SPACE), ("punct", _F_PUNCT))
_COLUMN = {name: i for i, name in enumerate(LAYOUT_FEATURES)}
#: Tag depth at which the depth feature saturates (real pages nest 10-30 levels; a few reach 100+).
MAX_DEPTH_FEATURE = 40
#: Code points covered by the lookup table (the Basic Multilingual Plane); others are classified one by one.
_TABLE_SIZE = 0x10000
_table: np.ndarray | None = None


def _flags_of(ch: str) -> int:
    flags = 0
    if ch.isalpha():
        flags |= _F_ALPHA
    if ch.isupper():
        flags |= _F_UPPER
    if ch.islower():
        flags |= _F_LOWER
    if ch.isdigit():
        flags |= _F_DIGIT
    if ch.isspace():
        flags |= _F_SPACE
    if not ch.isalnum() and not ch.isspace() and ch != "\x00":
        flags |= _F_PUNCT
    if ch in _TERMINAL:
        flags |= _F_TERMINAL
    if ch in _BULLETS:
        flags |= _F_BULLET
    return flags


def _character_flags(text: str) -> np.ndarray:
    """Bit flags (alpha, upper, lower, digit, space, punctuation, terminal, bullet) per character."""
    global _table
    if _table is None:  # built on first use (about 50 ms), never at import time
        _table = np.array([_flags_of(chr(c)) for c in range(_TABLE_SIZE)], dtype=np.uint8)
        _table[0xD800:0xE000] = 0  # surrogates are not characters
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = _table[np.minimum(codes, _TABLE_SIZE - 1)]
    outside = np.flatnonzero(codes >= _TABLE_SIZE)
    for i in outside:
        flags[i] = _flags_of(chr(codes[i]))
    return flags


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


def paragraphs(blocks: list[Block]) -> np.ndarray:
    """A paragraph id per block: in a hard-wrapped text dump, the lines of one wrapped paragraph share
    an id; every other block is a paragraph of its own."""
    n = len(blocks)
    if n == 0 or blocks[0].lines is None:
        return np.arange(n, dtype=np.int64)
    lengths = np.array([len(b.text) for b in blocks])
    width = lengths.max()
    if width > MAX_WRAP_WIDTH:
        return np.arange(n, dtype=np.int64)
    starts = np.array([b.lines[0] for b in blocks])
    ends = np.array([b.lines[1] for b in blocks])
    continues = (starts[1:] - ends[:-1] == 1) & (lengths[:-1] >= WRAPPED_LINE_SHARE * width)
    return np.cumsum(np.concatenate(([True], ~continues))) - 1


def group_mean(values: np.ndarray, group_ids: np.ndarray) -> np.ndarray:
    """Each row replaced by the mean of the rows in its group."""
    sums = np.zeros((group_ids.max() + 1 if len(group_ids) else 0, values.shape[1]))
    np.add.at(sums, group_ids, values)
    sizes = np.bincount(group_ids, minlength=len(sums))[:, None]
    return (sums / np.maximum(sizes, 1))[group_ids]


def context_features(
    probs: np.ndarray, lengths: np.ndarray, group_ids: np.ndarray, paragraph_ids: np.ndarray
) -> np.ndarray:
    """Second-stage features of a page from its first-stage probabilities (n blocks x k labels).

    ``lengths`` are the blocks' log character counts; ``group_ids`` and ``paragraph_ids`` come from
    :func:`groups` and :func:`paragraphs`.
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
    columns.append(group_mean(probs, group_ids))
    columns.append(np.log1p(np.bincount(group_ids)[group_ids])[:, None])
    columns.append(group_mean(probs, paragraph_ids))
    # The strongest signal of each label on the page, and near the block (a disclosure line such as
    # "Anzeige" or "Paid post" above an advertorial marks the whole run under it).
    columns.append(np.broadcast_to(probs.max(axis=0), (n, k)))
    columns.append(_window_max(probs, RUN_WINDOW))
    # Where the story's text lies: the share of editorial-looking characters before each block.
    mass = probs[:, 0] * np.expm1(lengths)
    total = mass.sum() or 1.0
    before = (np.cumsum(mass) - mass) / total
    columns.append(np.column_stack((before, 1.0 - before - mass / total)))
    return np.hstack(columns)


def _window_max(values: np.ndarray, radius: int) -> np.ndarray:
    """Row i of the result is the column-wise max of rows i - radius .. i + radius."""
    n = len(values)
    edge = np.full((radius, values.shape[1]), -np.inf)
    padded = np.vstack((edge, values, edge))
    return np.max([padded[offset : offset + n] for offset in range(2 * radius + 1)], axis=0)


def _shift(values: np.ndarray, offset: int) -> np.ndarray:
    """Row i of the result is row i - offset of ``values`` (zeros past the edges), plus an edge flag."""
    n, k = values.shape
    out = np.zeros((n, k + 1))
    inside = max(n - abs(offset), 0)  # rows whose shifted source lies within the page
    if offset > 0:
        out[offset : offset + inside, :k] = values[:inside]
        out[: min(offset, n), k] = 1.0
    else:
        out[:inside, :k] = values[-offset : -offset + inside]
        out[inside:, k] = 1.0
    return out
