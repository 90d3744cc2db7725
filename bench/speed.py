"""Speed of the library on plain-text pages, and the cold start of `classifier clean`.

    python bench/speed.py [--model DIR] [--seconds S]

Figures printed:
- pages/s in one process on the held-out text dumps (training_data/heldout/text: long pages,
  ~65 lines each) and on short pages (the first 16 non-empty lines of each, the size of a typical
  news dump such as the seed page);
- the wall time of `classifier clean PAGE` from a cold start (median of 7 runs), next to the time of
  a bare `python -c pass` measured in the same run (the floor any Python command pays).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier import classify, load_model  # noqa: E402
from classifier.labeled import load_labeled  # noqa: E402

#: Lines kept for the "short pages" figure: the seed page, a real news dump, has 16.
SHORT_PAGE_LINES = 16
COLD_RUNS = 7


def dumps(data: Path) -> list[str]:
    """The text dumps of labeled text pages, blank lines restored."""
    out = []
    for page in load_labeled([data]):
        lines = [""] * page.blocks[-1].lines[1]
        for block in page.blocks:
            lines[block.lines[0] - 1] = block.text
        out.append("\n".join(lines))
    return out


def pages_per_second(pages: list[str], model, seconds: float) -> float:
    classify(pages[0], input_format="text", model=model)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for page in pages:
            classify(page, input_format="text", model=model)
        done += len(pages)
    return done / (time.perf_counter() - start)


def cold_start(command: list[str]) -> float:
    times = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    model = load_model(args.model)
    long_pages = dumps(ROOT / "training_data" / "heldout" / "text")
    short_pages = [
        "\n".join([line for line in page.splitlines() if line.strip()][:SHORT_PAGE_LINES]) for page in long_pages
    ]
    long_lines = sum(len([x for x in p.splitlines() if x.strip()]) for p in long_pages) / len(long_pages)
    long_rate = pages_per_second(long_pages, model, args.seconds)
    short_rate = pages_per_second(short_pages, model, args.seconds)
    print(f"long text pages ({long_lines:.0f} lines): {long_rate:,.0f} pages/s")
    print(f"short text pages ({SHORT_PAGE_LINES} lines): {short_rate:,.0f} pages/s")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(short_pages[0])
    clean = [sys.executable, "-m", "classifier", "clean", handle.name]
    if args.model:
        clean += ["--model", args.model]
    floor = cold_start([sys.executable, "-c", "pass"])
    cold = cold_start(clean)
    print(
        f"cold start `classifier clean page.txt`: {cold:.3f} s (bare python: {floor:.3f} s, ratio {cold / floor:.1f}x)"
    )
    Path(handle.name).unlink()


if __name__ == "__main__":
    main()
