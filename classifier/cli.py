"""The `classifier` command: a thin click layer over the library."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import click

from . import __version__
from .batch.many import DEFAULT_TIMEOUT
from .batch.records import DEFAULT_MAX_BYTES, ID_FIELD, URL_FIELD
from .errors import ClassifierError
from .export import FAVOR, OUTPUT_FORMATS
from .labels import Label
from .report import LOW_CONFIDENCE

_STARTED = time.monotonic()
#: An argument that names a page on the web rather than a file.
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

_FORMAT = click.option(
    "--input-format",
    type=click.Choice(["auto", "text", "html"]),
    default="auto",
    show_default=True,
    help="Page format; auto detects HTML from its tags.",
)
_MODEL = click.option(
    "--model", "model_path", type=click.Path(), default=None, help="Model directory (default: the shipped model)."
)


def _run(function, *args, **kwargs):
    """Call the library, turning its typed errors into one-line CLI errors."""
    try:
        return function(*args, **kwargs)
    except ClassifierError as exc:
        raise click.ClickException(str(exc)) from None


def _read(path: str) -> tuple[bytes, str, str | None]:
    """A single page's bytes, its name for messages and its format hint, or a one-line error."""
    from .batch.inputs import read_page_file

    record = read_page_file(Path(path))
    if record.error:
        raise click.ClickException(record.error)
    return record.content, record.source, record.format


def _check(pages: tuple[str, ...], output: str | None = None) -> None:
    """One line, before any work, for an input that is missing or a URL, or an output that would replace one.

    (An output inside an input folder is left out of the batch's walk: classifier.batch.run.guard_inputs.)
    """
    from .batch.run import same_or_inside
    from .batch.warc import MISSING, warc_backend

    for path in pages:
        if _URL.match(path):
            raise click.ClickException(
                f"{path}: fetching URLs is not supported; save the page first (curl -o page.html URL)"
            )
        if path != "-" and not os.path.lexists(path):
            raise click.ClickException(f"{path}: no such file or folder")
        if path.lower().endswith((".warc", ".warc.gz")) and warc_backend() is None:
            raise click.ClickException(f"{path}: {MISSING}")
        if (
            output not in (None, "-")
            and path != "-"
            and not os.path.isdir(path)
            and same_or_inside(Path(output), Path(path))
        ):
            raise click.ClickException(f"{output}: the output would replace the input {path}; choose another output")


def _batch_options(command):
    """The options of a batch run (several inputs, a folder, JSON Lines or WARC files)."""
    options = [
        click.option("-j", "--jobs", type=click.IntRange(min=1), help="Batch: worker processes (default: every core)."),
        click.option(
            "--output-dir",
            type=click.Path(file_okay=False),
            help="Batch: one .txt per page here, mirroring the inputs, with manifest.jsonl.",
        ),
        click.option("--resume", is_flag=True, help="Batch: finish a killed run, skipping records already written."),
        click.option("--glob", "globs", multiple=True, help="Batch: only folder files matching it (repeatable)."),
        click.option(
            "--content-field",
            "content_fields",
            multiple=True,
            help="JSON Lines: the page's field, first present wins (repeatable) [default: html, text].",
        ),
        click.option("--id-field", default=ID_FIELD, show_default=True, help="JSON Lines: the record id field."),
        click.option("--url-field", default=URL_FIELD, show_default=True, help="JSON Lines: the page address field."),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            help="Batch: larger pages become error records.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Batch: seconds a page may take before it becomes an error record.",
        ),
        click.option("--unordered", is_flag=True, help="Batch: write records as they finish, not in input order."),
        click.option("--jsonl", is_flag=True, help="Write JSON Lines records even for a single page (as a batch)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _is_batch(pages: tuple[str, ...], batch: dict) -> bool:
    """Many pages, a folder, a JSON Lines or WARC file, ``--output-dir`` or ``--jsonl``: a batch run.

    A single page keeps its single-page output whatever else is asked; ``--resume`` needs a batch.
    """
    from .batch.inputs import is_batch_input

    many = len(pages) > 1 or is_batch_input(pages[0]) or bool(batch["output_dir"] or batch["jsonl"])
    if batch["resume"] and not many:
        raise click.ClickException("--resume finishes a batch (several pages, a folder, JSON Lines or WARC files)")
    return many


def _batch(pages, output, model_path, batch: dict, **cleaning) -> None:
    """Run a batch (``cleaning``: the CleanOptions fields); exit with status 1 if the output holds an error record."""
    from .batch import BatchOptions, CleanOptions, Output, ReadOptions, run_batch
    from .batch.records import CONTENT_FIELDS

    fields = tuple(batch["content_fields"]) or CONTENT_FIELDS
    read = ReadOptions(tuple(batch["globs"]), fields, batch["id_field"], batch["url_field"], batch["max_bytes"])
    clean = CleanOptions(timeout=batch["timeout"], **cleaning)
    options = BatchOptions(read, clean, model_path, batch["jobs"], not batch["unordered"])
    progress = _run(run_batch, pages, Output(output, batch["output_dir"], batch["resume"]), options)
    if progress.failed:
        raise SystemExit(1)


def _model(model_path: str | None):
    from .pipeline import load_model

    return _run(load_model, model_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="block-classifier")
def main() -> None:
    """Label every block of a scraped page and keep the clean editorial text."""


@main.command()
@click.argument("pages", nargs=-1, required=True)
@click.option(
    "--keep",
    multiple=True,
    type=click.Choice([label.value for label in Label if label is not Label.EDITORIAL]),
    help="Also keep blocks with this label (repeatable).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here, not to stdout.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="text; markdown (headings, lists, tables, quotes); json (text, markdown and the page's metadata).",
)
@click.option("--links", is_flag=True, help="Markdown: keep the links.")
@click.option("--blocks", is_flag=True, help="JSON and batch records: add the page's labeled blocks.")
@click.option(
    "--favor",
    type=click.Choice(list(FAVOR)),
    default="balanced",
    show_default=True,
    help="Keep fewer doubtful blocks (precision) or more (recall); see README for the measured effect.",
)
@_FORMAT
@_MODEL
@_batch_options
def clean(pages, keep, output, output_format, links, blocks, favor, input_format, model_path, **batch) -> None:
    """Print the editorial text of PAGES: a file, - for stdin, or many (folders, .jsonl[.gz], .warc[.gz]).

    A single page prints its text (or Markdown, or JSON); a batch writes one JSON record per page.

    Example: classifier clean page.html --format markdown -o page.md; classifier clean crawl/ -j 4 -o out.jsonl
    """
    from .pipeline import clean as clean_page
    from .pipeline import extract

    _check(pages, output)
    labels = tuple(map(Label, keep))
    if _is_batch(pages, batch):
        cleaning = {"keep": labels, "blocks": blocks, "favor": favor, "output_format": output_format, "links": links}
        _batch(pages, output, model_path, batch, input_format=input_format, **cleaning)
        return
    content, source, hint = _read(pages[0])
    fmt, model = _format(input_format, hint), _model(model_path)
    if output_format == "text":  # the fast path: no Markdown, no metadata
        text = _run(clean_page, content, fmt, model, labels, source, favor)
    else:
        text = _run(extract, content, fmt, model, labels, source, favor, links).render(output_format, blocks)
    _write(text + "\n" if text else "", output)


@main.command()
@click.argument("pages", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help='Print {"blocks": [{text, label, probabilities, lines}]}.')
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not to stdout.")
@_FORMAT
@_MODEL
@_batch_options
def classify(pages, as_json, output, input_format, model_path, **batch) -> None:
    """Print every block of PAGES with its label and probability (many pages: JSON records with blocks).

    Example: classifier classify page.txt --json; classifier classify pages.jsonl.gz -o labeled.jsonl
    """
    from .export import blocks_json
    from .pipeline import classify as classify_page

    _check(pages, output)
    if _is_batch(pages, batch):
        _batch(pages, output, model_path, batch, input_format=input_format, blocks=True)
        return
    content, source, hint = _read(pages[0])
    blocks = _run(classify_page, content, _format(input_format, hint), _model(model_path), source)
    if as_json:
        _write(blocks_json(blocks) + "\n", output)
        return
    _write("".join(f"{b.label.value:<10} {b.probabilities[b.label]:.2f}  {b.text}\n" for b in blocks), output)


def _parse_weights(ctx, param, values: tuple[str, ...]) -> dict[str, float]:
    """``PATH=W`` options as {path: weight}."""
    weights = {}
    for value in values:
        path, _, number = value.rpartition("=")
        try:
            weight = float(number)
        except ValueError:
            weight = 0.0
        if not path or not weight > 0:
            raise click.BadParameter(f"{value!r}: expected PATH=W with a positive number W")
        if not Path(path).exists():
            raise click.BadParameter(f"{path}: no such file or folder")
        weights[path] = weight
    return weights


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Model directory to write.")
@click.option("--cv", default=5, show_default=True, help="Cross-validation folds for the model card (0: none).")
@click.option("--seed", default=0, show_default=True, help="Random seed (fold assignment).")
@click.option(
    "--heldout", multiple=True, type=click.Path(exists=True), help="Labeled pages to score the model on (repeatable)."
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="PATH=W",
    callback=_parse_weights,
    help="Weigh the pages under PATH W times (repeatable; default 1).",
)
@click.option("-j", "--jobs", default=-1, show_default=True, help="Processes for training (-1: every core).")
def train(data, output, cv, seed, heldout, weights, jobs) -> None:
    """Train a model on labeled pages (files or folders) and write it with its card.

    Example: classifier train training_data/text training_data/html -o models/mine --heldout training_data/heldout

    Example: classifier train my_pages/ training_data/ -o models/mine --weight my_pages/=3
    """
    from .training import train as train_model

    model = _run(
        train_model, data, output, cv=cv, heldout=heldout, weights=weights, stage=_stage, random_state=seed, n_jobs=jobs
    )
    click.echo(f"wrote {output}: {model.card['training_pages']} pages, {len(model.vocabulary)} tokens")
    for name in ("cross_validation", "heldout"):
        if name in model.card:
            click.echo(f"{name.replace('_', ' ')}:\n{_format_report(model.card[name])}")
    for path, report in model.card.get("heldout_by_path", {}).items():
        click.echo(f"heldout {path}:\n{_format_report(report)}")


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@_MODEL
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate(data, model_path, as_json) -> None:
    """Score a model on labeled pages: per-label P/R/F1, macro-F1, confusion matrix.

    Example: classifier evaluate training_data/heldout --model models/mine
    """
    from .labeled import load_labeled
    from .training import evaluate as evaluate_model

    report = _run(evaluate_model, _model(model_path), _run(load_labeled, data))
    click.echo(json.dumps(report, indent=1) if as_json else _format_report(report))


@main.command()
@click.argument("page")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here, not to stdout.")
@_FORMAT
@_MODEL
def annotate(page, output, input_format, model_path) -> None:
    """Write PAGE labeled by the model, to correct and train on: a text dump in the hand-editable labeled
    text format, an HTML page as a labeled JSON Lines record (its HTML and its blocks' labels).

    Example: classifier annotate page.txt -o page.labeled.txt; classifier annotate page.html -o page.labeled.jsonl
    """
    from .labeled import write_labeled_record, write_labeled_text
    from .pipeline import classify as classify_page
    from .segment import to_text

    _check((page,), output)
    content, source, hint = _read(page)
    text = _run(to_text, content, source)
    blocks = _run(classify_page, text, _format(input_format, hint), _model(model_path), source)
    meta = {"id": Path(source).stem if source != "<stdin>" else "stdin", "source": source}
    is_html = bool(blocks) and blocks[0].dom is not None
    _write(write_labeled_record(text, blocks, meta) if is_html else write_labeled_text(blocks, meta), output)


@main.command()
@click.argument("pages", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(), help="Report file, or folder for several pages.")
@click.option("--open", "open_browser", is_flag=True, help="Open the report (or the index) in a web browser.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=LOW_CONFIDENCE,
    show_default=True,
    help="Mark blocks whose label is less likely.",
)
@_FORMAT
@_MODEL
def inspect(pages, output, open_browser, threshold, input_format, model_path) -> None:
    """Write an HTML report of every block of PAGES: label, probability, cleaned text.

    One PAGE writes one self-contained file. Several PAGES or a folder write one report per page
    into the folder OUTPUT plus index.html (a page that fails is an error row; exit status 1).
    Labels can be corrected in the report and downloaded in the labeled text format.

    Example: classifier inspect tests/pages/harbour.txt -o report.html --open
    """
    import webbrowser

    from .report import write_reports

    _check(pages, output)
    if output.endswith(("/", os.sep)):  # "-o reports/" names a folder, even for one page
        os.makedirs(output, exist_ok=True)
    result = _run(write_reports, pages, output, _model(model_path), input_format, threshold)
    for entry in result.failed:
        click.echo(f"error: {entry.error}", err=True)
    click.echo(f"wrote {result.path}: {len(result.written)} report(s), {len(result.failed)} error(s)")
    if open_browser and not webbrowser.open(result.path.resolve().as_uri()):
        click.echo(f"no web browser found here; open {result.path} yourself", err=True)
    if result.failed:
        sys.exit(1)


def _format(input_format: str, hint: str | None) -> str:
    """The asked format, or the one the file's name says (``.html``) when asked for ``auto``."""
    return hint if input_format == "auto" and hint else input_format


def _write(text: str, output: str | None) -> None:
    """Write the whole text, or nothing (a temporary file renamed), or fail with one line."""
    data = text.encode("utf-8", "replace")
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    # Atomic (a temporary file renamed over the output) only for regular files: never replace a device or a pipe.
    atomic = not os.path.exists(output) or os.path.isfile(output)
    try:
        with click.open_file(output, "wb", atomic=atomic) as handle:
            handle.write(data)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write the output ({exc.strerror or exc})") from None


def _stage(message: str) -> None:
    """A long job's stage, on stderr with the time since start."""
    elapsed = time.monotonic() - _STARTED
    click.echo(f"[{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {message}", err=True)


def _format_report(report: dict) -> str:
    lines = [f"{'label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, row in report["labels"].items():
        lines.append(f"{name:<12}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}")
    lines.append(f"macro-F1 {report['macro_f1']:.3f}   accuracy {report['accuracy']:.3f}   blocks {report['blocks']}")
    confusion = report["confusion"]
    lines.append("confusion (rows: gold, columns: predicted): " + " ".join(confusion["labels"]))
    lines.extend(
        f"  {name:<12}" + "".join(f"{v:>8}" for v in row) for name, row in zip(confusion["labels"], confusion["matrix"])
    )
    return "\n".join(lines)
