"""bytes -> str: by byte-order mark, then the page's declared charset, then detection."""

from __future__ import annotations

import codecs
import re

from .errors import InputError

_BOMS = (
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
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)
#: Share of control characters above which a byte string is taken for binary data, not a page.
#: Text and HTML have almost none (tabs and newlines are not counted); images and archives have ~10-30%.
BINARY_CONTROL_SHARE = 0.05


def decode(content: bytes, source: str = "<input>") -> str:
    """Decode a page's bytes to text, or raise InputError naming ``source``."""
    if not content.strip():
        raise InputError(f"{source}: the input is empty")
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return _strict(content[len(bom) :], encoding, source)
    if _looks_binary(content):
        raise InputError(f"{source}: looks like binary data, not a web page or a text dump")
    declared = _declared_charset(content)
    for encoding in (declared, "utf-8"):
        if encoding:
            try:
                return content.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return _detect(content, source)


def check_text(text: str, source: str = "<input>") -> str:
    """Refuse empty or binary-looking text the same way as decode() refuses bytes."""
    if not text.strip():
        raise InputError(f"{source}: the input is empty")
    if _control_share(text[:BINARY_SNIFF]) > BINARY_CONTROL_SHARE:
        raise InputError(f"{source}: looks like binary data, not a web page or a text dump")
    return text


def _strict(content: bytes, encoding: str, source: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: has a {encoding} byte-order mark but is not valid {encoding} ({exc.reason})"
        ) from None


def _declared_charset(content: bytes) -> str | None:
    match = _DECLARED.search(content[:DECLARATION_WINDOW])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _detect(content: bytes, source: str) -> str:
    from charset_normalizer import from_bytes  # imported here: only undeclared, non-UTF-8 pages need it

    best = from_bytes(content).best()
    if best is None:
        raise InputError(f"{source}: cannot tell its character encoding (not UTF-8, none declared, none detected)")
    return str(best)


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0e-\x1f]")
#: How much of the input the binary check reads.
BINARY_SNIFF = 4096


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _looks_binary(content: bytes) -> bool:
    head = content[:BINARY_SNIFF]
    return len(_CONTROL_BYTES.findall(head)) / len(head) > BINARY_CONTROL_SHARE
