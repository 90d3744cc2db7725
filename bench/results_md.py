"""Render a peer-benchmark run (bench/peers.py) as Markdown: figures only, never dataset text."""

from __future__ import annotations

import statistics

#: bench/cross_dataset.py keeps its table in RESULTS.md between these markers; a peer run rewrites the rest of the
#: file and carries the marked section over.
SECTION_START = "<!-- cross-dataset: written by bench/cross_dataset.py -->"
SECTION_END = "<!-- /cross-dataset -->"

#: The extractor every throughput ratio is taken against (the most used peer, measured in the same run).
BASELINE = "trafilatura"

_PROTOCOLS = {
    "scrapinghub": (
        "Official metric: word 4-gram shingles, precision averaged over pages with output, recall over pages with "
        "gold, F1 of the two averages (a page with empty output drops out of precision). BoW = bag-of-words "
        "P/R/F1 averaged per page, where an empty output scores 0."
    ),
    "snippets": (
        "trafilatura's protocol: a `with` snippet found in the output (whitespace collapsed, case kept) is a true "
        "positive, missed a false negative; a `without` snippet found is a false positive, absent a true negative; "
        "counts summed over pages."
    ),
    "wcxb": (
        "WCXB's protocol: bag-of-words P/R/F1 against `gold_text` (lowercased `\\w+` tokens), averaged per page "
        "(pages with null gold left out); `with` / `without` found = share of the page's snippets found "
        "case-insensitively, averaged over pages that have such snippets (`without`: lower is better)."
    ),
    "bow": (
        "Bag-of-words P/R/F1 against `gold_text` (lowercased `\\w+` tokens), averaged per page; an empty output "
        "scores 0."
    ),
}


def _f(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _columns(protocol: str) -> list[tuple[str, str]]:
    main = [("P", "p"), ("R", "r"), ("F1", "f1")]
    extra = {
        "scrapinghub": [("BoW P", "bow_p"), ("BoW R", "bow_r"), ("BoW F1", "bow_f1")],
        "snippets": [("accuracy", "accuracy")],
        "wcxb": [("`with` found", "with_found"), ("`without` found", "without_found")],
        "bow": [],
    }[protocol]
    return main + extra


def _ratio(result: dict, baseline: dict, key: str) -> float | None:
    """An extractor's throughput over the baseline's, same dataset and run (None when either is missing)."""
    mine, theirs = result.get(key), baseline.get(key)
    return mine / theirs if mine and theirs else None


def _dataset_table(name: str, entry: dict) -> list[str]:
    columns = _columns(entry["protocol"])
    header = [
        "extractor",
        *(label for label, _ in columns),
        "empty",
        "errors",
        "pages/s",
        "× trafilatura",
        "× trafilatura (CPU)",
        "peak RSS MiB",
    ]
    lines = [
        f"### {entry['title']} (`{entry['file']}`, {entry['pages']} pages)",
        "",
        _PROTOCOLS[entry["protocol"]],
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    results = entry["results"]
    baseline = results.get(BASELINE, {})
    scored = sorted((r.get("f1", -1.0), name) for name, r in results.items() if "f1" in r)
    order = [name for _, name in reversed(scored)] + [name for name in results if "f1" not in results[name]]
    for extractor in order:
        r = results[extractor]
        if "f1" not in r:
            lines.append(f"| {extractor} | {r['status']} |" + " |" * (len(header) - 2))
            continue
        cells = [extractor, *(_f(r.get(key)) for _, key in columns)]
        cells += [str(r["empty"]), str(r["errors"]), _f(r.get("pages_per_s"), 1)]
        cells += [_f(_ratio(r, baseline, "pages_per_s"), 2), _f(_ratio(r, baseline, "pages_per_cpu_s"), 2)]
        cells.append(_f(r["peak_rss_mib"], 0))
        lines.append("| " + " | ".join(cells) + " |")
    if entry["protocol"] == "snippets":
        lines += [
            "",
            "Counts (TP / FP / FN / TN): "
            + "; ".join(f"{e} {r['tp']}/{r['fp']}/{r['fn']}/{r['tn']}" for e, r in results.items() if "tp" in r)
            + ".",
        ]
    # Only the exception's type: a message could quote the page, and this file holds no dataset text.
    errors = [f"{e} `{r['first_error'].split(':', 1)[0]}`" for e, r in results.items() if r.get("first_error")]
    if errors:
        lines += ["", "Type of the first error, per extractor with errors: " + "; ".join(errors) + "."]
    return lines + [""]


def _summary(run: dict) -> list[str]:
    extractors = list(run["versions"])
    datasets = list(run["datasets"])
    header = ["extractor", *datasets, "median × trafilatura", "median × trafilatura (CPU)"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    for extractor in extractors:
        cells, wall, cpu = [extractor], [], []
        for name in datasets:
            results = run["datasets"][name]["results"]
            r = results.get(extractor, {})
            cells.append(_f(r.get("f1")))
            if "f1" in r:
                wall.append(_ratio(r, results.get(BASELINE, {}), "pages_per_s"))
                cpu.append(_ratio(r, results.get(BASELINE, {}), "pages_per_cpu_s"))
        for ratios in (wall, cpu):
            known = [x for x in ratios if x is not None]
            cells.append(_f(statistics.median(known) if known else None, 2))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(run: dict) -> str:
    machine = run["machine"]
    model = run["model"]
    model_line = f"{model['path']}"
    if "trained" in model:
        model_line += (
            f", trained {model['trained']} on {model['training_files']} files, model.npz sha256 {model['npz_sha256']}…"
        )
    limit = (
        "all pages"
        if run["limit"] is None
        else f"at most {run['limit']} pages per dataset, spread evenly over each file"
    )
    lines = [
        "# Peer benchmark",
        "",
        "Written by `bench/peers.py`; numbers only (no dataset text). Rerun with `pip install '.[bench]'` and "
        "`python bench/peers.py` (`--limit N`, `--datasets`, `--extractors`, `--model DIR`).",
        "",
        f"- Date: {run['started']} (UTC); total wall time {run['wall_s'] / 60:.1f} min",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['platform']}, "
        f"Python {machine['python']}; load average at start {machine['load_at_start']} (shared machine)",
        f"- Command: `{run['command']}` ({limit})",
        f"- Code: {run['revision']}; classifier model: {model_line}",
        "- Versions: " + ", ".join(f"{name} {version}" for name, version in run["versions"].items()),
        "- Peers that could not be installed (`pip install '.[bench]'`): "
        + (", ".join(name for name, version in run["versions"].items() if version == "not installed") or "none"),
        "",
        "Every extractor gets the same decoded page as a string and no URL or language hint, and runs in its own "
        "subprocess per dataset, one at a time, numeric libraries on one thread. pages/s is wall-clock extraction "
        "time only (import and one warm-up page excluded); the machine is shared, so read the ratios to trafilatura "
        "measured in the same run rather than pages/s: by wall-clock time, and by the subprocess's CPU time, which "
        "other jobs disturb less (above 1 = faster than trafilatura). Peak RSS is the subprocess's (Python, the "
        "library and one page at a time). A page that raises counts as an empty output (and as an error). "
        '"empty" = outputs with no word.',
        "",
        "## Summary: main F1 per dataset",
        "",
        "ScrapingHub: official shingle F1; trafilatura: snippet F-score; the others: bag-of-words F1 per page.",
        "",
        *_summary(run),
        "",
        "## Per dataset",
        "",
    ]
    for name, entry in run["datasets"].items():
        lines += _dataset_table(name, entry)
    return "\n".join(lines).rstrip() + "\n"


def marked_section(text: str) -> str:
    """The cross-dataset section of a RESULTS.md (markers included), or ""."""
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    return text[start : end + len(SECTION_END)] if start >= 0 and end > start else ""


def with_section(text: str, section: str) -> str:
    """``text`` with its marked section replaced by ``section`` (appended when it has none)."""
    old = marked_section(text)
    if old:
        return text.replace(old, section)
    return text.rstrip("\n") + "\n\n" + section + "\n"
