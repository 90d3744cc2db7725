"""Segmenters: a page (text dump or HTML) -> a list of blocks."""

from __future__ import annotations

import re

from ..blocks import Block
from ..decode import check_text, decode
from .html import segment_html
from .text import segment_text

__all__ = ["detect_format", "segment", "segment_html", "segment_text", "to_text"]

INPUT_FORMATS = ("auto", "text", "html")
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html\b|<\?xml|<head\b|<body\b|<!--)", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?(p|div|span|a|br|li|ul|h[1-6]|table|article|section|meta|title|img|body)\b", re.IGNORECASE)
#: How many distinct tag hits in the first 5,000 characters make an undeclared page HTML.
#: A text dump that quotes "<p>" once is still text; a page fragment has dozens.
HTML_TAG_HITS = 3
#: How much of the page the format sniffing reads.
SNIFF_WINDOW = 5000


def to_text(content: str | bytes, source: str = "<input>") -> str:
    """Decode bytes (or check a str) into page text, raising InputError on empty or binary input."""
    if isinstance(content, bytes):
        return decode(content, source)
    return check_text(content, source)


def detect_format(text: str) -> str:
    """``"html"`` or ``"text"``, from the page's first characters."""
    if _HTML_START.match(text):
        return "html"
    return "html" if len(_HTML_TAG.findall(text[:SNIFF_WINDOW])) >= HTML_TAG_HITS else "text"


def segment(content: str | bytes, input_format: str = "auto", source: str = "<input>") -> list[Block]:
    """Decode and split a page into blocks. ``input_format`` is ``auto``, ``text`` or ``html``."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    text = to_text(content, source)
    if input_format == "auto":
        input_format = detect_format(text)
    return segment_html(text, source) if input_format == "html" else segment_text(text)
