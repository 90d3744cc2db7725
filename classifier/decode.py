"""bytes -> str as a browser does it: byte-order mark, transport charset, the page's own declaration, UTF-8, detection.

Labels are resolved as the WHATWG Encoding Standard says (https://encoding.spec.whatwg.org/, "Names and labels"):
a label is matched after stripping ASCII whitespace, case-insensitively, against a closed table; a label not in
the table (``undefined``, ``utf-7``, ``utf-32``, a typo) means nothing, and the next step is tried. Every failure
ends as :class:`~classifier.errors.InputError` naming the source.
"""

from __future__ import annotations

import codecs
import re

from .errors import InputError

#: The WHATWG Encoding Standard's encodings, each with the Python codec that decodes it and the labels that name it.
#: Copied from the standard's "Names and labels" table (review draft 2025-06, whatwg/encoding
#: review-drafts/2025-06.bs; also its encodings.json): 40 encodings, 228 labels. The standard says user agents
#: must support these labels and no others. Where the web's encoding is a superset of the ISO one, the codec is
#: the superset, as the standard defines it: GBK decodes with the gb18030 decoder, Big5 includes HKSCS, Shift_JIS
#: is Microsoft's cp932, EUC-KR is cp949 (UHC), ISO-2022-JP accepts JIS X 0201 katakana. ISO-8859-8-I differs
#: from ISO-8859-8 only in text direction. Python's koi8_u lacks KOI8-RU's two Belarusian letters (0xAE, 0xBE).
#: None as codec: "replacement" (never decoded here, see REPLACEMENT) and x-user-defined (see _X_USER_DEFINED).
WHATWG_ENCODINGS: dict[str, tuple[str | None, str]] = {
    # name: (Python codec, its labels separated by spaces)
    "UTF-8": ("utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    # Legacy single-byte encodings
    "IBM866": ("cp866", "866 cp866 csibm866 ibm866"),
    "ISO-8859-2": (
        "iso8859_2",
        "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
    ),
    "ISO-8859-3": (
        "iso8859_3",
        "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
    ),
    "ISO-8859-4": (
        "iso8859_4",
        "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
    ),
    "ISO-8859-5": (
        "iso8859_5",
        "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988",
    ),
    "ISO-8859-6": (
        "iso8859_6",
        "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e iso-8859-6-i "
        "iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
    ),
    "ISO-8859-7": (
        "iso8859_7",
        "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 iso_8859-7 "
        "iso_8859-7:1987 sun_eu_greek",
    ),
    "ISO-8859-8": (
        "iso8859_8",
        "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 iso_8859-8 "
        "iso_8859-8:1988 visual",
    ),
    "ISO-8859-8-I": ("iso8859_8", "csiso88598i iso-8859-8-i logical"),
    "ISO-8859-10": ("iso8859_10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"),
    "ISO-8859-13": ("iso8859_13", "iso-8859-13 iso8859-13 iso885913"),
    "ISO-8859-14": ("iso8859_14", "iso-8859-14 iso8859-14 iso885914"),
    "ISO-8859-15": ("iso8859_15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"),
    "ISO-8859-16": ("iso8859_16", "iso-8859-16"),
    "KOI8-R": ("koi8_r", "cskoi8r koi koi8 koi8-r koi8_r"),
    "KOI8-U": ("koi8_u", "koi8-ru koi8-u"),
    "macintosh": ("mac_roman", "csmacintosh mac macintosh x-mac-roman"),
    "windows-874": ("cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    "windows-1250": ("cp1250", "cp1250 windows-1250 x-cp1250"),
    "windows-1251": ("cp1251", "cp1251 windows-1251 x-cp1251"),
    "windows-1252": (
        "cp1252",
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 iso_8859-1 "
        "iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    ),
    "windows-1253": ("cp1253", "cp1253 windows-1253 x-cp1253"),
    "windows-1254": (
        "cp1254",
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 "
        "windows-1254 x-cp1254",
    ),
    "windows-1255": ("cp1255", "cp1255 windows-1255 x-cp1255"),
    "windows-1256": ("cp1256", "cp1256 windows-1256 x-cp1256"),
    "windows-1257": ("cp1257", "cp1257 windows-1257 x-cp1257"),
    "windows-1258": ("cp1258", "cp1258 windows-1258 x-cp1258"),
    "x-mac-cyrillic": ("mac_cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    # Legacy multi-byte Chinese (simplified) encodings
    "GBK": ("gb18030", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"),
    "gb18030": ("gb18030", "gb18030"),
    # Legacy multi-byte Chinese (traditional) encodings
    "Big5": ("big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    # Legacy multi-byte Japanese encodings
    "EUC-JP": ("euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    "ISO-2022-JP": ("iso2022_jp_ext", "csiso2022jp iso-2022-jp"),
    "Shift_JIS": ("cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"),
    # Legacy multi-byte Korean encodings
    "EUC-KR": (
        "cp949",
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 windows-949",
    ),
    # Legacy miscellaneous encodings
    "replacement": (None, "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement"),
    "UTF-16BE": ("utf-16-be", "unicodefffe utf-16be"),
    "UTF-16LE": ("utf-16-le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"),
    "x-user-defined": (None, "x-user-defined"),
}
#: label -> encoding name, for "get an encoding".
_LABELS = {label: name for name, (_, labels) in WHATWG_ENCODINGS.items() for label in labels.split()}
#: Browsers map ISO-2022-KR, ISO-2022-CN and HZ-GB-2312 to "replacement", which decodes a whole page to a single
#: U+FFFD: those stateful encodings can hide ASCII such as "<script>" behind escape sequences, so browsers refuse to
#: read them at all. A page reduced to one U+FFFD has no text to classify, so here such a label is ignored like an
#: unknown one, and UTF-8 and detection are tried instead.
REPLACEMENT = "replacement"
#: x-user-defined maps 0x00-0x7F to ASCII and 0x80-0xFF to U+F780-U+F7FF (the standard's x-user-defined decoder).
X_USER_DEFINED = "x-user-defined"
_X_USER_DEFINED = {byte: 0xF780 + byte - 0x80 for byte in range(0x80, 0x100)}
#: The HTML spec's "prescan a byte stream to determine its encoding" (and "get an XML encoding"): a page's own
#: declaration of UTF-16 means UTF-8 (a page readable as ASCII to find the declaration cannot be UTF-16), and of
#: x-user-defined means windows-1252.
_DECLARED_OVERRIDES = {"UTF-16BE": "UTF-8", "UTF-16LE": "UTF-8", X_USER_DEFINED: "windows-1252"}
#: Python's windows-874 and windows-125x codecs leave the bytes that Microsoft never assigned undefined; the
#: standard's indexes (index-windows-1252.txt etc.) map those in 0x80-0x9F to the C1 controls U+0080-U+009F.
_C1_DEFINED_BY_WHATWG = frozenset(["cp874"] + [f"cp125{n}" for n in range(9)])
_C1_FROM_ESCAPES = {0xDC80 + offset: 0x80 + offset for offset in range(0x20)}

_BOMS = (
    # UTF-32 is no web encoding, but a file on disk may be UTF-32 with a BOM; its BOMs are checked first because
    # the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: How far into the page a charset declaration is looked for (HTML requires it in the first 1024 bytes;
#: real pages put it later, after long comments, so we look further).
DECLARATION_WINDOW = 8192
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
)
#: Share of control characters above which a byte string is taken for binary data, not a page.
#: Text and HTML have almost none (tabs and newlines are not counted); images and archives have ~10-30%.
BINARY_CONTROL_SHARE = 0.05
#: How much of the input the binary check reads.
BINARY_SNIFF = 4096
#: ASCII whitespace as the Encoding Standard strips it from a label: TAB, LF, FF, CR, SPACE.
_ASCII_WHITESPACE = "\t\n\x0c\r "


def encoding_for_label(label: str | bytes | None) -> str | None:
    """The standard's "get an encoding": the encoding name a label stands for, or None if it is no label."""
    if isinstance(label, bytes):
        label = label.decode("latin-1")
    if not label:
        return None
    return _LABELS.get(label.strip(_ASCII_WHITESPACE).lower())


def decode(content: bytes, source: str = "<input>", transport: str | None = None) -> str:
    """Decode a page's bytes to text, or raise InputError naming ``source``.

    ``transport`` is the charset the transport layer gave (an HTTP Content-Type in a WARC record); like a page's
    own declaration, it is used only if it is a label of the Encoding Standard and the bytes decode with it.
    """
    try:
        return _decode(content, source, transport)
    except InputError:
        raise
    except Exception as exc:  # any codec or detector failure is a page we cannot read, never a crash
        raise InputError(f"{source}: cannot be decoded ({type(exc).__name__}: {exc})") from exc


def check_text(text: str, source: str = "<input>") -> str:
    """Make text encodable (lone surrogates become U+FFFD), then refuse it if empty or binary-looking."""
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATES.sub(_fix_surrogates, text)
    if not text.strip():
        raise InputError(f"{source}: the input is empty")
    if _control_share(text[:BINARY_SNIFF]) > BINARY_CONTROL_SHARE:
        raise InputError(f"{source}: looks like binary data, not a web page or a text dump")
    return text


def _decode(content: bytes, source: str, transport: str | None) -> str:
    if not content.strip():
        raise InputError(f"{source}: the input is empty")
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return check_text(_strict(content[len(bom) :], codec, source), source)
    # The transport charset comes before the binary check: UTF-16 text is half NUL bytes.
    name = encoding_for_label(transport)
    if name is not None and name != REPLACEMENT:
        text = _decode_as(content, name)
        if text is not None:
            return check_text(text, source)
    if _looks_binary(content):
        raise InputError(f"{source}: looks like binary data, not a web page or a text dump")
    for name in (_declared_encoding(content), "UTF-8"):
        if name is not None:
            text = _decode_as(content, name)
            if text is not None:
                return check_text(text, source)
    return check_text(_detect(content, source), source)


def _decode_as(content: bytes, name: str) -> str | None:
    """``content`` decoded with encoding ``name`` of the table, or None if it is not valid in that encoding."""
    if name == X_USER_DEFINED:
        return content.decode("latin-1").translate(_X_USER_DEFINED)
    codec = WHATWG_ENCODINGS[name][0]
    if codec is None:
        return None
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        if codec not in _C1_DEFINED_BY_WHATWG:
            return None
    text = content.decode(codec, "surrogateescape").translate(_C1_FROM_ESCAPES)
    return None if _SURROGATE.search(text) else text


def _strict(content: bytes, codec: str, source: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: has a {codec} byte-order mark but is not valid {codec} ({exc.reason})") from None


def _declared_encoding(content: bytes) -> str | None:
    """The first ``<meta>`` charset or XML declaration that names an encoding of the table (HTML's prescan goes
    on past a meta whose charset is no label), with the prescan's overrides applied."""
    for match in _DECLARED.finditer(content[:DECLARATION_WINDOW]):
        name = encoding_for_label(match.group(1) or match.group(2))
        if name is not None and name != REPLACEMENT:
            return _DECLARED_OVERRIDES.get(name, name)
    return None


def _detect(content: bytes, source: str) -> str:
    from charset_normalizer import from_bytes  # imported here: only undeclared, non-UTF-8 pages need it

    best = from_bytes(content).best()
    if best is None:
        raise InputError(f"{source}: cannot tell its character encoding (not UTF-8, none declared, none detected)")
    return str(best)


_SURROGATE = re.compile("[\ud800-\udfff]")
#: A high surrogate followed by a low one is a character split in two (JSON "\ud83d\ude00" read piecewise):
#: it is joined; any other surrogate becomes U+FFFD.
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0e-\x1f]")


def _fix_surrogates(match: re.Match) -> str:
    pair = match.group()
    if len(pair) == 2:
        return chr(0x10000 + ((ord(pair[0]) - 0xD800) << 10) + (ord(pair[1]) - 0xDC00))
    return "\ufffd"


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _looks_binary(content: bytes) -> bool:
    head = content[:BINARY_SNIFF]
    return len(_CONTROL_BYTES.findall(head)) / len(head) > BINARY_CONTROL_SHARE
