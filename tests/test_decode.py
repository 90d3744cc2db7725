import codecs

import pytest

from classifier import InputError, segment
from classifier.decode import decode


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
