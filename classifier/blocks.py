"""Block: one unit of a page, with its place in the page and, once classified, its label."""

from __future__ import annotations

from dataclasses import dataclass, field

from .labels import Label


@dataclass(frozen=True, slots=True)
class DomContext:
    """Where an HTML block sits in the document tree."""

    tag: str
    #: Tags of the ancestors, root first, ending with the block's own tag.
    path: tuple[str, ...]
    #: Lower-cased words from the class and id attributes of the element and its near ancestors.
    attributes: tuple[str, ...] = ()
    #: Share of the block's characters that sit inside links.
    link_share: float = 0.0
    #: Identifies the block's parent element, so siblings (menu items, teaser lists) can be grouped.
    parent: int = 0
    #: Inline markup inside the block's text, for renderers such as Markdown (the model never reads it):
    #: ``(start, end, kind, href)`` character spans of ``text``, sorted, where kind is ``"a"`` (a link with a
    #: safe href: http(s), mailto or relative), ``"em"`` (em, i) or ``"strong"`` (strong, b; href ``""``).
    #: Not compared: two contexts that differ only here are the same to the model.
    inline: tuple[tuple[int, int, str, str], ...] = field(default=(), compare=False)


@dataclass(slots=True)
class Block:
    """A block of text. ``lines`` is the 1-based inclusive line range for text input."""

    text: str
    lines: tuple[int, int] | None = None
    dom: DomContext | None = None
    label: Label | None = None
    probabilities: dict[Label, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready dict: text, label, probabilities and, for text input, lines."""
        record: dict = {"text": self.text}
        if self.label is not None:
            record["label"] = self.label.value
        if self.probabilities:
            record["probabilities"] = {label.value: round(p, 4) for label, p in self.probabilities.items()}
        if self.lines is not None:
            record["lines"] = list(self.lines)
        return record
