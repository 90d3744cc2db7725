"""Markdown of the kept blocks (classifier.markdown), and the inline spans the HTML walker records for it.

The small pages are written here and labelled with ``data-label``, so no test depends on the model; the gold
labels of training_data/html check that the structure of every written page survives.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from html import escape

import pytest
from conftest import ROOT, TRAINING_DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from classifier.blocks import Block, DomContext
from classifier.labeled import load_labeled
from classifier.labels import Label
from classifier.markdown import CELLS, HEADINGS, to_markdown
from classifier.pipeline import classify, clean
from classifier.segment import segment_html, segment_text
from classifier.segment.html import safe_href

E, C, N = Label.EDITORIAL, Label.CAPTION, Label.NAVIGATION


def markdown(body: str, keep=(E,), links: bool = False) -> str:
    """The Markdown of a page whose body is ``body``, every block editorial unless it says otherwise."""
    blocks = segment_html(f'<html><body data-label="editorial">{body}</body></html>', "<test>", "data-label")
    return to_markdown(blocks, keep, links=links)


# -- block structure ----------------------------------------------------------------------------------------


def test_headings_by_level_and_their_trailing_hashes_kept():
    body = (
        "<h1>Harbour reopens</h1><p>The pier is open.</p><h2>Why now</h2><h3>Ranked #</h3><h4>C# and F#</h4>"
        "<h5>Five</h5><h6>## Six ##</h6>"
    )
    assert markdown(body) == (
        "# Harbour reopens\n\nThe pier is open.\n\n## Why now\n\n### Ranked \\#\n\n#### C# and F#\n\n##### Five\n\n"
        "###### ## Six \\##"
    )


def test_lists_nested_by_depth_and_numbered_within_their_list():
    body = (
        "<ul><li>Bread</li><li>Milk<ul><li>Whole</li><li>Skimmed<ol><li>One</li><li>Two</li></ol></li></ul></li>"
        "<li>Eggs</li></ul><p>Then:</p><ol><li>First</li><li>Second</li></ol><ol><li>Another list</li></ol>"
        "<ul><li>Bullets</li></ul><ul><li>More bullets</li></ul>"
    )
    assert markdown(body) == (
        "- Bread\n- Milk\n  - Whole\n  - Skimmed\n    1. One\n    2. Two\n- Eggs\n\nThen:\n\n"
        "1. First\n2. Second\n1) Another list\n- Bullets\n* More bullets"
    )


def test_list_items_made_of_paragraphs_and_a_list_interrupted_by_a_table():
    body = (
        "<ol><li><p>Preheat the oven.</p><p>Wait ten minutes.</p></li><li><p>Bake.</p></li></ol>"
        "<ol><li>Mix</li><li><table><tr><td>flour</td><td>200 g</td></tr></table></li><li>Stir</li></ol>"
    )
    assert markdown(body) == (
        "1. Preheat the oven.\n\n   Wait ten minutes.\n2. Bake.\n1) Mix\n\n| flour | 200 g |\n| --- | --- |\n\n2. Stir"
    )


def test_tables_one_row_per_line_padded_and_escaped():
    body = (
        "<p>Rates:</p><table><thead><tr><th>Bank</th><th>APY | fee</th></tr></thead>"
        "<tbody><tr><td>North</td><td>4.1%</td><td>note</td></tr><tr><td>South</td></tr></tbody></table>"
        "<p>Without a header:</p><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
        "<p>A layout table:</p><table><tr><td>One lone cell of text.</td></tr></table>"
    )
    assert markdown(body) == (
        "Rates:\n\n| Bank | APY \\| fee |  |\n| --- | --- | --- |\n| North | 4.1% | note |\n| South |  |  |\n\n"
        "Without a header:\n\n| a | b |\n| --- | --- |\n| c | d |\n\nA layout table:\n\nOne lone cell of text."
    )


def test_block_quotes_nested_with_their_lists():
    body = (
        "<blockquote><p>One</p><p>Two</p><blockquote><p>Inner</p></blockquote><ul><li>a</li><li>b</li></ul>"
        "</blockquote><p>After</p>"
    )
    assert markdown(body) == "> One\n>\n> Two\n>\n> > Inner\n>\n> - a\n> - b\n\nAfter"


def test_pre_is_fenced_and_kept_as_is():
    body = "<pre>x = a * b  # [no] _escapes_</pre><pre><code>echo ```quoted```</code></pre>"
    assert markdown(body) == "```\nx = a * b # [no] _escapes_\n```\n\n````\necho ```quoted```\n````"


def test_captions_in_italics_when_kept():
    body = (
        '<figure><img src="pier.jpg"><figcaption data-label="caption">The pier at dusk (Photo: A. Brandt)'
        "</figcaption></figure><p>Story text.</p>"
    )
    assert markdown(body) == "Story text."
    assert markdown(body, keep=(E, C)) == "*The pier at dusk (Photo: A. Brandt)*\n\nStory text."


def test_only_the_kept_labels_and_thresholds():
    body = '<nav data-label="navigation"><ul><li>Home</li></ul></nav><p>Story.</p><p data-label="sponsored">Ad</p>'
    assert markdown(body) == "Story."
    assert markdown(body, keep=(E, Label.SPONSORED)) == "Story.\n\nAd"
    assert markdown(body, keep=()) == ""
    blocks = [
        Block("Sure", label=E, probabilities={E: 0.9, N: 0.1}),
        Block("Doubtful", label=N, probabilities={E: 0.4, N: 0.6}),
    ]
    assert to_markdown(blocks) == "Sure"
    assert to_markdown(blocks, thresholds={E: 0.3}) == "Sure\n\nDoubtful"


# -- escaping -------------------------------------------------------------------------------------------------


def test_a_paragraph_never_starts_a_block_by_accident():
    paragraphs = [
        "# Not a heading",
        "#hashtag",
        "- Not a list",
        "+ plus",
        "* star",
        "1. One",
        "2) Two",
        "1984 was a year",
        "> not quoted",
        "=== Title ===",
        "--- dashes ---",
    ]
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    assert markdown(body).split("\n\n") == [
        "\\# Not a heading",
        "#hashtag",
        "\\- Not a list",
        "\\+ plus",
        "\\* star",
        "1\\. One",
        "2\\) Two",
        "1984 was a year",
        "\\> not quoted",
        "=== Title ===",
        "--- dashes ---",
    ]


def test_inline_characters_escaped_only_where_they_would_be_markup():
    text = (
        "snake_case, __init__, 5 * 3, a*b*c, `code`, [1] and [link](x), <b>tag</b>, a < b, AT&T, &amp; &#169;, "
        "back\\slash, \\*, ~tilde~ and ~ 5, 50% off!"
    )
    assert markdown(f"<p>{escape(text)}</p>") == (
        "snake_case, \\_\\_init\\_\\_, 5 * 3, a\\*b\\*c, \\`code\\`, \\[1] and \\[link](x), \\<b>tag\\</b>, a < b, "
        "AT&T, \\&amp; \\&#169;, back\\slash, \\\\\\*, \\~tilde\\~ and ~ 5, 50% off!"
    )


def test_a_text_dump_comes_out_as_its_lines_with_its_blank_lines():
    dump = (
        "Harbour reopens\n=====\n\nThe pier is open.\nIt cost 2 million.\nMENU Home News\n\n- not a list\n"
        "1. nor this\n\nA | B\n--- | ---\nSubscribe now\n\n\nLast line *here*\n"
    )
    blocks = segment_text(dump)
    for block in blocks:
        block.label = N if block.text in ("MENU Home News", "Subscribe now") else E
    assert to_markdown(blocks) == (
        "Harbour reopens\n\\=====\n\nThe pier is open.\nIt cost 2 million.\n\n\\- not a list\n1\\. nor this\n\n"
        "A | B\n--- \\| ---\n\nLast line \\*here\\*"
    )
    plain = "Headline\n\nFirst paragraph, plain.\nSecond line.\n\nLast."
    blocks = segment_text(plain)
    for block in blocks:
        block.label = E
    assert to_markdown(blocks) == plain


# -- links and emphasis -------------------------------------------------------------------------------------


def test_links_and_emphasis_with_links_true():
    body = (
        '<p>Read <a href="/pier">the <b>full</b> story</a>, <em>then</em> <a href="mailto:desk@example.org">write</a>'
        ' or <a href="https://example.org/a b(c)">see [this]</a>! Wow!<a href="http://x.example">Now</a></p>'
        '<p><a href="javascript:alert(1)">Bad</a> <a href=" java&#9;script:alert(1)">worse</a> '
        '<a href="data:text/html,x">data</a> <a>anchor</a> <strong><a href="#top">top</a></strong></p>'
    )
    assert markdown(body, links=True) == (
        "Read [the **full** story](/pier), *then* [write](mailto:desk@example.org) or "
        "[see \\[this\\]](https://example.org/a%20b\\(c\\))! Wow\\![Now](http://x.example)\n\n"
        "Bad worse data anchor [**top**](#top)"
    )
    assert markdown(body) == ("Read the full story, then write or see \\[this]! Wow!Now\n\nBad worse data anchor top")


def test_emphasis_only_where_it_opens_and_closes():
    body = (
        '<p>x<em>"quoted"</em>y and "<em>quoted</em>" and <b>Bold</b><i>italic</i> and '
        "<b>cross <i>over</b> here</i> and <i><i>twice</i></i></p>"
    )
    assert markdown(body, links=True) == (
        'x"quoted"y and "*quoted*" and Bold*italic* and **cross *over*** here and *twice*'
    )
    # Spans made by other code: one crossing an earlier span, one out of range, a link with an unsafe href.
    dom = DomContext("p", ("html", "body", "p"))
    spans = ((0, 10, "strong", ""), (6, 15, "em", ""), (3, 99, "em", ""), (12, 15, "a", "javascript:x"))
    block = Block("cross over here", dom=DomContext(dom.tag, dom.path, inline=spans), label=E)
    assert to_markdown([block], links=True) == "**cross over** here"


def test_headings_list_items_cells_and_captions_keep_their_links():
    body = (
        '<h2><a href="/a">Headline</a></h2><ul><li><a href="/b">Item</a></li></ul>'
        '<table><tr><th><a href="/c">Cell</a></th><th>Plain</th></tr></table>'
        '<figcaption data-label="caption">Photo: <a href="/d">A. Brandt</a> <em>(file)</em></figcaption>'
    )
    assert markdown(body, keep=(E, C), links=True) == (
        "## [Headline](/a)\n\n- [Item](/b)\n\n| [Cell](/c) | Plain |\n| --- | --- |\n\n*Photo: [A. Brandt](/d) (file)*"
    )


# -- the walker's inline spans ------------------------------------------------------------------------------


def test_the_walker_records_spans_in_the_collapsed_text():
    page = (
        '<html><body><p>\n  Body   text with <a href="/x">a \n link</a> and<b> bold </b>\n'
        '<i> <em>both</em> </i><a href="javascript:void(0)">js</a> <a name="n">named</a></p>'
        '<a href="https://e.example/card"><div>Card title</div> tail</a>'
        '<ul>\n <li>\n  <a href="/menu">Menu item</a>\n </li></ul></body></html>'
    )
    body, card, tail, item = segment_html(page)
    assert body.text == "Body text with a link and bold both js named"
    assert [(body.text[s:e], kind, href) for s, e, kind, href in body.dom.inline] == [
        ("a link", "a", "/x"),
        ("bold", "strong", ""),
        ("both", "em", ""),
    ]
    assert card.dom.inline == ((0, 10, "a", "https://e.example/card"),)
    assert tail.dom.inline == ((0, 4, "a", "https://e.example/card"),)
    assert item.dom.inline == ((0, 9, "a", "/menu"),)
    # The spans are for renderers only: the model's view of the block is unchanged.
    assert body.dom == DomContext(
        body.dom.tag, body.dom.path, body.dom.attributes, body.dom.link_share, body.dom.parent
    )


@pytest.mark.parametrize(
    ("href", "safe"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  /relative?q=1 ", "/relative?q=1"),
        ("page.html", "page.html"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("#top", "#top"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        ("\x00 java\tscr\nipt:alert(1)", ""),
        ("vbscript:x", ""),
        ("data:text/html;base64,xx", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_href(href, safe):
    assert safe_href(href) == safe


# -- the written pages --------------------------------------------------------------------------------------

_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_QUOTE = re.compile(r"^(?:> ?)*")
_ITEM = re.compile(r" *(?:[-*]|[0-9]+[.)]) (.*)")


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def _structures(blocks: list[Block]) -> list[tuple]:
    """The gold editorial headings, list items and table rows (cells of one tr), in page order."""
    out: list[tuple] = []
    for block in blocks:
        dom = block.dom
        if block.label != E:
            continue
        if dom.tag in CELLS and dom.path[-2] == "tr":
            if out and out[-1][0] == "row" and out[-1][1] == dom.parent:
                out[-1][2].append(block.text)
            else:
                out.append(("row", dom.parent, [block.text]))
        elif dom.tag in HEADINGS:
            out.append(("heading", HEADINGS[dom.tag], block.text))
        elif dom.tag == "li":
            out.append(("item", None, block.text))
    return out


def _shows(kind: str, level: int | None, want, line: str) -> bool:
    if kind == "heading":
        return line.startswith("#" * level + " ") and _unescape(line[level + 1 :]) == want
    if kind == "item":
        match = _ITEM.fullmatch(line)
        return match is not None and _unescape(match.group(1)) == want
    if not (line.startswith("| ") and line.endswith(" |")):
        return False
    cells = [_unescape(cell.strip()) for cell in re.split(r"(?<!\\)\|", line[2:-2])]
    return cells[: len(want)] == want and not any(cells[len(want) :])


def test_every_gold_heading_list_item_and_table_row_of_the_written_pages_shows_as_such():
    pages = load_labeled([TRAINING_DATA / "html"])
    assert len(pages) >= 100
    found = {"heading": 0, "item": 0, "row": 0}
    total = dict.fromkeys(found, 0)
    missing = []
    for page in pages:
        lines = [_QUOTE.sub("", line) for line in to_markdown(page.blocks).split("\n")]
        at = 0
        for kind, level, want in _structures(page.blocks):
            total[kind] += 1
            shown = next((i for i in range(at, len(lines)) if _shows(kind, level, want, lines[i])), None)
            if shown is None:
                missing.append((page.source, kind, want))
            else:
                found[kind] += 1
                at = shown + 1
    print(f"\nwritten pages: {len(pages)}; shown as such: " + ", ".join(f"{k} {found[k]}/{total[k]}" for k in found))
    assert total["heading"] > 400 and total["item"] > 300 and total["row"] > 50
    assert found == total, missing[:10]


def test_clean_as_markdown_renders_the_blocks_clean_keeps():
    page = (ROOT / "tests" / "pages" / "harbour.txt").read_bytes()
    blocks = classify(page)
    assert clean(page, output_format="markdown") == to_markdown(blocks)
    assert clean(page, keep=(C,), favor="recall", output_format="markdown") == to_markdown(
        blocks, (E, C), thresholds={E: 0.25}
    )


# -- property: any page of real tags ------------------------------------------------------------------------

#: No .hypothesis folder in the checkout: Hypothesis's files go to a temporary folder removed at exit (as in
#: test_properties.py), and while these tests run to pytest's.
_HOME = tempfile.mkdtemp(prefix="hypothesis-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)


@pytest.fixture(autouse=True, scope="module")
def _hypothesis_home(tmp_path_factory):
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


TAGS = [
    "p",
    "div",
    "span",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "menu",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "caption",
    "blockquote",
    "pre",
    "code",
    "a",
    "em",
    "i",
    "strong",
    "b",
    "small",
    "u",
    "br",
    "img",
    "details",
    "summary",
]
#: Words of any script, Markdown's special characters among them; no "j", so that "javascript" in the output
#: could only come from an href.
WORDS = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="jJ", include_characters="*_`[]<>&#|\\~!-+.="
    ),
    min_size=1,
    max_size=12,
)
HREFS = st.sampled_from(
    ["/a", "page.html", "https://example.org/x y(z)", "mailto:a@b.example", "javascript:alert(1)", "java\tscript:x", ""]
)


@st.composite
def elements(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = f' href="{escape(draw(HREFS))}"' if tag == "a" else ""
    children = draw(
        st.lists(
            st.one_of(WORDS.map(escape), elements(depth + 1)) if depth < 4 else WORDS.map(escape),
            max_size=4,
        )
    )
    return f"<{tag}{attributes}>" + " ".join(children) + f"</{tag}>"


@settings(
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=st.lists(elements(), min_size=1, max_size=5), links=st.booleans())
def test_any_page_of_real_tags_gives_utf8_markdown_with_every_word(body, links):
    page = "<html><body>" + "\n".join(body) + "</body></html>"
    blocks = segment_html(page)
    for block in blocks:
        block.label = E
    text = to_markdown(blocks, links=links)
    assert isinstance(text, str)
    text.encode("utf-8")
    plain = _unescape(text)
    for block in blocks:
        for word in block.text.split():
            assert word in plain or word in text, (word, text)  # code blocks keep their text unescaped
    assert "javascript" not in text.lower()
