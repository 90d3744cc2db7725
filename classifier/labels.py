"""The four block labels, defined once."""

from __future__ import annotations

from enum import Enum


class Label(str, Enum):
    """What a block of a page is (see LABELS.md for the rules, case by case)."""

    EDITORIAL = "editorial"
    SPONSORED = "sponsored"
    CAPTION = "caption"
    NAVIGATION = "navigation"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, name: str) -> Label:
        """A label from its name or one-letter abbreviation (``E``, ``S``, ``C``, ``N``)."""
        key = name.strip()
        if key in _ABBREVIATIONS:
            return _ABBREVIATIONS[key]
        try:
            return cls(key.lower())
        except ValueError:
            known = ", ".join(label.value for label in cls)
            raise ValueError(f"unknown label {name!r} (expected one of {known})") from None


#: The fixed order of labels in probability arrays and model files.
LABELS: tuple[Label, ...] = tuple(Label)

_ABBREVIATIONS = {label.value[0].upper(): label for label in Label}
