"""Weak sponsored examples: ConPro's native and display ads inserted into converted pages.

Each ad is a DOM subtree as the ConPro crawler saved it. An ad goes into a page at a place where ads sit on real
pages: after the article, between two of its paragraphs, or in a sidebar. Which pages get ads, which ads and where
is drawn from a random generator seeded with the page's dataset and id, so an export is the same every time and
does not depend on the order pages are converted in.
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ..labels import Label
from .dom import PageBlock, page_blocks, tag_of
from .records import read_records
from .rules import is_ad_marker

#: ConPro content code of the site's own recommendations (shared/data/README.md): navigation, not sponsored.
SELF_LINK = "Self-Link"
#: Attributes the ConPro crawler added to the saved ads; no real page has them.
CRAWLER_ATTRIBUTES = ("detectedad", "mutatedelement", "observeid")
#: Where an ad goes.
PLACES = ("after the article", "between paragraphs", "sidebar")
#: Share of pages that get ads: about one page in three carries a native ad or widget, enough sponsored blocks to
#: learn from while most pages keep their own layout untouched.
AD_PAGE_SHARE = 0.35
#: At most this many ads go into one page.
MAX_ADS_PER_PAGE = 2
#: Class and id words of sidebars on real pages.
_SIDEBAR = re.compile(r"(^|[\s_-])(sidebar|side-bar|rail|right-?col(umn)?|widget-area|aside)($|[\s_-])", re.I)
#: Elements an ad <div> may go into (a <div> in a <p>, <a> or <span> would end it when the page is parsed again).
_CONTAINERS = frozenset(
    {"body", "div", "section", "article", "main", "aside", "header", "footer", "form", "center", "blockquote", "li"}
    | {"td", "th", "dd", "nav", "figure", "details"}
)
#: Parts of a list or table: an ad goes after the whole list or table, not between its items.
_LIST_PARTS = frozenset({"li", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "option"})


@dataclass(frozen=True)
class Ad:
    id: str
    html: str
    label: Label


def ad_label(content_code: object) -> Label | None:
    """SPONSORED for paid ads, NAVIGATION for Self-Link ads, None when label rows disagree."""
    codes = content_code
    if isinstance(codes, str) and codes.startswith("["):
        try:
            codes = ast.literal_eval(codes)
        except (ValueError, SyntaxError):
            return None
    codes = [codes] if isinstance(codes, str) else list(codes or [])
    if not codes:
        return Label.SPONSORED
    self_links = sum(code == SELF_LINK for code in codes)
    if self_links == len(codes):
        return Label.NAVIGATION
    return None if self_links else Label.SPONSORED


def load_ads(path: str | Path) -> list[Ad]:
    """The ads of ``conpro-ads.train.jsonl.gz`` that have text besides a bare "Advertisement" marker."""
    ads = []
    for record in read_records(path):
        label = ad_label((record.get("extra") or {}).get("content_code"))
        html = record.get("html") or ""
        if label is None or not (record.get("gold_text") or "").strip() or not html.strip():
            continue
        try:
            blocks = page_blocks(ad_tree(html))
        except (etree.ParserError, ValueError):
            continue
        if any(not is_ad_marker(block.text) for block in blocks):
            ads.append(Ad(str(record["id"]), html, label))
    return ads


def ad_tree(html: str) -> etree._Element:
    """The ad's subtree in a plain <div>, without the crawler's attributes."""
    wrapper = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in wrapper.iter():
        for name in CRAWLER_ATTRIBUTES:
            if name in element.attrib:
                del element.attrib[name]
    return wrapper


@dataclass
class Insertion:
    ad: Ad
    place: str
    element: etree._Element


def insert_ads(
    root: etree._Element, blocks: list[PageBlock], labels: list[Label], ads: list[Ad], rng: random.Random
) -> list[Insertion]:
    """Put up to MAX_ADS_PER_PAGE ads into the tree (for AD_PAGE_SHARE of the pages); the tree is changed in place."""
    if not ads or rng.random() >= AD_PAGE_SHARE:
        return []
    done = []
    for _ in range(rng.randint(1, MAX_ADS_PER_PAGE)):
        ad = rng.choice(ads)
        place = rng.choice(PLACES)
        wrapper = ad_tree(ad.html)
        if _insert(root, blocks, labels, wrapper, place, rng):
            done.append(Insertion(ad, place, wrapper))
    return done


def _insert(
    root: etree._Element,
    blocks: list[PageBlock],
    labels: list[Label],
    wrapper: etree._Element,
    place: str,
    rng: random.Random,
) -> bool:
    editorial = [i for i, label in enumerate(labels) if label is Label.EDITORIAL]
    if place == "sidebar":
        sidebar = next((e for e in root.iter() if _is_sidebar(e)), None)
        if sidebar is not None:
            sidebar.append(wrapper)  # after the last child's tail: no run of text is split
            return True
        place = "after the article"
    if not editorial:
        return False
    if place == "between paragraphs" and len(editorial) >= 3:
        anchor = blocks[editorial[rng.randrange(1, len(editorial) - 1)]].element
    else:
        anchor = blocks[editorial[-1]].element
    return _insert_after(anchor, wrapper)


def _insert_after(anchor: etree._Element, wrapper: etree._Element) -> bool:
    """Insert after ``anchor`` or the nearest ancestor whose tail is blank, so no block's text is split."""
    element: etree._Element | None = anchor
    while element is not None and tag_of(element) in _LIST_PARTS:
        element = element.getparent()
    while element is not None and tag_of(element) not in ("body", "html"):
        parent = element.getparent()
        if parent is not None and tag_of(parent) in _CONTAINERS and not (element.tail or "").strip():
            element.addnext(wrapper)
            return True
        element = parent
    return False


def _is_sidebar(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if tag_of(element) not in _CONTAINERS:
        return False
    if tag_of(element) == "aside":
        return True
    return bool(_SIDEBAR.search(f"{element.get('class') or ''} {element.get('id') or ''}"))
