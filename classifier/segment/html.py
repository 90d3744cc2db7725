"""HTML pages: one block per block-level element's own text, with its DOM context."""

from __future__ import annotations

import re

from lxml import etree, html

from ..blocks import Block, DomContext
from ..errors import InputError
from ..labels import Label

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
#: Beyond this depth the tree is read as inline text, to keep recursion bounded on pathological pages.
MAX_DEPTH = 200
_WORDS_IN_ATTRIBUTE = re.compile(r"[a-z]{2,}")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


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
    """
    walker = _Walker(label_attribute, source)
    walker.visit(parse_html(text, source), (), (), None, 0)
    walker.flush()
    return walker.blocks


def _attribute_words(element: etree._Element) -> tuple[str, ...]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}"
    if not raw.strip():
        return ()
    return tuple(_WORDS_IN_ATTRIBUTE.findall(_CAMEL.sub(" ", raw).lower()))


def _is_hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


class _Walker:
    """Walks the tree once, collecting each block element's own text into a buffer."""

    def __init__(self, label_attribute: str | None, source: str) -> None:
        self.label_attribute = label_attribute
        self.source = source
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.label_chars: dict[Label, int] = {}
        self.context: tuple = ((), (), 0, 0)  # path, attribute words, parent id, own id
        self.next_id = 0

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        self.parts = []
        link_chars, self.link_chars = self.link_chars, 0
        text = " ".join(raw.split())
        if not any(ch.isalnum() for ch in text):
            return
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

    def visit(self, element, path, levels, label, depth, in_link=False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower().rpartition("}")[2]
        if tag in SKIPPED_TAGS or not tag or _is_hidden(element):
            return
        if self.label_attribute is not None and element.get(self.label_attribute):
            label = self._label(element)
        is_block = tag in BLOCK_TAGS and depth < MAX_DEPTH
        if is_block:
            self.flush()
            outer = self.context
            self.next_id += 1
            path = path + (tag,)
            levels = ((_attribute_words(element),) + levels)[:ATTRIBUTE_DEPTH]
            words = tuple(word for level in levels for word in level)
            # Siblings share the id of the block element that encloses them (a menu's <ul>).
            self.context = (path, words, outer[3], self.next_id)
        elif tag == "br":
            self.parts.append(" ")
        in_link = in_link or tag == "a"
        self.add(element.text, in_link, label)
        for child in element:
            self.visit(child, path, levels, label, depth + 1, in_link)
            self.add(child.tail, in_link, label)
        if is_block:
            self.flush()
            self.context = outer

    def _label(self, element) -> Label:
        value = element.get(self.label_attribute)
        try:
            return Label.parse(value)
        except ValueError as exc:
            raise InputError(f"{self.source}: <{element.tag}> has {self.label_attribute}={value!r}: {exc}") from None
