"""A batch killed with SIGKILL, for real, then resumed: every record ends up in the output exactly once."""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from batch_pages import write_jsonl
from conftest import ROOT

from classifier import Label, clean

#: Pages in the killed run: several seconds of work on two workers, so the kill lands mid-run.
PAGES = 1500
#: Complete lines to wait for before the kill.
KILL_AFTER = 100
#: Bounds of the waits below (liveness, not speed: a healthy run takes a fraction of them).
WAIT_SECONDS = 120


def _command(data: Path, output: Path, *extra: str) -> list[str]:
    keep = ["--keep", "sponsored", "--keep", "caption", "--keep", "navigation"]
    return [sys.executable, "-m", "classifier", "clean", str(data), "-j", "2", "-o", str(output), *keep, *extra]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    stack = [pid]
    while stack:
        current = stack.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the worker processes")
def test_sigkill_then_resume_gives_every_record_exactly_once(tmp_path):
    data = tmp_path / "pages.jsonl"
    pages = write_jsonl(data, PAGES)
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen(_command(data, output), env=_env(), stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while _complete_lines(output) < KILL_AFTER and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        helpers = _descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    written = _complete_lines(output)
    assert KILL_AFTER <= written < PAGES, "the kill should land in the middle of the run"

    # Workers notice that their parent is gone and leave: nothing is left running.
    deadline = time.monotonic() + WAIT_SECONDS
    while any(map(_alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in helpers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "worker processes outlived their killed parent"

    with open(output, "ab") as handle:  # the worst case: the kill tore a line in two
        handle.write(b'{"id": "page-9999", "source": "torn')
    resumed = subprocess.run(
        _command(data, output, "--resume"), env=_env(), capture_output=True, text=True, timeout=WAIT_SECONDS * 3
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{written} records already done" in resumed.stderr

    records = [json.loads(line) for line in output.read_text().splitlines()]
    keys = Counter((r["source"], r["index"]) for r in records)
    assert len(records) == PAGES and set(keys.values()) == {1}
    assert sorted(index for _, index in keys) == list(range(PAGES))
    assert [r["index"] for r in records] == list(range(PAGES))  # in input order, across the two runs
    for record in records[written - 3 : written + 3] + records[::150]:
        assert record["text"] == clean(pages[record["index"]], keep=tuple(Label))
