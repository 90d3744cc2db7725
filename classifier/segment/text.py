"""Plain-text dumps: one block per non-empty physical line."""

from __future__ import annotations

import re
from itertools import islice

from ..blocks import Block
from ..errors import PageLimitError

#: The most blocks a page may have, text or HTML. Article pages have hundreds: over the 4,922 public pages in
#: ../shared/data (all but the ad fragments), segment_html makes 128 blocks at the median, 903 at the 99th
#: percentile, 2,643 at the 99.9th and 6,216 at most (a school's site map). The later stages take about 20 µs
#: and 4.5 KB per block: a page of 20,000 blocks is cleaned in about a second and 190 MB of peak RSS (model
#: included), while a text dump of a million one-character lines would take gigabytes.
MAX_BLOCKS = 20_000

#: Physical line breaks: \n, \r\n and a lone \r (old Mac dumps). Not str.splitlines(), which also
#: breaks at form feeds and Unicode separators and would shift the line numbers users see in editors.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: One match per non-blank line (\S is exactly "not str.isspace()", so it agrees with str.strip()).
_NON_BLANK_LINE = re.compile(r"\S[^\r\n]*")


def too_many_blocks(source: str, what: str) -> PageLimitError:
    """The error for a page over MAX_BLOCKS; ``what`` says what its blocks are."""
    return PageLimitError(
        f"{source}: the page has more than {MAX_BLOCKS:,} blocks ({what}); "
        "article pages have hundreds, so this is not an article page"
    )


def segment_text(text: str, source: str = "<input>") -> list[Block]:
    """Split a text dump into blocks, one per non-empty line, each with its 1-based line range.

    A hard-wrapped paragraph stays one block per physical line, so every line gets its own
    label; the model sees the wrapped neighbours through its context features.
    Raises PageLimitError (an InputError), naming ``source``, for a dump of more than MAX_BLOCKS non-empty lines.
    """
    if text.count("\n") + text.count("\r") >= MAX_BLOCKS and _more_lines_than_the_cap(text):
        raise too_many_blocks(source, "non-empty lines")
    blocks = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.strip()
        if stripped:
            blocks.append(Block(text=stripped, lines=(number, number)))
    return blocks


def _more_lines_than_the_cap(text: str) -> bool:
    # Stops at the first line over the cap: a dump of millions of lines costs no more than one at the cap.
    return next(islice(_NON_BLANK_LINE.finditer(text), MAX_BLOCKS, None), None) is not None
