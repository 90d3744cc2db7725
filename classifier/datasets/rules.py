"""Rules that turn the datasets' coarser gold into our four labels (LABELS.md), block by block.

The datasets call "main text" what LABELS.md splits further: gold texts keep bylines, datelines and photo
captions (Dragnet, CleanEval, WCXB, L3S-GN1's "supplemental" class). These rules find those blocks by their
wording and by where they sit in the page (inside a <figcaption>, or in a small box with an image).
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from .dom import ancestors_or_self, tag_of

#: Photo and video credits and caption openers (LABELS.md, caption: "(AP Photo/...)", "... via Getty Images",
#: "Credit: ...", "FILE - ...", "Photo: ..."), in the languages of the training pages.
_CREDIT = re.compile(
    r"^\s*(\(?\s*(photo|photograph|picture|image|foto|bild|video|illustration|graphic|credit|credits)s?"
    r"\s*(by|:|/|\u00a9)|file\s*[-\u2013\u2014]\s)"
    r"|\((ap|afp|reuters|epa|dpa)\s*(photo|images?|foto)[^)]{0,60}\)\s*$|\(getty[^)]{0,60}\)\s*$"
    r"|\b(getty images|ap photo|associated press photo|reuters/|afp/|epa/|shutterstock|istock(photo)?)\b"
    r"|\b(photo|foto|image) (credit|courtesy)\b",
    re.IGNORECASE,
)
#: Bylines: "By Jane Doe", "Posted by ...", "Written by ...", "Von ..." followed by a capitalised name.
_BYLINE = re.compile(
    r"^\s*(?i:by|posted by|written by|reported by|story by|words by|author|autor|auteur|von|par|por|door|di)\s*:?\s+"
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
#: How many ancestors of a block are looked at for a <figure>, a caption class or an image (its own element first).
CAPTION_BOX_LEVELS = 2
#: A box around an image and its caption holds little other text (an article column holds much more).
IMAGE_BOX_MAX_CHARS = 400
#: Images narrower or lower than this (in their width/height attributes) are spacers or icons, not pictures.
MIN_PICTURE_PIXELS = 40
_SPACER = re.compile(r"spacer|pixel|blank|clear\.gif|1x1|dot\.gif|trans(parent)?\.gif|/icons?/|bullet|arrow", re.I)
#: Class and id words of caption and credit elements in common themes and CMSs.
_CAPTION_CLASS = re.compile(
    r"caption|cutline|credit|photo-?text|image-?(text|desc|info)|img-?(text|desc)|bildunterschrift|legende|legend",
    re.IGNORECASE,
)
#: Class and id words of byline, author and date lines.
_BYLINE_CLASS = re.compile(r"byline|author|dateline|timestamp|\bdate\b|\bmeta\b|posted", re.IGNORECASE)
#: Class words that contain a caption word but only style text or name something else ("has-caption-font-size",
#: "credit-card").
_STYLE_CLASS = re.compile(r"font|size|colou?r|style|card|score|rating", re.IGNORECASE)
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
_MEDIA_TAGS = frozenset({"img", "picture", "video", "svg", "iframe", "canvas", "object", "embed", "audio"})


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


def in_byline_box(element: etree._Element) -> bool:
    """The element or its parent is classed as a byline, author, date or meta line."""
    for box in islice(ancestors_or_self(element), 2):
        if _BYLINE_CLASS.search(f"{box.get('class') or ''} {box.get('id') or ''}"):
            return True
    return False


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
    """The block reads as an image's caption: it sits in a <figure>, or in an element whose class or id names a
    caption or credit ("wp-caption-text", "photo-credit", "cutline"). A box that merely holds an image and some
    text is not enough: product cards, testimonials and teasers look the same."""
    if tag_of(element) in _HEADINGS or len(text.split()) > CAPTION_MAX_WORDS:
        return False
    for box in islice(ancestors_or_self(element), CAPTION_BOX_LEVELS + 1):
        if tag_of(box) == "figure":
            return _shows_media(box)
        words = f"{box.get('class') or ''} {box.get('id') or ''}".split()
        if any(_CAPTION_CLASS.search(word) and not _STYLE_CLASS.search(word) for word in words):
            return True
    return False


def near_image(element: etree._Element) -> bool:
    """The element shares a small box (itself or a near ancestor, with little text) with an image. Too weak alone
    (product cards and teasers look the same), it tells the captions among L3S-GN1's "supplemental" lines."""
    for box in islice(ancestors_or_self(element), CAPTION_BOX_LEVELS + 1):
        if any(_is_picture(img) for img in box.iter("img")):
            return len(" ".join(" ".join(box.itertext()).split())) <= IMAGE_BOX_MAX_CHARS
    return False


def _is_picture(img: etree._Element) -> bool:
    """An <img> that shows a picture, not a spacer, tracking pixel or icon of old table layouts."""
    if _SPACER.search(img.get("src") or ""):
        return False
    for name in ("width", "height"):
        value = (img.get(name) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < MIN_PICTURE_PIXELS:
            return False
    return True


def _shows_media(figure: etree._Element) -> bool:
    """A <figure> of an image, video or graphic (WordPress also wraps pull quotes and tables in <figure>)."""
    tags = {tag_of(e) for e in figure.iter() if isinstance(e.tag, str)}
    return bool(tags & _MEDIA_TAGS) and not tags & {"blockquote", "table"}
