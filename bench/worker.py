"""Run one extractor on one dataset in this process, timing each page; bench/peers.py starts one per pair.

    python bench/worker.py EXTRACTOR DATASET OUT.jsonl [--limit N] [--model DIR] [--data DIR]

Writes one JSON line per page (``id``, ``output``, wall-clock ``seconds``, this process's ``cpu_seconds``,
``error``) and a last line with this process's peak resident memory. Import and warm-up happen before the first
timed page, so pages/s is extraction only.
A page that raises, or runs over the per-page time limit, is an error record with an empty output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.datasets import DATASETS, DEFAULT_DATA, page_html, pages  # noqa: E402
from bench.extractors import EXTRACTORS, make_extractor  # noqa: E402

#: Seconds one page may take before it is recorded as an error (generous: the slowest peer takes a few seconds
#: on the largest WCXB pages on a 2-core machine; the limit only guards against a hang).
PAGE_TIMEOUT_S = 120
#: A page written for this script, extracted once before timing starts (lazy imports, models, caches).
WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title></head><body><nav><a href='/'>Home</a></nav><article><h1>A warm-up page</h1>"
    "<p>This paragraph exists only so that every extractor loads what it needs before the clock starts. It has "
    "a few sentences of ordinary prose, like the body of a short news story would.</p><p>A second paragraph "
    "follows, with a little more text, so that length-based heuristics find something to keep.</p></article>"
    "<footer>Contact us</footer></body></html>"
)


class PageTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise PageTimeout(f"over {PAGE_TIMEOUT_S} s")


def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB (Linux: VmHWM of /proc/self/status, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(extractor: str, dataset: str, out: Path, limit: int | None, model: str | None, data: Path) -> None:
    extract = make_extractor(extractor, model)
    with contextlib.suppress(Exception):  # a peer that rejects the warm-up page is still timed on real pages
        extract(WARM_UP_PAGE)
    signal.signal(signal.SIGALRM, _alarm)
    spec = DATASETS[dataset]
    with out.open("w", encoding="utf-8") as handle:
        for record in pages(spec, data, limit):
            html = page_html(spec, record)
            output, error = "", None
            signal.alarm(PAGE_TIMEOUT_S)
            start, cpu_start = time.perf_counter(), time.process_time()
            try:
                output = extract(html)
            except Exception as exc:  # one failing page is one error record, and the run goes on
                error = f"{type(exc).__name__}: {str(exc)[:200]}"
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
            signal.alarm(0)
            if not isinstance(output, str):
                output = "" if output is None else str(output)
            row = {"id": record["id"], "output": output, "seconds": seconds, "cpu_seconds": cpu_seconds, "error": error}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.write(json.dumps({"peak_rss_kb": peak_rss_kb()}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("extractor", choices=list(EXTRACTORS))
    parser.add_argument("dataset", choices=list(DATASETS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    run(args.extractor, args.dataset, args.out, args.limit, args.model, args.data)


if __name__ == "__main__":
    main()
