"""Rules that turn the datasets' coarser gold into our four labels (LABELS.md), block by block.

The datasets call "main text" what LABELS.md splits further: gold texts keep bylines, datelines and photo
captions (Dragnet, CleanEval, WCXB, L3S-GN1's "supplemental" class). These rules find those blocks by their
wording and by where they sit in the page (inside a <figcaption>, or in a small box with an image).
"""

from __future__ import annotations

import re

from lxml import etree

from .dom import ancestors_or_self, tag_of

#: Photo and video credits and caption openers (LABELS.md, caption: "(AP Photo/...)", "... via Getty Images",
#: "Credit: ...", "FILE - ...", "Photo: ..."), in the languages of the training pages.
_CREDIT = re.compile(
    r"^\s*(\(?\s*(photo|photograph|picture|image|foto|bild|video|illustration|graphic|credit|credits|source)s?"
    r"\s*(by|:|/|\u00a9)|file\s*[-\u2013\u2014]\s|\u00a9)"
    r"|\((ap|afp|reuters|getty|epa|ap photo)[^)]{0,60}\)\s*$"
    r"|\b(getty images|ap photo|associated press photo|reuters/|afp/|epa/|shutterstock|istock(photo)?)\b"
    r"|\b(photo|foto|image) (credit|courtesy)\b",
    re.IGNORECASE,
)
#: Bylines: "By Jane Doe", "Posted by ...", "Written by ...", "Von ..." followed by a capitalised name.
_BYLINE = re.compile(
    r"^\s*(?i:by|posted by|written by|reported by|story by|words by|von|par|por|door|di)\s*:?\s+"
    r"[A-Z\u00c0-\u00de][\w.'\u2019-]*"
)
#: Lines that open as a publication stamp: "Posted on ...", "Updated: ...".
_STAMP = re.compile(
    r"^\s*(posted|published|updated|last updated|modified|ver\u00f6ffentlicht|aktualisiert|publi\u00e9"
    r"|mis \u00e0 jour)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|januar|februar|m\u00e4rz|mai|juni|juli|"
    r"oktober|dezember|janvier|f\u00e9vrier|mars|avril|juin|juillet|ao\u00fbt|septembre|octobre|novembre|"
    r"d\u00e9cembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_DATE = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\.?\s+({_MONTH})(\s+\d{{2,4}})?\b|\b({_MONTH})\s+\d{{1,2}}(st|nd|rd|th)?\b(,?\s+\d{{4}})?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"@?\b\d{1,2}:\d{2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.|uhr|h)?|\b\d{1,2}\.\d{2}\s*(am|pm|a\.m\.|p\.m\.|uhr|h)\b",
    re.IGNORECASE,
)
#: Words that go with a date in a dateline and say nothing else.
_DATELINE_WORDS = frozenset(
    {
        "on",
        "at",
        "am",
        "pm",
        "et",
        "est",
        "edt",
        "pst",
        "pdt",
        "gmt",
        "bst",
        "cet",
        "utc",
        "last",
        "updated",
        "posted",
        "published",
        "modified",
        "by",
        "the",
        "of",
        "and",
        "date",
        "time",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "today",
        "yesterday",
        "ago",
        "minutes",
        "hours",
        "days",
        "min",
        "hrs",
    }
)
#: A dateline keeps at most this many other words (an author's name: "Chris Nahr 07.15.12 at 11:59"); a headline
#: with a date in it ("Day in pictures: 24 July 2012") has more.
DATELINE_OTHER_WORDS = 2
#: A byline or dateline is a short line; longer blocks that open with "By" are sentences ("By the end of ...").
BYLINE_MAX_WORDS = 14
#: A credit line is short; a paragraph that mentions Getty Images in passing is not a caption.
CAPTION_MAX_WORDS = 60
#: Bare ad-slot markers without a sponsor (LABELS.md: navigation, not sponsored).
_AD_MARKER = re.compile(
    r"^\W*(advertisement|advertisements|advertising|ad|ads|anzeige|werbung|publicidad|publicit\u00e9|pubblicit\u00e0"
    r"|advertentie|story continues below( this)? advertisement|continue reading below)\W*$",
    re.IGNORECASE,
)
#: How many levels up an image may sit in the block's box for the block to read as its caption.
IMAGE_BOX_LEVELS = 2
#: The image's box holds little text besides the caption (a credit or caption box, not an article column).
IMAGE_BOX_MAX_CHARS = 400
#: Outside a <figure>, a line beside an image is its caption only when short (a lead paragraph that shares a small
#: box with a photo is not).
SHORT_CAPTION_WORDS = 25
#: Class and id words of user-comment containers (WordPress, Disqus and common themes).
_COMMENT_WORDS = frozenset(
    {
        "comment",
        "comments",
        "commentlist",
        "comment-list",
        "comments-list",
        "comments-area",
        "comment-body",
        "comment-content",
        "comment-text",
        "comment-thread",
        "comments-section",
        "comment-section",
        "usercomments",
        "user-comments",
        "disqus_thread",
        "dsq-content",
    }
)
#: Per-comment ids and classes: "comment-1234", "li-comment-1234", "div-comment-1234".
_COMMENT_ID = re.compile(r"^((li|div)-)?comment-\d+$")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def is_credit(text: str) -> bool:
    """A photo/video credit or a caption opener such as "Photo: ..."."""
    return len(text.split()) <= CAPTION_MAX_WORDS and bool(_CREDIT.search(text))


def is_byline_or_date(text: str) -> bool:
    """A short byline, dateline, or publication/update stamp (navigation in LABELS.md)."""
    if len(text.split()) > BYLINE_MAX_WORDS:
        return False
    has_date, has_time = bool(_DATE.search(text)), bool(_TIME.search(text))
    if _BYLINE.match(text) or (_STAMP.match(text) and (has_date or has_time)):
        return True
    if not (has_date or has_time):
        return False
    rest = re.findall(r"[^\W\d_]+", _TIME.sub(" ", _DATE.sub(" ", text)).lower())
    others = len([word for word in rest if word not in _DATELINE_WORDS])
    # A time alone dates a line only when nothing else is on it ("4:05 pm"); a date may come with a name.
    return others <= (DATELINE_OTHER_WORDS if has_date else 0)


def is_ad_marker(text: str) -> bool:
    """A bare ad-slot marker ("Advertisement", "Anzeige", ...) alone on a line."""
    return bool(_AD_MARKER.match(text))


def in_comment_section(element: etree._Element) -> bool:
    """The element sits in a user-comment section (LABELS.md: comment sections are navigation), judged by the
    class and id words of its ancestors."""
    for ancestor in ancestors_or_self(element):
        words = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower().split()
        if any(word in _COMMENT_WORDS or _COMMENT_ID.match(word) for word in words):
            return True
    return False


def in_figcaption(element: etree._Element) -> bool:
    """The element is, or sits inside, a <figcaption>."""
    return any(tag_of(e) == "figcaption" for e in ancestors_or_self(element))


def beside_image(element: etree._Element, text: str) -> bool:
    """The block reads as an image's caption: in a <figure>, in a small box that also holds an <img>, or a short
    line right before or after an image."""
    if tag_of(element) in _HEADINGS:
        return False
    box: etree._Element | None = element
    for _ in range(IMAGE_BOX_LEVELS + 1):
        if box is None:
            return False
        if tag_of(box) == "figure":
            return True
        if len(text.split()) > SHORT_CAPTION_WORDS:
            return False
        if _has_image(box) and len(_text_of(box)) <= IMAGE_BOX_MAX_CHARS:
            return True
        box = box.getparent()
    return any(s is not None and _has_image(s) and not _text_of(s) for s in (element.getprevious(), element.getnext()))


def _has_image(element: etree._Element) -> bool:
    return tag_of(element) == "img" or any(True for _ in element.iter("img"))


def _text_of(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()
