"""Speed and memory of batch cleaning (`classifier clean pages.jsonl -j N`), against baselines of the same run.

    python bench/batch_bench.py [--pages 3000] [--stream 20000] [--repeats 3] [--model DIR]

Test pages are generated from the project's own labeled HTML pages (training_data/html, labels
stripped) by varying them: every page gets a unique sentence in its first paragraph, its numbers
changed, and an inline script of 0 to 32 KB (real pages carry such scripts; the segmenter drops
them), so no two pages are the same. They are written to a temporary JSON Lines file.

Figures printed (each the best of ``--repeats`` runs, as the machine may be shared):
1. the library in a loop (``clean()`` on each page, one process): pages/s, the baseline;
   the batch layer at ``--jobs 1`` (JSON Lines in, records out, through ``run_batch``, in process):
   pages/s and its cost over the loop (target: <= 10 %), in CPU seconds of the process (all the work
   is in it at ``--jobs 1``, and CPU time does not move with other load on the machine) and in wall time;
2. ``classifier clean pages.jsonl -j 1`` and ``-j 2`` as commands: pages/s and the ratio
   (target on a 2-core machine: >= 1.8);
3. peak resident memory of parent + every child process while ``-j 2`` streams ``--stream`` pages
   (target: <= 300 MB, and flat: the samples at each quarter of the stream are printed). Resident
   sizes count pages shared between processes once per process (so they over-count); proportional
   set sizes (PSS), which split shared pages, are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier import clean, load_model  # noqa: E402
from classifier.batch import BatchOptions, Output, run_batch  # noqa: E402

#: Targets of the batch issue.
TARGET_OVERHEAD = 0.10
TARGET_SPEEDUP = 1.8
TARGET_RSS_MB = 300
#: Seconds between memory samples.
SAMPLE_EVERY = 0.2
_LABEL_ATTRIBUTE = re.compile(r'\s+data-label="[^"]*"')
_NUMBER = re.compile(r"\d+")
_FIRST_PARAGRAPH = re.compile(r"<p>")


def base_pages() -> list[str]:
    pages = []
    for path in sorted((ROOT / "training_data" / "html").glob("*.html")):
        pages.append(_LABEL_ATTRIBUTE.sub("", path.read_text(encoding="utf-8")))
    return pages


def vary(page: str, number: int) -> str:
    """A distinct page from a base page: new numbers, a unique sentence, an inline script of some size."""
    page = _NUMBER.sub(lambda m: str((int(m.group()) * 7 + number) % 10 ** len(m.group())), page)
    sentence = f"<p>Update {number}: the figures in this report were revised on day {number % 365}.</p>"
    page = _FIRST_PARAGRAPH.sub(sentence + "<p>", page, count=1)
    script = "<script>var data = [" + ",".join(str(n) for n in range((number % 5) * 1800)) + "];</script>"
    return page.replace("</head>", script + "</head>", 1)


def write_jsonl(path: Path, count: int) -> list[str] | None:
    bases = base_pages()
    pages = []
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            page = vary(bases[number % len(bases)], number)
            handle.write(json.dumps({"id": number, "url": f"https://bench.example/{number}", "html": page}) + "\n")
            if count <= 50_000:
                pages.append(page)
    return pages


def loop_rate(pages: list[str], model) -> tuple[float, float]:
    """Pages per wall second and per CPU second."""
    wall, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        clean(page, model=model)
    return len(pages) / (time.perf_counter() - wall), len(pages) / (time.process_time() - cpu)


def batch_rate(data: Path, out: Path, count: int, model_path: str | None) -> tuple[float, float]:
    """Pages per wall second and per CPU second."""
    wall, cpu = time.perf_counter(), time.process_time()
    with open(os.devnull, "w") as quiet:
        run_batch([data], Output(out), BatchOptions(model=model_path, jobs=1), progress_stream=quiet)
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu)


def command(data: Path, out: Path, jobs: int, model_path: str | None) -> list[str]:
    extra = ["--model", model_path] if model_path else []
    return [sys.executable, "-m", "classifier", "clean", str(data), "-j", str(jobs), "-o", str(out), *extra]


def command_rate(data: Path, out: Path, count: int, jobs: int, model_path: str | None) -> float:
    start = time.perf_counter()
    subprocess.run(command(data, out, jobs, model_path), check=False, capture_output=True, env=_env())
    return count / (time.perf_counter() - start)


def tree_memory(pid: int) -> tuple[float, float]:
    """Resident and proportional set sizes (MB) of a process and all its descendants."""
    rss = pss = 0
    for process in [pid, *_descendants(pid)]:
        try:
            for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss / 1024, pss / 1024


def stream_memory(data: Path, out: Path, count: int, model_path: str | None) -> tuple[list, float, float, float]:
    process = subprocess.Popen(command(data, out, 2, model_path), stderr=subprocess.DEVNULL, env=_env())
    samples = []
    start = time.perf_counter()
    while process.poll() is None:
        rss, pss = tree_memory(process.pid)
        done = out.read_bytes().count(b"\n") if out.exists() else 0
        samples.append((done, rss, pss))
        time.sleep(SAMPLE_EVERY)
    elapsed = time.perf_counter() - start
    return samples, max(s[1] for s in samples), max(s[2] for s in samples), count / elapsed


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found.extend(children)
            stack.extend(children)
    return found


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages for the speed figures")
    parser.add_argument("--stream", type=int, default=20_000, help="pages for the memory figure (0: skip)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    args = parser.parse_args()
    model = load_model(args.model)
    print(f"machine: {os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        data = folder / "pages.jsonl"
        pages = write_jsonl(data, args.pages)
        size = data.stat().st_size / args.pages / 1024
        print(f"{args.pages} generated pages, {size:.1f} KB each on average (JSON Lines)")

        loops, batches = (0.0, 0.0), (0.0, 0.0)
        for _ in range(args.repeats):
            loops = tuple(map(max, loops, loop_rate(pages, model)))
            batches = tuple(map(max, batches, batch_rate(data, folder / "batch.jsonl", args.pages, args.model)))
        cpu_cost, wall_cost = loops[1] / batches[1] - 1, loops[0] / batches[0] - 1
        print(f"library loop, 1 process:           {loops[0]:8.1f} pages/s   ({loops[1]:.1f} per CPU second)")
        print(
            f"batch layer --jobs 1 (in process): {batches[0]:8.1f} pages/s   ({batches[1]:.1f} per CPU second)   "
            f"cost {cpu_cost:+.1%} in CPU time, {wall_cost:+.1%} in wall time (target <= {TARGET_OVERHEAD:.0%})"
        )

        one = two = 0.0
        for _ in range(args.repeats):
            one = max(one, command_rate(data, folder / "one.jsonl", args.pages, 1, args.model))
            two = max(two, command_rate(data, folder / "two.jsonl", args.pages, 2, args.model))
        same = (folder / "one.jsonl").read_bytes() == (folder / "two.jsonl").read_bytes()
        print(f"classifier clean -j 1:             {one:8.1f} pages/s")
        print(f"classifier clean -j 2:             {two:8.1f} pages/s   x{two / one:.2f} (target >= {TARGET_SPEEDUP})")
        print(f"-j 1 and -j 2 outputs identical:   {same}")

        if args.stream:
            stream = folder / "stream.jsonl"
            write_jsonl(stream, args.stream)
            samples, rss, pss, rate = stream_memory(stream, folder / "stream.out.jsonl", args.stream, args.model)
            print(
                f"-j 2 over {args.stream} pages ({rate:.1f} pages/s): peak RSS {rss:.0f} MB, peak PSS {pss:.0f} MB "
                f"(parent + children; target <= {TARGET_RSS_MB} MB)"
            )
            for quarter in (1, 2, 3, 4):
                done, rss_q, pss_q = next((s for s in samples if s[0] >= args.stream * quarter // 4 - 1), samples[-1])
                print(f"  after {done:6d} pages: RSS {rss_q:6.1f} MB  PSS {pss_q:6.1f} MB")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
