"""Weak sponsored labels from EasyList's element-hiding rules that name sponsors, partners, native ads, ...

Only simple compound selectors are used (``tag``, ``#id``, ``.class`` and ``[attr]``, ``[attr=v]``, ``[attr^=v]``,
``[attr$=v]``, ``[attr*=v]``, ``[attr~=v]`` in any combination, and lists of them); rules with combinators,
pseudo-classes or Adblock's extended syntax (``:-abp-has``) are skipped and counted. Generic rules apply to every
page, domain-specific rules only to pages of their domains. Matching is indexed by id and class, so a page costs one
pass over its elements, not one per rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from .records import read_records

_COMPOUND = re.compile(
    r"""\A(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>(?:\#[\w-]+|\.[\w-]+|\[[\w-]+(?:[\^$*~|]?=(?:"[^"]*"|'[^']*'|[\w-]+))?\])*)\Z"""
)
_PART = re.compile(r"""\#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:([\^$*~|]?=)("[^"]*"|'[^']*'|[\w-]+))?\]""")


@dataclass(frozen=True)
class Compound:
    """A simple compound selector: every part must hold for the element."""

    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    attributes: tuple[tuple[str, str, str], ...]

    def matches(self, element: etree._Element) -> bool:
        if self.tag and (not isinstance(element.tag, str) or element.tag.lower() != self.tag):
            return False
        if self.ids and element.get("id") not in self.ids:
            return False
        classes = (element.get("class") or "").split()
        if any(c not in classes for c in self.classes):
            return False
        return all(_attribute_matches(element.get(name), op, value) for name, op, value in self.attributes)


def parse_selector(selector: str) -> list[Compound] | None:
    """The compound selectors of a rule's selector list, or None when any part is not a simple compound."""
    compounds = []
    for part in _split_list(selector):
        match = _COMPOUND.match(part)
        if not match or not (match.group("tag") or match.group("rest")):
            return None
        ids, classes, attributes = [], [], []
        for found in _PART.finditer(match.group("rest")):
            if found.group(1):
                ids.append(found.group(1))
            elif found.group(2):
                classes.append(found.group(2))
            else:
                value = (found.group(5) or "").strip("\"'")
                attributes.append((found.group(3).lower(), found.group(4) or "", value))
        tag = match.group("tag")
        compounds.append(
            Compound(None if tag in (None, "*") else tag.lower(), tuple(ids), tuple(classes), tuple(attributes))
        )
    return compounds or None


@dataclass(frozen=True)
class Rule:
    compound: Compound
    #: Domains the rule is limited to (empty: every domain), and domains it is switched off for (``~domain``).
    domains: tuple[str, ...]
    excluded: tuple[str, ...]

    def applies_to(self, host: str) -> bool:
        if any(_on_domain(host, d) for d in self.excluded):
            return False
        return not self.domains or any(_on_domain(host, d) for d in self.domains)


class SponsoredSelectors:
    """EasyList's sponsored element-hiding rules, indexed for matching against a page tree."""

    def __init__(self, rules: Iterable[Rule], skipped: int = 0) -> None:
        self.by_id: dict[str, list[Rule]] = {}
        self.by_class: dict[str, list[Rule]] = {}
        self.other: list[Rule] = []
        self.size = 0
        self.skipped = skipped
        for rule in rules:
            self.size += 1
            compound = rule.compound
            if compound.ids:
                self.by_id.setdefault(compound.ids[0], []).append(rule)
            elif compound.classes:
                self.by_class.setdefault(compound.classes[0], []).append(rule)
            else:
                self.other.append(rule)

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> SponsoredSelectors:
        """Rules from records with ``selector``, ``domains`` (comma-separated, ``~`` negates) and ``extended``."""
        rules: list[Rule] = []
        skipped = 0
        for record in records:
            compounds = None if record.get("extended") else parse_selector(str(record.get("selector", "")))
            if compounds is None:
                skipped += 1
                continue
            names = [d.strip().lower() for d in str(record.get("domains") or "").split(",") if d.strip()]
            domains = tuple(d for d in names if not d.startswith("~"))
            excluded = tuple(d[1:] for d in names if d.startswith("~"))
            rules.extend(Rule(compound, domains, excluded) for compound in compounds)
        return cls(rules, skipped)

    @classmethod
    def from_file(cls, path: str | Path) -> SponsoredSelectors:
        return cls.from_records(read_records(path))

    def matches(self, root: etree._Element, url: str | None) -> list[etree._Element]:
        """The outermost elements of the tree that a rule for the page's domain matches, in document order."""
        host = (urlsplit(url).hostname or "").lower() if url else ""
        found: list[etree._Element] = []
        inside: set[etree._Element] = set()
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            parent = element.getparent()
            if parent is not None and parent in inside:
                inside.add(element)
                continue
            if any(rule.applies_to(host) and rule.compound.matches(element) for rule in self._candidates(element)):
                found.append(element)
                inside.add(element)
        return found

    def _candidates(self, element: etree._Element) -> Iterable[Rule]:
        yield from self.other
        element_id = element.get("id")
        if element_id:
            yield from self.by_id.get(element_id, ())
        for name in (element.get("class") or "").split():
            yield from self.by_class.get(name, ())


def _split_list(selector: str) -> list[str]:
    """Split a selector list at commas outside quotes and brackets."""
    parts, depth, quote, current = [], 0, "", []
    for ch in selector:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return parts


def _attribute_matches(actual: str | None, op: str, value: str) -> bool:
    if actual is None:
        return False
    if op == "":
        return True
    if op == "=":
        return actual == value
    if op == "^=":
        return bool(value) and actual.startswith(value)
    if op == "$=":
        return bool(value) and actual.endswith(value)
    if op == "*=":
        return bool(value) and value in actual
    if op == "~=":
        return value in actual.split()
    return actual == value or actual.startswith(value + "-")  # |=


def _on_domain(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)
