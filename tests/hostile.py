"""Hypothesis strategies for hostile input: pages, batch items, JSON Lines files and page folders.

Shared by tests/test_properties.py and bench/fuzz.py. Everything here is generated; nothing is copied
from real pages. Sizes are kept small by default (a few KB a page) so that hundreds of examples run in
seconds; the ``deep_*`` and ``huge`` strategies take parameters for the larger runs of the fuzzer.
"""

from __future__ import annotations

import codecs
import json
import math

from hypothesis import strategies as st

# -- vocabulary -------------------------------------------------------------------------------------

#: Real HTML tag names: block and inline elements, void elements, table parts, the elements the
#: segmenter skips (script, style, svg, template, ...), legacy ones, and a few of XML/HTML's odd corners.
_TAG_NAMES = (
    "html head body title meta link base div p span a b i em strong u s small big sub sup br hr img "
    "h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr td th caption colgroup col "
    "article section nav aside header footer main figure figcaption blockquote pre code address "
    "form input button select option optgroup textarea label fieldset legend details summary dialog "
    "script style noscript template svg math iframe object embed canvas video audio source picture "
    "center font marquee frameset frame plaintext xmp listing noembed wbr ruby rt rp bdi bdo q cite "
    "abbr time mark kbd samp var del ins menu dir hgroup"
)
TAGS = tuple(_TAG_NAMES.split())
#: Tags that close nothing and are often left unclosed in real pages.
VOID_TAGS = ("br", "hr", "img", "meta", "link", "input", "wbr", "col", "source", "base")
#: Attribute names that matter to the segmenter (class/id words, hidden elements, labels) and others.
ATTRIBUTES = ("class", "id", "style", "hidden", "aria-hidden", "href", "src", "title", "lang", "dir", "data-label")
ATTRIBUTE_VALUES = (
    "",
    "nav menu",
    "sponsored ad-slot",
    "articleBody",
    "display:none",
    "visibility: hidden",
    "true",
    "rtl",
    'a"b',
    "x'y",
    "&amp;&lt;",
    "javascript:alert(1)",
)
#: Character references: named, numeric (NUL, a surrogate, past U+10FFFF, C1 controls), broken.
ENTITIES = (
    "&amp;",
    "&nbsp;",
    "&copy;",
    "&lt;p&gt;",
    "&#0;",
    "&#xD800;",
    "&#xDFFF;",
    "&#1114112;",
    "&#x110000;",
    "&#128;",
    "&#x9f;",
    "&#65;",
    "&#;",
    "&amp",
    "&notanentity;",
    "&#99999999999999999999;",
)
#: Charset labels for <meta charset> and <?xml encoding>: real ones, ones Python lacks or treats
#: specially (transforms, "undefined", IDNA), wide encodings declared in an ASCII page, and junk.
CHARSET_LABELS = (
    "utf-8",
    "UTF8",
    "latin-1",
    "windows-1252",
    "shift_jis",
    "euc-kr",
    "gb2312",
    "big5",
    "koi8-r",
    "iso-2022-jp",
    "utf-7",
    "undefined",
    "utf-16",
    "utf-16le",
    "utf-32",
    "x-user-defined",
    "idna",
    "punycode",
    "rot13",
    "base64",
    "hex",
    "zlib",
    "unicode_escape",
    "raw_unicode_escape",
    "palmos",
    "cp65001",
    "mbcs",
)
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
#: Codecs pages are written in (errors replaced, surrogates passed through where the codec allows it).
ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "latin-1",
    "cp1252",
    "shift_jis",
    "euc-jp",
    "gb18030",
    "big5",
    "koi8-r",
    "iso-2022-jp",
    "utf-7",
)
#: Words of several scripts: Latin with diacritics, CJK, Arabic and Hebrew (RTL), Devanagari, Thai,
#: emoji (with a ZWJ sequence and a flag), combining marks stacked on a letter, bidi overrides, zero widths.
WORDS = (
    "harbour",
    "Zürich",
    "naïve",
    "新闻",
    "記事の本文",
    "기사",
    "مقالة",
    "الأخبار",
    "חדשות",
    "समाचार",
    "ข่าว",
    "😀",
    "👩‍👩‍👧",
    "🇫🇷",
    "e\u0301\u0302\u0303\u0304",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "Sponsored",
    "Advertisement",
    "Home | News | Sport",
    "(Photo: AP)",
)
#: Characters that break naive code: NUL, C0/C1 controls, DEL, separators, non-characters, replacement.
CONTROLS = tuple("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\u2028\u2029\ufffe\uffff\ufffd") + ("\U0010ffff",)
LINE_ENDS = ("\n", "\r\n", "\r")

lone_surrogates = st.integers(0xD800, 0xDFFF).map(chr)
#: Any character, surrogates included.
any_characters = st.characters(codec=None)


def mixed_text(max_words: int = 12, surrogates: bool = True) -> st.SearchStrategy[str]:
    """A run of words in mixed scripts, with the odd control character or (if allowed) lone surrogate."""
    piece = st.one_of(
        st.sampled_from(WORDS),
        st.text(max_size=8),
        st.sampled_from(CONTROLS),
        *([lone_surrogates] if surrogates else []),
    )
    return st.lists(piece, max_size=max_words).map(" ".join)


# -- HTML -------------------------------------------------------------------------------------------

tag_names = st.one_of(
    st.sampled_from(TAGS), st.sampled_from(TAGS).map(str.upper), st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
)
attribute_text = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(ATTRIBUTES), st.from_regex(r"[a-z:_-]{1,8}", fullmatch=True)),
        st.one_of(st.sampled_from(ATTRIBUTE_VALUES), mixed_text(3)),
        st.sampled_from(('"', "'", "")),
    ),
    max_size=3,
).map(lambda attrs: "".join(f" {name}={quote}{value}{quote}" for name, value, quote in attrs))


def _leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        mixed_text(),
        st.sampled_from(ENTITIES),
        mixed_text(4).map(lambda text: f"<!--{text}-->"),
        mixed_text(4).map(lambda text: f"<![CDATA[{text}]]>"),
        st.sampled_from(("<!-- unclosed comment", "<![CDATA[ open", "<?php echo 1 ?>", "<!doctype html>", "</p>", "<")),
        st.tuples(st.sampled_from(VOID_TAGS), attribute_text).map(lambda pair: f"<{pair[0]}{pair[1]}>"),
        st.tuples(st.sampled_from(("script", "style", "template")), mixed_text(4)).map(
            lambda pair: f"<{pair[0]}>{pair[1]} </{pair[0]}>"
        ),
    )


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """An element around children, closed, left unclosed, or closed with the wrong tag."""

    def render(parts) -> str:
        tag, attrs, inner, closing, wrong = parts
        close = {"closed": f"</{tag}>", "open": "", "wrong": f"</{wrong}>"}[closing]
        return f"<{tag}{attrs}>{''.join(inner)}{close}"

    return st.tuples(
        tag_names,
        attribute_text,
        st.lists(children, max_size=5),
        st.sampled_from(("closed", "open", "wrong")),
        tag_names,
    ).map(render)


def html_fragments(max_leaves: int = 30) -> st.SearchStrategy[str]:
    """A random tree of real tags, attributes, entities, comments and CDATA, without <html>."""
    return st.lists(st.recursive(_leaf(), _element, max_leaves=max_leaves), min_size=1, max_size=6).map("".join)


def deep_html(min_depth: int = 100, max_depth: int = 800) -> st.SearchStrategy[str]:
    """Tags nested ``min_depth`` to ``max_depth`` deep (a repeated pattern), closed or not, text at the bottom."""

    def render(parts) -> str:
        pattern, depth, text, closed = parts
        tags = [pattern[level % len(pattern)] for level in range(depth)]
        closing = "".join(f"</{tag}>" for tag in reversed(tags)) if closed else ""
        return "<html><body>" + "".join(f"<{tag}>" for tag in tags) + text + closing + "</body></html>"

    return st.tuples(
        st.lists(st.sampled_from(TAGS), min_size=1, max_size=4),
        st.integers(min_depth, max_depth),
        mixed_text(),
        st.booleans(),
    ).map(render)


#: Small fragments that real pages repeat thousands of times: link farms, emphasis runs, menus, stray end tags.
REPEATED_FRAGMENTS = (
    '<a href="/x">w</a> ',
    '<a href="javascript:x">w</a>',
    "<em>w</em> ",
    "<b>",
    "</i>",
    "<li>item",
    "<p>x</p>",
    "<br>",
    "&amp;",
    "<td>",
    "<!-- -->",
)


def repeated_html(max_repeat: int = 2_000) -> st.SearchStrategy[str]:
    """A fragment repeated 100 to ``max_repeat`` times after an opening: many links or marks in one block, thousands
    of blocks, unclosed or stray tags by the thousand (the shapes that make per-block or per-tag work quadratic)."""
    fragment = st.one_of(st.sampled_from(REPEATED_FRAGMENTS), html_fragments(max_leaves=3))
    return st.tuples(
        st.sampled_from(("", "<p>", "<div>", "<ul>", "<html><body>", "<html><body><p>")),
        fragment,
        st.integers(100, max_repeat),
    ).map(lambda parts: parts[0] + parts[1] * parts[2])


def meta_charset() -> st.SearchStrategy[str]:
    """A charset declaration: <meta charset>, http-equiv, or <?xml encoding>, with a real or junk label."""
    label = st.one_of(st.sampled_from(CHARSET_LABELS), st.from_regex(r"[A-Za-z0-9_.:-]{2,12}", fullmatch=True))
    form = st.sampled_from(
        (
            '<meta charset="{}">',
            "<meta charset={}>",
            '<meta http-equiv="Content-Type" content="text/html; charset={}">',
            '<?xml version="1.0" encoding="{}"?>',
        )
    )
    return st.tuples(form, label).map(lambda pair: pair[0].format(pair[1]))


def html_documents(max_leaves: int = 30) -> st.SearchStrategy[str]:
    """A whole document: doctype, a head with a charset and a title, and a random body tree."""

    def render(parts) -> str:
        doctype, charset, title, body = parts
        return f"{doctype}<html><head>{charset}<title>{title}</title></head><body>{body}</body></html>"

    return st.tuples(
        st.sampled_from(("", "<!DOCTYPE html>\n", "<!doctype html public '-//W3C//DTD HTML 4.01//EN'>")),
        st.one_of(st.just(""), meta_charset()),
        mixed_text(4),
        html_fragments(max_leaves),
    ).map(render)


# -- text dumps -------------------------------------------------------------------------------------


def long_lines(max_repeat: int = 20_000) -> st.SearchStrategy[str]:
    """One line of a word repeated up to ``max_repeat`` times (a minified page, a dump without breaks)."""
    return st.tuples(st.sampled_from(WORDS + ("x", "<p>")), st.integers(100, max_repeat)).map(
        lambda pair: " ".join([pair[0]] * pair[1])
    )


def text_dumps(max_lines: int = 30) -> st.SearchStrategy[str]:
    """A text dump: lines of mixed text, blank lines, lines quoting tag names, one long line now and then,
    each ended by LF, CRLF or a lone CR."""
    line = st.one_of(
        mixed_text(),
        st.just(""),
        st.lists(st.sampled_from(TAGS), min_size=1, max_size=4).map(
            lambda tags: "Use " + " and ".join(f"<{tag}>" for tag in tags) + " tags, then close </body>."
        ),
        long_lines(2_000),
    )
    return st.lists(st.tuples(line, st.sampled_from(LINE_ENDS)), min_size=1, max_size=max_lines).map(
        lambda lines: "".join(text + end for text, end in lines)
    )


# -- whole pages ------------------------------------------------------------------------------------


def _sprinkle(text_strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Insert a few hostile characters (NUL, controls, lone surrogates, a BOM character) at random places."""

    def insert(parts) -> str:
        text, extras = parts
        for position, char in extras:
            at = position % (len(text) + 1)
            text = text[:at] + char + text[at:]
        return text

    extra = st.tuples(st.integers(0, 1 << 20), st.one_of(st.sampled_from(CONTROLS), lone_surrogates, st.just("\ufeff")))
    return st.tuples(text_strategy, st.lists(extra, max_size=3)).map(insert)


def hostile_text(max_depth: int = 800, max_repeat: int = 2_000) -> st.SearchStrategy[str]:
    """Any str a caller might pass: random text (surrogates included), documents, fragments, deep trees (up to
    ``max_depth``), repeated fragments (up to ``max_repeat``), dumps."""
    return _sprinkle(
        st.one_of(
            st.text(any_characters, max_size=200),
            html_documents(),
            html_fragments(),
            deep_html(max_depth=max_depth),
            repeated_html(max_repeat),
            text_dumps(),
            long_lines(),
        )
    )


def _encode(parts) -> bytes:
    text, encoding, bom = parts
    try:  # lone surrogates pass into UTF-8/16/32 (surrogatepass) and UTF-7 (which encodes them as they are)
        data = text.encode(encoding, "surrogatepass")
    except UnicodeError:
        data = text.encode(encoding, "replace")
    return bom + data


def hostile_bytes(max_depth: int = 800, max_repeat: int = 2_000) -> st.SearchStrategy[bytes]:
    """Any bytes: random, text in assorted encodings (declared or not, with or without a BOM, matching or not),
    then possibly cut in the middle of a character or with random bytes spliced in."""
    text = hostile_text(max_depth, max_repeat)
    encoded = st.tuples(
        st.one_of(text, st.tuples(meta_charset(), text).map("".join)),
        st.sampled_from(ENCODINGS),
        st.one_of(st.just(b""), st.sampled_from(BOMS)),
    ).map(_encode)
    # A page written in the encoding it declares (the usual case, and the way into a codec's own quirks).
    declared = (
        st.sampled_from(ENCODINGS)
        .flatmap(
            lambda encoding: st.tuples(
                text.map(lambda page: f'<meta charset="{encoding}">{page}'), st.just(encoding), st.just(b"")
            )
        )
        .map(_encode)
    )

    def mutate(parts) -> bytes:
        data, cut, splices = parts
        if cut is not None:
            data = data[: cut % (len(data) + 1)]
        for position, junk in splices:
            at = position % (len(data) + 1)
            data = data[:at] + junk + data[at:]
        return data

    return st.one_of(
        st.binary(max_size=300),
        st.tuples(st.sampled_from(BOMS), st.binary(max_size=64)).map(b"".join),
        declared,
        st.tuples(
            st.one_of(encoded, declared),
            st.one_of(st.none(), st.integers(0, 1 << 20)),
            st.lists(st.tuples(st.integers(0, 1 << 20), st.binary(min_size=1, max_size=4)), max_size=2),
        ).map(mutate),
    )


def hostile_pages(max_depth: int = 800, max_repeat: int = 2_000) -> st.SearchStrategy[str | bytes]:
    """A page as str or bytes (sizes as in hostile_text)."""
    return st.one_of(hostile_text(max_depth, max_repeat), hostile_bytes(max_depth, max_repeat))


# -- batch items and JSON Lines ---------------------------------------------------------------------

#: Floats JSON cannot hold (Python's json writes them as bare NaN/Infinity unless allow_nan=False).
NON_FINITE = (math.nan, math.inf, -math.inf)


def json_values(max_leaves: int = 8) -> st.SearchStrategy:
    """Values json.dumps accepts by default: NaN and infinities, huge ints, strings with lone surrogates."""
    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(),
        st.sampled_from(NON_FINITE),
        st.text(any_characters, max_size=20),
    )
    return st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(any_characters, max_size=5), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def page_records() -> st.SearchStrategy[dict]:
    """A page record as a dict: ``html`` and/or ``text`` (a page or any JSON value), ``id``, ``url``, extras."""
    field = st.one_of(hostile_text(), json_values())
    return st.fixed_dictionaries(
        {},
        optional={
            "html": field,
            "text": field,
            "id": st.one_of(st.integers(), st.text(any_characters, max_size=30), mixed_text(3), json_values()),
            "url": st.one_of(st.text(any_characters, max_size=40), mixed_text(3), json_values()),
            "extra": json_values(),
        },
    )


class Unpicklable:
    """An object that pickle refuses (a lambda inside), json too."""

    def __init__(self) -> None:
        self.function = lambda: None

    def __repr__(self) -> str:
        return "Unpicklable()"


#: Python refuses to turn an int of more digits than this into text (sys.get_int_max_str_digits(), 4300 by
#: default), so json.dumps cannot write it (and json.loads cannot read it).
INT_DIGITS = 4_301


class HugeInt(int):
    """An int of ``digits`` digits, with a repr that Python can print."""

    def __new__(cls, digits: int) -> HugeInt:
        number = super().__new__(cls, 10 ** (digits - 1))
        number.digits = digits
        return number

    def __repr__(self) -> str:
        return f"HugeInt({self.digits})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


class HookedPage(str):
    """A page (a str subclass) carrying a lambda: fine in this process, refused by pickle."""

    def __new__(cls, text: str) -> HookedPage:
        page = super().__new__(cls, text)
        page.hook = lambda: None
        return page

    def __repr__(self) -> str:
        return f"HookedPage({str(self)!r})"


class HookedBytes(bytes):
    """A page as bytes (a bytes subclass) carrying a lambda."""

    def __new__(cls, data: bytes) -> HookedBytes:
        page = super().__new__(cls, data)
        page.hook = lambda: None
        return page

    def __repr__(self) -> str:
        return f"HookedBytes({bytes(self)!r})"


def junk_items() -> st.SearchStrategy:
    """Items that are not pages: numbers, None, nested lists, sets, objects, dicts with unpicklable or
    non-JSON values (a lambda id, bytes, a set), a list nested past the recursion limit; and pages that cannot
    be pickled (str and bytes subclasses carrying a lambda)."""
    return st.one_of(
        mixed_text(6).map(HookedPage),
        st.binary(max_size=40).map(HookedBytes),
        st.none(),
        st.integers(),
        st.floats(),
        st.lists(st.lists(st.integers(), max_size=2), max_size=2),
        st.builds(Unpicklable),
        st.just({1, 2}),
        st.fixed_dictionaries({"text": st.just("A page of text."), "id": st.just(lambda: None)}),
        st.fixed_dictionaries(
            {"html": hostile_text(), "id": st.one_of(st.binary(max_size=4), st.just({1}), st.builds(Unpicklable))}
        ),
        st.fixed_dictionaries({"text": st.just("A page."), "id": st.integers(1_000, 3_000).map(NestedList)}),
        st.fixed_dictionaries({"text": st.just("A page."), "id": st.integers(INT_DIGITS, 2 * INT_DIGITS).map(HugeInt)}),
    )


class NestedList(list):
    """A list nested ``depth`` levels deep, with a short repr (printing it whole would hit the recursion limit)."""

    def __init__(self, depth: int) -> None:
        value: list = []
        for _ in range(depth - 1):
            value = [value]
        super().__init__([value])
        self.depth = depth

    def __repr__(self) -> str:
        return f"NestedList({self.depth})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis' pretty printer
        printer.text(repr(self))


def batch_items(max_size: int = 12) -> st.SearchStrategy[list]:
    """A list of items for clean_many(): pages, page records and junk, mixed."""
    return st.lists(st.one_of(hostile_pages(), page_records(), junk_items()), max_size=max_size)


#: Raw JSON Lines text that json.dumps would never write: lone surrogate escapes, NaN/Infinity literals.
RAW_LINES = (
    '{"id": "\\ud83d", "text": "A lone high surrogate in the id."}',
    '{"id": 1, "text": "Text with a lone \\udc00 low surrogate."}',
    '{"id": 2, "url": "http://x/\\ud800", "html": "<p>A page whose url has a surrogate.</p>"}',
    '{"id": NaN, "text": "NaN as the id."}',
    '{"id": Infinity, "url": -Infinity, "text": "Infinite id and url."}',
    '{"id": 1e999, "text": "An id that overflows to infinity."}',
    '{"text": NaN}',
    '{"html": "<p>a</p>", "html": "<p>duplicate keys</p>"}',
    '{"id": 123456789012345678901234567890, "text": "A huge integer id."}',
    '{"id": {"nested": [1, {"a": null}]}, "text": "An object id."}',
    '{"id": 3, "text": "\\u0000 NUL escape and \\u202e bidi override"}',
    '"just a string"',
    "[1, 2, 3]",
    "null",
    "{",
    "not json at all",
    '{"id": 4, "text": "unterminated',
    "\ufeff{}",
)


def _deep_json(parts) -> str:
    depth, kind = parts
    if kind == "array":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '{"id": ' + "[" * depth + "]" * depth + ', "text": "A page with a deeply nested id."}'


def jsonl_lines(huge_bytes: int = 70_000) -> st.SearchStrategy[bytes]:
    """One line of a JSON Lines file (no newline): a page record, a raw oddity, deep JSON, invalid JSON,
    a blank line, a line of ``huge_bytes`` or more, or bytes that are not UTF-8."""

    def dump(record) -> bytes:
        # ensure_ascii=True: lone surrogates become \\udXXX escapes; NaN/Infinity become bare literals.
        return json.dumps(record).encode("ascii")

    return st.one_of(
        page_records().map(dump),
        st.sampled_from(RAW_LINES).map(lambda line: line.encode("utf-8")),
        st.tuples(st.integers(1_000, 5_000), st.sampled_from(("array", "object", "id")))
        .map(_deep_json)
        .map(str.encode),
        st.sampled_from((b"", b"   ", b"\t", b" \r")),
        st.integers(huge_bytes, huge_bytes * 2).map(lambda size: b'{"text": "' + b"x" * size + b'"}'),
        st.binary(max_size=40).map(lambda data: data.replace(b"\n", b"")),
        st.tuples(st.sampled_from(ENCODINGS[:5]), page_records()).map(
            lambda pair: json.dumps(pair[1], ensure_ascii=False).encode(pair[0], "surrogatepass").replace(b"\n", b"")
        ),
        st.just(b'{"id": 5, "text": "Latin-1 bytes: \xe9t\xe9, a cut UTF-8 sequence \xe2\x82"}'),
    )


def jsonl_files(max_lines: int = 40, huge_bytes: int = 70_000) -> st.SearchStrategy[bytes]:
    """A JSON Lines file: random lines joined by LF (or CRLF), with or without a final newline."""
    return st.tuples(
        st.lists(jsonl_lines(huge_bytes), min_size=1, max_size=max_lines),
        st.sampled_from((b"\n", b"\r\n")),
        st.booleans(),
    ).map(lambda parts: parts[1].join(parts[0]) + (b"\n" if parts[2] else b""))


def non_blank_lines(data: bytes) -> list[int]:
    """0-based numbers of the non-blank lines of a JSON Lines file (split at LF, as the reader does)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [number for number, line in enumerate(lines) if line.strip()]


# -- page folders -----------------------------------------------------------------------------------

#: Longest file name Linux file systems take, in bytes (NAME_MAX).
NAME_MAX = 255
#: Names the CLI reads as many pages (README: JSON Lines, WARC): a folder of page files leaves them out.
BATCH_SUFFIXES = (b".jsonl", b".ndjson", b".jsonl.gz", b".ndjson.gz", b".warc", b".warc.gz")


def file_names() -> st.SearchStrategy[bytes]:
    """A file name as bytes: spaces, non-UTF-8 bytes, mixed scripts, a leading dash, or very long."""
    return (
        st.one_of(
            st.text(any_characters, min_size=1, max_size=20).map(lambda name: name.encode("utf-8", "surrogatepass")),
            st.binary(min_size=1, max_size=20),
            st.sampled_from((b"page one.html", b"-rf.html", b"caf\xe9.html", b"\xff\xfe.txt", b" lead", b"a\tb")),
            st.integers(100, NAME_MAX).map(lambda size: b"n" * (size - 5) + b".html"),
        )
        .map(lambda name: name.replace(b"/", b"_").replace(b"\x00", b"_")[:NAME_MAX])
        .filter(lambda name: name not in (b".", b"..") and not name.lower().endswith(BATCH_SUFFIXES))
    )


def page_folders(max_files: int = 8) -> st.SearchStrategy[dict]:
    """A folder of pages: ``{"files": [(relative path parts as bytes, content)], "loop": bool}``; with
    ``loop`` a symlink ``loop -> .`` goes in the folder (``ln -s . loop``). No two files share a name."""
    entry = st.tuples(st.lists(file_names(), min_size=1, max_size=3).map(tuple), hostile_bytes())
    files = st.lists(entry, max_size=max_files, unique_by=lambda pair: pair[0][-1])
    return st.fixed_dictionaries({"files": files, "loop": st.booleans()})
