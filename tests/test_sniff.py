"""Format sniffing: markup of block elements is HTML; a text that only names tags in its prose is text."""

import re
from pathlib import Path

import pytest
from conftest import SHARED, TRAINING_DATA, needs_shared

from classifier.segment import SNIFF_WINDOW, detect_format, segment

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize(
    "page",
    [
        "<p>First paragraph.</p><p>Second.</p>",
        "<div><h2>Title</h2><p>Body</p></div>",
        "<P CLASS='lead'>Upper-case markup.</P>",
        "<li>One item</li>",
        '<article class="story">\n<h1>Headline</h1>\nText of the story written straight into the article.\n</article>',
        "<table><tr><td>cell</td></tr></table>",
        "Intro text outside any element.\n<section>\n  A section.\n</section>\n",
        "<blockquote>\nA quotation hard-wrapped\nover three lines of source.\n</blockquote>",
        # lines that all start with a tag, even inline ones
        '<a href="/">Home</a>\n<a href="/news">News</a>\n<a href="/sport">Sport</a>\n',
        '<img src="a.jpg" alt="A">\n<span>caption</span>\n',
        # what the old rule already knew
        "<!DOCTYPE html><html></html>",
        "  <!-- generated -->\n<p>x</p>",
        "<?xml version='1.0'?><html/>",
    ],
)
def test_markup_is_html(page):
    assert detect_format(page) == "html"


@pytest.mark.parametrize(
    "page",
    [
        "HTML for beginners\n"
        "Wrap it in a <div>, use <p> for paragraphs and <span> inline.\n"
        "A list is a <ul> or an <ol>, and each item an <li>; tables need <table>, <tr> and <td>.\n"
        "Headings run from <h1> to <h6>.\n",
        "Headline\nA line that mentions <p> once.\n",
        "Why <div> soup is bad\nA page built only of <div> and <span> elements tells a screen reader nothing.\n",
        "Use <strong>…</strong> rather than <b>, and never nest a <p> in a <span>.\n",
        "Price <10 EUR\nA -> B, <<quoted>> and <3\n",
        "<Reuters> reports\n<Reuters> adds\nand then a normal line of text\n",
        "Plain text dump\n\nWith two paragraphs and no markup at all.\n",
    ],
)
def test_prose_that_names_tags_is_text(page):
    assert detect_format(page) == "text"


def test_a_fragment_is_cleaned_as_html_and_prose_keeps_its_lines():
    assert [b.text for b in segment("<div><h2>Title</h2><p>Body</p></div>")] == ["Title", "Body"]
    prose = "Wrap it in a <div>\nuse <p> for paragraphs\nand <span> inline.\n"
    assert [b.text for b in segment(prose)] == ["Wrap it in a <div>", "use <p> for paragraphs", "and <span> inline."]


def test_only_the_sniff_window_is_read():
    assert detect_format("x" * SNIFF_WINDOW + "\n<p>late</p><p>markup</p>") == "text"


def _text_dump(path: Path) -> str:
    """The page dump of a labeled text file (training_data/README.md, format 1): comments dropped, the label word
    and its separator stripped from every line."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            lines.append(re.sub(r"^\S+[ \t]", "", line, count=1) if line.strip() else "")
    return "\n".join(lines)


def test_every_written_text_page_is_text_and_every_html_page_html():
    labeled = sorted(TRAINING_DATA.rglob("*.txt"))
    assert len(labeled) >= 200
    assert [str(p) for p in labeled if detect_format(_text_dump(p)) != "text"] == []
    plain = sorted((TESTS / "pages").glob("*.txt"))
    assert [str(p) for p in plain if detect_format(p.read_text(encoding="utf-8")) != "text"] == []
    html_files = sorted(TRAINING_DATA.rglob("*.html"))
    assert len(html_files) >= 100
    for path in html_files:
        page = path.read_text(encoding="utf-8")
        assert detect_format(page) == "html", path
        body = re.search(r"<body[^>]*>", page, re.IGNORECASE)
        assert detect_format(page[body.end() :] if body else page) == "html", f"{path}, from <body> on"


@needs_shared()
def test_the_seed_text_dump_is_text():
    for path in sorted((SHARED / "seed").glob("*.txt")):
        assert detect_format(path.read_text(encoding="utf-8")) == "text", path
