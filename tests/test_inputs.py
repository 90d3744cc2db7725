import gzip
import json
from io import BytesIO

import pytest
from batch_pages import make_page, write_jsonl

from classifier.batch.inputs import expand, is_batch_input, read_records
from classifier.batch.records import PageRecord, ReadOptions, input_kind


def test_input_kinds():
    assert input_kind("a/b.jsonl") == input_kind("b.JSONL.gz") == input_kind("c.ndjson") == "jsonl"
    assert input_kind("crawl.warc.gz") == input_kind("crawl.warc") == "warc"
    assert input_kind("page.html") == input_kind("dump.txt") == "page"
    assert not is_batch_input("page.html") and not is_batch_input("-") and is_batch_input("x.jsonl")


def test_folders_are_walked_recursively_in_order_with_globs(tmp_path):
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("z.html", "a.txt", "b/deep/c.html", "b/d.json", ".hidden/e.html", ".f.html"):
        (tmp_path / name).write_text("x")
    assert [found.relative for found in expand([tmp_path])] == ["a.txt", "b/d.json", "b/deep/c.html", "z.html"]
    assert [found.relative for found in expand([tmp_path], ("*.html",))] == ["b/deep/c.html", "z.html"]
    assert [found.relative for found in expand([tmp_path], ("*.html", "*.txt"))] == ["a.txt", "b/deep/c.html", "z.html"]


def test_jsonl_fields_defaults_and_choices(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [
        {"id": 1, "url": "https://a.example/1", "html": "<p>one</p>", "text": "ignored"},
        {"id": 2, "text": "two"},
        {"key": "k3", "address": "https://a.example/3", "body": "three"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines[:2]) + "\n\n" + json.dumps(lines[2]) + "\n")
    records = list(read_records([path]))
    assert [(r.index, r.id, r.url, r.content) for r in records[:2]] == [
        (0, 1, "https://a.example/1", "<p>one</p>"),
        (1, 2, None, "two"),
    ]
    # A blank line is not a record, but keys are line numbers, so they stay stable.
    assert records[2].index == 3 and "no content field (looked for html, text)" in records[2].error
    assert "pages.jsonl, line 4" in records[2].error
    chosen = ReadOptions(content_fields=("body",), id_field="key", url_field="address")
    third = list(read_records([path], chosen))[2]
    assert (third.id, third.url, third.content, third.error) == ("k3", "https://a.example/3", "three", None)


def test_bad_jsonl_lines_become_error_records_and_reading_goes_on(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"html": "<p>fine</p>"}\nnot json\n[1, 2]\n{"html": 42}\n\xff\xfe{\n{"text": "last"}\n')
    records = list(read_records([path]))
    assert [r.index for r in records] == [0, 1, 2, 3, 4, 5]
    assert [r.error is None for r in records] == [True, False, False, False, False, True]
    assert "line 2: not valid JSON" in records[1].error
    assert "line 3: a JSON list, not an object" in records[2].error
    assert "field 'html' is a int, not a string" in records[3].error


def test_gzip_jsonl_is_read_transparently_and_truncation_is_one_error(tmp_path):
    plain = tmp_path / "p.jsonl"
    pages = write_jsonl(plain, 400)
    packed = tmp_path / "p.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert [r.content for r in read_records([packed])] == pages
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed.read_bytes()[: len(packed.read_bytes()) // 2])
    records = list(read_records([cut]))
    assert 0 < len(records) - 1 < len(pages) and records[-1].index == len(records) - 1
    assert "unreadable after line" in records[-1].error and "the rest of the file is skipped" in records[-1].error
    assert [r.content for r in records[:-1]] == pages[: len(records) - 1]


def test_size_limit_on_files_fields_and_long_lines(tmp_path):
    (tmp_path / "small.html").write_text("<p>tiny page</p>")
    (tmp_path / "big.html").write_text("<p>" + "x" * 5000 + "</p>")
    lines = tmp_path / "l.jsonl"
    lines.write_text(json.dumps({"html": "y" * 5000}) + "\n" + json.dumps({"html": "ok"}) + "\n")
    records = list(read_records([tmp_path / "big.html", tmp_path / "small.html", lines], ReadOptions(max_bytes=1000)))
    assert [r.error is None for r in records] == [False, True, False, True]
    assert "over the limit of 1,000" in records[0].error and "big.html" in records[0].error
    assert "line 1" in records[2].error and records[3].content == "ok" and records[3].index == 1


def _warc(tmp_path, name="crawl.warc.gz"):
    warcio = pytest.importorskip("warcio", reason="writing test WARC files needs warcio (the 'test' extra)")
    from warcio.statusandheaders import StatusAndHeaders

    path = tmp_path / name
    with open(path, "wb") as handle:
        writer = warcio.WARCWriter(handle, gzip=name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(name, {"software": "tests"}))

        def response(url, body, content_type="text/html; charset=utf-8", status="200 OK", encoding=None):
            headers = [("Content-Type", content_type)]
            if encoding:
                headers.append(("Content-Encoding", encoding))
                body = gzip.compress(body)
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http))

        response("https://coast.example/1", make_page(1).encode())
        response("https://coast.example/data.json", b"{}", content_type="application/json")
        response(
            "https://coast.example/2", make_page(2).encode("cp1252"), content_type="text/html; charset=windows-1252"
        )
        response("https://coast.example/moved", b"<html>moved</html>", status="301 Moved Permanently")
        response("https://coast.example/3", make_page(3).encode(), encoding="gzip")
    return path


@pytest.mark.parametrize("backend", ["fastwarc", "warcio"])
@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_html_responses_only(tmp_path, backend, name):
    pytest.importorskip(backend, reason=f"{backend} is not installed (the 'test' extra installs it)")
    from classifier.batch.warc import read_warc

    records = list(read_warc(_warc(tmp_path, name), backend=backend))
    assert [r.url for r in records] == ["https://coast.example/1", "https://coast.example/2", "https://coast.example/3"]
    assert [r.index for r in records] == [1, 3, 5]  # positions among all records: stable keys
    assert all(r.error is None and r.id.startswith("<urn:uuid:") for r in records)
    assert records[0].content == make_page(1).encode() and records[2].content == make_page(3).encode()
    assert records[1].encoding == "windows-1252"


def test_warc_over_limit_and_broken_file(tmp_path):
    pytest.importorskip("warcio", reason="warcio is not installed (the 'test' extra installs it)")
    path = _warc(tmp_path, "crawl.warc")
    small = list(read_records([path], ReadOptions(max_bytes=500)))
    assert len(small) == 3 and all("over the limit of 500" in r.error for r in small)
    broken = tmp_path / "broken.warc"
    broken.write_bytes(path.read_bytes() + b"garbage where a record should start\r\n\x00\x01\r\n\r\n")
    records = list(read_records([broken]))
    assert [r.error is None for r in records] == [True, True, True, False]
    assert "broken.warc: unreadable WARC after record 5" in records[-1].error and records[-1].index == 6
    assert "\n" not in records[-1].error and "\x00" not in records[-1].error


def test_record_keys_and_names():
    record = PageRecord("pages.jsonl", 4, "x")
    assert record.key == ("pages.jsonl", 4) and record.where == "pages.jsonl, line 5"
    assert PageRecord("a.warc.gz", 3, "x", url="https://u").where == "a.warc.gz, record 3 (https://u)"
    assert PageRecord("dir/page.html", 0, "x").where == "dir/page.html"
