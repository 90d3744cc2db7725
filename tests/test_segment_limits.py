"""Bounded cost per page: any nesting depth, a cap on blocks, and the exact blocks of small hand-written pages."""

import pytest

from classifier.errors import InputError
from classifier.segment.html import MAX_DEPTH, MAX_NESTING, segment_html
from classifier.segment.text import MAX_BLOCKS, segment_text

NEST = 100_000


def _rows(blocks):
    return [
        (b.text, b.dom.tag, b.dom.path, b.dom.attributes, round(b.dom.link_share, 4), b.dom.parent, b.label)
        for b in blocks
    ]


PAGE = """<!DOCTYPE html><html><head><title>Skipped title</title></head>
<body class="page">
<nav id="mainMenu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a> today</li></ul></nav>
<div class="story-card"><h2>Ferry <em>timetable</em> changes</h2>
<p>First line<br>second line, <a href="#">a link</a> and <span style="display: none">hidden words</span> more.</p>
<p hidden>hidden paragraph</p><p aria-hidden="true">aria hidden</p>
<script>var x = "<p>never</p>";</script><style>p { color: red }</style><!-- a comment -->
Loose <b>text</b> in the card
<select><option>Option text</option></select>
<p>R&amp;D</p><p>!!! ---</p>
</div></body></html>"""


def test_exact_blocks_of_a_hand_written_page():
    menu = ("body", "nav", "ul", "li")
    card = ("story", "card", "page")
    assert _rows(segment_html(PAGE, "hand.html")) == [
        ("Home", "li", menu, ("main", "menu"), 1.0, 3, None),
        ("News today", "li", menu, ("main", "menu"), 0.4, 3, None),
        ("Ferry timetable changes", "h2", ("body", "div", "h2"), card, 0.0, 6, None),
        # <br> separates words; the hidden span goes, its tail stays; 6 link characters of 41
        ("First line second line, a link and more.", "p", ("body", "div", "p"), card, 0.1463, 6, None),
        # the card's own text, after hidden, skipped and commented-out elements
        ("Loose text in the card", "div", ("body", "div"), card, 0.0, 1, None),
        ("R&D", "p", ("body", "div", "p"), card, 0.0, 6, None),
    ]


LABELED = """<html><body data-label="navigation"><p>Site menu</p>
<article data-label="editorial"><h1>Headline</h1>
<p>Story text <span data-label="sponsored">with an ad</span> here.</p>
<p><span data-label="caption">Photo: A. Person, the harbour at dawn</span> x</p></article>
<div data-label="S"><p>Sponsored block</p></div></body></html>"""


def test_exact_blocks_and_labels_of_a_labeled_page():
    blocks = segment_html(LABELED, "labeled.html", label_attribute="data-label")
    assert [(text, tag, path, parent, label.value) for text, tag, path, _, _, parent, label in _rows(blocks)] == [
        ("Site menu", "p", ("body", "p"), 1, "navigation"),
        ("Headline", "h1", ("body", "article", "h1"), 3, "editorial"),
        ("Story text with an ad here.", "p", ("body", "article", "p"), 3, "editorial"),  # 15 characters to 10
        ("Photo: A. Person, the harbour at dawn x", "p", ("body", "article", "p"), 3, "caption"),
        ("Sponsored block", "p", ("body", "div", "p"), 7, "sponsored"),
    ]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("<html><body><p>text</p></body></html>", "labeled.html: text 'text' has no data-label on it or any ancestor"),
        ('<body data-label="E"><p data-label="bogus">x</p></body>', "labeled.html: <p> has data-label='bogus'"),
    ],
)
def test_label_errors_name_the_source(page, message):
    with pytest.raises(InputError, match=message):
        segment_html(page, "labeled.html", label_attribute="data-label")


def test_empty_document_is_an_input_error():
    with pytest.raises(InputError, match="empty.html: cannot be parsed as HTML"):
        segment_html("<!-- nothing but a comment -->", "empty.html")


def test_elements_deeper_than_max_depth_are_read_inline():
    page = "<div>" * (MAX_DEPTH + 20) + "deep <p>text</p> here" + "</div>" * (MAX_DEPTH + 20) + "<p>after</p>"
    deep, after = segment_html(page)
    assert deep.text == "deep text here"  # the <p> too deep to start a block of its own
    # html (not a block) is at depth 0, body at 1: the deepest block element is the div at MAX_DEPTH - 1
    assert deep.dom.path == ("body",) + ("div",) * (MAX_DEPTH - 2)
    assert after.text == "after" and after.dom.path == ("body", "p")


def _texts(page):
    return [block.text for block in segment_html(page, "deep.html")]


def test_100000_nested_divs():
    page = "<html><body>" + "<div>" * NEST + "inner text" + "</div>" * NEST + "<p>after the nest</p></body></html>"
    assert _texts(page) == ["inner text", "after the nest"]


def test_a_nest_past_max_nesting_gives_the_blocks_of_a_shallower_one():
    def nest(depth):
        return "<div>" * depth + "inner <i>text</i>" + "</div>" * depth + "<p>after the nest</p>"

    assert MAX_DEPTH < MAX_NESTING - 10
    assert segment_html(nest(NEST)) == segment_html(nest(MAX_NESTING - 10))


def test_100000_nested_unclosed_inline_elements():
    page = "<html><body><p>" + "<b><span>" * (NEST // 2) + "inner text</p><p>after the nest</p></body></html>"
    assert _texts(page) == ["inner text", "after the nest"]


def test_100000_nested_lists():
    closed = "<ul><li>" * (NEST // 2) + "inner text" + "</li></ul>" * (NEST // 2) + "<p>after the nest</p>"
    assert _texts(closed) == ["inner text", "after the nest"]
    # unclosed, the <p> sits inside the deepest <li>, past MAX_DEPTH: inline, so it joins the inner text
    unclosed = "<ul><li>" * (NEST // 2) + "inner text" + "<p>after the nest</p>"
    assert _texts(unclosed) == ["inner textafter the nest"]


def test_stray_end_tags_under_a_deep_nest():
    # libxml2 scans all open elements for each stray end tag: quadratic without MAX_NESTING
    page = "<p>" + "<b>" * NEST + "inner text" + "</i>" * NEST + "</p><p>after the nest</p>"
    assert _texts(page) == ["inner text", "after the nest"]


def test_past_max_nesting_skipped_elements_stay_hidden_and_br_separates():
    page = "<div>" * NEST + "one<br>two<script>var hidden = 1;</script><svg><text>drawn</text></svg> three"
    assert _texts(page) == ["one two three"]


def test_text_at_the_block_cap_passes_and_blank_lines_do_not_count():
    blocks = segment_text("\n\n".join(["x"] * MAX_BLOCKS), source="dump.txt")
    assert len(blocks) == MAX_BLOCKS and blocks[-1].lines == (2 * MAX_BLOCKS - 1,) * 2


@pytest.mark.parametrize("lines", [MAX_BLOCKS + 1, 1_000_000])
def test_text_over_the_block_cap_is_refused(lines):
    with pytest.raises(InputError) as error:
        segment_text("x\n \n" * lines, source="dump.txt")
    message = str(error.value)
    assert message.startswith(f"dump.txt: the page has more than {MAX_BLOCKS:,} blocks")
    assert "not an article page" in message


def test_text_source_defaults_to_input():
    with pytest.raises(InputError, match="^<input>: the page has more than"):
        segment_text("x\n" * (MAX_BLOCKS + 1))


def test_html_at_the_block_cap_passes_and_empty_elements_do_not_count():
    page = "<html><body>" + "<p>x</p>" * MAX_BLOCKS + "<p> </p><div></div>" * 1000 + "</body></html>"
    assert len(segment_html(page, "list.html")) == MAX_BLOCKS


@pytest.mark.parametrize("paragraphs", [MAX_BLOCKS + 1, 500_000])
def test_html_over_the_block_cap_is_refused(paragraphs):
    page = "<html><body>" + "<p>x</p>" * paragraphs + "</body></html>"
    with pytest.raises(InputError) as error:
        segment_html(page, "list.html")
    message = str(error.value)
    assert message.startswith(f"list.html: the page has more than {MAX_BLOCKS:,} blocks")
    assert "not an article page" in message
