"""Cross-dataset generalisation: train on every source but one, test on the one left out.

    python -m classifier.datasets export --data ../shared/data -o /tmp/pages --sample 0.25 -j 2
    python bench/cross_dataset.py /tmp/pages [--share 0.5] [--test-pages 120] [--results bench/RESULTS.md]

Sources are the public datasets of the export (L3S-GN1, GoogleTrends-2017, CleanEval, Dragnet, WCXB) and our
written pages (training_data/text + html). For each source left out, a model is trained on the training pages of
all the others (``--share`` of them, a seeded sample by page id, to keep six trainings within a quarter of an hour
on two cores) and tested on the left-out source's pages: all of them, train and validation, since the model saw
none (written pages: training_data/heldout, at most ``--test-pages`` pages each). The "all sources" column is a
model trained on every source's training pages and tested on each source's validation pages (for Dragnet, whose
pages are all training pages, and the written pages, on training_data/heldout): how much is lost by never having
seen a source. Figures: per-block macro-F1 and editorial F1 over the HTML pages, the same over the text dumps,
and the editorial token F1 of HTML pages (bag of words of the kept blocks against the gold editorial blocks).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from heldout import measure  # noqa: E402
from results_md import SECTION_END, SECTION_START, with_section  # noqa: E402

from classifier.datasets.records import page_fraction  # noqa: E402
from classifier.estimator import BlockClassifier  # noqa: E402
from classifier.labeled import LabeledPage, load_labeled  # noqa: E402

WRITTEN = "written"
SOURCES = ("l3s-gn1", "googletrends-2017", "cleaneval", "dragnet", "wcxb", WRITTEN)
#: The written pages count this many times, as in the default model's recipe (README, "Public datasets").
WRITTEN_WEIGHT = 8.0


def _source(page: LabeledPage) -> str:
    """The dataset a page of the export comes from (its id is ``dataset/page``); our written pages otherwise."""
    head = page.id.split("/", 1)[0]
    return head if "/" in page.id and head in SOURCES else WRITTEN


def _sample(pages: list[LabeledPage], share: float, key: str) -> list[LabeledPage]:
    """A seeded share of the pages; a page's HTML and its text dump are kept or left together."""
    return [p for p in pages if page_fraction(f"{key}:{p.id.removesuffix('#text')}") < share]


def load_sources(export: Path) -> tuple[dict[str, list[LabeledPage]], dict[str, list[LabeledPage]]]:
    """Training and test pages per source."""
    train: dict[str, list[LabeledPage]] = {s: [] for s in SOURCES}
    validation: dict[str, list[LabeledPage]] = {s: [] for s in SOURCES}
    for page in load_labeled([export / "train"]):
        train[_source(page)].append(page)
    for page in load_labeled([export / "validation"]):
        validation[_source(page)].append(page)
    train[WRITTEN] = load_labeled([ROOT / "training_data" / "text", ROOT / "training_data" / "html"])
    validation[WRITTEN] = load_labeled([ROOT / "training_data" / "heldout"])
    return train, validation


def _fit(pages: list[LabeledPage], jobs: int):
    weights = [WRITTEN_WEIGHT if _source(p) == WRITTEN else 1.0 for p in pages]
    return BlockClassifier(n_jobs=jobs).fit([p.blocks for p in pages], [p.labels for p in pages], weights).model_


def _figures(model, pages: list[LabeledPage]) -> dict:
    result = measure(model, pages)
    out = {"pages": len(pages)}
    for kind in ("html", "text"):
        if kind in result:
            out[f"{kind}_macro"] = result[kind]["macro_f1"]
            out[f"{kind}_editorial"] = result[kind]["labels"]["editorial"]["f1"]
            out[f"{kind}_token_f1"] = result[kind]["token_f1"]
    return out


def _cap(pages: list[LabeledPage], limit: int) -> list[LabeledPage]:
    """At most ``limit`` pages of each format, a seeded choice."""
    out = []
    for kind in ("html", "text"):
        subset = sorted((p for p in pages if p.format == kind), key=lambda p: page_fraction(f"test:{p.id}"))
        out.extend(subset[:limit])
    return out


def run(export: Path, share: float, test_pages: int, jobs: int) -> dict:
    train, validation = load_sources(export)
    sampled = {s: (pages if s == WRITTEN else _sample(pages, share, "cross")) for s, pages in train.items()}
    results: dict = {"share": share, "test_pages": test_pages, "sources": {}}
    start = time.perf_counter()
    everything = _fit([p for s in SOURCES for p in sampled[s]], jobs)
    for source in SOURCES:
        left_out = [p for s in SOURCES if s != source for p in sampled[s]]
        model = _fit(left_out, jobs)
        unseen = validation[source] if source == WRITTEN else train[source] + validation[source]
        in_domain = validation[source] or train[source]
        if source == "dragnet":  # no validation pages: the all-sources model trained on the sampled share only
            seen = {p.id for p in sampled[source]}
            in_domain = [p for p in train[source] if p.id not in seen]
        results["sources"][source] = {
            "training_pages": len(left_out),
            "left_out": _figures(model, _cap(unseen, test_pages)),
            "all_sources": _figures(everything, _cap(in_domain, test_pages)),
        }
        print(source, json.dumps(results["sources"][source]), flush=True)
    results["seconds"] = round(time.perf_counter() - start)
    return results


def render(results: dict, command: str = "") -> str:
    lines = [
        SECTION_START,
        "## Cross-dataset generalisation (train on every source but one, test on the one left out)",
        "",
        f"Command: `{command}`; {results['seconds'] / 60:.0f} min. Each model trains on {results['share']:.0%} of the "
        "exported training pages of every other source (the export itself keeps a share of each dataset's "
        "training pages) plus our written pages (weighted as in the default recipe), and is tested on at most "
        f"{results['test_pages']} pages per format of the left-out source. *All sources*: one model trained on "
        "every source, tested on each source's validation pages (Dragnet: its pages that model did not train "
        "on; written: training_data/heldout). Block-level macro-F1 and editorial F1; token F1 = bag-of-words F1 "
        "of the kept blocks against the gold editorial blocks, averaged per page.",
        "",
        "| left out | trained on (pages) | tested on (pages) | HTML macro-F1 | HTML editorial F1 | HTML token F1 "
        "| text macro-F1 | all sources: HTML macro-F1 | all sources: HTML token F1 | all sources: text macro-F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for source, row in results["sources"].items():
        out, ref = row["left_out"], row["all_sources"]

        def f(d: dict, key: str) -> str:
            return f"{d[key]:.3f}" if key in d else "–"

        lines.append(
            f"| {source} | {row['training_pages']} | {out['pages']} | {f(out, 'html_macro')} | "
            f"{f(out, 'html_editorial')} | {f(out, 'html_token_f1')} | {f(out, 'text_macro')} | "
            f"{f(ref, 'html_macro')} | {f(ref, 'html_token_f1')} | {f(ref, 'text_macro')} |"
        )
    lines.append(SECTION_END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", type=Path, help="folder written by python -m classifier.datasets export")
    parser.add_argument("--share", type=float, default=0.5, help="share of each source's training pages used")
    parser.add_argument("--test-pages", type=int, default=120, help="test pages per source and format")
    parser.add_argument("-j", "--jobs", type=int, default=-1)
    parser.add_argument("--results", type=Path, help="put the table into this RESULTS.md (its marked section)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    results = run(args.export, args.share, args.test_pages, args.jobs)
    table = render(results, " ".join(["python", "bench/cross_dataset.py", *sys.argv[1:]]))
    print(table)
    if args.results:
        previous = args.results.read_text(encoding="utf-8") if args.results.is_file() else ""
        args.results.write_text(with_section(previous, table), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
