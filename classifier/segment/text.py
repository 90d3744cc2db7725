"""Plain-text dumps: one block per non-empty physical line."""

from __future__ import annotations

import re

from ..blocks import Block

#: Physical line breaks: \n, \r\n and a lone \r (old Mac dumps). Not str.splitlines(), which also
#: breaks at form feeds and Unicode separators and would shift the line numbers users see in editors.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def segment_text(text: str) -> list[Block]:
    """Split a text dump into blocks, one per non-empty line, each with its 1-based line range.

    A hard-wrapped paragraph stays one block per physical line, so every line gets its own
    label; the model sees the wrapped neighbours through its context features.
    """
    blocks = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.strip()
        if stripped:
            blocks.append(Block(text=stripped, lines=(number, number)))
    return blocks
