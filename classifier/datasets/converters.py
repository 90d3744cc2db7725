"""One converter per page dataset: a shared-folder record -> the page's tree, its blocks and their gold labels.

Each converter builds a labeled *reference* (the dataset's gold, or the text of its annotated copy with a class per
text node), aligns it to the blocks of the page as crawled (``align.py``), and maps the classes to ours with the
rules of ``rules.py``. Class mappings follow shared/data/README.md ("How it maps to ...") and LABELS.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from ..errors import DataFormatError, InputError
from ..labels import Label
from ..segment.html import SKIPPED_TAGS, _is_hidden
from .align import SUPPLEMENTAL, Reference, align, tokens
from .dom import PageBlock, page_blocks, parse_html, tag_of
from .rules import (
    beside_image,
    in_byline_box,
    in_comment_section,
    in_figcaption,
    is_ad_marker,
    is_byline_or_date,
    is_credit,
    near_image,
)

#: L3S-GN1 classes (shared/data/README.md): 1 headline, 2 full text -> editorial; 3 supplemental -> resolved by
#: rules.py to caption or navigation; 0 not content, 4 related content, 5 user comments -> navigation.
L3S_CLASSES = {
    "x-nc-sel0": Label.NAVIGATION.value,
    "x-nc-sel1": Label.EDITORIAL.value,
    "x-nc-sel2": Label.EDITORIAL.value,
    "x-nc-sel3": SUPPLEMENTAL,
    "x-nc-sel4": Label.NAVIGATION.value,
    "x-nc-sel5": Label.NAVIGATION.value,
}
#: GoogleTrends-2017 ``__label`` values (shared/data/README.md): footer is "often a contributor line", so navigation.
GOOGLETRENDS_CLASSES = {
    "title": Label.EDITORIAL.value,
    "subtitle": Label.EDITORIAL.value,
    "main": Label.EDITORIAL.value,
    "caption": Label.CAPTION.value,
    "image": Label.CAPTION.value,
    "video": Label.CAPTION.value,
    "author": Label.NAVIGATION.value,
    "date": Label.NAVIGATION.value,
    "comment": Label.NAVIGATION.value,
    "footer": Label.NAVIGATION.value,
}
#: CleanEval inputs start with ``<text id="URL" ...>`` and end with ``</text>`` (shared/data/README.md).
_CLEANEVAL_OPEN = re.compile(r"\A\s*<text\b[^>]*>", re.IGNORECASE)
_CLEANEVAL_CLOSE = re.compile(r"</text>\s*\Z", re.IGNORECASE)
#: A WCXB "without" snippet this long (in words) is matched inside a block; shorter ones must be the whole block.
WITHOUT_MIN_WORDS = 4


@dataclass
class PageStats:
    """What the alignment of one page achieved, for bench/convert_report.py."""

    #: Tokens of the reference's editorial text; of them, those aligned to a block whose reference class is
    #: editorial, and those in blocks that end up labeled editorial (the rules move bylines, captions and comment
    #: sections out, so the second share is the smaller).
    gold_tokens: int = 0
    aligned_tokens: int = 0
    recovered_tokens: int = 0
    blocks: int = 0
    ambiguous: int = 0
    rules: Counter = field(default_factory=Counter)


@dataclass
class ConvertedPage:
    """A public page as our training data: its tree, blocks with gold labels, and the alignment figures."""

    id: str
    dataset: str
    split: str
    lang: str | None
    url: str | None
    root: etree._Element
    blocks: list[PageBlock]
    labels: list[Label]
    stats: PageStats
    #: The page's HTML string when the tree was not changed since parsing (kept verbatim in the export).
    original_html: str | None = None


def convert_record(record: dict, source: str) -> ConvertedPage:
    """Convert one record of a page dataset; DataFormatError names the record when it cannot be converted."""
    dataset = record.get("dataset")
    converter = CONVERTERS.get(dataset)
    if converter is None:
        raise DataFormatError(f"{source}: no converter for dataset {dataset!r}")
    html_text = record.get("html") or ""
    if dataset == "cleaneval":
        html_text = _CLEANEVAL_CLOSE.sub("", _CLEANEVAL_OPEN.sub("", html_text, count=1), count=1)
    if not html_text.strip():
        raise DataFormatError(f"{source}: the record has no html")
    try:
        root = parse_html(html_text, source)
        blocks = page_blocks(root)
        gold = converter(record, source)
    except InputError as exc:
        raise DataFormatError(str(exc)) from None
    except RecursionError:
        raise DataFormatError(f"{source}: the page is nested too deeply to convert") from None
    if not blocks:
        raise DataFormatError(f"{source}: the page has no text blocks")
    labels, stats = label_blocks(blocks, gold)
    return ConvertedPage(
        id=str(record["id"]),
        dataset=str(dataset),
        split=str(record.get("split")),
        lang=record.get("lang"),
        url=record.get("url"),
        root=root,
        blocks=blocks,
        labels=labels,
        stats=stats,
        original_html=html_text,
    )


@dataclass
class Gold:
    """What a dataset says about one page: the labeled reference, and how to read it."""

    reference: Reference
    #: The dataset's own "not editorial" test for a block (WCXB's ``without`` snippets): True demotes an
    #: editorial block to navigation.
    not_editorial: Callable[[PageBlock], bool] | None = None
    #: Turn editorial blocks beside an image into captions, and those in a comment section into navigation
    #: (off where the annotators marked captions and comments themselves).
    infer_from_dom: bool = True


def label_blocks(blocks: list[PageBlock], gold: Gold) -> tuple[list[Label], PageStats]:
    """Labels of the blocks from the aligned reference, refined by the rules; and the page's figures."""
    reference = gold.reference
    alignment = align([b.text for b in blocks], reference)
    labels: list[Label] = []
    stats = PageStats(blocks=len(blocks))
    winners = [match.winner() for match in alignment.blocks]
    for block, match, winner in zip(blocks, alignment.blocks, winners):
        label, rule = resolve(block, winner, gold.infer_from_dom)
        if label is Label.EDITORIAL and gold.not_editorial is not None and gold.not_editorial(block):
            label, rule = Label.NAVIGATION, "not-editorial snippet -> navigation"
        if rule:
            stats.rules[rule] += 1
        stats.ambiguous += match.ambiguous
        labels.append(label)
    for j, cls in enumerate(reference.classes):
        if cls == Label.EDITORIAL.value:
            stats.gold_tokens += 1
            owner = alignment.reference_block[j]
            stats.aligned_tokens += owner >= 0 and winners[owner] == Label.EDITORIAL.value
            stats.recovered_tokens += owner >= 0 and labels[owner] is Label.EDITORIAL
    return labels, stats


def resolve(block: PageBlock, cls: str | None, infer_from_dom: bool = True) -> tuple[Label, str]:
    """Our label of a block whose aligned reference class is ``cls`` (None: not in the reference), and the
    name of the rule that changed it ('' when none did). ``infer_from_dom`` turns editorial blocks beside an image
    into captions and those in a comment section into navigation; it is off for datasets whose annotators marked
    captions and comments themselves."""
    text, element = block.text, block.element
    if in_figcaption(element):
        return Label.CAPTION, "" if cls == Label.CAPTION.value else "figcaption -> caption"
    if is_ad_marker(text):
        return Label.NAVIGATION, "" if cls in (None, Label.NAVIGATION.value) else "ad marker -> navigation"
    if cls == Label.EDITORIAL.value:
        if is_credit(text):
            return Label.CAPTION, "credit -> caption"
        if is_byline_or_date(text):
            return Label.NAVIGATION, "byline/date -> navigation"
        if infer_from_dom and in_comment_section(element):
            return Label.NAVIGATION, "comment section -> navigation"
        if infer_from_dom and beside_image(element, text):
            return Label.CAPTION, "beside image -> caption"
        return Label.EDITORIAL, ""
    if cls == SUPPLEMENTAL:
        if is_credit(text):
            return Label.CAPTION, "supplemental -> caption"
        if is_byline_or_date(text) or in_byline_box(element):
            return Label.NAVIGATION, "supplemental -> navigation"
        if beside_image(element, text) or near_image(element):
            return Label.CAPTION, "supplemental -> caption"
        return Label.NAVIGATION, "supplemental -> navigation"
    if cls == Label.CAPTION.value:
        return Label.CAPTION, ""
    return Label.NAVIGATION, ""


# --- references, one builder per dataset -------------------------------------------------------------------------


def _annotated_reference(
    annotated_html: str, source: str, class_of: Callable[[etree._Element], str | None]
) -> Reference:
    """Every visible text node of the annotated copy, with the class of its innermost classed ancestor-or-self
    (navigation when there is none)."""
    reference = Reference()
    root = parse_html(annotated_html, source)

    def visit(element: etree._Element, cls: str) -> None:
        tag = tag_of(element)
        if tag in SKIPPED_TAGS or not tag or _is_hidden(element):
            return
        cls = class_of(element) or cls
        if element.text:
            reference.add(element.text, cls)
        for child in element:
            visit(child, cls)
            if child.tail:
                reference.add(child.tail, cls)

    visit(root, Label.NAVIGATION.value)
    return reference


def _l3s_class(element: etree._Element) -> str | None:
    for word in (element.get("class") or "").split():
        if word in L3S_CLASSES:
            return L3S_CLASSES[word]
    return None


def _googletrends_class(element: etree._Element) -> str | None:
    value = element.get("__label")
    if value is None:
        return None
    return GOOGLETRENDS_CLASSES.get(value.strip().lower(), Label.NAVIGATION.value)


def _cleaneval_class(element: etree._Element) -> str | None:
    value = element.get("__label")
    if value is None:
        return None
    return Label.EDITORIAL.value if value.strip().lower() == "true" else Label.NAVIGATION.value


def _annotated(class_of: Callable[[etree._Element], str | None], infer_from_dom: bool) -> Callable[[dict, str], Gold]:
    def build(record: dict, source: str) -> Gold:
        annotated = record.get("annotated_html")
        if not annotated:
            raise DataFormatError(f"{source}: the record has no annotated_html")
        return Gold(_annotated_reference(annotated, source, class_of), infer_from_dom=infer_from_dom)

    return build


def _gold_reference(record: dict) -> Reference:
    """The gold text (one segment per line) as editorial, then the user comments (if any) as navigation."""
    reference = Reference()
    for line in _repair_utf16(record.get("gold_text") or "").splitlines():
        reference.add(line, Label.EDITORIAL.value)
    for line in _repair_utf16(record.get("comments_text") or "").splitlines():
        reference.add(line, Label.NAVIGATION.value)
    return reference


#: A UTF-16 byte-order mark read as Latin-1: four Dragnet gold files are UTF-16 and were decoded byte by byte
#: upstream of the shared copy ("ÿþP\x00a\x00u\x00..."). Their bytes are recovered and decoded as UTF-16.
_UTF16_AS_LATIN1 = "\u00ff\u00fe"


def _repair_utf16(text: str) -> str:
    if not text.startswith(_UTF16_AS_LATIN1):
        return text
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    return raw[2:].decode("utf-16-le", errors="replace")


def _dragnet(record: dict, source: str) -> Gold:
    if record.get("gold_text") is None:
        raise DataFormatError(f"{source}: the record has no gold_text")
    return Gold(_gold_reference(record))


def _wcxb(record: dict, source: str) -> Gold:
    if record.get("gold_text") is None:
        raise DataFormatError(f"{source}: the record has no gold_text")
    snippets = [words for words in (tokens(s) for s in record.get("without") or []) if words]

    def not_editorial(block: PageBlock) -> bool:
        words = tokens(block.text)
        return any(
            words == snippet or (len(snippet) >= WITHOUT_MIN_WORDS and _contains(words, snippet))
            for snippet in snippets
        )

    return Gold(_gold_reference(record), not_editorial if snippets else None)


def _contains(words: list[str], snippet: list[str]) -> bool:
    return f" {' '.join(snippet)} " in f" {' '.join(words)} "


#: Converters by the ``dataset`` field of the records. L3S-GN1 and GoogleTrends-2017 annotators marked captions
#: (supplemental; caption/image/video) and comments, so only the other datasets infer those from the DOM.
CONVERTERS: dict[str, Callable[[dict, str], Gold]] = {
    "l3s-gn1": _annotated(_l3s_class, infer_from_dom=False),
    "googletrends-2017": _annotated(_googletrends_class, infer_from_dom=False),
    "cleaneval": _annotated(_cleaneval_class, infer_from_dom=True),
    "dragnet": _dragnet,
    "wcxb": _wcxb,
}
