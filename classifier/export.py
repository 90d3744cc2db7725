"""Renderers: cleaned text and JSON records from classified blocks."""

from __future__ import annotations

import json

from .blocks import Block
from .labels import Label


def editorial_text(blocks: list[Block], keep: tuple[Label, ...] = (Label.EDITORIAL,)) -> str:
    """The kept blocks' text, one block per line, in page order."""
    return "\n".join(block.text for block in blocks if block.label in keep)


def blocks_json(blocks: list[Block], **extra) -> str:
    """``{"blocks": [{"text", "label", "probabilities", "lines"}, ...]}`` plus any extra fields."""
    return json.dumps({**extra, "blocks": [block.to_dict() for block in blocks]}, ensure_ascii=False)
