"""HTML pages: one block per block-level element's own text, with its DOM context."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from itertools import accumulate

from lxml import etree, html

from ..blocks import Block, DomContext
from ..errors import InputError
from ..labels import Label
from .text import MAX_BLOCKS, too_many_blocks

#: Elements whose text never reaches a reader.
SKIPPED_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "head",
        "select",
        "textarea",
        "input",
    ]
)
#: Elements that start a new block; everything else (a, span, em, strong, ...) is inline.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "caption",
        "legend",
        "option",
        "button",
    ]
)
#: How many ancestors' class/id words a block keeps (its own element counts as the first).
#: Three levels reach the usual card/widget wrapper around a teaser or an ad.
ATTRIBUTE_DEPTH = 3
#: Beyond this depth the tree is read as inline text, to keep each block's path (and its cost) bounded on
#: pathological pages.
MAX_DEPTH = 200
#: Start tags that would nest elements deeper than this are dropped (their text is kept). libxml2 scans its
#: whole stack of open elements for every end tag that matches none of them, so without a bound a page of
#: 100,000 unclosed <b> followed by as many stray </i> would parse in quadratic time. Real pages nest far less
#: (at most 98 deep in 8,383 public pages) and libxml2 itself used to stop reading at 256.
MAX_NESTING = 256
_WORDS_IN_ATTRIBUTE = re.compile(r"[a-z]{2,}")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: A start tag, up to its ">" (or the next "<", so that a tag left open cannot make the search quadratic).
_START_TAG = re.compile(r"<([A-Za-z][^\s/<>]*)[^<>]*>?")
#: Inline elements whose spans a block records in DomContext.inline, and the kind each one gives.
INLINE_KINDS = {"a": "a", "em": "em", "i": "em", "strong": "strong", "b": "strong"}
#: The schemes a link may have; a link without a scheme is relative. Any other (javascript:, data:, ...) is dropped.
SAFE_SCHEMES = frozenset(["http", "https", "mailto"])
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
#: Browsers drop tabs and line breaks anywhere in a URL ("java\tscript:" is javascript:) and strip C0 controls
#: and spaces around it.
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_WHITESPACE_RUN = re.compile(r"\s{2,}")
#: Starts of an href that are safe without a closer look (most hrefs): the safe schemes, a path, a fragment, a query.
_SAFE_STARTS = ("https:", "http:", "/", "#", "?")


def parse_html(text: str, source: str = "<input>") -> etree._Element:
    """Parse HTML text into an lxml tree, or raise InputError naming ``source``."""
    text = _XML_DECLARATION.sub("", text, count=1)
    parser = html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{source}: cannot be parsed as HTML ({exc})") from None
    return root


def segment_html(text: str, source: str = "<input>", label_attribute: str | None = None) -> list[Block]:
    """Split an HTML page into blocks.

    With ``label_attribute`` (training data), each block's ``label`` is taken from the nearest
    ancestor-or-self element carrying that attribute; the model never sees the attribute.
    Raises InputError, naming ``source``, for a page that cannot be parsed or has more than MAX_BLOCKS blocks
    (the parse stops at the first block over the cap).
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        try:
            walker = _Walker(label_attribute, source, MAX_NESTING)
            etree.fromstring(text, _parser(walker))
        except _TooDeep:
            walker = _Walker(label_attribute, source)
            _feed_flattened(text, walker)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{source}: cannot be parsed as HTML ({exc})") from None
    if not walker.started:
        raise InputError(f"{source}: cannot be parsed as HTML (Document is empty)")
    return walker.blocks


def _parser(walker: _Walker) -> etree.HTMLParser:
    # huge_tree: no limit on the length of a text node. The walker, as the parser's target, sees the events
    # only: no tree is built, so libxml2's limit on tree depth (256, or 2048 with huge_tree) does not apply.
    return etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, target=walker)


def _feed_flattened(text: str, walker: _Walker) -> None:
    """Parse a page that nests deeper than MAX_NESTING, dropping the start tags that would go deeper.

    The page is fed to the parser piece by piece, so that the walker's depth is known before each start tag.
    Tags of skipped elements stay (their content must stay hidden), and so does <br> (it separates words).
    """
    parser = _parser(walker)
    done = 0
    for match in _START_TAG.finditer(text):
        parser.feed(text[done : match.start()])
        done = match.start()
        if walker.depth() >= MAX_NESTING:
            tag = match.group(1).lower()
            if walker.skipping or (tag not in SKIPPED_TAGS and tag != "br"):
                done = match.end()
    parser.feed(text[done:])
    parser.close()


def safe_href(href: str | None) -> str:
    """The href of a link as a browser reads it (tabs and line breaks dropped, controls and spaces stripped), or
    ``""`` if it is empty or has a scheme other than http, https or mailto (javascript:, data:, vbscript:, ...)."""
    if not href:
        return ""
    if "\t" in href or "\n" in href or "\r" in href:
        href = _URL_TAB_OR_NEWLINE.sub("", href)
    href = href.strip(_C0_OR_SPACE)
    if href.startswith(_SAFE_STARTS):
        return href
    scheme = _SCHEME.match(href)
    if scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES:
        return ""
    return href


def _attribute_words(element: etree._Element | Mapping[str, str]) -> tuple[str, ...]:
    """Words of the class and id of an element (or of its attributes, as the parser's target gets them)."""
    raw = f"{element.get('class') or ''} {element.get('id') or ''}"
    if not raw.strip():
        return ()
    return tuple(_WORDS_IN_ATTRIBUTE.findall(_CAMEL.sub(" ", raw).lower()))


def _is_hidden(element: etree._Element | Mapping[str, str]) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _spans(parts: list[str], raw: str, text: str, marks: list[tuple[int, int, str, str]]) -> tuple:
    """The marks' spans in the block's text (``raw``, the join of ``parts``, with its whitespace collapsed), as
    DomContext.inline holds them. A mark covers its parts from the first up to the end one; its span is trimmed of
    whitespace, and dropped if that leaves it empty."""
    size = len(text)
    if len(marks) == 1:  # the usual link: a whole block (a menu item), maybe with whitespace around it
        first, end, kind, href = marks[0]
        if (not first or "".join(parts[:first]).isspace()) and (end == len(parts) or "".join(parts[end:]).isspace()):
            return ((0, size, kind, href),)
    offsets = [0, *accumulate(map(len, parts))]
    lead = len(raw) - len(raw.lstrip())
    inner_end = len(raw.rstrip())
    # Inside the stripped raw text, collapsing drops all but the first character of each run of whitespace: where
    # each run's dropped characters start and end, and how many were dropped before it.
    runs = [(run.start() + 1, run.end()) for run in _WHITESPACE_RUN.finditer(raw, lead, inner_end)]
    if runs:
        dropped = [0, *accumulate(end - start for start, end in runs)]
        starts = [start for start, _ in runs]
    spans = []
    for first, end, kind, href in marks:
        bounds = []
        for offset in (offsets[first], offsets[end]):
            at = offset - lead
            if runs:  # the character at offset moves back by what was dropped before it (past its run's space)
                count = bisect_left(starts, offset)
                at -= dropped[count]
                if count and offset < runs[count - 1][1]:
                    at += runs[count - 1][1] - offset
            bounds.append(0 if at < 0 else size if at > size else at)
        start, stop = bounds
        if start < stop and text[start] == " ":
            start += 1
        if start < stop and text[stop - 1] == " ":
            stop -= 1
        if start < stop:
            spans.append((start, stop, kind, href))
    return tuple(sorted(set(spans))) if len(spans) > 1 else tuple(spans)


class _TooDeep(Exception):
    """The page nests elements deeper than MAX_NESTING."""


class _Walker:
    """The parser's target: reads the start, data and end events of the page in one pass, collecting each
    block element's own text into a buffer. No tree is built, so no depth is too deep and nothing recurses.

    The blocks are those of a recursive walk over the tree (element text, then each child and its tail).
    With ``max_depth``, raises _TooDeep as soon as an element opens deeper than that.
    """

    def __init__(self, label_attribute: str | None, source: str, max_depth: float = float("inf")) -> None:
        self.label_attribute = label_attribute
        self.max_depth = max_depth
        self.source = source
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.label_chars: dict[Label, int] = {}
        self.context: tuple = ((), (), 0, 0)  # path, attribute words, parent id, own id
        self.next_id = 0
        #: One frame per open element: is block, the context outside it, path, attribute levels, label, in link,
        #: and the inline mark it opened (or None).
        self.stack: list[tuple] = []
        #: Inline marks (links, emphasis) of the current block: closed ones as (first part, end part, kind, href),
        #: open ones as [first part, kind, href], part numbers counting ``parts``.
        self.marks: list[tuple[int, int, str, str]] = []
        self.open_marks: list[list] = []
        #: The text of the current text node, as the parser hands it over (entities come as separate pieces).
        self.pending: list[str] = []
        #: How many elements deep the walk is inside a skipped (or hidden) element.
        self.skipping = 0
        self.started = False
        self.done = False

    def flush(self) -> None:
        if not self.parts:
            return
        parts, self.parts = self.parts, []
        raw = "".join(parts)
        link_chars, self.link_chars = self.link_chars, 0
        marks = self.marks
        if self.open_marks:
            # Marks still open go on into the next block's text, from its start.
            marks = marks + [(mark[0], len(parts), mark[1], mark[2]) for mark in self.open_marks]
            for mark in self.open_marks:
                mark[0] = 0
        if marks:
            self.marks = []
        text = " ".join(raw.split())
        if not any(ch.isalnum() for ch in text):
            return
        if len(self.blocks) == MAX_BLOCKS:  # stops the parse: the rest of the page is never read
            raise too_many_blocks(self.source, "block elements with text")
        path, words, parent, _own = self.context
        label_chars, self.label_chars = self.label_chars, {}
        # A labeled inline element (<span data-label=...>) inside a block: the label covering most text wins.
        label = max(label_chars, key=label_chars.__getitem__) if label_chars else None
        if self.label_attribute is not None and label is None:
            raise InputError(f"{self.source}: text {text[:60]!r} has no {self.label_attribute} on it or any ancestor")
        dom = DomContext(
            tag=path[-1] if path else "",
            path=path,
            attributes=words,
            link_share=min(1.0, link_chars / max(1, len(raw.strip()))),
            parent=parent,
            inline=_spans(parts, raw, text, marks) if marks else (),
        )
        self.blocks.append(Block(text=text, dom=dom, label=label))

    def add(self, text: str | None, in_link: bool, label: Label | None) -> None:
        if text:
            self.parts.append(text)
            size = len(text.strip())
            if in_link:
                self.link_chars += size
            if label is not None and size:
                self.label_chars[label] = self.label_chars.get(label, 0) + size

    def text_node(self) -> None:
        frame = self.stack[-1]
        self.add("".join(self.pending), frame[5], frame[4])
        self.pending = []

    def start(self, raw_tag, attrib) -> None:
        if self.skipping:
            self.skipping += 1
            if self.skipping + len(self.stack) > self.max_depth:
                raise _TooDeep
            return
        if self.done:  # a second root element, after </html>: not part of the document's tree
            self.skipping = 1
            return
        self.started = True
        if self.pending:
            self.text_node()
        stack = self.stack
        tag = raw_tag if isinstance(raw_tag, str) else ""
        tag = tag.lower().rpartition("}")[2]
        # (An element without attributes is the common case, and lxml's empty mapping answers get() slowly.)
        if tag in SKIPPED_TAGS or not tag or (attrib and _is_hidden(attrib)):
            self.skipping = 1
            self.done = not stack
            return
        if len(stack) >= self.max_depth:
            raise _TooDeep
        if stack:
            _, _, path, levels, label, in_link, _ = stack[-1]
        else:
            path, levels, label, in_link = (), (), None, False
        if self.label_attribute is not None and attrib.get(self.label_attribute):
            label = self._label(raw_tag, attrib)
        is_block = tag in BLOCK_TAGS and len(stack) < MAX_DEPTH
        outer = mark = None
        if is_block:
            self.flush()
            outer = self.context
            self.next_id += 1
            path = path + (tag,)
            levels = ((_attribute_words(attrib) if attrib else (),) + levels)[:ATTRIBUTE_DEPTH]
            words = tuple(word for level in levels for word in level)
            # Siblings share the id of the block element that encloses them (a menu's <ul>).
            self.context = (path, words, outer[3], self.next_id)
        elif tag == "br":
            self.parts.append(" ")
        elif tag in INLINE_KINDS:
            kind = INLINE_KINDS[tag]
            href = safe_href(attrib.get("href")) if kind == "a" else ""
            if href or kind != "a":
                mark = [len(self.parts), kind, href]
                self.open_marks.append(mark)
        stack.append((is_block, outer, path, levels, label, in_link or tag == "a", mark))

    def depth(self) -> int:
        """How many elements are open."""
        return len(self.stack) + self.skipping

    def data(self, text: str) -> None:
        if not self.skipping and self.stack:
            self.pending.append(text)

    def end(self, _tag=None) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if self.pending:
            self.text_node()
        frame = self.stack.pop()
        mark = frame[6]
        if mark is not None:
            self.open_marks.pop()  # the last one: elements close in order
            if mark[0] < len(self.parts):
                self.marks.append((mark[0], len(self.parts), mark[1], mark[2]))
        if frame[0]:
            self.flush()
            self.context = frame[1]
        if not self.stack:
            self.done = True

    def close(self) -> list[Block]:
        self.skipping = 0
        while self.stack:  # a parse that stopped early leaves elements open
            self.end()
        self.flush()
        return self.blocks

    def _label(self, tag, attrib) -> Label:
        value = attrib.get(self.label_attribute)
        try:
            return Label.parse(value)
        except ValueError as exc:
            raise InputError(f"{self.source}: <{tag}> has {self.label_attribute}={value!r}: {exc}") from None
