"""``python -m classifier.datasets``: convert the public datasets into labeled training data."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ClassifierError
from ..labels import LABELS
from .export import DEFAULT_OUTPUT, export
from .records import PAGE_FILES

#: The shared data folder beside a checkout (shared/data/README.md describes it); None when run from an installed
#: copy, or from a checkout without it: then --data must be given.
_BESIDE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "data"
DEFAULT_DATA = _BESIDE_CHECKOUT if (Path(__file__).resolve().parents[2] / "pyproject.toml").is_file() else None
_DATASETS = sorted({f.dataset for f in PAGE_FILES})


@click.group()
def main() -> None:
    """Public web-page datasets -> labeled pages for `classifier train`."""


@main.command(name="export")
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    default=None if DEFAULT_DATA is None else str(DEFAULT_DATA),
    required=DEFAULT_DATA is None,
    show_default=True,
    help="The shared data (default: ../shared/data beside the checkout, when run from one).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default=str(DEFAULT_OUTPUT),
    show_default=True,
    help="Folder to write (never inside the repository).",
)
@click.option(
    "--split", "splits", multiple=True, type=click.Choice(["train", "dev"]), help="Repeatable [default: both]."
)
@click.option("--dataset", "datasets", multiple=True, type=click.Choice(_DATASETS), help="Repeatable [default: all].")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many pages per file (for a quick look).")
@click.option(
    "--sample",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Share of the training pages to keep (seeded by page id); validation pages are all kept.",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the ad insertions and text layouts.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=1), help="Worker processes.")
@click.option("--no-ads", is_flag=True, help="Do not insert ConPro ads.")
@click.option("--no-easylist", is_flag=True, help="Do not label EasyList matches sponsored.")
def export_command(data, output, splits, datasets, limit, sample, seed, jobs, no_ads, no_easylist) -> None:
    """Write every training page as labeled JSON Lines (HTML and its text dump) into OUTPUT, outside the repo:
    OUTPUT/train/ to train on, OUTPUT/validation/ (dev splits, a WCXB slice) to measure on.

    Example: python -m classifier.datasets export --data ../shared/data -o /tmp/pages -j 2

    Then: classifier train training_data/text training_data/html /tmp/pages/train -o models/mine
    """
    try:
        summaries = export(
            data,
            output,
            seed,
            splits or ("train", "dev"),
            datasets or None,
            limit,
            jobs,
            not no_ads,
            not no_easylist,
            sample,
        )
    except ClassifierError as exc:
        raise click.ClickException(str(exc)) from None
    for s in summaries:
        counts = ", ".join(f"{label.value} {s.labels[label.value]}" for label in LABELS)
        click.echo(
            f"{s.dataset}.{s.split}: {s.pages_exported}/{s.pages_read} pages, {s.validation_pages} for validation "
            f"({counts}); {len(s.errors)} errors"
        )
    click.echo(f"wrote {output} (summary.json has the figures and the errors)")


if __name__ == "__main__":
    main()
