from classifier import segment
from classifier.segment import detect_format, segment_html, segment_text


def test_text_blocks_follow_physical_lines_with_blank_lines_counted():
    blocks = segment_text("Headline\r\n\r\nFirst paragraph.\n  \nSecond\rThird")
    assert [(b.text, b.lines) for b in blocks] == [
        ("Headline", (1, 1)),
        ("First paragraph.", (3, 3)),
        ("Second", (5, 5)),
        ("Third", (6, 6)),
    ]


def test_text_keeps_form_feed_inside_a_line():
    blocks = segment_text("a\x0cb\nc")
    assert [b.lines for b in blocks] == [(1, 1), (2, 2)]


PAGE = """<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
<nav class="site-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<!-- a comment that must vanish -->
<article><h1>The headline</h1>
<p>Body text with <a href="#">a link</a> and <b>bold</b> words.</p>
<figure><img alt="x"><figcaption>A caption (Photo: Jo Bloggs)</figcaption></figure>
<script>var secret = "never shown";</script><noscript>enable js</noscript>
<svg><text>svg text</text></svg><template><p>template</p></template>
<div hidden>hidden text</div>
</article><footer><p>© 2026 Example Times</p></footer></body></html>"""


def test_html_blocks_and_dom_context():
    blocks = segment_html(PAGE)
    texts = [b.text for b in blocks]
    assert texts == [
        "Home",
        "News",
        "The headline",
        "Body text with a link and bold words.",
        "A caption (Photo: Jo Bloggs)",
        "© 2026 Example Times",
    ]
    home, news, headline, body, caption, footer = blocks
    assert home.dom.path[-3:] == ("nav", "ul", "li") and home.dom.link_share == 1.0
    assert "menu" in home.dom.attributes and "site" in home.dom.attributes
    assert home.dom.parent == news.dom.parent != headline.dom.parent
    assert headline.dom.tag == "h1"
    assert 0 < body.dom.link_share < 0.5
    assert caption.dom.path[-2:] == ("figure", "figcaption")
    assert "footer" in footer.dom.path
    assert all(b.lines is None for b in blocks)


def test_html_label_attribute_is_inherited_and_inline_labels_count():
    page = (
        '<html><body data-label="navigation"><p>Menu</p>'
        '<div data-label="editorial"><p>Story text here.</p>'
        '<p><span data-label="caption">Photo: A. Person</span></p></div>'
        "</body></html>"
    )
    blocks = segment_html(page, label_attribute="data-label")
    assert [(b.text, b.label.value) for b in blocks] == [
        ("Menu", "navigation"),
        ("Story text here.", "editorial"),
        ("Photo: A. Person", "caption"),
    ]


def test_detect_format():
    assert detect_format("<!DOCTYPE html><html></html>") == "html"
    assert detect_format("<div><p>a</p><p>b</p></div>") == "html"
    assert detect_format("Headline\nA line that mentions <p> once.\n") == "text"


def test_segment_decodes_bytes_and_honours_format_override():
    page = b"<p>one</p><p>two</p><p>three</p>"
    assert [b.text for b in segment(page)] == ["one", "two", "three"]
    as_text = segment(page, input_format="text")
    assert len(as_text) == 1 and as_text[0].lines == (1, 1)
