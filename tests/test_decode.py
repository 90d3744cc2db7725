import codecs
import importlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.decode import WHATWG_ENCODINGS, check_text, decode, encoding_for_label
from classifier.errors import InputError
from classifier.segment import segment


def test_bom_wins():
    text = "Zürich – Straße\n"
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == text


def test_declared_charset_is_used():
    page = '<html><head><meta charset="windows-1252"></head><body><p>café “quoted”</p></body></html>'
    assert "café “quoted”" in decode(page.encode("cp1252"))


def test_utf8_without_declaration():
    assert decode("naïve résumé".encode()) == "naïve résumé"


def test_detection_for_undeclared_legacy_bytes():
    text = "Die Straße war schön, aber die Brücke über den Fluß war gesperrt. Grüße aus Köln. " * 5
    assert "Straße" in decode(text.encode("latin-1"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (bytes(range(256)) * 8, "binary"),
        ("", "empty"),
        ("\x00\x01\x02\x03" * 100, "binary"),
    ],
)
def test_bad_input_raises_input_error_naming_the_source(content, message):
    with pytest.raises(InputError, match=message) as info:
        segment(content, source="page-42.html")
    assert "page-42.html" in str(info.value)


def test_bad_bom_payload_is_an_input_error():
    with pytest.raises(InputError, match="byte-order mark"):
        decode(codecs.BOM_UTF8 + b"\xff\xfe\xfa broken")


def test_unknown_input_format_is_refused():
    with pytest.raises(ValueError, match="input_format"):
        segment("text", input_format="pdf")


# -- labels resolved as the WHATWG Encoding Standard says ---------------------------------------------

ASCII_PAGE = '<html><head><meta charset="{}"></head><body><p>Plain readable text, nothing more.</p></body></html>'


@pytest.mark.parametrize("label", ["undefined", "utf-7", "UTF-7", "utf-32", "x-junk", "", "replacement", "iso-2022-kr"])
def test_a_label_outside_the_table_is_ignored(label):
    page = ASCII_PAGE.format(label)
    assert decode(page.encode("ascii")) == page


def test_utf7_is_never_used():
    # "+ADw-script+AD4-" is "<script>" in UTF-7: browsers never decode UTF-7, so neither do we.
    page = '<meta charset="utf-7"><p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>'
    assert decode(page.encode()) == page


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-16be", "unicode", "x-user-defined"])
def test_a_meta_declaring_utf16_or_x_user_defined_is_read_as_ascii_compatible(label):
    page = ASCII_PAGE.format(label)
    assert decode(page.encode("ascii")) == page


@pytest.mark.parametrize("label", ["latin1", "ISO-8859-1", " iso_8859-1:1987\t", "ascii", "US-ASCII", "windows-1252"])
def test_latin1_and_ascii_labels_mean_windows_1252(label):
    text = decode(f'<meta charset="{label}"><p>\x80 5 \x93quoted\x94 caf\xe9</p>'.encode("latin-1"))
    assert "€ 5 “quoted” café" in text


def test_windows_1252_bytes_microsoft_never_assigned_are_c1_controls_as_in_the_standard():
    assert decode(b'<meta charset="latin1"><p>a\x81b \x80</p>') == '<meta charset="latin1"><p>a\x81b €</p>'


def test_other_legacy_labels_of_the_table():
    assert "İstanbul" in decode('<meta charset="iso-8859-9"><p>İstanbul</p>'.encode("cp1254"))
    assert "ภาษาไทย" in decode('<meta charset="tis-620"><p>ภาษาไทย</p>'.encode("cp874"))
    assert "简体中文" in decode('<meta charset="gb2312"><p>简体中文</p>'.encode("gbk"))
    assert "Привет" in decode(
        '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">Привет'.encode("koi8-r")
    )
    assert "日本語" in decode('<?xml version="1.0" encoding="Shift_JIS"?><p>日本語</p>'.encode("cp932"))


def test_the_first_declaration_that_is_a_label_wins():
    page = '<meta charset="undefined"><meta charset="windows-1251"><p>Привет, мир</p>'
    assert "Привет, мир" in decode(page.encode("cp1251"))


def test_a_declaration_the_bytes_do_not_fit_falls_through():
    text = "Grüße aus Köln " * 4
    assert text in decode(f'<meta charset="iso-2022-jp"><p>{text}</p>'.encode())  # 7-bit only


def test_encoding_for_label_follows_get_an_encoding():
    assert encoding_for_label(" \tLATIN1\n") == "windows-1252"
    assert encoding_for_label("utf-16") == "UTF-16LE"
    assert encoding_for_label("iso-8859-9") == "windows-1254"
    for junk in ("undefined", "utf-7", "utf-32", "x-junk", "", None, "latin-1", "utf_8"):
        assert encoding_for_label(junk) is None
    assert len(WHATWG_ENCODINGS) == 40


def test_every_codec_of_the_table_exists():
    for codec, labels in WHATWG_ENCODINGS.values():
        assert labels and labels == labels.lower()
        if codec is not None:
            codecs.lookup(codec)


# -- transport charset --------------------------------------------------------------------------------


def test_a_transport_label_is_used_before_the_page_declaration():
    page = '<meta charset="utf-8"><p>Привет</p>'.encode("cp1251")
    assert "Привет" in decode(page, transport="windows-1251")
    assert "€" in decode(b"<p>\x80 20</p>", transport="ISO-8859-1")


def test_a_transport_utf16_label_is_honoured():
    text = "Grüße aus Köln, a page served as UTF-16 without a byte-order mark."
    assert decode(text.encode("utf-16-le"), transport="utf-16") == text
    assert decode(text.encode("utf-16-be"), transport="UTF-16BE") == text


def test_a_transport_label_the_bytes_do_not_fit_falls_through():
    assert decode("naïve café!".encode(), transport="utf-16le") == "naïve café!"  # odd length: not UTF-16
    page = '<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251")
    assert "Привет" in decode(page, transport="iso-2022-jp")


@pytest.mark.parametrize("transport", ["utf-7", "undefined", "x-junk", "utf-32", "", "  ", "iso-2022-kr", None])
def test_a_junk_transport_label_is_ignored(transport):
    assert decode("naïve café".encode(), transport=transport) == "naïve café"
    assert "Привет" in decode('<meta charset="koi8-r">Привет'.encode("koi8-r"), transport=transport)


def test_a_utf16_page_in_ascii_has_no_cjk_mojibake():
    page = ASCII_PAGE.format("utf-16")
    text = decode(page.encode())
    assert text == page and all(ord(c) < 128 for c in text)


# -- every failure is an InputError -------------------------------------------------------------------


def test_a_detector_crash_is_an_input_error(monkeypatch):
    import charset_normalizer

    def broken(content):
        raise RuntimeError("detector blew up")

    monkeypatch.setattr(charset_normalizer, "from_bytes", broken)
    with pytest.raises(InputError, match=r"page-7\.html.*detector blew up"):
        decode(b"caf\xe9 \xff\xfe na\xefve " * 10, "page-7.html")


def test_a_codec_crash_is_an_input_error(monkeypatch):
    module = importlib.import_module("classifier.decode")

    monkeypatch.setitem(module.WHATWG_ENCODINGS, "UTF-8", ("no-such-codec", "utf-8"))
    with pytest.raises(InputError, match="page-8.html.*LookupError"):
        decode(b'<meta charset="utf-8"><p>hello</p>', "page-8.html")


def test_a_bom_over_whitespace_is_empty():
    with pytest.raises(InputError, match="empty"):
        decode(codecs.BOM_UTF8 + b"  \n")


# -- lone surrogates in str pages ---------------------------------------------------------------------


def test_a_lone_surrogate_becomes_a_replacement_character():
    page = json.loads('"Before \\ud83d after.\\nA second line \\udc00 too."')
    text = check_text(page)
    assert text == "Before \ufffd after.\nA second line \ufffd too."
    text.encode("utf-8")


def test_a_split_surrogate_pair_is_joined():
    assert check_text("smile \ud83d\ude00 ok") == "smile \U0001f600 ok"


def test_a_lone_surrogate_does_not_drop_the_rest_of_the_page():
    page = json.loads(
        '"Headline of the page\\nFirst paragraph \\ud83d with a broken emoji.\\nSecond paragraph after it."'
    )
    texts = [block.text for block in segment(page)]
    assert texts == [
        "Headline of the page",
        "First paragraph \ufffd with a broken emoji.",
        "Second paragraph after it.",
    ]
    html = json.loads('"<p>First \\ud800 paragraph.</p><p>Second paragraph.</p>"')
    assert [block.text for block in segment(html)] == ["First \ufffd paragraph.", "Second paragraph."]


def test_ascii_text_is_returned_as_is():
    text = "plain ascii page\n" * 10
    assert check_text(text) is text


# -- property: any bytes give a str that encodes as UTF-8, or an InputError ----------------------------

LABELS = [
    "utf-8", "UTF-8", "latin1", "iso-8859-1", "ascii", "windows-1251", "koi8-r", "shift_jis", "euc-jp",
    "iso-2022-jp", "gbk", "gb18030", "big5", "euc-kr", "utf-16", "utf-16le", "utf-16be", "x-user-defined",
    "iso-8859-8-i", "x-mac-cyrillic", "replacement", "iso-2022-kr", "hz-gb-2312",
    "undefined", "utf-7", "utf-32", "x-junk", "", " ", "unicode-1-1-utf-8", "mbcs", "rot13", "base64", "hex",
    "zlib", "idna", "punycode", "raw_unicode_escape", "unicode_escape", "utf-8-sig", "cp65001",
]  # fmt: skip


def _decodes_or_refuses(content: bytes, transport: str | None = None) -> None:
    try:
        text = decode(content, "prop.html", transport)
    except InputError as exc:
        assert "prop.html" in str(exc)
    else:
        assert isinstance(text, str)
        text.encode("utf-8")


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_input_error(content):
    _decodes_or_refuses(content)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LABELS), st.binary(max_size=300), st.one_of(st.none(), st.sampled_from(LABELS)))
def test_any_bytes_under_any_meta_charset_decode_or_raise_input_error(label, body, transport):
    _decodes_or_refuses(f'<meta charset="{label}">'.encode() + body, transport)
