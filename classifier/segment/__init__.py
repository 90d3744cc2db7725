"""Segmenters: a page (text dump or HTML) -> a list of blocks."""

from __future__ import annotations

import functools
import re

from ..blocks import Block
from ..decode import check_text, decode
from .html import segment_html
from .text import segment_text

__all__ = ["detect_format", "segment", "segment_html", "segment_text", "to_text"]

INPUT_FORMATS = ("auto", "text", "html")
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html\b|<\?xml|<head\b|<body\b|<!--)", re.IGNORECASE)
#: Block-level elements that are written with a closing tag (HTML's flow content that starts a new block; void
#: elements such as <hr> cannot be "opened and closed"). One of them opened at the start of a line, or right after
#: another tag, and closed later in the window is markup, not prose: prose names a tag mid-sentence ("wrap it in a
#: <div>") and rarely closes it.
BLOCK_ELEMENTS = (
    "address|article|aside|blockquote|caption|center|dd|details|dialog|div|dl|dt|fieldset|figcaption|figure|footer|"
    "form|h1|h2|h3|h4|h5|h6|header|hgroup|li|main|menu|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
#: Elements common enough on the web that a line starting with one of them, as a whole tag, is a line of markup.
MARKUP_ELEMENTS = BLOCK_ELEMENTS + (
    "|a|abbr|b|base|body|br|button|code|em|font|head|hr|html|i|iframe|img|input|label|link|meta|noscript|option|"
    "picture|script|select|small|source|span|strong|style|sub|sup|svg|textarea|title|u|video"
)
_BLOCK_OPENING = re.compile(rf"(?:^|>)[ \t]*<({BLOCK_ELEMENTS})(?=[\s>])[^<>]*>", re.IGNORECASE | re.MULTILINE)
_MARKUP_LINE = re.compile(rf"\s*</?(?:{MARKUP_ELEMENTS})(?=[\s/>])[^<>]*>", re.IGNORECASE)
#: How much of the page the format sniffing reads.
SNIFF_WINDOW = 5000
#: How many leading non-empty lines the line test reads, and how many of them must start with a tag (at least
#: MARKUP_LINES_MIN, and more than half): a fragment of markup whose lines all start with a tag, even an inline
#: one (<a ...>, <img ...>), is HTML; one line that starts with a tag is not enough on its own.
LEADING_LINES = 20
MARKUP_LINES_MIN = 2


def to_text(content: str | bytes, source: str = "<input>", transport: str | None = None) -> str:
    """Decode bytes (or check a str) into page text, raising InputError on empty or binary input.

    ``transport`` is a charset from the transport layer (HTTP Content-Type), for bytes only: see decode()."""
    if isinstance(content, bytes):
        return decode(content, source, transport)
    return check_text(content, source)


def detect_format(text: str) -> str:
    """``"html"`` or ``"text"``, from the first SNIFF_WINDOW characters of the page.

    HTML if the page starts like an HTML document; or if a block element (``<p>``, ``<div>``, ``<li>``, ``<h2>``...)
    is opened at the start of a line or right after another tag and closed later; or if most of the leading
    non-empty lines start with a tag. A text that only names tags in its prose stays text.
    """
    if _HTML_START.match(text):
        return "html"
    window = text[:SNIFF_WINDOW]
    for opening in _BLOCK_OPENING.finditer(window):
        if _closing(opening.group(1)).search(window, opening.end()):
            return "html"
    lines = [line for line in window.splitlines() if line.strip()][:LEADING_LINES]
    markup_lines = sum(1 for line in lines if _MARKUP_LINE.match(line))
    return "html" if markup_lines >= MARKUP_LINES_MIN and markup_lines * 2 > len(lines) else "text"


@functools.cache
def _closing(element: str) -> re.Pattern:
    return re.compile(rf"</{element}\s*>", re.IGNORECASE)


def segment(content: str | bytes, input_format: str = "auto", source: str = "<input>") -> list[Block]:
    """Decode and split a page into blocks. ``input_format`` is ``auto``, ``text`` or ``html``."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    text = to_text(content, source)
    if input_format == "auto":
        input_format = detect_format(text)
    return segment_html(text, source) if input_format == "html" else segment_text(text, source)
