"""Markdown of the kept blocks, keeping their structure: headings, lists, tables, quotes, code, captions, links.

The structure comes from each HTML block's DOM context (its tag and ancestors); a text dump (blocks with ``lines``)
comes out as its lines, with the blank lines of the dump between paragraphs. Text is escaped only where it would
otherwise turn into Markdown: a line never becomes a heading, a list, a quote or a table by accident, and ``*``,
``_``, ``[``, a backtick, ``<``, ``&`` ... stay the characters they were.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .blocks import Block
from .export import is_kept
from .labels import Label
from .segment.html import safe_href

if TYPE_CHECKING:
    pass

__all__ = ["to_markdown"]

HEADINGS = {f"h{level}": level for level in range(1, 7)}
LISTS = frozenset(["ul", "ol", "menu"])
CELLS = frozenset(["td", "th"])

#: Characters that may start Markdown inline syntax somewhere in a line (each is decided in _escape_char).
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<&~]")
#: What a Markdown renderer would read as an entity or a numeric character reference.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: Line starts that make a block: ATX heading, quote, bullet, ordered item, setext underline or thematic break,
#: a table's delimiter row. (Fences, HTML blocks, link definitions and footnotes start with an escaped character.)
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
_BULLET = re.compile(r"[-+*](?:[ \t]|$)")
_ORDERED = re.compile(r"([0-9]{1,9})([.)])(?:[ \t]|$)")
_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_DELIMITER_ROW = re.compile(r"[|:\- \t]*-[|:\- \t]*$")
_TRAILING_HASHES = re.compile(r"(^|[ \t])(#+)[ \t]*$")
_BACKTICKS = re.compile(r"`+")
#: Characters a link destination cannot hold as they are.
_DESTINATION_ESCAPE = re.compile(r"[\\()<>]|&(?=#?[A-Za-z0-9]+;)")
_DESTINATION_ENCODE = re.compile(r"[\x00-\x20\x7f]|\s")
#: A list right after another of its kind takes the other bullet (or delimiter), so that the two do not merge.
_OTHER_DELIMITER = {"-": "*", "*": "-", ".": ")", ")": "."}


def to_markdown(
    blocks: list[Block],
    keep: Iterable[Label] = (Label.EDITORIAL,),
    links: bool = False,
    thresholds: Mapping[Label, float] | None = None,
) -> str:
    """The kept blocks (whose label is in ``keep``; with ``thresholds``, as export.is_kept decides) as Markdown.

    HTML blocks keep their structure: ``#`` headings (h1-h6), ``-`` and ``1.`` list items indented by their list
    depth, GitHub pipe tables (one row per ``tr``), ``>`` quotes, fenced code for ``pre``, captions in italics;
    other blocks are paragraphs, one blank line apart. A text dump comes out as its lines. With ``links``, links
    become ``[anchor](href)`` and em/i, strong/b ``*em*``, ``**strong**`` (where they nest and flank cleanly).
    """
    kept = frozenset(keep)
    units: list[_Unit] = []
    previous: int | None = None
    for index, block in enumerate(blocks):
        if not is_kept(block, kept, thresholds):
            continue
        unit = _unit(block, links)
        if unit.kind == "line" and previous is not None and blocks[previous].lines is not None:
            unit.joined = not _blank_between(blocks, previous, index)
        units.append(unit)
        previous = index
    return _render(units)


@dataclass
class _Unit:
    """One kept block, ready to be laid out: its kind, quote depth and content (escaped, without markers)."""

    kind: str  # heading, para, code, item, cell, line
    content: str
    quote: int = 0
    level: int = 0  # heading level, list depth
    ordered: bool = False
    key: int | None = None  # an <li>'s list, a cell's row
    parent: int = 0  # the enclosing element (a block inside an <li>: that <li>, or a wrapper in it)
    continues: bool = False  # a list item's second paragraph
    joined: bool = False  # a text dump's line right under the previous kept line


def _unit(block: Block, links: bool) -> _Unit:
    dom = block.dom
    caption = block.label == Label.CAPTION
    spans = dom.inline if dom is not None and links else ()
    if dom is None:
        return _Unit("line" if block.lines is not None else "para", _italic(_inline(block.text, ()), caption))
    path, tag = dom.path, dom.tag
    quote = path.count("blockquote")
    if tag in CELLS and len(path) > 1 and path[-2] == "tr":
        text = _inline(block.text, spans, caption=caption).replace("|", "\\|")
        return _Unit("cell", _italic(text, caption), quote, key=dom.parent)
    if tag in HEADINGS:
        return _Unit("heading", _heading_text(_inline(block.text, spans, caption=caption)), quote, HEADINGS[tag])
    if "pre" in path:
        return _Unit("code", block.text, quote)
    content = _italic(_inline(block.text, spans, caption=caption), caption)
    if "li" in path:
        lists = [name for name in path if name in LISTS]
        ordered = bool(lists) and lists[-1] == "ol"
        key = dom.parent if tag == "li" else None
        return _Unit("item", content, quote, max(1, len(lists)), ordered, key, dom.parent)
    return _Unit("para", content, quote)


def _blank_between(blocks: list[Block], before: int, after: int) -> bool:
    """Whether the dump has a blank line between two kept lines (lines of dropped blocks between them are not)."""
    gap = blocks[after].lines[0] - blocks[before].lines[1] - 1
    covered = sum(
        block.lines[1] - block.lines[0] + 1 for block in blocks[before + 1 : after] if block.lines is not None
    )
    return gap > covered


def _render(units: list[_Unit]) -> str:
    out: list[str] = []
    last: _Unit | None = None
    lists: list[list] = []  # the open list levels (see _list_item)
    numbers: dict[int, int] = {}
    index = 0
    while index < len(units):
        unit = units[index]
        if unit.kind == "cell":  # a table: the run of cells that follows, one row per tr
            rows: list[list[_Unit]] = []
            while index < len(units) and units[index].kind == "cell" and units[index].quote == unit.quote:
                cell = units[index]
                if rows and rows[-1][-1].key == cell.key:
                    rows[-1].append(cell)
                else:
                    rows.append([cell])
                index += 1
            lines = _table(rows)
        else:
            index += 1
            lines = _lines(unit, lists, numbers, last)
        if unit.kind != "item":
            lists.clear()
        if last is not None:
            tight = (unit.kind == last.kind == "item" and not unit.continues) or unit.joined
            if not tight or unit.quote != last.quote:
                out.append(("> " * min(unit.quote, last.quote)).rstrip())
        prefix = "> " * unit.quote
        out.extend((prefix + line).rstrip() if line else prefix.rstrip() for line in lines)
        last = unit
    return "\n".join(out)


def _lines(unit: _Unit, lists: list[list], numbers: dict[int, int], last: _Unit | None) -> list[str]:
    kind = unit.kind
    if kind == "heading":
        return ["#" * unit.level + " " + unit.content]
    if kind == "code":
        fence = "`" * max(3, 1 + max((len(run) for run in _BACKTICKS.findall(unit.content)), default=0))
        return [fence, unit.content, fence]
    if kind == "item":
        return [_list_item(unit, lists, numbers, last)]
    return [_line_start(unit.content)]


def _list_item(unit: _Unit, lists: list[list], numbers: dict[int, int], last: _Unit | None) -> str:
    """The item's line, indented under the open items of shallower depth, numbered within its list.

    ``lists`` holds the open levels: [depth, content column, ordered, list key, number, delimiter, last parent];
    ``numbers`` the last number given in each list (by key).
    A block inside an <li> (a <p>) does not know its list, only its <li> (its parent): an <li> with text that
    follows such items belongs to their list if its list opened before their <li> did (ids grow in page order).
    """
    depth = unit.level
    content = _line_start(unit.content)
    if last is not None and last.quote != unit.quote:
        lists.clear()
    if unit.key is None and last is not None and last.kind == "item" and last.key is None and lists:
        # A second block in the element that holds the last one inside an <li> (a <p> after a <p>): a paragraph
        # of the same item.
        unit.continues = last.parent == unit.parent and lists[-1][0] == depth
        if unit.continues:
            return " " * lists[-1][1] + content
    while lists and lists[-1][0] > depth:
        lists.pop()
    delimiter = "." if unit.ordered else "-"
    # An <li> of a list seen before (interrupted by a table, say) goes on with its number; but not right under
    # another item, where only a list starting at 1 may begin.
    seen = unit.key is not None and unit.key in numbers and (last is None or last.kind != "item")
    number = numbers[unit.key] + 1 if seen else 1
    if lists and lists[-1][0] == depth:
        level = lists.pop()
        _, _, ordered, key, previous, previous_delimiter, parent = level
        if ordered == unit.ordered:
            if key is None and unit.key is not None:
                same_list = unit.key < parent
            else:
                same_list = key is None or unit.key is None or key == unit.key
            if same_list:
                number, delimiter = previous + 1, previous_delimiter
            else:  # another list right after one of its kind: another delimiter, or they would merge
                delimiter = _OTHER_DELIMITER[previous_delimiter]
    indent = lists[-1][1] if lists else 0
    marker = f"{number}{delimiter} " if unit.ordered else f"{delimiter} "
    lists.append([depth, indent + len(marker), unit.ordered, unit.key, number, delimiter, unit.parent])
    if unit.key is not None:
        numbers[unit.key] = number
    return " " * indent + marker + content


def _table(rows: list[list[_Unit]]) -> list[str]:
    if len(rows) == 1 and len(rows[0]) == 1:  # one lone cell: a layout table's text, not a table
        return [_line_start(rows[0][0].content)]
    width = max(len(row) for row in rows)
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.content for cell in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if number == 0:
            lines.append("|" + " --- |" * width)
    return lines


def _italic(content: str, caption: bool) -> str:
    return f"*{content}*" if caption else content


def _heading_text(content: str) -> str:
    """A heading's text, its trailing ``#`` escaped (``## We are #`` would lose it as a closing sequence)."""
    match = _TRAILING_HASHES.search(content)
    if match is None:
        return content
    return content[: match.start(2)] + "\\" + content[match.start(2) :]


def _line_start(line: str) -> str:
    """``line`` (already escaped inline) with its first character escaped if the line would start a block."""
    if not line:
        return line
    first = line[0]
    if first in "#>" and (first == ">" or _ATX.match(line)):
        return "\\" + line
    if first in "-+*=_" and (_BULLET.match(line) or _UNDERLINE.match(line) or _THEMATIC.match(line)):
        return "\\" + line
    if first.isdigit():
        ordered = _ORDERED.match(line)
        if ordered is not None:
            return line[: ordered.end(1)] + "\\" + line[ordered.end(1) :]
    if "|" in line and _DELIMITER_ROW.match(line):
        return line.replace("|", "\\|")
    return line


# Inline text: escaping and the spans of links and emphasis.


def _is_space(char: str) -> bool:
    return not char or char.isspace()


def _is_punctuation(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "PS"


def _escape(text: str, start: int, end: int, edges: tuple[bool, bool], in_link: bool) -> str:
    """``text[start:end]`` escaped, deciding each special character from its neighbours in ``text``. ``edges``:
    whether markup sits just before ``start`` / after ``end`` (a neighbour there is taken as punctuation)."""
    out = []
    done = start
    for match in _INLINE_SPECIAL.finditer(text, start, end):
        at = match.start()
        before = "." if at == start and edges[0] else text[at - 1] if at else ""
        after = "." if at + 1 == end and edges[1] else text[at + 1 : at + 2]
        char = text[at]
        if char == "&" and _ENTITY.match(text, at) or char != "&" and _escape_char(char, before, after, in_link):
            out.append(text[done:at])
            out.append("\\")
            done = at
    out.append(text[done:end])
    return "".join(out)


def _escape_char(char: str, before: str, after: str, in_link: bool) -> bool:
    if char in "`[":
        return True
    if char == "]":
        return in_link
    if char == "\\":
        return after == "" or (after.isascii() and _is_punctuation(after))
    if char in "*~":  # emphasis (strikethrough) needs a delimiter that touches text on one side
        return not (_is_space(before) and _is_space(after))
    if char == "_":  # ... and "_" cannot open or close inside a word
        both_words = before.isalnum() and after.isalnum()
        return not (both_words or (_is_space(before) and _is_space(after)))
    # "<": a tag, an autolink, a comment
    return bool(after) and (after.isascii() and after.isalpha() or after in "/!?")


def _inline(text: str, spans: tuple, caption: bool = False) -> str:
    """The text escaped, with the spans that nest cleanly as links and emphasis."""
    chosen = _nesting(text, spans, caption) if spans else []
    if not chosen:
        return _escape(text, 0, len(text), (False, False), False)
    events: dict[int, list[str]] = {}
    for start, end, kind, href in chosen:
        opening, closing = ("[", f"]({_destination(href)})") if kind == "a" else ("*" if kind == "em" else "**",) * 2
        events.setdefault(start, []).append(("open", end, opening))
        events.setdefault(end, []).insert(0, ("close", start, closing))
    out = []
    previous = 0
    in_link = False  # the spans nest, and no link is inside another
    for position in sorted({*events, len(text)}):
        if position > previous:
            edges = (previous in events, position in events)
            out.append(_escape(text, previous, position, edges, in_link))
            if text[position - 1] == "!" and any(e[2] == "[" for e in events.get(position, ())):
                out[-1] = out[-1][:-1] + "\\!"  # "!" right before a link would make it an image
        # closings first (innermost first), then openings (outermost first)
        for event in events.get(position, ()):
            if event[0] == "close":
                out.append(event[2])
                in_link = in_link and event[2][0] != "]"
        for event in sorted((e for e in events.get(position, ()) if e[0] == "open"), key=lambda e: -e[1]):
            out.append(event[2])
            in_link = in_link or event[2] == "["
        previous = position
    return "".join(out)


def _nesting(text: str, spans: tuple, caption: bool) -> list[tuple[int, int, str, str]]:
    """The spans to render: well nested (a span crossing an earlier one is dropped), no link in a link, no
    emphasis in the same emphasis (nor em in a caption, which is all em), links with safe hrefs, emphasis only
    where its delimiters can open and close."""
    order = {"a": 0, "strong": 1, "em": 2}
    candidates = sorted(
        (s for s in spans if len(s) == 4 and s[2] in order and 0 <= s[0] < s[1] <= len(text)),
        key=lambda s: (s[0], -s[1], order[s[2]]),
    )
    chosen: list[tuple[int, int, str, str]] = []
    open_spans: list[tuple[int, int, str, str]] = []
    for start, end, kind, href in candidates:
        while open_spans and open_spans[-1][1] <= start:
            open_spans.pop()
        if open_spans and end > open_spans[-1][1]:
            continue  # crosses the innermost open span
        kinds = {span[2] for span in open_spans}
        if kind in kinds or (caption and kind == "em"):
            continue
        if kind == "a":
            href = safe_href(href)
            if not href:
                continue
        span = (start, end, kind, href)
        chosen.append(span)
        open_spans.append(span)
    return _flanking(text, chosen)


def _flanking(text: str, chosen: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Drop the emphasis whose ``*`` could not open or close where it stands (``foo*"bar"*``), or whose run would
    merge with another emphasis's (``*a***b**``). Inner spans are decided first: one starting or ending with the
    emphasis puts markup there, which counts as punctuation."""
    kept = set(chosen)
    starting: dict[int, list] = {}
    ending: dict[int, list] = {}
    for span in chosen:
        starting.setdefault(span[0], []).append(span)
        ending.setdefault(span[1], []).append(span)
    for span in sorted(chosen, key=lambda s: (s[1] - s[0], s[0])):
        start, end, kind, _ = span
        if kind == "a":
            continue
        others = [s for s in starting[start] + ending[end] if s is not span and s in kept]
        first = "." if any(s[0] == start and s[1] <= end for s in others) else text[start]
        last = "." if any(s[1] == end and s[0] >= start for s in others) else text[end - 1]
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        opens = not _is_space(first) and (not _is_punctuation(first) or _is_space(before) or _is_punctuation(before))
        closes = not _is_space(last) and (not _is_punctuation(last) or _is_space(after) or _is_punctuation(after))
        touching = any(s[2] != "a" and s in kept for s in ending.get(start, []) + starting.get(end, []))
        if not (opens and closes) or touching:
            kept.discard(span)
    return [span for span in chosen if span in kept]


def _destination(href: str) -> str:
    """A link destination: whitespace and controls percent-encoded, backslash, parentheses and angle brackets
    escaped."""
    href = _DESTINATION_ENCODE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode()), href)
    return _DESTINATION_ESCAPE.sub(lambda m: "\\" + m.group(), href)
