"""Hostile and careless inputs to the batch and the CLI: each becomes one error record or one error line.

Every case here was a crash, a hang, a lost record or a harmed input before the batch wing was hardened.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from batch_pages import make_page, write_jsonl
from click.testing import CliRunner

from classifier.batch import inputs
from classifier.batch.inputs import numbered_lines, read_records
from classifier.batch.records import ReadOptions
from classifier.cli import main

KEEP_ALL = ("--keep", "sponsored", "--keep", "caption", "--keep", "navigation")


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, list(map(str, args)))


def records_of(path: Path) -> list[dict]:
    raw = path.read_bytes()
    raw.decode("utf-8")  # the whole output is valid UTF-8
    return [json.loads(line, parse_constant=_no_constant) for line in raw.splitlines()]


def _no_constant(name):
    raise AssertionError(f"bare {name} in the output")


def keys(records: list[dict]) -> list[tuple[str, int]]:
    return [(Path(r["source"]).name, r["index"]) for r in records]


def test_odd_json_lines_each_become_one_record_and_the_batch_goes_on(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "ok1", "html": make_page(1)}),
        '{"id": "surrogate", "text": "Lone \\ud83d surrogate, and the text after it survives here."}',
        '{"id": NaN, "text": "An id that is not a number."}',
        "[" * 1000 + "]" * 1000,
        "{" + '"a":' * 1 + "[" * 5000 + "]" * 5000 + "}",
        '{"id": {"nested": 1}, "text": "an id that is an object"}',
        "not json at all",
        json.dumps({"id": "ok2", "html": make_page(2)}),
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(runner, "clean", feed, "-j", "2", "-o", out, *KEEP_ALL)
    assert result.exit_code == 1, result.output  # some error records
    assert "Traceback" not in result.output
    records = records_of(out)
    assert keys(records) == [("feed.jsonl", n) for n in range(len(lines))]
    assert "text" in records[0] and "text" in records[-1]
    assert "after it survives" in records[1]["text"] and "\ufffd" in records[1]["text"]
    assert "non-finite" in records[2]["error"]
    assert all("nested too deeply" in records[n]["error"] for n in (3, 4))
    assert "dict" in records[5]["error"] and "not valid JSON" in records[6]["error"]
    again = run(runner, "clean", feed, "-o", out, "--resume")  # resumable after all of it
    assert again.exit_code == 1 and len(records_of(out)) == len(lines)


def test_file_names_that_are_not_utf8_are_records_with_escaped_names(runner, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    odd = os.fsencode(site) + b"/caf\xe9-page.html"
    with open(odd, "wb") as handle:
        handle.write(make_page(3).encode())
    (site / "plain.html").write_text(make_page(4), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(runner, "clean", site, "-o", out).exit_code == 0
    records = records_of(out)
    assert [Path(r["source"]).name for r in records] == ["caf\\xe9-page.html", "plain.html"]
    assert run(runner, "clean", site, "-o", out, "--resume").exit_code == 0  # same keys: nothing redone
    assert len(records_of(out)) == 2


def test_symlink_loops_end_and_each_real_file_is_read_once(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "page.html").write_text(make_page(1), encoding="utf-8")
    (site / "loop").symlink_to(".")
    (site / "a" / "up").symlink_to("..")
    (site / "again.html").symlink_to(site / "a" / "page.html")
    outside = tmp_path / "outside.html"
    outside.write_text(make_page(2), encoding="utf-8")
    (site / "b.html").symlink_to(outside)
    (site / "c.html").symlink_to(outside)
    found = [record.source for record in read_records([site])]
    assert sorted(Path(s).name for s in found) == ["b.html", "page.html"]


def test_a_folder_that_cannot_be_listed_is_an_error_record(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "locked").mkdir(parents=True)
    (site / "ok.html").write_text(make_page(1), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):  # root ignores permission bits: refuse the listing the way the OS would
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    found = list(read_records([site]))
    assert [Path(r.source).name for r in found] == ["locked", "ok.html"]
    assert "cannot list this folder (Permission denied)" in found[0].error and found[1].error is None


def test_outputs_never_harm_inputs(runner, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for n in range(3):
        (site / f"p{n}.html").write_text(make_page(n), encoding="utf-8")
    feed = write_jsonl(tmp_path / "feed.jsonl", 2)
    assert feed
    before = (tmp_path / "feed.jsonl").read_bytes()
    same = run(runner, "clean", tmp_path / "feed.jsonl", "-o", tmp_path / "feed.jsonl")
    assert same.exit_code != 0 and "replace the input" in same.output
    assert (tmp_path / "feed.jsonl").read_bytes() == before
    holds = run(runner, "clean", site, "--output-dir", site)
    assert holds.exit_code != 0 and "holds the input" in holds.output
    # Outputs inside the input folder are left out of the walk: a second run reads no output of the first back.
    for _ in range(2):
        assert run(runner, "clean", site, "-o", site / "out.jsonl").exit_code == 0
    assert len(records_of(site / "out.jsonl")) == 3
    (site / "out.jsonl").unlink()
    for _ in range(2):
        assert run(runner, "clean", site, "--output-dir", site / "cleaned").exit_code == 0
    assert len(records_of(site / "cleaned" / "manifest.jsonl")) == 3
    page = site / "p1.html"
    original = page.read_bytes()
    for command in (["clean", page, "-o", page], ["inspect", page, "-o", page], ["annotate", page, "-o", page]):
        result = run(runner, *command)
        assert result.exit_code != 0 and "replace the input" in result.output, command
    assert page.read_bytes() == original


def test_two_inputs_that_map_to_one_output_file_get_distinct_names(runner, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.html").write_text(make_page(len(folder) + ord(folder)), encoding="utf-8")
    (tmp_path / "a" / "story.htm").write_text(make_page(9), encoding="utf-8")
    out = tmp_path / "out"
    result = run(runner, "clean", tmp_path / "a", tmp_path / "b", "--output-dir", out, *KEEP_ALL)
    assert result.exit_code == 0, result.output
    manifest = records_of(out / "manifest.jsonl")
    paths = [record["path"] for record in manifest]
    assert sorted(paths) == ["story.txt", "story~2.txt", "story~3.txt"]
    texts = {(out / path).read_text(encoding="utf-8") for path in paths}
    assert len(texts) == 3  # nothing overwritten


def test_truncated_warc_record_is_an_error_record(tmp_path):
    warcio = pytest.importorskip("warcio", reason="writing test WARC files needs warcio (the 'test' extra)")
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders

    from classifier.batch.warc import read_warc

    for gz, cut in ((False, 3000), (True, 100)):
        buffer = BytesIO()
        writer = warcio.WARCWriter(buffer, gzip=gz)
        for n in range(3):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            body = BytesIO(make_page(n).encode() + b"<p>" + b"word " * 2000 + b"</p>")
            writer.write_record(
                writer.create_warc_record(f"https://x.example/{n}", "response", payload=body, http_headers=http)
            )
        path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
        path.write_bytes(buffer.getvalue()[:-cut])
        for backend in ("fastwarc", "warcio") if not gz else ("fastwarc",):
            pytest.importorskip(backend)
            found = list(read_warc(path, backend=backend))
            assert [r.error is None for r in found] == [True, True, False], (gz, backend)
            assert "cut" in found[-1].error


def test_a_gzip_of_blank_lines_is_read_in_chunks(tmp_path):
    path = tmp_path / "blank.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        for _ in range(64):
            handle.write(b"\n" * (1 << 20))
        handle.write(json.dumps({"id": "last", "text": "one page after 67 million blank lines"}).encode() + b"\n")
    found = list(read_records([path]))
    assert [(r.index, r.id) for r in found] == [(64 << 20, "last")]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_numbered_lines_agree_with_a_plain_split_at_any_chunk_size(monkeypatch, chunk):
    from io import BytesIO

    data = b"a\n\n  \nbb\r\n\n" + b"x" * 50 + b"\n c \n\t\n" + b"y" * 9 + b"\nlast"
    monkeypatch.setattr(inputs, "READ_CHUNK", chunk)
    got = list(numbered_lines(BytesIO(data), max_bytes=20))
    expected = []
    for number, line in enumerate(data.split(b"\n")):
        if line.strip():
            expected.append((number, line.lstrip() if len(line.lstrip()) <= 20 else None))
    assert got == expected


def test_one_line_errors_for_missing_files_urls_and_outputs(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("A headline\n\nA paragraph of a story that is long enough to be one.\n", encoding="utf-8")
    cases = {
        "no such file or folder": ["clean", tmp_path / "missing.html"],
        "fetching URLs is not supported": ["clean", "https://news.example/story"],
        "cannot write the output": ["clean", page, "-o", tmp_path / "missing" / "x.txt"],
    }
    for expected, args in cases.items():
        result = run(runner, *args)
        assert result.exit_code != 0 and expected in result.output, (args, result.output)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
    corrupted = tmp_path / "out.jsonl"
    corrupted.write_bytes(b'{"source": "a", "index": 0}\n\x00\x01garbage\n{"source": "a", "index": 1}\n')
    result = run(runner, "clean", page, page, "-o", corrupted, "--resume")
    assert result.exit_code != 0 and "cannot be resumed" in result.output
    assert corrupted.read_bytes().endswith(b'"index": 1}\n')  # a foreign file is left as it was


def test_full_disk_is_one_line_and_keeps_what_was_written(runner, tmp_path):
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("/dev/full is not on this system")
    data = write_jsonl(tmp_path / "feed.jsonl", 2)
    assert data
    result = run(runner, "clean", tmp_path / "feed.jsonl", "-o", full)
    assert result.exit_code != 0 and "No space left on device" in result.output and "Traceback" not in result.output
    single = tmp_path / "page.txt"
    single.write_text("A headline here\n\nA paragraph of the story, long enough to be kept as one.\n", encoding="utf-8")
    result = run(runner, "clean", single, "-o", full)  # written in place: a device is never replaced
    assert result.exit_code != 0 and "No space left on device" in result.output and full.is_char_device()


def test_inspect_walks_folders_by_the_batch_rules(runner, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(make_page(1), encoding="utf-8")
    (site / ".hidden.html").write_text(make_page(2), encoding="utf-8")
    (site / "loop").symlink_to(".")
    result = run(runner, "inspect", site, "-o", tmp_path / "reports")
    assert result.exit_code == 0, result.output
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "page.html" in index and ".hidden.html" not in index


def test_read_options_exclude_is_honoured_by_the_walk(tmp_path):
    (tmp_path / "keep.html").write_text(make_page(1), encoding="utf-8")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "x.html").write_text(make_page(2), encoding="utf-8")
    found = list(read_records([tmp_path], ReadOptions(exclude=(tmp_path / "skip",))))
    assert [Path(r.source).name for r in found] == ["keep.html"]
