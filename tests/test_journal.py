import io
import json
import threading
import time

import pytest

from classifier.batch.journal import MANIFEST, DoneKeys, JsonlSink, TextDirSink, read_done, truncate_partial_line
from classifier.batch.progress import Progress
from classifier.batch.records import PageResult
from classifier.errors import BatchError


def test_done_keys_compact_and_exact():
    done = DoneKeys()
    for index in (0, 1, 3, 2, 7):
        done.add("a.jsonl", index)
    done.add("b.jsonl", 0)
    assert done.prefix == {"a.jsonl": 4, "b.jsonl": 1} and done.others == {"a.jsonl": {7}}
    assert all(("a.jsonl", i) in done for i in (0, 1, 2, 3, 7))
    assert ("a.jsonl", 4) not in done and ("b.jsonl", 1) not in done and ("c", 0) not in done
    assert done.records == 6


@pytest.mark.parametrize(
    ("content", "kept"),
    [(b"", b""), (b"partial", b""), (b"a\nb\n", b"a\nb\n"), (b"a\nb\npart", b"a\nb\n"), (b"x" * 200_000, b"")],
)
def test_truncate_partial_line(tmp_path, content, kept):
    path = tmp_path / "out.jsonl"
    path.write_bytes(content)
    assert truncate_partial_line(path) == len(content) - len(kept)
    assert path.read_bytes() == kept


def test_jsonl_sink_resume_counts_records_and_errors(tmp_path):
    path = tmp_path / "out.jsonl"
    sink = JsonlSink(path)
    sink.write(PageResult("p.jsonl", 0, "a", text="one"))
    sink.write(PageResult("p.jsonl", 1, "b", error="p.jsonl, line 2: not valid JSON"))
    sink.close()
    with open(path, "ab") as handle:
        handle.write(b'{"id": "c", "sou')
    resumed = JsonlSink(path, resume=True)
    assert (resumed.done.records, resumed.done.errors) == (2, 1) and ("p.jsonl", 1) in resumed.done
    resumed.write(PageResult("p.jsonl", 2, "c", text="three"))
    resumed.close()
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "b", "c"]
    assert read_done(path).records == 3


def test_text_dir_sink_writes_whole_files_and_resumes_from_its_manifest(tmp_path):
    sink = TextDirSink(tmp_path / "out")
    sink.write(PageResult("site/a.html", 0, "a", text="Hello\nworld", relative="news/a"))
    sink.write(PageResult("site/b.html", 0, "b", error="site/b.html: the input is empty", relative="b"))
    sink.close()
    assert (tmp_path / "out" / "news" / "a.txt").read_text() == "Hello\nworld\n"
    assert not (tmp_path / "out" / "b.txt").exists() and not list((tmp_path / "out").rglob("*.partial"))
    manifest = [json.loads(line) for line in (tmp_path / "out" / MANIFEST).read_text().splitlines()]
    assert manifest[0]["path"] == "news/a.txt" and "text" not in manifest[0] and "error" in manifest[1]
    again = TextDirSink(tmp_path / "out", resume=True)
    assert ("site/a.html", 0) in again.done and again.done.errors == 1


def test_stdout_cannot_be_resumed():
    with pytest.raises(BatchError, match="--resume needs an output file"):
        JsonlSink(None, resume=True)


def test_progress_line_on_a_terminal_and_summary():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(stream, skipped=5, skipped_errors=1)
    done = threading.Event()
    progress.count_total(lambda: done.set() or 12)  # 12 records in all, 5 of them done by the earlier run
    assert done.wait(5)
    for _ in range(50):  # the counting thread sets the total
        if progress._bar.total is not None:
            break
        time.sleep(0.01)
    assert progress._bar.total == 7
    progress.add(True)
    progress.add(False)
    progress._bar.refresh()
    shown = stream.getvalue()
    assert "2/7" in shown and "page/s" in shown and "1 errors" in shown
    progress.finish()
    summary = stream.getvalue().splitlines()[-1] + "\n"
    assert summary.startswith("classifier: 2 pages, 1 cleaned, 1 errors in ") and stream.getvalue().endswith("\n")
    assert "5 records already done by an earlier run (1 errors)" in summary and progress.failed == 2
    quiet = io.StringIO()
    Progress(quiet).finish()
    assert "\r" not in quiet.getvalue() and quiet.getvalue().count("\n") == 1
