"""How well the public datasets convert into our labels: alignment figures and block counts per dataset.

    python bench/convert_report.py [--data ../shared/data] [--jobs 2] [--limit N] [--from SUMMARY.json]

Runs the export (``python -m classifier.datasets export``) into a temporary folder outside the repository, or reads
the summary.json of an earlier export with --from, and prints a Markdown report (bench/DATASETS.md is its output).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.datasets import export  # noqa: E402
from classifier.datasets.export import EASYLIST_MAX_BLOCKS, MIN_ALIGNED  # noqa: E402
from classifier.labels import LABELS  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def run_export(data: Path, jobs: int, limit: int | None) -> dict:
    """Export into a temporary folder (outside the repository) and return its summary."""
    with tempfile.TemporaryDirectory(prefix="convert-report-") as folder:
        export(data, folder, jobs=jobs, limit=limit)
        return json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def report(summary: dict) -> str:
    files = [f for f in summary["files"] if f["pages_read"]]
    out = [
        "# Public datasets converted to our labels",
        "",
        "Output of `python bench/convert_report.py` (remake it after changing `classifier/datasets/` or the",
        "segmenter). The export itself: `python -m classifier.datasets export --data ../shared/data -o DIR`",
        "writes, per dataset file, the HTML pages with their labeled blocks and the same pages as text dumps,",
        "into DIR/train/ and DIR/validation/ (the dev splits and a 20 % slice of WCXB dev, never trained on);",
        "`classifier train training_data/text training_data/html DIR/train` trains on them. Nothing of the",
        "datasets is kept in the repository: only these figures.",
        "",
        "## Alignment",
        "",
        "*Gold aligned*: share of the dataset's editorial gold words (L3S-GN1 headline + full text, GoogleTrends",
        "title/subtitle/main, CleanEval's kept text, Dragnet and WCXB gold text) that the alignment places, in",
        "order, in blocks whose reference class is editorial. *In editorial blocks*: share that ends up in blocks",
        "labeled editorial after the rules moved bylines, datelines, captions and comment sections out (the gold",
        "of Dragnet and CleanEval keeps those, and some Dragnet golds hold whole comment threads). Token figures",
        "pool all words of a file; page means average the pages' shares. *Ambiguous*: blocks with 20–80 % of",
        "their words aligned, or whose aligned words disagree by more than 20 % on the class; they take the",
        f"majority. Pages with less than {MIN_ALIGNED:.0%} of their gold aligned are dropped (the gold is of",
        "another version of the page, or the segmenter reads the page differently); errors are pages the",
        "segmenter finds no text in.",
        "",
        "| file | pages | exported | dropped | errors | gold aligned (tokens / page mean) "
        "| in editorial blocks (tokens / page mean) | ambiguous blocks |",
        "|---|---:|---:|---:|---:|---|---|---:|",
    ]
    for f in files:
        out.append(
            f"| {f['dataset']}.{f['split']} | {f['pages_read']} | {f['pages_exported']} "
            f"| {f['pages_dropped_alignment_failed']} | {f['pages_with_errors']} "
            f"| {_pct(f['gold_aligned'])} / {_pct(f['gold_aligned_page_mean'])} "
            f"| {_pct(f['gold_in_editorial_blocks'])} / {_pct(f['gold_in_editorial_blocks_page_mean'])} "
            f"| {_pct(f['ambiguous_blocks'])} |"
        )
    names = [label.value for label in LABELS]
    out += [
        "",
        "## Blocks per label (exported HTML pages; the text mirror has the same blocks)",
        "",
        "| file | " + " | ".join(names) + " | EasyList → sponsored | ConPro ads inserted |",
        "|---|" + "---:|" * (len(names) + 2),
    ]
    totals = dict.fromkeys(names, 0)
    pages = ads_total = easylist_total = 0
    for f in files:
        ads = sum(f["ads_inserted"].values())
        ads_total += ads
        easylist_total += f["easylist_sponsored_blocks"]
        pages += f["pages_exported"]
        for name in names:
            totals[name] += f["blocks"][name]
        cells = " | ".join(str(f["blocks"][name]) for name in names)
        out.append(f"| {f['dataset']}.{f['split']} | {cells} | {f['easylist_sponsored_blocks']} | {ads} |")
    cells = " | ".join(f"**{totals[name]}**" for name in names)
    out.append(f"| **all ({pages} pages)** | {cells} | **{easylist_total}** | **{ads_total}** |")
    rules = sorted({rule for f in files for rule in f["rules"]})
    out += [
        "",
        "## Rules that changed a block's dataset class",
        "",
        "| file | " + " | ".join(rules) + " |",
        "|---|" + "---:|" * len(rules),
    ]
    for f in files:
        out.append(f"| {f['dataset']}.{f['split']} | " + " | ".join(str(f["rules"].get(r, 0)) for r in rules) + " |")
    places: dict[str, int] = {}
    for f in files:
        for key, count in f["ads_inserted"].items():
            places[key] = places.get(key, 0) + count
    skipped = sum(f["easylist_matches_skipped"] for f in files)
    out += [
        "",
        "## Sponsored examples",
        "",
        "ConPro ads by label and place: " + ", ".join(f"{k} {v}" for k, v in sorted(places.items())) + ".",
        f"EasyList matches skipped (holding editorial text, or more than {EASYLIST_MAX_BLOCKS} blocks): {skipped}.",
    ]
    if "easylist_rules" in summary:
        rules, ads = summary["easylist_rules"], summary["conpro_ads"]
        out.append(
            f"EasyList: {rules['used']} simple selectors used, {rules['skipped']} rules skipped (combinators, "
            f"pseudo-classes, Adblock's extended syntax). ConPro: {sum(ads.values())} ads with text usable "
            f"({', '.join(f'{k} {v}' for k, v in sorted(ads.items()))}; the rest are image or iframe ads, or a bare "
            "'Advertisement' marker)."
        )
    out += [
        "",
        "## Notes",
        "",
        "- Errors are pages in which the segmenter finds no text: WCXB pages rendered client-side (Next.js",
        "  streaming into `hidden` divs, Discourse forums whose posts sit in `<noscript>`), L3S-GN1 crawls",
        "  whose markup is mangled (script fragments and unbalanced comments in the text), and one empty",
        "  Dragnet page. They are skipped, not guessed. Most dropped WCXB pages are of the same kind: the",
        "  segmenter sees the menus but not the article (rendered by scripts, or in hidden elements).",
        "- Four Dragnet gold files are UTF-16 that was read as Latin-1 upstream of the shared copy; the",
        "  converter recovers them (two have a lost byte mid-file, and align only in part).",
        "- The Dutch advertorial titles are not used: a title alone, without its page and its disclosure,",
        "  says nothing a reader could see, and editorial titles placed into other pages would be teasers",
        "  (navigation), not editorial.",
        "- A page is exported twice, as HTML and as a text dump (one block per line; a blank line between",
        "  paragraphs on two pages in three, none on the third); both carry the same labels.",
    ]
    if "seconds" in summary:
        out += [
            "",
            f"Export: {summary['seconds']} s with {summary['jobs']} worker process(es) on this machine; "
            f"{summary['bytes'] / 1e6:.1f} MB of gzip-compressed JSON Lines.",
        ]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="pages per file (a quick look)")
    parser.add_argument("--from", dest="summary", type=Path, help="summary.json of an earlier export")
    args = parser.parse_args()
    if args.summary:
        summary = json.loads(args.summary.read_text(encoding="utf-8"))
    else:
        summary = run_export(args.data, args.jobs, args.limit)
    sys.stdout.write(report(summary))


if __name__ == "__main__":
    main()
