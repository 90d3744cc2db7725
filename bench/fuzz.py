"""Fuzz the library and the batch CLI with hostile input: the properties of tests/test_properties.py, for longer.

    python bench/fuzz.py --count 100000 --seconds 1800 [--jobs 2] [--seed 0] [--save DIR]

Inputs come from the strategies of tests/hostile.py and are checked by the functions of tests/test_properties.py
(the same properties): pages through clean()/classify() in the three input formats; lists of items through
clean_many(); JSON Lines files and page folders (odd file names, a ``loop -> .`` symlink) through
``classifier clean ... -j N -o OUT``. Hypothesis only generates here (no shrinking: a failure is recorded and
the run goes on); it stops at --count inputs or --seconds, whichever comes first. Printed at the end: inputs
tried per kind, untyped exceptions (the first few with type, place and input), other property violations,
lost or duplicated records, the slowest page and peak RSS. With --save, each failing input is written to DIR.
"""

from __future__ import annotations

import argparse
import os
import re
import reprlib
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the shared strategies and the property checks

import hostile  # noqa: E402
import test_properties as properties  # noqa: E402
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402
from hypothesis.errors import FlakyStrategyDefinition, HypothesisWarning  # noqa: E402

from classifier import clean_many  # noqa: E402

#: Seconds one page may take in the library before it counts as hung: the batch's default --timeout
#: (DEFAULT_TIMEOUT of classifier/batch/many.py), past which a batch gives up on a page too.
PAGE_TIMEOUT = 60.0
#: Seconds one CLI run may take: its JSONL_LINES pages take ~2 s at -j 2 (measured); 150 times that is a hang.
CLI_TIMEOUT = 300.0
#: What each input is, by share (drawn with a hypothesis-seeded Random: hypothesis' own draws favour the first):
#: a CLI run (JSON Lines or a folder) costs ~1.5 s, a page ~15 ms with its generation, a clean_many() list
#: ~50 ms and a pool of --jobs workers ~0.5 s to start (measured on the 2-core machine); these shares give the
#: CLI runs about half the time and the pages most of the inputs.
SHARES = {"page": 0.88, "items": 0.09, "pool": 0.01, "jsonl": 0.01, "folder": 0.01}
#: Sizes: nesting up to 5,000 and repetition up to 20,000 (the library's MAX_BLOCKS cap, classifier/segment/
#: text.py: a page at the cap must still be cleaned) for pages; 100 lines a JSON Lines file.
MAX_DEPTH, MAX_REPEAT, JSONL_LINES = 5_000, 20_000, 100
#: Made once: a strategy's repr (which hypothesis computes for each new one) is long.
STRATEGIES = {
    "page": hostile.hostile_pages(MAX_DEPTH, MAX_REPEAT),
    "items": hostile.batch_items(),
    "jsonl": hostile.jsonl_files(max_lines=JSONL_LINES),
    "folder": hostile.page_folders(),
}
#: Distinct failures shown at the end (with their first input), and characters of an input's repr.
SHOWN, REPR_CHARS = 10, 160
_brief = reprlib.Repr()
_brief.maxstring = _brief.maxother = REPR_CHARS


class TimeUp(Exception):
    """--seconds are over: raised in the test body to stop hypothesis."""


class Hung(BaseException):
    """A page ran past PAGE_TIMEOUT (a BaseException: the library's ``except Exception`` must not swallow it)."""


class Run:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.tried: Counter = Counter()
        self.untyped: list[tuple[str, str, str]] = []  # (kind, exception and place, input)
        self.violations: list[tuple[str, str, str]] = []
        self.lost = self.doubled = self.extra = 0
        self.slowest = (0.0, "")
        self.deadline = time.monotonic() + args.seconds
        self.timed_out = False
        self.started = time.monotonic()

    def failed(self, bucket: list, kind: str, what: str, data: object) -> None:
        bucket.append((kind, what, _brief.repr(data)))
        if self.args.save:
            name = Path(self.args.save) / f"{len(self.untyped) + len(self.violations):05d}-{kind.replace('/', '-')}"
            with open(Path(self.args.save) / "failures.txt", "a", encoding="utf-8", errors="backslashreplace") as index:
                index.write(f"{name.name} {what}\n")
            if isinstance(data, bytes):
                name.with_suffix(".bin").write_bytes(data)
            elif isinstance(data, str):
                name.with_suffix(".txt").write_bytes(data.encode("utf-8", "surrogatepass"))
            else:
                name.with_suffix(".repr").write_text(repr(data), encoding="utf-8", errors="backslashreplace")

    def guarded(self, kind: str, data: object, check, timed: bool = False) -> None:
        """Run a check: AssertionError is a violation, any other exception an untyped one (with its place)."""
        self.tried[kind] += 1
        start = time.monotonic()
        try:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, PAGE_TIMEOUT)
            check()
        except (AssertionError, Hung) as exc:
            self.failed(self.violations, kind, f"{type(exc).__name__}: {str(exc)[:300]}", data)
        except Exception as exc:  # the finding itself: recorded, and the run goes on
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/classifier/" in f.filename]
            place = f" at {frames[-1].filename.rpartition('/classifier/')[2]}:{frames[-1].lineno}" if frames else ""
            self.failed(self.untyped, kind, f"{type(exc).__name__}: {str(exc)[:200]}{place}", data)
        finally:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.monotonic() - start
        if timed and seconds > self.slowest[0]:
            self.slowest = (seconds, f"{kind}, {type(data).__name__} of {len(data):,}: {_brief.repr(data)[:100]}")

    def batch(self, kind: str, data: object, arguments: list[str], expected: list, key, output: Path) -> None:
        """One CLI run: a traceback is untyped, lost/doubled/extra records are counted, the rest are violations."""
        self.tried[kind] += 1
        try:
            run = properties.run_cli(self.work, *arguments, "-o", str(output), jobs=self.args.jobs, timeout=CLI_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.failed(self.violations, kind, f"still running after {CLI_TIMEOUT:g} s", data)
            return
        check = properties.check_batch(expected, run, output, key)
        self.lost, self.doubled = self.lost + len(check.lost), self.doubled + len(check.doubled)
        self.extra += len(check.extra)
        for problem in check.problems:
            self.failed(self.untyped if problem.startswith("traceback") else self.violations, kind, problem, data)
        if check.lost or check.doubled or check.extra:
            what = f"lost {check.lost[:3]}, doubled {check.doubled[:3]}, extra {check.extra[:3]}"
            self.failed(self.violations, kind, what, data)
        output.unlink(missing_ok=True)

    def one(self, data: st.DataObject) -> None:
        rng = data.draw(st.randoms(use_true_random=True))  # seeded by hypothesis, then uniform
        kind = rng.choices(list(SHARES), weights=list(SHARES.values()))[0]
        if time.monotonic() > self.deadline:
            self.timed_out = True
            raise TimeUp
        if kind == "jsonl":
            self.jsonl(data)
        elif kind == "folder":
            self.folder(data)
        elif kind in ("items", "pool"):
            jobs = self.args.jobs if kind == "pool" else 1
            items = data.draw(STRATEGIES["items"])
            self.guarded(f"clean_many/j{jobs}", items, lambda: properties.check_results(items, _many(items, jobs)))
        else:
            page = data.draw(STRATEGIES["page"])
            fmt = rng.choice(properties.FORMATS)
            self.guarded(f"page/{fmt}", page, lambda: properties.check_page(page, fmt), timed=True)

    def jsonl(self, data: st.DataObject) -> None:
        content = data.draw(STRATEGIES["jsonl"])
        pages = self.work / "pages.jsonl"
        pages.write_bytes(content)
        expected = hostile.non_blank_lines(content)
        self.batch("cli/jsonl", content, [str(pages)], expected, lambda rec: rec["index"], self.work / "out.jsonl")

    def folder(self, data: st.DataObject) -> None:
        spec = data.draw(STRATEGIES["folder"])
        root = Path(tempfile.mkdtemp(dir=self.work))
        expected = write_folder(os.fsencode(root), spec)
        self.batch("cli/folder", spec, [str(root)], expected, lambda record: record["source"], self.work / "out.jsonl")
        shutil.rmtree(root, ignore_errors=True)

    def report(self) -> None:
        elapsed = time.monotonic() - self.started
        print(f"fuzz: {sum(self.tried.values()):,} inputs in {elapsed:.0f} s (seed {self.args.seed})")
        for kind, count in sorted(self.tried.items()):
            print(f"  {kind:<14} {count:>8,}")
        for title, bucket in (("untyped exceptions", self.untyped), ("other property violations", self.violations)):
            distinct: dict = {}
            for kind, what, data in bucket:  # one line per kind and message, numbers and quoted parts aside
                distinct.setdefault((kind, re.sub(r"'[^']*'|\d+", "_", what)), []).append((what, data))
            print(f"{title}: {len(bucket)} ({len(distinct)} distinct)")
            for (kind, _), cases in list(distinct.items())[:SHOWN]:
                print(f"  [{kind}] x{len(cases)} {cases[0][0]}\n      input: {cases[0][1]}")
        print(f"records lost: {self.lost}, duplicated: {self.doubled}, of no input: {self.extra}")
        print(f"slowest page: {self.slowest[0]:.2f} s ({self.slowest[1]})")
        own, child = (
            resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        print(f"peak RSS: {own:.0f} MB this process, {child:.0f} MB the largest child (CLI runs, pool workers)")


def _many(items: list, jobs: int) -> list:
    return list(clean_many(items, jobs=jobs))


def write_folder(root: bytes, spec: dict) -> list[str]:
    """Write a hostile.page_folders() spec under ``root``; the sources (README: path, non-UTF-8 bytes as \\xNN)
    of the page files a walk must find: every file written, none through the loop, no hidden one."""
    expected = []
    for parts, content in spec["files"]:
        path = os.path.join(root, *parts)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "xb") as handle:
                handle.write(content)
        except OSError:  # a name taken by a folder, or a folder name taken by a file: not written
            continue
        if not any(part.startswith(b".") for part in parts):
            expected.append(path.decode("utf-8", "backslashreplace"))
    if spec["loop"] and not os.path.lexists(os.path.join(root, b"loop")):
        os.symlink(b".", os.path.join(root, b"loop"))
    return expected


def _hung(signum, frame):
    raise Hung(f"over {PAGE_TIMEOUT:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs to try at most")
    parser.add_argument("--seconds", type=float, default=1800, help="stop after this long")
    parser.add_argument("--jobs", type=int, default=2, help="workers of the CLI runs and of the pooled clean_many")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", help="write each failing input to this folder")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=HypothesisWarning)  # "overly large repr" of the strategies
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _hung)
    # The CLI runs use this checkout's package, as the library calls do (as bench/batch_bench.py does).
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        set_hypothesis_home_dir(Path(work) / "hypothesis")  # not ./.hypothesis
        run = Run(args, Path(work))

        @seed(args.seed)
        @settings(
            max_examples=args.count,
            phases=[Phase.generate],
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,  # the TimeUp that ends the run is no falsifying example to print
        )
        @given(st.data())
        def fuzz(data):
            run.one(data)

        try:
            fuzz()
        except KeyboardInterrupt:
            pass
        except (TimeUp, FlakyStrategyDefinition):
            # An example cut short by TimeUp draws less than an earlier one with the same first draws, which
            # hypothesis may report as flaky generation: either way, the run is over because time is.
            if not run.timed_out:
                raise
        run.report()


if __name__ == "__main__":
    main()
