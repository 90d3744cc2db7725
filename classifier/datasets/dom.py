"""The HTML segmenter's blocks together with the element each block's text belongs to.

Converters label a public page block by block and then change its tree (insert an ad, mark an EasyList match), so
they need to know which element each block of ``classifier.segment.segment_html`` comes from. ``page_blocks`` walks
the tree the way the segmenter does and keeps that element; ``check_same_blocks`` compares the result with the real
segmenter on the serialised page, so a change to the segmenter can never silently shift labels onto other blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from ..errors import DataFormatError
from ..segment.html import BLOCK_TAGS, MAX_DEPTH, SKIPPED_TAGS, _is_hidden, parse_html, segment_html

__all__ = ["PageBlock", "check_same_blocks", "page_blocks", "parse_html", "serialise", "tag_of"]


@dataclass(slots=True)
class PageBlock:
    """One block's text and the block-level element whose own text it is."""

    text: str
    element: etree._Element


def tag_of(element: etree._Element) -> str:
    """The element's lower-case tag name ('' for comments and processing instructions)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.lower().rpartition("}")[2]


def page_blocks(root: etree._Element) -> list[PageBlock]:
    """The blocks ``segment_html`` makes of this tree, in order, each with its owning element."""
    walker = _Walker(root)
    walker.visit(root, 0)
    walker.flush()
    return walker.blocks


def serialise(root: etree._Element) -> str:
    """The tree as an HTML string (what the export stores and the training reader re-segments)."""
    return lxml_html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")


def check_same_blocks(html_text: str, blocks: list[PageBlock], source: str) -> None:
    """Raise DataFormatError unless the real segmenter splits ``html_text`` into exactly these blocks."""
    real = [block.text for block in segment_html(html_text, source)]
    mine = [block.text for block in blocks]
    if real != mine:
        where = next((i for i, (a, b) in enumerate(zip(real, mine)) if a != b), min(len(real), len(mine)))
        raise DataFormatError(
            f"{source}: the converter's blocks differ from the segmenter's at block {where} "
            f"({len(mine)} against {len(real)} blocks)"
        )


class _Walker:
    """classifier.segment.html._Walker without features or labels: text parts and the current block element."""

    def __init__(self, root: etree._Element) -> None:
        self.blocks: list[PageBlock] = []
        self.parts: list[str] = []
        self.current = root

    def flush(self) -> None:
        if not self.parts:
            return
        text = " ".join("".join(self.parts).split())
        self.parts = []
        if any(ch.isalnum() for ch in text):
            self.blocks.append(PageBlock(text, self.current))

    def visit(self, element: etree._Element, depth: int) -> None:
        tag = tag_of(element)
        if tag in SKIPPED_TAGS or not tag or _is_hidden(element):
            return
        is_block = tag in BLOCK_TAGS and depth < MAX_DEPTH
        if is_block:
            self.flush()
            outer, self.current = self.current, element
        elif tag == "br":
            self.parts.append(" ")
        if element.text:
            self.parts.append(element.text)
        for child in element:
            self.visit(child, depth + 1)
            if child.tail:
                self.parts.append(child.tail)
        if is_block:
            self.flush()
            self.current = outer


def ancestors_or_self(element: etree._Element) -> Iterator[etree._Element]:
    """The element, then its ancestors up to the root."""
    yield element
    yield from element.iterancestors()
