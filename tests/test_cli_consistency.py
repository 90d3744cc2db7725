"""One consistent CLI: each surprise a new user met, reproduced, and how it behaves now."""

from __future__ import annotations

import gzip
import json

import pytest
from batch_pages import make_page
from click.testing import CliRunner

from classifier import Label, classify, clean
from classifier.batch import warc
from classifier.cli import main
from classifier.labeled import load_labeled


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "story.html"
    path.write_text(make_page(3), encoding="utf-8")
    return path


def run(runner, *args, **kwargs):
    return runner.invoke(main, list(map(str, args)), **kwargs)


def test_classify_honours_output(runner, page, tmp_path):
    out = tmp_path / "out.json"
    result = run(runner, "classify", page, "--json", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    assert [b["text"] for b in json.loads(out.read_text(encoding="utf-8"))["blocks"]] == [
        b.text for b in classify(make_page(3))
    ]


def test_a_single_page_keeps_its_output_unless_jsonl_is_asked(runner, page):
    plain = run(runner, "clean", page).output
    assert run(runner, "clean", page, "--blocks").output == plain  # no silent switch to batch records
    resumed = run(runner, "clean", page, "--resume")
    assert resumed.exit_code != 0 and "--resume finishes a batch" in resumed.output
    record = json.loads(run(runner, "clean", page, "--jsonl").stdout)
    assert record["text"] + "\n" == plain and record["index"] == 0


def test_help_short_option_and_one_line_errors(runner, tmp_path):
    assert run(runner, "-h").exit_code == 0 and run(runner, "clean", "-h").exit_code == 0
    missing = run(runner, "clean", tmp_path / "nope.html")
    assert missing.exit_code != 0 and missing.output.strip().count("\n") == 0


def test_warc_without_a_reader_is_a_start_up_error(runner, tmp_path, monkeypatch):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"")
    monkeypatch.setattr(warc, "warc_backend", lambda: None)
    result = run(runner, "clean", path)
    assert result.exit_code != 0 and "pip install '.[warc]'" in result.output
    assert result.output.strip().count("\n") == 0


def test_gzipped_single_page_is_read(runner, page, tmp_path):
    packed = tmp_path / "story.html.gz"
    packed.write_bytes(gzip.compress(page.read_bytes()))
    assert run(runner, "clean", packed).output == run(runner, "clean", page).output


def test_keep_means_the_same_in_the_library_and_the_cli(runner, page):
    cli = run(runner, "clean", page, "--keep", "caption").output
    assert cli == clean(make_page(3), keep=(Label.CAPTION,)) + "\n"
    assert clean(make_page(3), keep=(Label.CAPTION,)) == clean(make_page(3), keep=(Label.EDITORIAL, Label.CAPTION))


def test_favor_moves_the_decision_one_way(page):
    html = make_page(3)
    kept = {favor: set(clean(html, favor=favor).splitlines()) for favor in ("precision", "balanced", "recall")}
    assert kept["precision"] <= kept["balanced"] <= kept["recall"]
    with pytest.raises(ValueError, match="favor must be one of"):
        clean(html, favor="everything")


def test_inspect_reads_stdin_writes_into_a_folder_and_checks_its_threshold(runner, page, tmp_path):
    folder = tmp_path / "reports"
    result = run(runner, "inspect", "-", "-o", f"{folder}/", input=page.read_bytes())
    assert result.exit_code == 0, result.output
    assert folder.is_dir() and (folder / "index.html").is_file()
    bad = run(runner, "inspect", page, "-o", tmp_path / "r.html", "--threshold", "1.5")
    assert bad.exit_code != 0 and "1.5" in bad.output


def test_annotate_keeps_an_html_page_html(runner, page, tmp_path):
    out = tmp_path / "story.labeled.jsonl"
    assert run(runner, "annotate", page, "-o", out).exit_code == 0
    (labeled,) = load_labeled([out])
    assert labeled.format == "html" and all(block.dom is not None for block in labeled.blocks)
    assert [b.text for b in labeled.blocks] == [b.text for b in classify(make_page(3))]
