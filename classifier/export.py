"""Renderers: which blocks are kept, and the cleaned text and JSON records made of them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .blocks import Block
from .labels import Label

#: ``--favor``: the probability of editorial a block needs to be kept, instead of editorial being its most likely
#: label ("balanced"). Measured on ScrapingHub's 181 pages (bench/RESULTS.md, "Precision or recall"): "precision"
#: keeps fewer doubtful blocks, "recall" more. Values chosen so each setting moves P or R by a few points.
FAVOR: dict[str, Mapping[Label, float] | None] = {
    "precision": {Label.EDITORIAL: 0.75},
    "balanced": None,
    "recall": {Label.EDITORIAL: 0.25},
}
#: What ``clean`` and ``classifier clean --format`` give: the kept text, its Markdown, or a JSON object of both
#: with the page's metadata.
OUTPUT_FORMATS = ("text", "markdown", "json")
#: With thresholds, the probability any other kept label needs when none is given for it.
DEFAULT_THRESHOLD = 0.5


def kept_labels(keep: Iterable[Label] = ()) -> frozenset[Label]:
    """Editorial, always, plus the ``keep`` labels: the same meaning in the library and the CLI's ``--keep``."""
    return frozenset((Label.EDITORIAL, *(Label(label) for label in keep)))


def is_kept(block: Block, kept: frozenset[Label], thresholds: Mapping[Label, float] | None = None) -> bool:
    """Without thresholds: the block's label is kept. With them: a kept label's probability reaches its threshold."""
    if thresholds is None:
        return block.label in kept
    probabilities = block.probabilities
    return any(probabilities.get(label, 0.0) >= thresholds.get(label, DEFAULT_THRESHOLD) for label in kept)


def thresholds_for(favor: str) -> Mapping[Label, float] | None:
    """The thresholds of a ``--favor`` setting, or ValueError naming the choices."""
    try:
        return FAVOR[favor]
    except KeyError:
        raise ValueError(f"favor must be one of {', '.join(FAVOR)}, not {favor!r}") from None


def editorial_text(
    blocks: list[Block], keep: Iterable[Label] = (), thresholds: Mapping[Label, float] | None = None
) -> str:
    """The kept blocks' text (editorial, plus ``keep``), one block per line, in page order."""
    kept = kept_labels(keep)
    return "\n".join(block.text for block in blocks if is_kept(block, kept, thresholds))


def blocks_json(blocks: list[Block], **extra) -> str:
    """``{"blocks": [{"text", "label", "probabilities", "lines"}, ...]}`` plus any extra fields."""
    return json.dumps({**extra, "blocks": [block.to_dict() for block in blocks]}, ensure_ascii=False)


@dataclass(slots=True)
class Extraction:
    """One page cleaned: the kept text, the same as Markdown, the page's metadata and its labeled blocks."""

    text: str
    markdown: str
    metadata: dict = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def to_dict(self, blocks: bool = False) -> dict:
        """``{"text", "markdown", "metadata"[, "blocks"]}``, ready for JSON."""
        record = {"text": self.text, "markdown": self.markdown, "metadata": self.metadata}
        if blocks:
            record["blocks"] = [block.to_dict() for block in self.blocks]
        return record

    def render(self, output_format: str, blocks: bool = False) -> str:
        """The page in one of OUTPUT_FORMATS (JSON on one line)."""
        if output_format == "text":
            return self.text
        if output_format == "markdown":
            return self.markdown
        if output_format == "json":
            return json.dumps(self.to_dict(blocks), ensure_ascii=False)
        raise ValueError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
