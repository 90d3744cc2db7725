"""Properties of hostile input, through the public API and the CLI only (strategies: tests/hostile.py).

1. clean()/classify() on any str or bytes, in every input format, return (text that encodes as UTF-8;
   blocks with a label and finite probabilities summing to 1) or raise a ClassifierError, nothing else.
2. clean_many() yields one PageResult per item, in order, with text or an error, whose to_dict() is strict
   JSON (no NaN) that encodes as UTF-8, whatever the items are (junk and unpicklable ones included).
3. ``classifier clean FILE.jsonl -j 2 -o OUT`` on any JSON Lines file exits 0 or 1 without a traceback and
   writes exactly one strict-JSON UTF-8 record per non-blank input line; so does ``--resume`` after OUT was
   cut at a random byte.

The checks are functions (check_page, check_results, check_batch) so that bench/fuzz.py runs the very same
properties for longer. Each @example is an input that broke a property once.
"""

from __future__ import annotations

import atexit
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import hostile
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from classifier import ClassifierError, PageResult, classify, clean, clean_many

FORMATS = ("auto", "text", "html")
#: How far the probabilities of a block may sum from 1: float32/float64 rounding of 4 softmax outputs.
PROBABILITY_TOLERANCE = 1e-6
#: --max-bytes of the CLI runs: small, so that hostile.jsonl_lines' "huge" lines (70 KB and more) go over it
#: without writing the 5 MiB the default limit would need.
MAX_BYTES = 64 * 1024
#: Seconds a CLI run may take: a few hundred pages at ~4 ms each plus a second of start-up, many times over.
CLI_TIMEOUT = 120
#: No example database (nothing written outside tmp_path); no deadline (the first call loads the model).
BASE = settings(
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)
#: The CLI properties spawn processes (about a second a run): no shrinking, which would rerun them hundreds
#: of times; the assertion messages name the offending lines instead.
NO_SHRINK = [Phase.explicit, Phase.generate]
#: Hypothesis writes caches, and patches of failing examples, to ./.hypothesis unless told otherwise. From
#: import (its pytest plugin caches the constants of the source right after collection) they go to a
#: temporary folder removed at exit, and while the tests run (fixture below) to pytest's tmp folder.
_HOME = tempfile.mkdtemp(prefix="hypothesis-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)


@pytest.fixture(autouse=True, scope="module")
def _hypothesis_home(tmp_path_factory):
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


def _utf8(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AssertionError(f"{what} is not valid UTF-8: {exc}") from None


# -- property 1: clean / classify -------------------------------------------------------------------


def check_page(page: str | bytes, input_format: str) -> None:
    """Property 1 for one page: an exception other than ClassifierError propagates (an untyped exception);
    a result that breaks the property raises AssertionError."""
    try:
        text = clean(page, input_format=input_format)
    except ClassifierError:
        pass
    else:
        assert isinstance(text, str), type(text)
        _utf8(text, "clean()'s text")
    try:
        blocks = classify(page, input_format=input_format)
    except ClassifierError:
        return
    for block in blocks:
        _utf8(block.text, "a block's text")
        assert block.label is not None and block.label in block.probabilities, block
        values = list(block.probabilities.values())
        assert all(math.isfinite(value) for value in values), block.probabilities
        assert abs(sum(values) - 1) < PROBABILITY_TOLERANCE, block.probabilities


@settings(BASE, max_examples=400)
@given(page=hostile.hostile_pages(), input_format=st.sampled_from(FORMATS))
@example(page=b'<meta charset="undefined"><p>A page.</p>', input_format="auto")
@example(page=b'<meta charset="punycode"><p>A page.</p>', input_format="auto")
@example(page=b'<meta charset="utf-7">+2AA-', input_format="text")
@example(page="A line with a lone \ud83d surrogate.", input_format="text")
def test_clean_and_classify_return_or_raise_typed(page, input_format):
    check_page(page, input_format)


# -- property 2: clean_many -------------------------------------------------------------------------


def check_results(items: list, results: list) -> None:
    """Property 2 for one list of items and the results clean_many() gave for it (AssertionError if broken)."""
    assert len(results) == len(items), f"{len(results)} results for {len(items)} items"
    for position, result in enumerate(results):
        assert isinstance(result, PageResult), type(result)
        assert result.index == position, f"result {position} has index {result.index}: out of order"
        if result.error is None:
            assert isinstance(result.text, str), f"result {position}: no text and no error"
            _utf8(result.text, f"result {position}'s text")
        else:
            assert isinstance(result.error, str) and result.text is None, result
        try:
            json.dumps(result.to_dict(), allow_nan=False, ensure_ascii=False).encode("utf-8")
        except (ValueError, TypeError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
            raise AssertionError(f"result {position}.to_dict() is no strict UTF-8 JSON: {exc!r}") from None


@settings(BASE, max_examples=100)
@given(items=hostile.batch_items())
@example(items=["A page.", None, 7, [[1]], {"text": "A page.", "id": lambda: None}, {"html": "<p>x</p>", "id": b"x"}])
@example(items=[{"text": "A page.", "id": math.nan}, {"text": "x", "id": "\ud83d", "url": "\udc00"}])
@example(
    items=[{"text": "A page.", "id": hostile.NestedList(2_000)}, {"text": "A page.", "id": hostile.HugeInt(5_000)}]
)
def test_clean_many_one_result_per_item(items):
    check_results(items, list(clean_many(items, jobs=1)))


@settings(BASE, max_examples=2, phases=NO_SHRINK)
@given(items=hostile.batch_items(max_size=40))
@example(
    items=["A page.", {"text": "A page.", "id": hostile.Unpicklable()}, {"text": "x", "id": hostile.NestedList(900)}]
)
@example(items=["A page.", hostile.HookedPage("A page that pickle refuses."), hostile.HookedBytes(b"Bytes too.")])
def test_clean_many_two_jobs(items):
    check_results(items, list(clean_many(items, jobs=2)))


# -- property 3: classifier clean FILE.jsonl -j 2 ---------------------------------------------------


@dataclass
class BatchCheck:
    """What a batch run broke: keys with no record, keys with several, records of no input, other problems."""

    lost: list = field(default_factory=list)
    doubled: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.extra or self.problems)


def _bare_constant(name: str):
    raise ValueError(f"bare {name}")


def crash_site(stderr: str) -> str:
    """The last line of a traceback on stderr and the last frame of the package in it, or ''."""
    if "Traceback" not in stderr:
        return ""
    frames = re.findall(r'File "([^"]*classifier[^"]*)", line (\d+)', stderr)
    where = f" at {frames[-1][0].rpartition('/classifier/')[2] or frames[-1][0]}:{frames[-1][1]}" if frames else ""
    return stderr.strip().splitlines()[-1][:300] + where


def check_batch(expected: list, run: subprocess.CompletedProcess, output: Path, key=lambda record: record["index"]):
    """Property 3 for one run: exit 0/1 (1 iff error records), no traceback, whole lines of strict UTF-8 JSON
    objects with ``source`` and ``index``, and exactly one record for each of the ``expected`` keys."""
    check = BatchCheck()
    stderr = run.stderr.decode("utf-8", "replace")
    if crash := crash_site(stderr):
        check.problems.append(f"traceback: {crash}")
    written = output.read_bytes() if output.exists() else b""
    if written and not written.endswith(b"\n"):
        check.problems.append("the output ends with a partial line")
    keys, errors = [], 0
    for number, line in enumerate(written.splitlines(), 1):
        try:
            record = json.loads(line.decode("utf-8"), parse_constant=_bare_constant)
        except ValueError as exc:  # not UTF-8, not JSON, or a bare NaN/Infinity
            check.problems.append(f"output line {number}: {exc!r}: {line[:160]!r}")
            continue
        if not isinstance(record, dict) or not {"source", "index"} <= record.keys():
            check.problems.append(f"output line {number}: no record with source and index: {line[:160]!r}")
            continue
        keys.append(key(record))
        errors += "error" in record
    if run.returncode != (1 if errors else 0):
        check.problems.append(f"exit status {run.returncode} with {errors} error records: {stderr[-300:]!r}")
    counts: dict = {}
    for found in keys:
        counts[found] = counts.get(found, 0) + 1
    wanted = set(expected)
    check.lost = [k for k in expected if k not in counts]
    check.doubled = [k for k, n in counts.items() if n > 1]
    check.extra = [k for k in counts if k not in wanted]
    return check


def run_cli(workdir: Path, *arguments: str, jobs: int = 2, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
    # cwd=workdir: `python -m` puts the working folder first on sys.path, and it must hold no `classifier`.
    command = [sys.executable, "-m", "classifier", "clean", *arguments, "-j", str(jobs), "--max-bytes", str(MAX_BYTES)]
    return subprocess.run(command, cwd=workdir, capture_output=True, timeout=timeout)


def _explain(check: BatchCheck, data: bytes) -> str:
    lines = data.split(b"\n")
    shown = {index: lines[index][:120] for index in check.lost[:5] if isinstance(index, int)}
    return f"{check}; lost lines: {shown}"


#: One line of each kind that once broke property 3 (a crash, a bare NaN, or records lost with it).
REGRESSION_LINES = b"\n".join(
    [
        b'{"id": "a", "text": "A page."}',
        b'{"id": "\\ud83d", "text": "A lone surrogate in the id."}',
        b'{"id": 1, "text": "A lone \\udc00 surrogate in the text."}',
        b'{"id": NaN, "text": "NaN as the id."}',
        b'{"id": 1e999, "text": "An id that overflows."}',
        b"[" * 3_000 + b"]" * 3_000,
        b'{"id": ' + b"[" * 900 + b"]" * 900 + b', "text": "An id nested 900 deep."}',
        b"",
        b'{"id": "z", "text": "The last page."}',
    ]
)


@settings(BASE, max_examples=5, phases=NO_SHRINK)
@given(data=hostile.jsonl_files())
@example(data=REGRESSION_LINES)
def test_cli_jsonl_batch(tmp_path, data):
    workdir = Path(tempfile.mkdtemp(dir=tmp_path))
    pages, output = workdir / "pages.jsonl", workdir / "out.jsonl"
    pages.write_bytes(data)
    check = check_batch(hostile.non_blank_lines(data), run_cli(workdir, str(pages), "-o", str(output)), output)
    assert check.ok, _explain(check, data)


@settings(BASE, max_examples=4, phases=NO_SHRINK)
@given(data=hostile.jsonl_files(), cut=st.integers(min_value=0))
@example(data=REGRESSION_LINES, cut=100)
def test_cli_jsonl_resume_after_a_cut(tmp_path, data, cut):
    workdir = Path(tempfile.mkdtemp(dir=tmp_path))
    pages, output = workdir / "pages.jsonl", workdir / "out.jsonl"
    pages.write_bytes(data)
    run_cli(workdir, str(pages), "-o", str(output))  # checked by the test above; here only its output matters
    written = output.read_bytes() if output.exists() else b""
    output.write_bytes(written[: cut % (len(written) + 1)])  # as a run killed in the middle of a line leaves it
    run = run_cli(workdir, str(pages), "-o", str(output), "--resume")
    check = check_batch(hostile.non_blank_lines(data), run, output)
    assert check.ok, _explain(check, data)
