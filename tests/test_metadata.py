"""classifier.metadata: each source and its precedence, JSON-LD shapes, dates, sponsored signals, hostile input.

The pages of tests/pages/metadata/ were written for these tests (invented publishers, people and stories);
EXPECTED holds what each one declares, and bench/metadata_eval.py scores the extractor on them too.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from classifier.metadata import Metadata, extract_metadata, parse_date

# Hypothesis keeps its caches in a temporary folder, not in the checkout (as tests/test_properties.py does).
_HOME = tempfile.mkdtemp(prefix="hypothesis-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)

PAGES = Path(__file__).resolve().parent / "pages" / "metadata"
FIELDS = [
    "title",
    "author",
    "published",
    "modified",
    "language",
    "site_name",
    "canonical_url",
    "description",
    "sponsored",
    "sponsor",
]
NONE = dict.fromkeys(FIELDS)

#: page -> every field it should give ("_url": the address the page is given with).
EXPECTED: dict[str, dict] = {
    # @graph with @id references (author, publisher), a WebPage node with an earlier date, a relative canonical.
    "coast-post-graph.html": {
        "_url": "https://coastpost.example/news/2026/03/gulls-return?utm_source=feed",
        **NONE,
        "title": "Gulls return to the breakwater",
        "author": "Maren Holt",
        "published": "2026-03-14T07:30:00+00:00",
        "modified": "2026-03-14T09:05:12+00:00",
        "language": "en-GB",
        "site_name": "The Coast Post",
        "canonical_url": "https://coastpost.example/news/2026/03/gulls-return",
        "description": "After two quiet winters the herring gulls are back on the old breakwater, and the harbour "
        "master is pleased.",
    },
    # Metas only: Open Graph and article:*, an article:author that is a URL, og:locale without <html lang>,
    # og:url as the canonical, a metered content tier (not sponsored).
    "valley-ledger-meta.html": {
        **NONE,
        "title": "Neue Brücke über die Enz eröffnet",
        "author": "Jana Kellermann",
        "published": "2025-09-30T18:45:00+02:00",
        "modified": "2025-10-01T08:00:00+02:00",
        "language": "de-DE",
        "site_name": "Talbote",
        "canonical_url": "https://talbote.example/lokales/neue-bruecke",
        "description": "Nach drei Jahren Bauzeit fahren die ersten Busse über die neue Brücke.",
    },
    # <title> with a " - Site" suffix no meta names, confirmed by the <h1>; twitter:description.
    "fjord-weekly-title-only.html": {
        **NONE,
        "title": "Harbour dues rise again",
        "description": "The port board votes for a third rise in four years.",
    },
    # A broken JSON-LD block, then a list wrapped in an HTML comment with a trailing comma; authors as an object,
    # a string and given + family names; a compact date; the language from <html lang="ES">.
    "lantern-blog-jsonld-list.html": {
        **NONE,
        "title": "Cómo reparar un farol de latón",
        "author": "Inés Vidal, Tomás Berg, Lía Soto",
        "published": "2024-11-05",
        "modified": "2024-11-07",
        "language": "es",
        "site_name": "Taller Linterna",
        "description": "Paso a paso, con estaño y paciencia.",
    },
    # schema.org AdvertiserContentArticle with a sponsor; isAccessibleForFree false changes nothing.
    "northwind-advertiser.html": {
        **NONE,
        "title": "Five quiet crossings for a winter weekend",
        "author": "Coast Post Studio",
        "published": "2025-12-01T10:00:00Z",
        "language": "en",
        "site_name": "The Coast Post",
        "sponsored": True,
        "sponsor": "Northwind Ferries",
    },
    # "Sponsored by X" as the author: X is the sponsor, there is no author; an RFC 2822 date meta.
    "lumen-sponsored-byline.html": {
        **NONE,
        "title": "Save 40% on a rooftop panel kit",
        "published": "2025-03-03T09:15:00+01:00",
        "language": "en-US",
        "sponsored": True,
        "sponsor": "Lumen Solar",
    },
    # A paywalled news article (content tier locked, isAccessibleForFree false): not sponsored.
    "quarry-gazette-paywall.html": {
        **NONE,
        "title": "Quarry council splits over the new road",
        "author": "Oskar Lind",
        "published": "2025-06-02T06:00:00-04:00",
        "language": "en",
        "site_name": "Quarry Gazette",
    },
    # Microdata in the body: headline, an author Person with a nested name, dates in <meta itemprop>; a
    # <time> of the site's header comes before the article and is not the date.
    "orchard-notes-microdata.html": {
        **NONE,
        "title": "Pruning old pear trees in late winter",
        "author": "Edda Brandt",
        "published": "2023-02-11T08:00:00+01:00",
        "modified": "2023-02-12",
        "language": "en",
    },
    # No metadata but og:type: the first <time datetime> of the <article> (not the header's), the byline by
    # its class, the title's " – Site" suffix cut.
    "ferry-times-time-element.html": {
        **NONE,
        "title": "Timetable changes for the island ferry",
        "author": "Rui Carvalho",
        "published": "2025-11-02T14:30:00",
    },
    # No </head> and no <body>: the head is read until the parser opens the body (the description after it is
    # not seen); "Site :: Title" with the site in the host name; META in capitals; "by" before the name.
    "stony-brook-no-markers.html": {
        **NONE,
        "title": "Mill pond drained for repairs",
        "author": "P. Okafor",
        "published": "2009-04-17",
        "canonical_url": "http://stonybrookherald.example/local/mill-pond.html",
    },
    # A blog's index: two different BlogPostings, neither at the page's address, so neither speaks for it.
    "harbour-index-listing.html": {
        **NONE,
        "title": "Latest stories",
        "language": "en",
        "site_name": "Harbour Notes",
        "canonical_url": "https://harbournotes.example/stories/",
    },
}


def meta(html: str, url: str | None = None) -> Metadata:
    return extract_metadata(html, url)


def page(head: str = "", body: str = "", lang: str | None = None) -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{lang_attr}><head>{head}</head><body>{body}</body></html>"


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- the written pages --------------------------------------------------------------------------------------


def test_every_written_page_is_expected():
    assert sorted(p.name for p in PAGES.glob("*.html")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_written_page(name):
    expected = {k: v for k, v in EXPECTED[name].items() if not k.startswith("_")}
    found = extract_metadata((PAGES / name).read_text(encoding="utf-8"), EXPECTED[name].get("_url"))
    assert found.to_dict() == expected


# --- the API ------------------------------------------------------------------------------------------------


def test_to_dict_has_every_field_and_is_json():
    found = meta(page('<title>A | B</title><meta property="og:site_name" content="B">'))
    assert list(found.to_dict()) == FIELDS
    assert json.loads(json.dumps(found.to_dict()))["title"] == "A"
    assert Metadata().to_dict() == NONE


def test_text_dump_gives_nothing():
    dump = "Harbour news\nThe ferry is late again.\n\nBy Ana Reis, 2025-03-01\nSponsored: try our tours\n"
    assert meta(dump).to_dict() == NONE
    assert meta("").to_dict() == NONE
    assert meta("   \n").to_dict() == NONE


@pytest.mark.parametrize("junk", [None, 42, b"\xff\xfe<title>x</title>", ["<title>x</title>"], object()])
def test_not_a_string(junk):
    assert isinstance(extract_metadata(junk), Metadata)  # type: ignore[arg-type]


def test_bytes_are_read_as_utf8():
    assert meta("<title>Caf\u00e9 news</title>".encode()).title == "Caf\u00e9 news"  # type: ignore[arg-type]


# --- title ----------------------------------------------------------------------------------------------------


def test_title_precedence_og_then_jsonld_then_twitter_then_title():
    graph = jsonld({"@type": "NewsArticle", "headline": "From JSON-LD"})
    og = '<meta property="og:title" content="From Open Graph">'
    tw = '<meta name="twitter:title" content="From Twitter">'
    title = "<title>From the title tag</title>"
    assert meta(page(title + tw + graph + og)).title == "From Open Graph"
    assert meta(page(title + tw + graph)).title == "From JSON-LD"
    assert meta(page(title + tw)).title == "From Twitter"
    assert meta(page(title)).title == "From the title tag"
    assert meta(page(body="<h1></h1><h1>Only a <em>headline</em></h1>")).title == "Only a headline"


def test_title_prefers_the_headline_the_metadata_confirms():
    head = '<meta property="og:title" content="Ferry strike ends after nine days: what changes | Bay Times">'
    # A logo <h1> first, then the story's: the second is confirmed (it starts the declared title).
    body = "<h1>Bay Times</h1><h1>Ferry strike ends after nine days</h1>"
    assert meta(page(head, body)).title == "Ferry strike ends after nine days"
    # An <h1> no declared title confirms ("Menu") is not the title.
    assert meta(page("<title>Tide tables for May | Bay Times</title>", "<h1>Menu</h1>")).title == "Tide tables for May"
    # An all-capitals <h1> gives way to the declared spelling.
    upper = page('<meta property="og:title" content="Storm Closes the Pier">', "<h1>STORM CLOSES THE PIER</h1>")
    assert meta(upper).title == "Storm Closes the Pier"
    # A Sphinx permalink mark is cut.
    assert meta(page("<title>Quickstart — Tern 2.1 documentation</title>", "<h1>Quickstart¶</h1>")).title == (
        "Quickstart"
    )


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Tide tables | The Coast Post", "The Coast Post", None, "Tide tables"),
        ("The Coast Post | Tide tables", "The Coast Post", None, "Tide tables"),
        ("Tide tables – Coast Post", "The Coast Post", None, "Tide tables"),
        # A short trailing segment, no site name declared: a section or a site name.
        ("Building your first boat | Get started | Boatwright Docs", None, None, "Building your first boat"),
        # The site in the host name, before a bare colon.
        ("baytimes.example: Pier closed", None, "https://www.baytimes.example/a/1", "Pier closed"),
        # A long trailing segment is part of the title.
        ("Why the harbour silted up - and what the council plans to do about it", None, None, None),
        # On the home page the site's name leads the title and stays.
        ("Bay Times | News from the bay towns", "Bay Times", "https://baytimes.example/", None),
        # A hyphen inside a word is no separator.
        ("Well-known skipper retires", None, None, None),
    ],
)
def test_title_site_suffix(title, site, url, expected):
    head = f"<title>{title}</title>" + (f'<meta property="og:site_name" content="{site}">' if site else "")
    assert meta(page(head), url).title == (expected or title)


# --- author ---------------------------------------------------------------------------------------------------


def test_author_precedence():
    graph = jsonld({"@type": "BlogPosting", "author": {"@type": "Person", "name": "Ada From-Jsonld"}})
    named = '<meta name="author" content="Ben From-Meta">'
    article = '<meta property="article:author" content="Cy From-Article">'
    url_only = '<meta property="article:author" content="https://social.example/cy">'
    body = '<p><a rel="author" href="/dee">Dee From-Link</a></p>'
    assert meta(page(graph + named + article, body)).author == "Ada From-Jsonld"
    assert meta(page(named + article, body)).author == "Ben From-Meta"
    assert meta(page(article, body)).author == "Cy From-Article"
    assert meta(page(url_only, body)).author == "Dee From-Link"
    assert meta(page(body="<span itemprop='author'>By Eve Itemprop</span>" + body)).author == "Eve Itemprop"


def test_author_that_is_the_site_gives_way_to_a_person():
    graph = jsonld({"@type": "Article", "author": {"@type": "Organization", "name": "Bay Times"}})
    head = graph + '<meta property="og:site_name" content="Bay Times"><meta name="author" content="Ida Quay">'
    assert meta(page(head)).author == "Ida Quay"
    assert meta(page(graph + '<meta property="og:site_name" content="Bay Times">')).author == "Bay Times"


def test_byline_class_only_on_article_pages():
    body = '<div class="review"><span class="review-author">Kim P.</span></div>'
    assert meta(page("<title>Oak desk, 140 cm</title>", body)).author is None
    article = '<meta property="og:type" content="article">'
    assert meta(page(article, '<p class="post-author-name">by Lena Fiske</p>')).author == "Lena Fiske"
    assert meta(page(article, '<p class="authorized-dealer">Marine Supply Co</p>')).author is None


# --- dates ----------------------------------------------------------------------------------------------------

TODAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-08", "2026-12-08"),
        ("2026-12-08T10:00:00+01:00", "2026-12-08T10:00:00+01:00"),
        ("2026-12-08T10:00:00.123-0500", "2026-12-08T10:00:00-05:00"),
        ("2026-12-08T10:00Z", "2026-12-08T10:00:00Z"),
        ("2026-12-08 10:00:00 +00:00", "2026-12-08T10:00:00+00:00"),
        ("2026-12-08T10:00:00", "2026-12-08T10:00:00"),
        ("2026/12/08", "2026-12-08"),
        ("2026.12.08", "2026-12-08"),
        ("20261208", "2026-12-08"),
        ("Tue, 08 Dec 2026 10:00:00 GMT", "2026-12-08T10:00:00Z"),
        ("08 Dec 2026 10:00:00 +0200", "2026-12-08T10:00:00+02:00"),
        ("08.12.2026", "2026-12-08"),
        ("December 8, 2026", "2026-12-08"),
        ("8th Dec. 2026", "2026-12-08"),
        ("1765188000", "2025-12-08T10:00:00Z"),
        ("1765188000000", "2025-12-08T10:00:00Z"),
        (["2024-01-02", "2025-01-01"], "2024-01-02"),
        ({"@value": "2024-01-02"}, "2024-01-02"),
        # Not dates, or not plausible ones.
        ("2026-02-30", None),
        ("2026-12-08T25:00:00", None),
        ("1989-12-31", None),
        ("2028-01-01", None),
        ("0000-00-00 00:00:00", None),
        ("12/08/2026", None),
        ("yesterday", None),
        ("2026120", None),
        ("", None),
        (None, None),
        (20261208, None),
        ("9" * 400, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value, today=TODAY) == expected


def test_date_precedence():
    graph = jsonld({"@type": "NewsArticle", "datePublished": "2025-01-03", "dateModified": "2025-01-04"})
    og = (
        '<meta property="article:published_time" content="2025-02-03">'
        '<meta property="article:modified_time" content="2025-02-04">'
    )
    other = '<meta name="dc.date" content="2025-03-03"><meta property="og:updated_time" content="2025-03-04">'
    body = '<article><time datetime="2025-04-03">3 April</time></article>'
    assert (meta(page(graph + og + other, body)).published, meta(page(graph + og)).modified) == (
        "2025-01-03",
        "2025-01-04",
    )
    assert (meta(page(og + other, body)).published, meta(page(og + other)).modified) == ("2025-02-03", "2025-02-04")
    assert (meta(page(other, body)).published, meta(page(other)).modified) == ("2025-03-03", "2025-03-04")
    assert meta(page(body=body)).published == "2025-04-03"
    # An unparseable first source falls through to the next.
    assert meta(page('<meta property="article:published_time" content="soon">' + other)).published == "2025-03-03"


def test_date_from_pubdate_and_url():
    body = '<time datetime="2025-05-01">May</time><article><time pubdate datetime="2025-05-02">x</time></article>'
    assert meta(page(body=body)).published == "2025-05-02"
    assert meta(page(), "https://bay.example/2024/07/09/pier-reopens/").published == "2024-07-09"
    assert meta(page(), "https://bay.example/2024/07/pier-reopens/").published is None


# --- language, canonical, site name, description --------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "lang", "expected"),
    [
        ('<meta property="og:locale" content="fr_FR">', "pt-br", "pt-BR"),
        ('<meta property="og:locale" content="fr_FR">', None, "fr-FR"),
        ('<meta http-equiv="content-language" content="nl, en">', None, "nl"),
        ('<meta property="og:locale" content="fr_FR">', "english language", "fr-FR"),
        ("", "zh-hant-tw", "zh-Hant-TW"),
        ("", "", None),
    ],
)
def test_language(head, lang, expected):
    assert meta(page(head, lang=lang)).language == expected


def test_canonical():
    rel = '<link rel="canonical" href="../b/story.html">'
    og = '<meta property="og:url" content="https://bay.example/og/story">'
    assert meta(page(rel + og), "https://bay.example/a/x/page").canonical_url == "https://bay.example/a/b/story.html"
    assert meta(page(rel + og)).canonical_url == "https://bay.example/og/story"  # relative, no base: og:url
    assert meta(page(rel)).canonical_url is None
    base = '<base href="https://mirror.example/news/">'
    assert meta(page(base + rel), "https://bay.example/").canonical_url == "https://mirror.example/b/story.html"
    assert meta(page('<link rel="canonical" href="javascript:alert(1)">')).canonical_url is None
    assert meta(page('<link rel="Canonical" href="https://bay.example/s">')).canonical_url == "https://bay.example/s"


def test_site_name_and_description_precedence():
    graph = jsonld(
        {
            "@graph": [
                {"@type": "Article", "publisher": {"@type": "Organization", "name": "Publisher Ltd"}},
                {"@type": "WebSite", "name": "Web Site Name"},
            ]
        }
    )
    app = '<meta name="application-name" content="App Name">'
    og = '<meta property="og:site_name" content="OG Name">'
    assert meta(page(graph + app + og)).site_name == "OG Name"
    assert meta(page(graph + app)).site_name == "Publisher Ltd"
    assert meta(page(jsonld({"@type": "WebSite", "name": "Web Site Name"}) + app)).site_name == "Web Site Name"
    assert meta(page(app)).site_name == "App Name"
    d_og = '<meta property="og:description" content="og">'
    d_name = '<meta name="description" content="name">'
    d_tw = '<meta name="twitter:description" content="tw">'
    assert meta(page(d_tw + d_name + d_og)).description == "og"
    assert meta(page(d_tw + d_name)).description == "name"
    assert meta(page(d_tw)).description == "tw"


# --- JSON-LD shapes -------------------------------------------------------------------------------------------


def test_jsonld_type_prefixes_lists_and_cdata():
    block = (
        '<script type="application/ld+json">//<![CDATA[\n'
        '[{"@type": "http://schema.org/ReportageNewsArticle", "headline": "Dredger arrives",'
        ' "author": ["Pia Nord", {"name": ["Ola Sund"]}]}]\n//]]></script>'
    )
    found = meta(page(block))
    assert (found.title, found.author) == ("Dredger arrives", "Pia Nord, Ola Sund")


def test_broken_jsonld_is_salvaged_or_skipped():
    broken = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Dunes "moved" overnight",'
        ' "datePublished": "2025-08-09T05:00:00Z", "description": "a "quoted" word"}</script>'
    )
    found = meta(page(broken))
    assert found.published == "2025-08-09T05:00:00Z"
    assert meta(page('<script type="application/ld+json">{"@type": "Product", "name": "x" "y"}</script>')) == (
        Metadata()
    )
    deep = '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000 + "</script>"
    assert meta(page("<title>Deep</title>" + deep)).title == "Deep"


def test_jsonld_question_page_and_teasers():
    qa = jsonld(
        {
            "@type": "QAPage",
            "mainEntity": {
                "@type": "Question",
                "name": "How deep is the channel at low tide?",
                "author": {"@type": "Person", "name": "rowan_b"},
                "dateCreated": "2024-06-01T12:00:00Z",
            },
        }
    )
    found = meta(page(qa))
    assert (found.title, found.author, found.published) == (
        "How deep is the channel at low tide?",
        "rowan_b",
        "2024-06-01T12:00:00Z",
    )
    # An article in a list of teasers is not the page's.
    teasers = jsonld(
        {
            "@type": "ItemList",
            "itemListElement": [{"@type": "AdvertiserContentArticle", "headline": "Paid teaser", "author": "X"}],
        }
    )
    assert meta(page(teasers)).to_dict() == NONE


# --- sponsored ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "sponsored", "sponsor"),
    [
        (jsonld({"@type": "AdvertiserContentArticle", "headline": "h"}), True, None),
        (jsonld({"@type": ["Article", "SponsoredContent"], "headline": "h"}), True, None),
        (jsonld({"@type": "NewsArticle", "sponsor": {"@type": "Organization", "name": "Gull Oil"}}), True, "Gull Oil"),
        (
            jsonld({"@type": "Article", "sponsor": [{"@id": "#s"}], "x": {"@id": "#s", "name": "Kelp Co"}}),
            True,
            "Kelp Co",
        ),
        ('<meta name="tmg.sponsor" content="Harbour Bank">', True, "Harbour Bank"),
        ('<meta name="DCSext.sponsored" content="true">', True, None),
        ('<meta property="article:section" content="Sponsored Content">', True, None),
        (jsonld({"@type": "Article", "articleSection": ["News", "Anzeige"]}), True, None),
        # Not sponsored: paywall information, empty sponsor metas, a section that only mentions partners.
        (jsonld({"@type": "NewsArticle", "isAccessibleForFree": False}), None, None),
        ('<meta property="article:content_tier" content="locked">', None, None),
        ('<meta name="tmg.sponsor" content=""><meta name="DCSext.sponsored">', None, None),
        ('<meta name="DCSext.sponsored" content="false">', None, None),
        ('<meta property="article:section" content="Partners in Science">', None, None),
        ('<meta property="og:type" content="article">', None, None),
    ],
)
def test_sponsored(head, sponsored, sponsor):
    found = meta(page(head))
    assert (found.sponsored, found.sponsor) == (sponsored, sponsor)


# --- hostile input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    [
        "<html><head><title>T</title>" + "<b>" * 60_000 + "</i>" * 60_000 + "</head><body>",  # libxml2's quadratic case
        "<title>T</title>" + "<div>" * 60_000,
        "<" * 200_000,
        "<head>" + "<meta name=a content=b>" * 20_000 + "</head>",
        "<script type='application/ld+json'>" * 20_000,
        "<body>" + "<a rel=author>" * 20_000 + "author " * 20_000,
        "<title>\ud800\udfff\ud83d\ude00 \x00\x01 \u202e</title><meta name=author content='\udc00'>",
        "<?xml version='1.0' encoding='latin-1'?><html><head><title>Decl</title></head></html>",
        '<meta property="og:url" content="http://[::1">',
        '<link rel=canonical href="http://exa mple.com/">',
    ],
)
def test_hostile_pages_do_not_raise(hostile):
    check(extract_metadata(hostile, "https://example.com/x"))
    check(extract_metadata(hostile, "http://[bad"))


def check(found: Metadata) -> None:
    """The property: a Metadata whose dict is JSON that encodes as UTF-8, with values of the declared types."""
    assert isinstance(found, Metadata)
    data = found.to_dict()
    assert list(data) == FIELDS
    json.dumps(data, ensure_ascii=False).encode("utf-8")
    for key, value in data.items():
        if key == "sponsored":
            assert value in (None, True, False)
        else:
            assert value is None or (isinstance(value, str) and value == value.strip() and value)


#: Any character, lone surrogates included (hypothesis leaves them out unless asked).
CHARACTERS = st.one_of(st.characters(), st.characters(categories=["Cs"]))
FRAGMENTS = st.sampled_from(
    [
        "<html lang='",
        "<head>",
        "</head>",
        "<body>",
        "<title>",
        "</title>",
        "<h1>",
        "</h1>",
        "<meta property='og:title' content='",
        "<meta name='author' content='",
        "<meta property='article:published_time' content='",
        "<meta name='tmg.sponsor' content='",
        "<link rel='canonical' href='",
        "<base href='",
        "' />",
        "'>",
        "<script type='application/ld+json'>",
        "</script>",
        '{"@type": "NewsArticle", "headline": "',
        '{"@graph": [',
        '"author": {"@id": "#a"}, ',
        '{"@id": "#a", "name": "',
        '"datePublished": "2024-02-',
        '"sponsor": "',
        "]}",
        '"}',
        "<time datetime='",
        "<span itemprop='author'>",
        "<a rel='author' href='/x'>",
        "</a>",
        "<article>",
        "<!--",
        "-->",
        "<![CDATA[",
        "&amp;",
        "&#x0;",
        "&#55296;",
        "\x00",
        "https://",
        "2026-12-08T10:00:00+01:00",
        " | ",
    ]
)
HTMLISH = st.lists(st.one_of(FRAGMENTS, st.text(CHARACTERS, max_size=12)), max_size=40).map("".join)
PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.text(CHARACTERS, max_size=300), st.one_of(st.none(), st.text(CHARACTERS, max_size=40)))
def test_any_text_gives_metadata(text, url):
    check(extract_metadata(text, url))


@PROPERTY
@given(HTMLISH, st.sampled_from([None, "https://bay.example/a/b", "/relative", "http://[::1"]))
def test_any_htmlish_string_gives_metadata(html, url):
    check(extract_metadata(html, url))
