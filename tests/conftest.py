"""Shared fixtures. Pages used here were written for this project (training_data/), never copied."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DATA = ROOT / "training_data"
SHARED = ROOT.parent / "shared"


def needs_shared(folder: str = "seed", what: str = "the seed page"):
    """Skip unless ``../shared/<folder>`` is there (CI has it; a bare checkout does not)."""
    path = SHARED / folder
    return pytest.mark.skipif(not path.is_dir(), reason=f"{path} is absent ({what} lives there)")


@pytest.fixture(scope="session")
def small_training_files() -> list[Path]:
    """A few labeled pages of both formats, enough to train a small model in about a second."""
    text = sorted((TRAINING_DATA / "text").glob("*.txt"))[::6][:14]
    html = sorted((TRAINING_DATA / "html").glob("*.html"))[::6][:8]
    assert len(text) >= 5 and len(html) >= 3, "training_data/ should hold labeled pages of both formats"
    return text + html


@pytest.fixture(scope="session")
def small_model(small_training_files, tmp_path_factory):
    from classifier.training import train

    directory = tmp_path_factory.mktemp("model")
    return train(small_training_files, directory, cv=0), directory
