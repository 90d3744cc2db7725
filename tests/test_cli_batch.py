import gzip
import json

import pytest
from batch_pages import make_page, write_jsonl
from click.testing import CliRunner

from classifier import Label, clean
from classifier.batch.journal import MANIFEST
from classifier.cli import main

#: Every label kept, so that texts are compared whatever the model's labels.
KEEP_ALL = ("--keep", "sponsored", "--keep", "caption", "--keep", "navigation")


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, list(map(str, args)), catch_exceptions=False)


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_folder_with_glob_gives_one_record_per_page_in_order(runner, tmp_path):
    (tmp_path / "site" / "b").mkdir(parents=True)
    for n, name in enumerate(["b/two.html", "one.html", "b/three.html"]):
        (tmp_path / "site" / name).write_text(make_page(n))
    (tmp_path / "site" / "notes.md").write_text("not a page to clean")
    result = run(runner, "clean", tmp_path / "site", "--glob", "*.html", "-j", "2", *KEEP_ALL)
    assert result.exit_code == 0, result.output
    out = records(result.stdout)
    assert [r["source"] for r in out] == [
        str(tmp_path / "site" / n) for n in ("b/three.html", "b/two.html", "one.html")
    ]
    assert [r["id"] for r in out] == ["three", "two", "one"]
    assert out[2]["text"] == clean(make_page(1), keep=tuple(Label)) and set(out[0]) == {
        "id",
        "source",
        "index",
        "url",
        "text",
    }
    assert "classifier: 3 pages, 3 cleaned, 0 errors" in result.stderr


def test_jsonl_gz_and_plain_files_with_errors_exit_non_zero(runner, tmp_path):
    data = tmp_path / "pages.jsonl"
    pages = write_jsonl(data, 6)
    with open(data, "a") as handle:
        handle.write("{broken\n" + json.dumps({"id": "empty", "html": "   "}) + "\n")
    packed = tmp_path / "pages.jsonl.gz"
    packed.write_bytes(gzip.compress(data.read_bytes()))
    page = tmp_path / "single.html"
    page.write_text(make_page(50))
    result = run(runner, "clean", packed, page, "-j", "1", "--keep", "caption")
    assert result.exit_code == 1
    out = records(result.stdout)
    assert len(out) == 9 and [r["index"] for r in out] == [0, 1, 2, 3, 4, 5, 6, 7, 0]
    assert [r["id"] for r in out[:2]] == ["page-0", "page-1"] and out[1]["url"] == "https://coast.example/1"
    assert out[3]["text"] == clean(pages[3], keep=("editorial", "caption"))
    assert "not valid JSON" in out[6]["error"] and "line 7" in out[6]["error"]
    assert "is empty" in out[7]["error"] and out[7]["id"] == "empty"
    assert out[8]["source"] == str(page) and "error" not in out[8]
    assert "9 pages, 7 cleaned, 2 errors" in result.stderr


def test_custom_fields_blocks_and_classify_batch(runner, tmp_path):
    data = tmp_path / "crawl.ndjson"
    data.write_text(json.dumps({"key": "k1", "address": "https://a.example/", "body": make_page(3)}) + "\n")
    options = ["--content-field", "body", "--id-field", "key", "--url-field", "address"]
    result = run(runner, "clean", data, *options, "--blocks")
    (record,) = records(result.stdout)
    assert (record["id"], record["url"]) == ("k1", "https://a.example/")
    labels = {block["label"] for block in record["blocks"]}
    assert labels <= {"editorial", "sponsored", "caption", "navigation"} and len(record["blocks"]) > 5
    kept = [b["text"] for b in record["blocks"] if b["label"] == "editorial"]
    assert record["text"] == "\n".join(kept)
    labeled = records(run(runner, "classify", data, *options).stdout)
    assert labeled[0]["blocks"] == record["blocks"]


def test_output_dir_mirrors_the_inputs(runner, tmp_path):
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "news" / "harbour.v2.html").write_text(make_page(1))
    (site / "empty.html").write_text("")
    write_jsonl(site / "feed.jsonl", 2)
    out = tmp_path / "out"
    result = run(runner, "clean", site, "--output-dir", out, "-j", "2", *KEEP_ALL)
    assert result.exit_code == 1  # empty.html
    expected = clean(make_page(1), keep=tuple(Label)) + "\n"
    assert (out / "news" / "harbour.v2.txt").read_text() == expected
    assert (out / "feed" / "000001.txt").read_text() == expected
    manifest = records((out / MANIFEST).read_text())
    assert [r.get("path") for r in manifest] == [None, "feed/000000.txt", "feed/000001.txt", "news/harbour.v2.txt"]
    assert "is empty" in manifest[0]["error"] and "text" not in manifest[1]


def test_resume_skips_what_is_written_and_cuts_a_partial_line(runner, tmp_path):
    data = tmp_path / "pages.jsonl"
    write_jsonl(data, 12)
    full = tmp_path / "full.jsonl"
    assert run(runner, "clean", data, "-j", "1", "-o", full).exit_code == 0
    lines = full.read_text().splitlines(keepends=True)
    killed = tmp_path / "killed.jsonl"
    killed.write_text("".join(lines[:5]) + lines[5][:40])  # a run killed while writing line 6
    result = run(runner, "clean", data, "-j", "2", "-o", killed, "--resume")
    assert result.exit_code == 0
    assert killed.read_text() == full.read_text()
    assert "7 pages" in result.stderr and "5 records already done" in result.stderr
    again = run(runner, "clean", data, "-o", killed, "--resume")
    assert again.exit_code == 0 and killed.read_text() == full.read_text() and "0 pages" in again.stderr


def test_batch_usage_errors_are_one_line(runner, tmp_path):
    data = tmp_path / "pages.jsonl"
    write_jsonl(data, 2)
    no_output = runner.invoke(main, ["clean", str(data), "--resume"])
    assert no_output.exit_code != 0 and "--resume needs an output file" in no_output.output
    assert "Traceback" not in no_output.output
    kept = tmp_path / "kept.jsonl"
    kept.write_text("precious\n")
    bad_model = runner.invoke(main, ["clean", str(data), "-o", str(kept), "--model", str(tmp_path / "nope")])
    assert bad_model.exit_code != 0 and "not a model directory" in bad_model.output
    assert kept.read_text() == "precious\n"  # the output is not touched before the model loads
    both = runner.invoke(main, ["clean", str(data), "-o", str(kept), "--output-dir", str(tmp_path / "d")])
    assert both.exit_code != 0 and "not both" in both.output and kept.read_text() == "precious\n"
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text('{"something": "else"}\n')
    not_ours = runner.invoke(main, ["clean", str(data), "-o", str(foreign), "--resume"])
    assert not_ours.exit_code != 0 and "foreign.jsonl, line 1: not a record written by classifier" in not_ours.output


def test_warc_through_the_cli(runner, tmp_path):
    warcio = pytest.importorskip("warcio", reason="writing test WARC files needs warcio (the 'test' extra)")
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as handle:
        writer = warcio.WARCWriter(handle, gzip=True)
        for n in range(3):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = BytesIO(make_page(n).encode())
            writer.write_record(
                writer.create_warc_record(f"https://coast.example/{n}", "response", payload=body, http_headers=http)
            )
    out = records(run(runner, "clean", path, "-j", "2", *KEEP_ALL).stdout)
    assert [r["url"] for r in out] == [f"https://coast.example/{n}" for n in range(3)]
    assert [r["text"] for r in out] == [clean(make_page(n), keep=tuple(Label)) for n in range(3)]
