"""Page metadata (title, author, dates, language, site name, canonical URL, description, sponsored signal),
read from the page itself, never from the network.

>>> from classifier.metadata import extract_metadata
>>> extract_metadata('<html lang="en"><head><title>Tide tables | Coast Post</title>'
...                  '<meta property="og:site_name" content="Coast Post"></head></html>').title
'Tide tables'

How the page is read, and why (measured by ``bench/metadata_eval.py``, see its docstring for the figures):

* **The head**: the document up to its ``</head>`` (or ``<body>``, whichever comes last, so that a ``</head>``
  written inside an inline script does not cut the head short) goes to lxml's HTML parser with a *target*:
  no tree is built, only the ``<html>``, ``<title>``, ``<meta>``, ``<link>`` and ``<base>`` start tags are
  kept. A page that writes neither marker (HTML lets both go) is read until the parser itself opens the body.
  Parsing the whole page would cost 5 to 10 times more: the median head is 5 KB of a 30 to 250 KB page.
* **JSON-LD**: ``<script type="application/ld+json">`` blocks anywhere in the page, cut out by a regular
  expression (many sites put them at the end of the body) and read with :func:`json.loads`.
* **The body**: the first ``<h1>`` elements (always: the visible headline, see ``_title``), and only when the
  head and the JSON-LD did not answer, the microdata (``itemprop`` author, headline, datePublished), a
  ``rel="author"`` link, a byline by its class name, the first ``<time datetime>``. Each is found by a literal
  search for a word of its tag ("author", "datePublished", "<h1") and read from a small window after it: a
  regular expression over every tag of the page cost ten times more.

Precedence, first source that gives a valid value wins (the reasons are in the comments of each ``_Page._*``):

* title: the first <h1> that a declared title confirms (equal, a leading part, held whole, or most words
  shared); else og:title, JSON-LD headline, microdata headline, twitter:title, <title>, other title metas,
  JSON-LD name, each without a site-name prefix or suffix; else the first <h1>.
* author: JSON-LD author of the main article (string, object, list, @id reference), <meta name=author>,
  article:author (not a URL), other author metas, Yoast's "Written by" label, microdata itemprop=author,
  rel=author link, a byline class (only on a page that says it is an article). The site's own name as
  author only when nothing else names one.
* published: JSON-LD datePublished, article:published_time and the other PUBLISHED_META, JSON-LD dateCreated,
  the WebPage node's datePublished, microdata datePublished/dateCreated, <time pubdate> or class "published",
  the first <time datetime> of the <article>, a /YYYY/MM/DD/ date in the canonical URL or ``url``.
  modified: JSON-LD dateModified, article:modified_time, og:updated_time and the other MODIFIED_META, the
  WebPage node's dateModified, microdata dateModified.
* language: <html lang>, og:locale, content-language and language metas, JSON-LD inLanguage.
* site_name: og:site_name, the JSON-LD publisher's name, the JSON-LD WebSite's name, application-name.
* canonical_url: <link rel=canonical>, og:url; resolved against <base href> and ``url``; http(s) only.
* description: og:description, <meta name=description>, twitter:description, JSON-LD description.
* sponsored / sponsor: see ``_Page._sponsored`` (explicit declarations only; paywall fields are ignored).

:func:`extract_metadata` never raises: each source is read under its own guard, so a broken one (bad JSON,
an attribute no URL parser accepts) costs that source only, and anything unforeseen gives empty metadata.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

__all__ = ["Metadata", "extract_metadata", "parse_date"]


@dataclass(slots=True)
class Metadata:
    """What a page declares about itself. Every field is None when the page does not say it.

    ``published`` and ``modified`` are ISO 8601: ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SS`` followed by ``Z`` or
    ``±HH:MM`` when the page gives a time and an offset (no suffix when it gives a time without one).
    ``language`` is a BCP 47 tag as the page writes it, case-normalised (``en``, ``en-GB``, ``pt-BR``).
    ``sponsored`` is True when the page declares itself paid content (see ``_sponsored``), None otherwise:
    most advertorials carry no machine-readable mark, so the absence of a mark is not evidence of the contrary.
    """

    title: str | None = None
    author: str | None = None
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    sponsored: bool | None = None
    sponsor: str | None = None

    def to_dict(self) -> dict[str, str | bool | None]:
        """Every field, None as null: ready for :func:`json.dumps`."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


# ---------------------------------------------------------------------------------------------------------------
# Limits. A page is never refused for its size: past these, parts of it are not looked at.

#: Characters of the page looked at, at most. The batch refuses pages over 5 MiB of bytes (README, --max-bytes);
#: a str of that many bytes has at most as many characters.
MAX_DOCUMENT_CHARS = 5 * 1024 * 1024
#: Characters of head parsed, at most. The largest head in the public pages of ../shared/data (3,621 pages with
#: a </head> or <body>) is 1.97 million characters (inline scripts and styles); the 99th percentile is 377,000.
MAX_HEAD_CHARS = 2 * 1024 * 1024
#: <meta>/<link> elements read from the head. The public pages of ../shared/data (4,922) have a median of 26 and
#: at most 307; a hostile page could hold millions.
MAX_HEAD_ELEMENTS = 5_000
#: Element nesting followed in the head region; the parser stops deeper. The deepest head region in the public
#: pages of ../shared/data is 36 elements deep (median 3). libxml2 takes quadratic time on deep stacks
#: (150,000 unclosed <b> followed by as many stray </i>: 47 s), linear under a cap.
MAX_HEAD_DEPTH = 128
#: JSON-LD blocks read per page, and characters per block. In the public pages: 0 to 4 blocks (99th percentile),
#: 104 at most (one per product of a shop); blocks of 1,100 characters (median), 153,000 at most. A block over the
#: cap is skipped, not cut.
MAX_JSONLD_BLOCKS = 128
MAX_JSONLD_CHARS = 1024 * 1024
#: JSON-LD nodes visited per page and the nesting followed. In the public pages: 51 nodes per page (99th
#: percentile), 751 at most; nesting 4 deep (median), 12 at most.
MAX_JSONLD_NODES = 5_000
MAX_JSONLD_DEPTH = 24
#: Characters of one start tag, at most, when a tag is found around a word of its attributes.
MAX_TAG_CHARS = 2_000
#: Characters after a body element's start tag searched for its end (an <h1>'s text, an author link's name). The
#: public pages' <h1> texts: 33 characters (median), 877 at most; markup inside them can take as much again.
BODY_WINDOW_CHARS = 4_000
#: <h1> elements looked at (real pages have 0 to 3; a listing may have one per teaser).
MAX_H1 = 8
#: Microdata date elements, <time> elements and byline candidates looked at in the body: a forum thread has one
#: per post.
MAX_BODY_MATCHES = 50
#: A byline found by its class names at most this many words ("Dr. Maria del Carmen Ruiz y Soto" is 7).
MAX_BYLINE_WORDS = 7
#: Elements and class words of an author box that are not the name: its picture, biography, links, date.
_NOT_BYLINE_TAGS = frozenset(["img", "svg", "picture", "figure", "meta", "link", "script", "style", "time", "section"])
_NOT_BYLINE_CLASSES = (
    "avatar",
    "image",
    "img",
    "photo",
    "pic",
    "bio",
    "desc",
    "social",
    "date",
    "time",
    "title",
    "label",
    "role",
    "job",
    "more",
    "follow",
    "box",
    "comment",
)
#: Texts of byline elements that are labels, not names.
_NOT_NAMES = frozenset(["author", "authors", "by", "written by", "posted by", "about the author", "share", "admin"])

#: Length limits of a plausible value, in characters; longer is not that field (a paragraph in a title tag, a
#: whole bio as the author). WCXB dev titles: median 40, 99th percentile 114, longest 257 characters.
MAX_TITLE_CHARS = 400
#: The longest author field of WCXB and the trafilatura set (a list of four names with degrees) is 126
#: characters.
MAX_AUTHOR_CHARS = 300
MAX_SITE_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2_000
#: RFC 7230 has no limit; browsers and sitemaps stop at about 2,000 (sitemaps.org: 2,048).
MAX_URL_CHARS = 2_048

#: Plausible dates: not before 1990 (the web's first page is from 1991; htmldate's default lower bound is 1995),
#: not more than a year after today (a page can announce an event, not be published then).
MIN_DATE = date(1990, 1, 1)
MAX_FUTURE = timedelta(days=365)

# ---------------------------------------------------------------------------------------------------------------
# Vocabularies

#: schema.org types of one piece of writing (https://schema.org/Article and its subtypes, BlogPosting, the
#: forum and social posts). ``Advertorial`` is the Originator Profile vocabulary's paid-article type,
#: ``SponsoredContent`` a name some CMS plug-ins write although schema.org does not define it.
ARTICLE_TYPES = frozenset(
    [
        "Article",
        "NewsArticle",
        "AnalysisNewsArticle",
        "AskPublicNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReportageNewsArticle",
        "ReviewNewsArticle",
        "SatiricalArticle",
        "ScholarlyArticle",
        "MedicalScholarlyArticle",
        "TechArticle",
        "APIReference",
        "Report",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "DiscussionForumPosting",
        "AdvertiserContentArticle",
        "Advertorial",
        "SponsoredContent",
        "HowTo",
        "Recipe",
    ]
)
#: Types whose node is the page itself (https://schema.org/WebPage and its subtypes): its dates are the page's
#: when no article node gives them (Yoast SEO, on millions of WordPress sites, puts them there).
PAGE_TYPES = frozenset(
    [
        "WebPage",
        "ItemPage",
        "AboutPage",
        "CheckoutPage",
        "CollectionPage",
        "ContactPage",
        "FAQPage",
        "MedicalWebPage",
        "ProfilePage",
        "QAPage",
        "RealEstateListing",
        "SearchResultsPage",
    ]
)
#: Types that declare paid content. schema.org: "AdvertiserContentArticle: An Article that an external entity
#: has paid to place or to produce to its specifications. Includes advertorials, sponsored content, native
#: advertising and other paid content."
SPONSORED_TYPES = frozenset(["AdvertiserContentArticle", "Advertorial", "SponsoredContent"])
#: Keys under which a JSON-LD node is still "the page" (and not a teaser in a list, a review, a comment or a
#: citation): the top level, ``@graph`` and ``mainEntity``.
MAIN_KEYS = frozenset(["@graph", "mainEntity"])

#: Section names (article:section, JSON-LD articleSection, parsely-section) that declare paid content, compared
#: whole after case folding: the labels newsrooms print over paid posts, in the languages of the datasets
#: (English, German, Dutch, French, Spanish). "Partner" alone is left out: it also names partnerships.
SPONSORED_SECTIONS = frozenset(
    [
        "sponsored",
        "sponsored content",
        "sponsored post",
        "sponsored article",
        "paid post",
        "paid content",
        "paid partnership",
        "advertorial",
        "advertorials",
        "advertisement feature",
        "advertiser content",
        "branded content",
        "partner content",
        "native advertising",
        "promoted content",
        "anzeige",
        "gesponsert",
        "gesponsord",
        "partnerbijdrage",
        "publireportage",
        "contenu sponsorisé",
        "publirreportaje",
        "contenido patrocinado",
    ]
)
#: Meta names whose value is the sponsor's name (the Telegraph's tmg.sponsor, empty on its ordinary articles)
#: and meta names whose true value marks the page paid (the BBC's DCSext.sponsored, empty on ordinary pages).
SPONSOR_META = ("sponsor", "article:sponsor", "tmg.sponsor")
SPONSORED_META = ("sponsored", "article:sponsored", "is_sponsored", "dcsext.sponsored")
#: Meta values that say "yes" / "no" for SPONSORED_META.
_YES = frozenset(["true", "1", "yes", "sponsored", "y"])
_NO = frozenset(["false", "0", "no", "n", "none", "null", "undefined", ""])
#: An author field that names a sponsor instead (``<meta property="article:author" content="Sponsored by X">``
#: is in the public pages: a deals post syndicated by a commerce network).
_SPONSORED_BY = re.compile(
    r"^\s*(?:sponsored\s+by|paid\s+(?:post|content|for)\s+by|advertisement\s+(?:by|from)|anzeige\s+von|"
    r"gesponsord\s+door|sponsoris[ée]\s+par)\s*:?\s*(?P<sponsor>\S.*)$",
    re.IGNORECASE,
)

#: Title metas taken after og:title, JSON-LD's headline, twitter:title and <title> (see _title for the order).
OTHER_TITLE_META = ("title", "dc.title", "sailthru.title", "parsely-title", "headline")
#: Author metas, first wins, after the JSON-LD author. article:author is usually a profile URL (skipped) and
#: sometimes a name.
AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "twitter:creator:name",
)
#: Publication date metas, first wins: Open Graph's article namespace (https://ogp.me/#type_article), then
#: the others met on news sites (htmldate's list of date metas was a guide; these are written anew).
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "published_time",
    "article.published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "citation_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "published-date",
    "ms.date",
    "originalpublicationdate",
    "article_date_original",
    "cxenseparse:recs:publishtime",
    "bt:pubdate",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "article:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
    "modified_time",
    "revised",
)
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")
LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language")
SECTION_META = ("article:section", "parsely-section", "section")
#: Bylines open with these words in the datasets' languages; they are not part of the name.
_BY = re.compile(
    r"^\s*(?:(?:written|posted|published|words|text|reviewed)\s+by|by|von|par|door|por|di|da|av|af|przez|"
    r"authors?|autor(?:in)?|auteur|written)\s*:?\s+",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------------------------
# Regular expressions over the raw page

#: A year, month and day as directories of a URL path, or a dated slug ("/2026/12/08/", "/2026-12-08-tide-tables").
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:[/_-]|\.html?|$)")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body[\s>/]", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
#: A JSON-LD script's start tag. ``[^<>]`` keeps each try within one tag, so the search stays linear.
_JSONLD_START = re.compile(r"<script\b[^<>]*?ld\+json[^<>]*>", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_H1 = re.compile(r"<h1\b[^<>]*>", re.IGNORECASE)
_H1_END = re.compile(r"</h1\s*>", re.IGNORECASE)
_ARTICLE = re.compile(r"<article\b", re.IGNORECASE)
_TIME = re.compile(r"<time\b[^<>]*>", re.IGNORECASE)
_BYLINE_WORD = re.compile(r"(?<![a-z])(?:author|byline)(?![a-z])|(?<![a-z])authors?(?=name)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: schema.org date properties, searched literally (their names are case-sensitive), then checked to sit in an
#: itemprop attribute.
_DATE_PROPERTY = re.compile(r"date(?:Published|Created|Modified)\b")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_TAG_START = re.compile(r"<[^\s/<>]*")
_ATTRIBUTE = re.compile(r"""([^\s=/<>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_HIDDEN_START = re.compile(r"<(script|style|noscript|template|svg)\b", re.IGNORECASE)
_BREAKING_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6])\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"\S+@\S+\.\S+")
#: C0/C1 controls other than whitespace, soft hyphens, zero-width spaces and joiners, byte-order marks: never
#: meant to be seen in a name or a title ("Assis\xadtance" is "Assistance").
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200d\u2060\ufeff]")
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def extract_metadata(html: str, url: str | None = None) -> Metadata:
    """The metadata a page declares, from its already-decoded HTML text; ``url`` (where the page was fetched)
    resolves a relative canonical link. Never raises: a page without metadata gives a Metadata of Nones."""
    try:
        if isinstance(html, bytes | bytearray | memoryview):
            html = bytes(html).decode("utf-8", "replace")
        if not isinstance(html, str) or not html:
            return Metadata()
        if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
            url = None
        return _Page(html[:MAX_DOCUMENT_CHARS], _clean_text(url) if url else None).metadata()
    except Exception:  # the promise is "never raises"; each source is guarded below, this is the last net
        return Metadata()


# ---------------------------------------------------------------------------------------------------------------
# Reading the page


class _Stop(Exception):
    """Raised by the head target to stop the parser."""


class _HeadTarget:
    """lxml parser target: keeps <html lang>, the first <title>'s text, <meta>, <link> and <base> attributes."""

    def __init__(self, stop_at_body: bool) -> None:
        self.stop_at_body = stop_at_body
        self.lang: str | None = None
        self.title_parts: list[str] | None = None  # collecting while not None
        self.title: str | None = None
        self.metas: dict[str, list[str]] = {}
        self.links: list[tuple[frozenset[str], str]] = []
        self.base: str | None = None
        self.elements = 0
        self.depth = 0
        self.svg = 0  # inside <svg>: its <title> is an image's tooltip

    def start(self, tag, attrib) -> None:
        self.depth += 1
        if self.depth > MAX_HEAD_DEPTH:
            raise _Stop
        if not isinstance(tag, str):
            return
        if tag == "html" and self.lang is None:
            self.lang = attrib.get("lang") or attrib.get("xml:lang")
        elif tag == "title" and self.title is None and self.title_parts is None and not self.svg:
            self.title_parts = []
        elif tag == "svg":
            self.svg += 1
        elif tag == "meta":
            self._count()
            key = attrib.get("property") or attrib.get("name") or attrib.get("itemprop") or attrib.get("http-equiv")
            content = attrib.get("content")
            if key and content is not None:
                self.metas.setdefault(key.strip().lower(), []).append(content)
        elif tag == "link":
            self._count()
            rel, href = attrib.get("rel"), attrib.get("href")
            if rel and href:
                self.links.append((frozenset(rel.lower().split()), href))
        elif tag == "base" and self.base is None:
            self.base = attrib.get("href")
        elif tag == "body" and self.stop_at_body:
            raise _Stop

    def _count(self) -> None:
        self.elements += 1
        if self.elements > MAX_HEAD_ELEMENTS:
            raise _Stop

    def end(self, tag) -> None:
        self.depth -= 1
        if tag == "title" and self.title_parts is not None:
            self.title = "".join(self.title_parts)
            self.title_parts = None
        elif tag == "svg" and self.svg:
            self.svg -= 1

    def data(self, text) -> None:
        if self.title_parts is not None:
            self.title_parts.append(text)

    def comment(self, text) -> None:
        pass

    def close(self) -> None:
        if self.title_parts is not None:  # a <title> never closed
            self.title = "".join(self.title_parts)
            self.title_parts = None


class _Page:
    """One page's sources, each read once, on demand."""

    def __init__(self, doc: str, url: str | None) -> None:
        self.doc = doc
        self.url = url
        self.head = _HeadTarget(stop_at_body=False)
        self.body_from = 0
        self.jsonld = _JsonLd()
        self._h1s: list[str] | None = None  # None: not looked for yet
        _guard(self._read_head)
        _guard(self._read_jsonld)

    # -- sources --------------------------------------------------------------------------------------------

    def _read_head(self) -> None:
        ends = [m.start() for m in (_HEAD_END.search(self.doc, 0, MAX_HEAD_CHARS),) if m]
        body = _BODY_START.search(self.doc, 0, MAX_HEAD_CHARS)
        if body:
            ends.append(body.start())
        # Both markers may be absent (HTML lets them go): then the parser reads until it opens the body itself.
        end = max(ends) if ends else min(len(self.doc), MAX_HEAD_CHARS)
        self.body_from = end if ends else 0
        self.head = _HeadTarget(stop_at_body=not ends)
        data = _utf8_markup(_XML_DECLARATION.sub("", self.doc[:end], count=1))
        if not data.strip():
            return
        parser = etree.HTMLParser(
            target=self.head, encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True
        )
        try:
            parser.feed(data)
            parser.close()
        except _Stop:
            self.head.close()
        except (etree.LxmlError, ValueError, UnicodeError):
            self.head.close()

    def _read_jsonld(self) -> None:
        for text in _jsonld_scripts(self.doc):
            self.jsonld.add(text)
        self.jsonld.finish((self.link("canonical"), self.meta("og:url"), self.url))

    def meta(self, *names: str) -> str | None:
        """The first non-empty content among the metas ``names``, in that order."""
        for name in names:
            for value in self.head.metas.get(name, ()):
                value = _clean_text(value)
                if value:
                    return value
        return None

    def meta_values(self, name: str) -> list[str]:
        return [v for v in map(_clean_text, self.head.metas.get(name, ())) if v]

    def link(self, rel: str) -> str | None:
        for rels, href in self.head.links:
            if rel in rels and href.strip():
                return href.strip()
        return None

    def h1s(self) -> list[str]:
        """The texts of the first MAX_H1 non-empty <h1> elements, tags dropped, permalink marks cut."""
        if self._h1s is None:
            self._h1s = []
            pos = self.body_from
            for _ in range(MAX_H1):
                match = _H1.search(self.doc, pos)
                if not match:
                    break
                pos = match.end()
                text = _clean_text(_PERMALINK.sub("", _element_text(self.doc, match.end(), _H1_END) or ""))
                if text:
                    self._h1s.append(text)
        return self._h1s

    # -- fields ---------------------------------------------------------------------------------------------

    def metadata(self) -> Metadata:
        result = Metadata()
        result.site_name = _guard(self._site_name)
        result.title = _guard(self._title, result.site_name)
        author = _guard(self._author, result.site_name)
        result.published = _guard(self._published)
        result.modified = _guard(self._modified)
        result.language = _guard(self._language)
        result.canonical_url = _guard(self._canonical)
        result.description = _guard(self._description)
        sponsored, sponsor, author = _guard(self._sponsored, author) or (None, None, author)
        result.author, result.sponsored, result.sponsor = author, sponsored, sponsor
        for item in fields(result):  # the last word: every string is clean, bounded UTF-8 text
            value = getattr(result, item.name)
            if isinstance(value, str):
                setattr(result, item.name, _clean_text(value) or None)
        return result

    def _title(self, site_name: str | None) -> str | None:
        # The visible headline (an <h1>) is the title when the page's metadata confirms it: it equals one of the
        # declared titles, or starts one, or sits whole inside one ("Site: Headline | Section"), loosely compared
        # (case and punctuation folded). An <h1> that no declared title confirms is often the site's logo,
        # "Menu", or a section name, so then the declared titles are taken, in this order: Open Graph's (written
        # for sharing, usually without the site's name), JSON-LD's headline (the article's own, on fewer pages),
        # Twitter's, then <title> (written for the browser tab, usually ending with the site's name, which is
        # cut off here). The first <h1> is the last resort. Measured on WCXB dev, L3S-GN1 dev and
        # GoogleTrends-2017 dev (bench/metadata_eval.py): confirming the <h1> first is what lifted exact
        # matches most, as the gold titles are mostly the visible headline.
        og_title, headline = self.meta("og:title"), self.jsonld.text("headline")
        declared = [
            og_title,
            headline,
            # Microdata's headline (a body scan) only when neither of the above is there.
            None if og_title or headline else _microdata_text(self.doc, self.body_from, "headline"),
            self.meta("twitter:title"),
            _clean_text(self.head.title),
            self.meta(*OTHER_TITLE_META),
            self.jsonld.text("name"),
        ]
        declared = [d for d in declared if d and len(d) <= 4 * MAX_TITLE_CHARS]
        hosts = _host_words(self.url, self.meta("og:url"), self.link("canonical"))
        home = _is_home(self.url or self.link("canonical") or self.meta("og:url"))
        stripped = [_strip_site(d, site_name, hosts, home=home) or d for d in declared]
        pairs = [(_fold(d), _fold(s)) for d, s in zip(declared, stripped)]
        for h1 in self.h1s():
            folded = _fold(h1)
            if len(h1) <= MAX_TITLE_CHARS and any(_confirms(folded, raw, cut) for raw, cut in pairs):
                if h1.isupper():  # an all-capitals <h1> is usually styling: the declared spelling is better
                    h1 = next((s for s in stripped if _fold(s) == folded and not s.isupper()), h1)
                # An <h1> that is a whole declared title is cut as that title was.
                same = next((s for (raw, _), s in zip(pairs, stripped) if raw == folded), None)
                return same or _strip_site(h1, site_name, hosts, headline=True, home=home)
        for title in stripped:
            if len(title) <= MAX_TITLE_CHARS:
                return title
        return next((h1 for h1 in self.h1s() if len(h1) <= MAX_TITLE_CHARS), None)

    def _author(self, site_name: str | None) -> str | None:
        # JSON-LD first: it names people as people (a list of Person objects); the metas next (AUTHOR_META
        # order), then Yoast's "Written by" card, and the body's byline markup last (microdata, rel=author, a
        # byline class), as it is the most often misused (a site's "About" link carries rel=author on many
        # blogs, a review widget's class says "author"). A name that is the site's own (an Organization as the
        # author, "Instructables") is kept only when no source names a person.
        site = _fold(site_name) if site_name else ""
        fallback: list[str] = []
        for names in self._author_sources():
            names = [n for n in names if n and not _looks_like_url(n) and not _EMAIL.fullmatch(n)]
            if names and site and all(_fold(n) and _fold(n) in site for n in names):
                fallback = fallback or names
                continue
            if names:
                return _join_names(names)
        return _join_names(fallback)

    def _author_sources(self) -> Iterator[list[str]]:
        yield self.jsonld.authors()
        for key in AUTHOR_META:
            yield self.meta_values(key)
        # Yoast SEO's reading-time card: twitter:label1 "Written by", twitter:data1 the name.
        for number in "12345":
            if (self.meta(f"twitter:label{number}") or "").casefold() in ("written by", "author", "by"):
                yield [self.meta(f"twitter:data{number}") or ""]
        yield _body_authors(self.doc, self.body_from, bylines=self._is_article())

    def _is_article(self) -> bool:
        """Does the page say it is one piece of writing (og:type article, a JSON-LD article, a publication date)?
        Only then is a byline found by its class name trusted: on product and listing pages such classes mark
        reviewers and testimonials."""
        og_type = (self.meta("og:type") or "").casefold()
        return (
            "article" in og_type
            or self.jsonld.article is not None
            or any(key in self.head.metas for key in PUBLISHED_META[:4])
        )

    def _published(self) -> str | None:
        # JSON-LD datePublished first (what search engines read for articles, so sites keep it right), then
        # the Open Graph article metas and the rest in PUBLISHED_META order, then the WebPage node's date, then
        # the body's microdata, then the first <time datetime> of the article, then a date in the URL.
        for value in (
            self.jsonld.article_value("datePublished"),
            *(v for key in PUBLISHED_META for v in self.head.metas.get(key, ())),
            self.jsonld.article_value("dateCreated"),
            self.jsonld.page_value("datePublished"),
        ):
            found = parse_date(value)
            if found:
                return found
        found = _body_date(self.doc, self.body_from, ("datePublished", "dateCreated"))
        if found:
            return found
        # Last, a full date in the page's address (/2026/12/08/ or /2026-12-08-...), as many CMSs write it.
        for url in (self.link("canonical"), self.url):
            match = _URL_DATE.search(url or "")
            if match:
                return parse_date("-".join(match.groups()))
        return None

    def _modified(self) -> str | None:
        for value in (
            self.jsonld.article_value("dateModified"),
            *(v for key in MODIFIED_META for v in self.head.metas.get(key, ())),
            self.jsonld.page_value("dateModified"),
        ):
            found = parse_date(value)
            if found:
                return found
        return _body_date(self.doc, self.body_from, ("dateModified",), time_fallback=False)

    def _language(self) -> str | None:
        # <html lang> is what browsers and screen readers use; og:locale is for sharing and often a site-wide
        # default; content-language may list several languages (the first is taken).
        for value in (
            self.head.lang,
            self.meta("og:locale"),
            self.meta(*LANGUAGE_META),
            self.jsonld.article_value("inLanguage"),
        ):
            lang = _language_tag(value)
            if lang:
                return lang
        return None

    def _site_name(self) -> str | None:
        for value in (
            self.meta("og:site_name"),
            self.jsonld.publisher(),
            self.jsonld.website(),
            self.meta(*SITE_NAME_META[1:]),
        ):
            value = _clean_text(value)
            if value and len(value) <= MAX_SITE_NAME_CHARS and not _looks_like_url(value):
                return value.lstrip("@") or None
        return None

    def _canonical(self) -> str | None:
        base = self.url
        if self.head.base:
            base = _absolute(self.head.base, base) or base
        for value in (self.link("canonical"), self.meta("og:url")):
            found = _absolute(value, base)
            if found:
                return found
        return None

    def _description(self) -> str | None:
        for value in (self.meta(*DESCRIPTION_META), self.jsonld.text("description")):
            value = _clean_text(value)
            if value and len(value) <= MAX_DESCRIPTION_CHARS:
                return value
        return None

    def _sponsored(self, author: str | None) -> tuple[bool | None, str | None, str | None]:
        """(sponsored, sponsor, author): True only on an explicit declaration; never from paywall fields.

        Signals, each one enough: the main JSON-LD node's type is in SPONSORED_TYPES or it names a ``sponsor``;
        a sponsor meta with a name or a sponsored meta with a true value; the page's section is one of
        SPONSORED_SECTIONS; the author field reads "Sponsored by X" (then X is the sponsor, not the author).
        Ignored: ``isAccessibleForFree`` and ``article:content_tier`` (free / metered / locked: paywall
        information, not who paid for the text), ``og:type`` (no sponsored value is defined or seen in the
        public pages), and the words "sponsor" or "partner" anywhere else.
        """
        sponsored = sponsor = None
        if self.jsonld.sponsored_type():
            sponsored = True
        name = self.jsonld.sponsor()
        if name:
            sponsored, sponsor = True, name
        for key in SPONSOR_META:
            value = self.meta(key)
            if value and value.casefold() not in _NO:
                sponsored, sponsor = True, sponsor or value
        for key in SPONSORED_META:
            value = self.meta(key)
            if value and value.casefold() in _YES:
                sponsored = True
        sections = [self.meta(key) for key in SECTION_META] + self.jsonld.texts("articleSection")
        if any(s and s.casefold().strip(" :") in SPONSORED_SECTIONS for s in sections):
            sponsored = True
        if author:
            match = _SPONSORED_BY.match(author)
            if match:
                sponsored, sponsor, author = True, sponsor or match["sponsor"].strip(), None
        return sponsored, sponsor, author


# ---------------------------------------------------------------------------------------------------------------
# JSON-LD


class _JsonLd:
    """The page's JSON-LD nodes: the main article node, the page node and an index of nodes by @id."""

    def __init__(self) -> None:
        self.nodes: list[tuple[dict, frozenset[str], bool]] = []  # (node, types, is main)
        self.by_id: dict[str, dict] = {}
        self.article: dict | None = None
        self.page: dict | None = None
        self.salvaged: dict[str, str] = {}  # from a block that is not valid JSON

    def add(self, text: str) -> None:
        data = _load_json(text)
        if data is _BROKEN:
            self._salvage(text)
            return
        stack: list[tuple[object, bool, int]] = [(data, True, 0)]
        while stack and len(self.nodes) < MAX_JSONLD_NODES:
            value, main, depth = stack.pop()
            if depth > MAX_JSONLD_DEPTH:
                continue
            if isinstance(value, list):
                stack.extend((item, main, depth + 1) for item in reversed(value[:MAX_JSONLD_NODES]))
                continue
            if not isinstance(value, dict):
                continue
            types = _types(value.get("@type"))
            if types or len(value) > 1:
                self.nodes.append((value, types, main))
                ident = value.get("@id")
                if isinstance(ident, str) and len(value) > 1 and ident not in self.by_id:
                    self.by_id[ident] = value
            children = [
                (child, main and (key in MAIN_KEYS or not types), depth + 1)
                for key, child in value.items()
                if isinstance(child, dict | list) and key != "@context"
            ]
            stack.extend(reversed(children))

    def _salvage(self, text: str) -> None:
        """A block that is not JSON (an unescaped quote in a description is the usual fault): keep its first
        headline and dates, if it declares an article type, as trafilatura does for broken blocks."""
        if not _SALVAGE_TYPE.search(text):
            return
        for key in ("headline", "datePublished", "dateModified"):
            match = re.search(rf'"{key}"\s*:\s*"((?:[^"\\\n]|\\.){{1,{MAX_TITLE_CHARS}}})"', text)
            if match and key not in self.salvaged:
                try:
                    self.salvaged[key] = json.loads(f'"{match.group(1)}"')
                except ValueError:
                    continue

    def finish(self, urls: tuple[str | None, ...] = ()) -> None:
        mains = [(node, types) for node, types, main in self.nodes if main]
        articles = [node for node, types in mains if types & ARTICLE_TYPES]
        self.page = next((node for node, types in mains if types & PAGE_TYPES), None)
        if len({_json_text(node.get("headline") or node.get("name")) for node in articles}) > 1:
            # Several different articles at the top (a blog's index page): the page's is the one whose address
            # is the page's; when none is, the page is a list and no article speaks for it.
            wanted = {_url_key(u) for u in urls if u}
            articles = [node for node in articles if wanted & {_url_key(u) for u in _node_urls(node)}]
        self.article = articles[0] if articles else None
        if self.article is None and self.page is not None:
            # The article hangs from the page node by reference (Yoast: the WebPage's mainEntity is an @id), or
            # a question-and-answer page's main entity is its Question.
            entity = self.page.get("mainEntity")
            entity = self.resolve(entity[0] if isinstance(entity, list) and len(entity) == 1 else entity)
            types = _types(entity.get("@type")) if isinstance(entity, dict) else frozenset()
            if types & ARTICLE_TYPES or ("Question" in types and "QAPage" in _types(self.page.get("@type"))):
                self.article = entity

    def resolve(self, value: object) -> object:
        """A node given by reference only (``{"@id": ...}``) is replaced by the node of that @id."""
        if isinstance(value, dict) and "@id" in value and len(value) <= 2 and "name" not in value:
            return self.by_id.get(value["@id"], value) if isinstance(value["@id"], str) else value
        return value

    def article_value(self, key: str) -> object:
        if self.article is not None:
            return self.article.get(key)
        return self.salvaged.get(key)

    def page_value(self, key: str) -> object:
        return self.page.get(key) if self.page is not None else None

    def text(self, key: str) -> str | None:
        """A text property of the article node (headline, name, description)."""
        return _json_text(self.article_value(key))

    def texts(self, key: str) -> list[str]:
        value = self.article_value(key)
        items = value if isinstance(value, list) else [value]
        return [t for t in map(_json_text, items[:20]) if t]

    def authors(self) -> list[str]:
        if self.article is None:
            return []
        value = self.article.get("author") or self.article.get("creator")
        items = value if isinstance(value, list) else [value]
        names = []
        for item in items[:50]:
            name = _json_name(self.resolve(item))
            if name and not _looks_like_url(name):
                names.append(name)
        return names

    def publisher(self) -> str | None:
        node = self.article or self.page
        if node is None:
            return None
        return _json_name(self.resolve(node.get("publisher")))

    def website(self) -> str | None:
        for node, types, main in self.nodes:
            if main and "WebSite" in types:
                return _json_name(node)
        return None

    def sponsored_type(self) -> bool:
        return any(types & SPONSORED_TYPES for _, types, main in self.nodes if main)

    def sponsor(self) -> str | None:
        if self.article is None:
            return None
        value = self.resolve(self.article.get("sponsor"))
        if isinstance(value, list):
            value = self.resolve(value[0]) if value else None
        return _json_name(value)


_BROKEN = object()
_SALVAGE_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"(?:https?://schema\.org/)?(?:\w*Article|BlogPosting)"')
#: A block wrapped in an HTML comment or a CDATA section (old advice for inline scripts), or ending in ";".
_JSON_WRAPPING = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>|;)\s*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _jsonld_scripts(doc: str) -> Iterator[str]:
    pos = 0
    for _ in range(MAX_JSONLD_BLOCKS):
        start = _JSONLD_START.search(doc, pos)
        if not start:
            return
        end = _SCRIPT_END.search(doc, start.end())
        if not end:  # no later script can be closed either
            return
        if end.start() - start.end() <= MAX_JSONLD_CHARS:
            yield doc[start.end() : end.start()]
        pos = end.end()


def _load_json(text: str) -> object:
    text = _JSON_WRAPPING.sub("", text.strip())
    if not text:
        return None
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)  # strict=False: raw newlines and tabs inside strings
        except (ValueError, RecursionError):
            continue
    return _BROKEN


def _node_urls(node: dict) -> list[str]:
    """The addresses a JSON-LD node gives for itself: url, @id, mainEntityOfPage (a string or a node's @id)."""
    found = []
    for key in ("url", "@id", "mainEntityOfPage"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str):
            found.append(value)
    return found


def _url_key(url: str) -> str:
    """A URL compared loosely: no scheme, no "www.", no fragment, no trailing slash, case-folded."""
    url = url.strip().split("#")[0].casefold()
    url = re.sub(r"^[a-z]+://(www\.)?", "", url)
    return url.rstrip("/")


def _types(value: object) -> frozenset[str]:
    """The @type names without a vocabulary prefix ("http://schema.org/NewsArticle", "schema:BlogPosting")."""
    items = value if isinstance(value, list) else [value]
    return frozenset(re.split(r"[/:#]", item.strip())[-1] for item in items[:20] if isinstance(item, str))


def _json_text(value: object) -> str | None:
    """A JSON-LD text value: a string, a language-tagged {"@value": ...}, or the first of a list."""
    if isinstance(value, list):
        value = next((v for v in value[:20] if isinstance(v, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, str):
        return None
    if "&" in value:  # some CMSs write HTML entities into JSON strings
        value = html_lib.unescape(value)
    return _clean_text(value)


def _json_name(value: object) -> str | None:
    """A person's or an organisation's name: a string, or an object's ``name`` (or given + family name)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return _json_text(value)
    if not isinstance(value, dict):
        return None
    name = _json_text(value.get("name"))
    if not name:
        parts = [_json_text(value.get(k)) for k in ("givenName", "familyName")]
        name = " ".join(p for p in parts if p) or None
    return name


# ---------------------------------------------------------------------------------------------------------------
# The body


def _element_text(doc: str, start: int, end_tag: re.Pattern) -> str | None:
    """The text of an element whose start tag ends at ``start``, up to its end tag (within BODY_WINDOW_CHARS)."""
    end = end_tag.search(doc, start, start + BODY_WINDOW_CHARS)
    if not end:
        return None
    return _markup_text(doc[start : end.start()])


def _markup_text(fragment: str) -> str | None:
    fragment = _drop_hidden(fragment)
    fragment = _TAG.sub("", _BREAKING_TAG.sub(" ", fragment))
    return _clean_text(html_lib.unescape(fragment)) if fragment else None


def _drop_hidden(fragment: str) -> str:
    """The fragment without its script, style, noscript, template and svg elements (unclosed: to the end). One
    search for each element's end, so linear (a lazy regular expression was quadratic on many unclosed tags)."""
    parts, pos = [], 0
    while True:
        start = _HIDDEN_START.search(fragment, pos)
        if not start:
            parts.append(fragment[pos:])
            break
        parts.append(fragment[pos : start.start()])
        end = re.compile(rf"</{start.group(1)}\s*>", re.IGNORECASE).search(fragment, start.end())
        if not end:
            break
        parts.append(" ")
        pos = end.end()
    return "".join(parts)


def _attributes(tag: str) -> dict[str, str]:
    """A start tag's attributes, names lower-cased, entities decoded."""
    found: dict[str, str] = {}
    name = _TAG_START.match(tag)
    for match in _ATTRIBUTE.finditer(tag, name.end() if name else 0):
        name = match.group(1).lower()
        value = next((v for v in match.groups()[1:] if v is not None), "")
        found.setdefault(name, html_lib.unescape(value) if "&" in value else value)
    return found


def _start_tag_around(doc: str, index: int) -> tuple[int, int, str, dict[str, str]] | None:
    """The start tag that holds position ``index`` (in an attribute): (start, end, tag name, attributes)."""
    start = doc.rfind("<", max(0, index - MAX_TAG_CHARS), index)
    if start < 0 or doc.find(">", start, index) >= 0:
        return None
    end = doc.find(">", index, index + MAX_TAG_CHARS)
    if end < 0:
        return None
    match = _TAG_NAME.match(doc, start + 1, end)
    if not match:
        return None
    return start, end + 1, match.group().lower(), _attributes(doc[start : end + 1])


def _tags_holding(
    doc: str, pos: int, word: str, end: int | None = None
) -> Iterator[tuple[int, int, str, dict[str, str]]]:
    """Start tags between ``pos`` and ``end`` holding ``word`` in an attribute, in page order (the first
    4 * MAX_BODY_MATCHES occurrences of the word are looked at). A literal search: ten times faster than a
    regular expression over every tag of the page."""
    end = len(doc) if end is None else end
    index = doc.find(word, pos, end)
    seen = 0
    while index >= 0 and seen < MAX_BODY_MATCHES * 4:
        seen += 1
        tag = _start_tag_around(doc, index)
        if tag:
            yield tag
            index = doc.find(word, tag[1], end)
        else:
            index = doc.find(word, index + len(word), end)


def _element_text_after(doc: str, tag: tuple[int, int, str, dict[str, str]]) -> str | None:
    return _element_text(doc, tag[1], re.compile(rf"</{re.escape(tag[2])}\s*>", re.IGNORECASE))


def _body_authors(doc: str, pos: int, bylines: bool = True) -> list[str]:
    """The byline's name from the body: microdata ``itemprop="author"`` first (with its nested
    ``itemprop="name"`` when it has one), then a ``rel="author"`` link, then (when ``bylines``) the first element
    whose class names a byline ("author", "post-author-name", "byline") and holds a short name."""
    rel = byline = None
    for tag in _tags_holding(doc, pos, "author"):
        attrs = tag[3]
        if "author" in _itemprops(tag):
            name = _itemprop_name(doc, tag)
            if name:
                return [name]
        elif rel is None and tag[2] == "a" and "author" in attrs.get("rel", "").lower().split():
            rel = tag
        elif byline is None and bylines and _is_byline(tag):
            byline = tag
    if rel is not None:
        name = _element_text_after(doc, rel)
        if name and len(name) <= MAX_AUTHOR_CHARS // 2 and not _looks_like_url(name):
            return [name]
    candidates = [byline] if byline else []
    if bylines and not byline:  # class names also spell "Author", "byline", "Byline"
        for word in ("Author", "byline", "Byline"):
            found = next((tag for tag in _tags_holding(doc, pos, word) if _is_byline(tag)), None)
            candidates += [found] if found else []
    for tag in sorted(candidates):
        name = _clean_text(_BY.sub("", _element_text_after(doc, tag) or ""))
        if name and _plausible_byline(name):
            return [name]
    return []


def _itemprop_name(doc: str, tag: tuple[int, int, str, dict[str, str]]) -> str | None:
    attrs = tag[3]
    if tag[2] == "meta" or "content" in attrs:
        name = _clean_text(attrs.get("content"))
    else:
        # A Person item: its name is a nested itemprop="name", looked for in the next BODY_WINDOW_CHARS.
        window = tag[1] + BODY_WINDOW_CHARS
        nested = next((t for t in _tags_holding(doc, tag[1], "name", window) if "name" in _itemprops(t)), None)
        if nested:
            name = _clean_text(nested[3].get("content")) or _element_text_after(doc, nested)
        else:
            name = _element_text_after(doc, tag)
    name = _clean_text(_BY.sub("", name or "")) if name else None
    if name and len(name) <= MAX_AUTHOR_CHARS // 2 and not _looks_like_url(name):
        return name
    return None


def _itemprops(tag: tuple[int, int, str, dict[str, str]]) -> list[str]:
    return tag[3].get("itemprop", "").split()


def _microdata_text(doc: str, pos: int, prop: str) -> str | None:
    """The first microdata ``itemprop=prop`` value of the body: its content attribute or its text."""
    tag = next((t for t in _tags_holding(doc, pos, prop) if prop in _itemprops(t)), None)
    if tag is None:
        return None
    return _clean_text(tag[3].get("content")) or _element_text_after(doc, tag)


def _is_byline(tag: tuple[int, int, str, dict[str, str]]) -> bool:
    classes = _CAMEL.sub("-", tag[3].get("class", "")).lower()
    return (
        bool(_BYLINE_WORD.search(classes))
        and tag[2] not in _NOT_BYLINE_TAGS
        and not any(word in classes for word in _NOT_BYLINE_CLASSES)
    )


def _plausible_byline(text: str) -> bool:
    """A name or two, not a sentence: at most MAX_BYLINE_WORDS words, a capital letter, no URL or date."""
    words = text.split()
    return (
        0 < len(words) <= MAX_BYLINE_WORDS
        and any(c.isupper() for c in text)
        and not _looks_like_url(text)
        and not any(c.isdigit() for c in text)
        and text.casefold().strip(" :") not in _NOT_NAMES
    )


def _body_date(doc: str, pos: int, props: tuple[str, ...], time_fallback: bool = True) -> str | None:
    """A date from the body: the first microdata ``itemprop`` in ``props`` (the page's main item comes first;
    a question's comments come after it), else a ``<time>`` marked as the publication date (``pubdate``, or the
    microformat classes ``dt-published`` and hAtom's ``published``), else the first ``<time datetime>`` of the
    first <article>, else the body's first."""
    match = _DATE_PROPERTY.search(doc, pos)
    seen = 0
    while match and seen < MAX_BODY_MATCHES:
        seen += 1
        tag = _start_tag_around(doc, match.start())
        if tag and match.group() in tag[3].get("itemprop", "").split():
            if match.group() not in props:
                match = _DATE_PROPERTY.search(doc, tag[1])
                continue
            value = tag[3].get("content") or tag[3].get("datetime")
            found = parse_date(value if value is not None else _element_text_after(doc, tag))
            if found:
                return found
            break
        match = _DATE_PROPERTY.search(doc, match.end())
    if not time_fallback:
        return None
    article = _ARTICLE.search(doc, pos)
    first_in_article = first = None
    for count, match in enumerate(_TIME.finditer(doc, pos)):
        if count >= MAX_BODY_MATCHES:
            break
        attrs = _attributes(match.group(0))
        found = parse_date(attrs.get("datetime"))
        if not found:
            continue
        classes = set(attrs.get("class", "").lower().split())
        if "pubdate" in attrs or (classes & {"published", "dt-published"} and "updated" not in classes):
            return found
        first = first or found
        if article and match.start() > article.start():
            first_in_article = first_in_article or found
    return first_in_article or first


# ---------------------------------------------------------------------------------------------------------------
# Dates

_ISO = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.]?)(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+T?\s*|,\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT|UT)?)?"
)
_DAY_FIRST = re.compile(r"(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?:[,\s]+(?P<H>\d{1,2}):(?P<M>\d{2}))?")
_RFC2822 = re.compile(r"(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")
_EPOCH = re.compile(r"(?P<s>\d{10})(?:\.\d+)?|(?P<ms>\d{13})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAME = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_FIRST = re.compile(
    rf"(?:[A-Za-z]+,?\s+)?{_MONTH_NAME}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I
)
_DAY_MONTH = re.compile(
    rf"(?:[A-Za-z]+,?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MONTH_NAME}\s+(?P<y>\d{{4}})\b", re.I
)


def parse_date(value: object, today: date | None = None) -> str | None:
    """A machine-readable date as ISO 8601 (``2026-12-08`` or ``2026-12-08T10:00:00+01:00``), None when it is
    not one of the forms read here or is implausible (before MIN_DATE, more than MAX_FUTURE after ``today``).

    Forms: ISO 8601 and its variants (``2026-12-08``, ``2026/12/08``, ``20261208``, with a time after ``T`` or a
    space, seconds and fractions optional, ``Z`` / ``±HH:MM`` / ``±HHMM`` / ``UTC``), RFC 2822 (``Tue, 08 Dec 2026
    10:00:00 GMT``), ``08.12.2026`` (day first, as written in German-language metas), English month names
    (``December 8, 2026``, ``8 Dec 2026``: the date only), and epoch seconds or milliseconds (UTC).
    """
    try:
        return _parse_date(value, today or datetime.now(timezone.utc).date())
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def _parse_date(value: object, today: date) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value[:5] if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, str):
        return None
    text = value.strip()[:100]
    if not text:
        return None
    match = _EPOCH.fullmatch(text)
    if match:
        seconds = int(match["s"]) if match["s"] else int(match["ms"]) / 1000
        moment = datetime.fromtimestamp(seconds, timezone.utc)
        return _format(moment.year, moment.month, moment.day, (moment.hour, moment.minute, moment.second), "Z", today)
    match = _ISO.match(text)
    # Not followed by a digit ("2026120812"), and compact only as YYYYMMDD ("2026128" is not a date).
    if (
        match
        and not text[match.end() : match.end() + 1].isdigit()
        and (match["sep"] or (len(match["m"]) == 2 and len(match["d"]) == 2))
    ):
        clock = (int(match["H"]), int(match["M"]), int(match["S"] or 0)) if match["H"] else None
        return _format(int(match["y"]), int(match["m"]), int(match["d"]), clock, match["tz"], today)
    match = _DAY_FIRST.match(text)
    if match:
        clock = (int(match["H"]), int(match["M"]), 0) if match["H"] else None
        return _format(int(match["y"]), int(match["m"]), int(match["d"]), clock, None, today)
    if _RFC2822.match(text):
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None:
            offset = moment.utcoffset()
            tz = None if offset is None else _offset_text(offset)
            return _format(
                moment.year, moment.month, moment.day, (moment.hour, moment.minute, moment.second), tz, today
            )
    for pattern in (_MONTH_FIRST, _DAY_MONTH):
        match = pattern.match(text)
        if match:
            return _format(int(match["y"]), _MONTHS[match["mon"].lower()], int(match["d"]), None, None, today)
    return None


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _format(
    year: int, month: int, day: int, clock: tuple[int, int, int] | None, tz: str | None, today: date
) -> str | None:
    day_date = date(year, month, day)  # ValueError for 2026-02-30
    if day_date < MIN_DATE or day_date > today + MAX_FUTURE:
        return None
    text = day_date.isoformat()
    if clock is None:
        return text
    hour, minute, second = clock
    datetime(year, month, day, hour, minute, min(second, 59))  # ValueError for 25:00
    text += f"T{hour:02d}:{minute:02d}:{min(second, 59):02d}"
    if not tz:
        return text
    if tz.upper() in ("Z", "UTC", "GMT", "UT"):
        return text + "Z"
    if ":" not in tz and len(tz) == 5:
        tz = f"{tz[:3]}:{tz[3:]}"
    elif len(tz) == 3:
        tz += ":00"
    hours, minutes = int(tz[1:3]), int(tz[4:6])
    if hours > 14 or minutes > 59:  # UTC-12:00 to UTC+14:00 are the offsets in use
        return text
    return text + tz


# ---------------------------------------------------------------------------------------------------------------
# Small helpers

#: Separators between a title and the site's name: " | ", " - ", " – ", " — ", " • ", " · ", " : ", " :: ",
#: " » ", " / ", " ~ " with spaces around (a hyphen inside a word is not one), and "|", "•", "·", "»" without spaces.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—•·»/~:]|::)\s+|\s*[|•·»]\s*")
#: A trailing segment this short (in words) after a longer title is taken for the site's name or section even
#: when no og:site_name says so ("... | Get started | Android Developers"). Exact title matches on WCXB dev /
#: L3S-GN1 dev by value: off 74.2 / 61.0 %, 2 words 75.4 / 62.7, 3 words 75.9 / 64.4, 4 words 76.3 / 66.1, and
#: no better at 5 or 6 (GoogleTrends-2017 dev: 82.8 % throughout). The smallest value at the plateau.
SHORT_SUFFIX_WORDS = 4


def _strip_site(
    title: str, site_name: str | None, hosts: frozenset[str], headline: bool = False, home: bool = False
) -> str | None:
    """The title without a leading or trailing site name ("Tide tables | Coast Post" -> "Tide tables").

    A segment is the site's name when it is og:site_name (or a part of it), or when, squashed, it is part of the
    page's host name ("Coast Post" of www.coastpost.example). A trailing segment of at most SHORT_SUFFIX_WORDS
    words after a longer title goes too (a section, or a site name no meta declares); in a ``headline`` (an
    <h1>) only after a pipe or a bullet, as a dash there often joins two parts of the headline ("The Cheapest
    Car - The $2,500 Nano"). On a ``home`` page a leading site name stays: there the site is the subject
    ("Coast Post | News from the harbour towns").
    """
    title = _clean_text(title)
    if not title:
        return None
    site = _fold(site_name) if site_name else None

    def is_site(part: str) -> bool:
        folded = _fold(part)
        if not folded:
            return True
        if site and (folded == site or folded in site or site in folded.split(" ")):
            return True
        squashed = folded.replace(" ", "")
        return len(squashed) >= MIN_HOST_MATCH_CHARS and any(squashed in host for host in hosts)

    # A leading site name may end with a bare colon ("coastpost.example: Tide tables").
    head, colon, rest = title.partition(": ")
    if colon and rest and not home and is_site(head):
        title = rest
    parts = _TITLE_SEPARATOR.split(title)
    seps = _TITLE_SEPARATOR.findall(title)
    # Leading: only when it is the site's name ("Coast Post | Tide tables").
    while len(parts) > 1 and not home and is_site(parts[0]):
        parts, seps = parts[1:], seps[1:]
    # Trailing: the site's name, or a short segment after a longer title.
    while len(parts) > 1:
        last, words = parts[-1], len(parts[-1].split())
        short = words <= SHORT_SUFFIX_WORDS and len(" ".join(parts[:-1]).split()) > words
        if is_site(last) or (short and (not headline or seps[-1].strip() in _PIPES)):
            parts, seps = parts[:-1], seps[:-1]
        else:
            break
    out = parts[0]
    for sep, part in zip(seps, parts[1:]):
        out += sep + part
    return _clean_text(out)


#: An <h1> confirmed by a declared title that merely contains it (or shares most words with it) must have this
#: many words: one or two words ("Opinion", "World News") inside a long <title> are a section's name more often
#: than the headline. Exact matches on WCXB dev / L3S-GN1 dev / GoogleTrends-2017 dev: 2 words 76.1 / 66.1 /
#: 86.2 %, 3 words 76.3 / 66.1 / 82.8, 4 words 76.1 / 66.1 / 82.8, neither rule 75.0 / 55.9 / 75.9. 3 is
#: kept: GoogleTrends' gain at 2 is one page of 29, WCXB's loss three pages of 1,358.
MIN_CONTAINED_WORDS = 3
#: Shares of the <h1>'s distinct words, and of the declared title's, found in the other, above which the <h1> is
#: taken for a variant of the declared title. Exact matches on WCXB dev / GoogleTrends-2017 dev (L3S-GN1 dev:
#: 66.1 % for all): rule off 75.0 / 75.9 %, (0.7, 0.6) 74.7 / 75.9, (0.6, 0.5) 75.6 / 75.9, (0.5, 0.4) 76.3 /
#: 82.8, (0.5, 0.3) 76.4 / 82.8. (0.5, 0.4): the stricter of the two best.
H1_SHARED_WORDS = 0.5
DECLARED_SHARED_WORDS = 0.4
#: Permalink marks that documentation generators append to headings (Sphinx's pilcrow, MkDocs' "#").
_PERMALINK = re.compile(r"\s*[¶#§🔗]+\s*$")


def _confirms(h1: str, raw: str, stripped: str) -> bool:
    """Does a declared title confirm this <h1>? All three folded; ``stripped`` is the declared title without its
    site name. Equal to either, or starting either, or (three words or more) held whole by the stripped title or
    sharing most words with it. The stripped title only, for the last two: a site's name in an <h1> (its logo)
    is held whole by many a <title> ("Submitting patches - The Linux Kernel documentation")."""
    if not h1:
        return False
    if h1 in (raw, stripped) or raw.startswith(h1 + " ") or stripped.startswith(h1 + " "):
        return True
    words = h1.split()
    if len(words) < MIN_CONTAINED_WORDS:
        return False
    if f" {h1} " in f" {stripped} ":
        return True
    # An editor's SEO variant of the headline ("The 12 Best Running Shoes of 2026" / "12 Best Running Shoes in
    # 2026 | Site"): most words shared both ways.
    mine, theirs = set(words), set(stripped.split())
    shared = len(mine & theirs)
    return shared >= H1_SHARED_WORDS * len(mine) and shared >= DECLARED_SHARED_WORDS * len(theirs)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


#: A title segment this long (letters and digits) that is part of the host name is the site's name: 4 keeps
#: "G4" or "DNA" from matching inside unrelated hosts. Host matching lifts L3S-GN1 dev's exact titles from
#: 55.9 to 66.1 % (2008 news pages, without og:site_name: "icBirmingham - Headline"); WCXB dev is unchanged
#: at 3, 4 or 5 characters but loses a page at 3.
MIN_HOST_MATCH_CHARS = 4
_PIPES = frozenset("|•·»")


def _host_words(*urls: str | None) -> frozenset[str]:
    """The host names of these URLs, lower-cased, without "www." and without dots or hyphens."""
    found = set()
    for url in urls:
        if not url:
            continue
        try:
            host = (urlsplit(url).hostname or "").removeprefix("www.")
        except ValueError:
            continue
        if host:
            found.add(re.sub(r"[^\w]", "", host.casefold()))
    return frozenset(found)


def _is_home(url: str | None) -> bool:
    """Is this the site's home page (no path, no query)?"""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return bool(parts.netloc) and parts.path in ("", "/") and not parts.query


def _join_names(names: list[str]) -> str | None:
    seen: list[str] = []
    for name in names:
        name = _clean_text(_BY.sub("", name or ""))
        if name and name.casefold() not in (s.casefold() for s in seen):
            seen.append(name)
    joined = ", ".join(seen)
    return joined if joined and len(joined) <= MAX_AUTHOR_CHARS else None


def _looks_like_url(text: str) -> bool:
    return "://" in text or text.startswith(("www.", "/")) or (text.count(".") >= 1 and " " not in text and "/" in text)


def _absolute(value: str | None, base: str | None) -> str | None:
    """``value`` as an absolute http(s) URL, resolved against ``base``; None when it cannot be one."""
    value = _clean_text(value)
    if not value or len(value) > MAX_URL_CHARS or " " in value:
        return None
    try:
        if base and not value.lower().startswith(("http://", "https://")):
            value = urljoin(base, value)
        elif value.startswith("//"):
            return None
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _language_tag(value: object) -> str | None:
    """A BCP 47 tag, case-normalised (``en_us`` -> ``en-US``); the first of a list ("en, fr")."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName")
    if not isinstance(value, str):
        return None
    value = value.strip().split(",")[0].split(";")[0].strip().replace("_", "-")
    if not _LANGUAGE.fullmatch(value):
        return None
    subtags = value.split("-")
    out = [subtags[0].lower()]
    for subtag in subtags[1:]:
        if len(subtag) == 2 and subtag.isalpha():
            out.append(subtag.upper())
        elif len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())
        else:
            out.append(subtag.lower())
    return "-".join(out)


def _utf8_markup(text: str) -> bytes:
    """Markup as UTF-8 bytes for lxml: lone surrogates replaced, NUL dropped. Encoding first and fixing only on
    failure is ten times faster than searching for surrogates."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = _SURROGATES.sub(_fix_surrogate, text).encode("utf-8")
    return data.replace(b"\x00", b"") if b"\x00" in data else data


def _clean_text(value: object) -> str | None:
    """One line of text: whitespace collapsed, controls dropped, lone surrogates replaced; None when empty."""
    if not isinstance(value, str):
        return None
    if not value.isascii():
        value = _SURROGATES.sub(_fix_surrogate, value)
    value = _SPACES.sub(" ", _CONTROLS.sub("", value)).strip()
    return value or None


def _fix_surrogate(match: re.Match) -> str:
    pair = match.group()
    if len(pair) == 2:  # a character split in two (a JSON "\ud83d\ude00" read piecewise)
        return chr(0x10000 + ((ord(pair[0]) - 0xD800) << 10) + (ord(pair[1]) - 0xDC00))
    return "\ufffd"


def _guard(function, *args):
    """``function(*args)``, or None if it raises: one broken source never costs the others."""
    try:
        return function(*args)
    except Exception:
        return None
