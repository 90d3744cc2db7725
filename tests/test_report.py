"""The HTML report (classifier/report.py) and `classifier inspect`, without a browser."""

from __future__ import annotations

import base64
import hashlib
import html
import re

import pytest
from click.testing import CliRunner

from classifier.blocks import Block, DomContext
from classifier.cli import main
from classifier.errors import OutputError
from classifier.labeled import read_labeled_text, write_labeled_text
from classifier.labels import LABELS, Label
from classifier.report import (
    INDEX,
    LOW_CONFIDENCE,
    REPORT_SUFFIX,
    colour,
    embedded_data,
    render_index,
    render_report,
    write_reports,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<!-- <script>alert(3)</script>",
    'Tom & Jerry\'s "quotes" <b>bold</b> \u2028 separator',
]


def block(text: str, label: Label, p: float, line: int | None = None) -> Block:
    """A classified block whose label has probability ``p``, the rest shared by the other labels."""
    rest = (1 - p) / (len(LABELS) - 1)
    probabilities = {other: (p if other is label else rest) for other in LABELS}
    return Block(text=text, lines=(line, line) if line else None, label=label, probabilities=probabilities)


@pytest.fixture
def hostile_blocks() -> list[Block]:
    labels = [Label.EDITORIAL, Label.NAVIGATION, Label.SPONSORED, Label.EDITORIAL]
    return [block(text, label, 0.9, line=2 * n + 1) for n, (text, label) in enumerate(zip(HOSTILE, labels))]


def between(report: str, start: str, end: str) -> str:
    begin = report.index(start) + len(start)
    return report[begin : report.index(end, begin)]


def test_hostile_page_text_is_inert(hostile_blocks):
    report = render_report(hostile_blocks, source='"><script>alert(4)</script>.txt')
    # Exactly two script elements: the JSON data block and the report's own script.
    assert report.lower().count("<script") == 2
    assert report.lower().count("</script>") == 2
    assert "<!--" not in report
    assert "alert(1)</script>" not in report and "<b>bold</b>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "&quot;&gt;&lt;script&gt;alert(4)" in report
    # The embedded data still carries the exact page text.
    assert [b["text"] for b in embedded_data(report)["blocks"]] == HOSTILE


def test_only_the_reports_own_script_may_run(hostile_blocks):
    report = render_report(hostile_blocks)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', report).group(1)
    script = between(report, "<script>", "</script>")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "http://" not in report and "https://" not in report  # nothing to fetch


def test_counts_cover_every_label(hostile_blocks):
    report = render_report(hostile_blocks)
    counts = dict(re.findall(r'<b data-count="(\w+)">(\d+)</b>', report))
    assert counts == {"editorial": "2", "sponsored": "1", "caption": "0", "navigation": "1"}
    assert "4 blocks" in report and "text dump" in report


def test_legend_names_and_colours_every_label(hostile_blocks):
    report = render_report(hostile_blocks)
    legend = between(report, '<ul id="legend"', "</ul>")
    for label in LABELS:
        assert f'class="label-{label.value}"' in legend and label.value in legend
        tint, mark = colour(label)
        assert f".label-{label.value}{{--tint:{tint};--mark:{mark}}}" in report
    assert len({colour(label) for label in LABELS}) == len(LABELS)
    assert "kept in the cleaned text" in legend and f"under {LOW_CONFIDENCE:.2f}" in legend


def test_low_confidence_blocks_are_marked():
    blocks = [
        block("Sure thing", Label.EDITORIAL, 0.95, 1),
        block("Just under", Label.CAPTION, LOW_CONFIDENCE - 0.01, 2),
        block("Just over", Label.NAVIGATION, LOW_CONFIDENCE + 0.01, 3),
    ]
    report = render_report(blocks)
    classes = re.findall(r'<li class="block ([^"]+)" id="b(\d)"', report)
    assert classes == [("label-editorial", "0"), ("label-caption low", "1"), ("label-navigation", "2")]
    assert report.count('class="lowmark" title') == 1
    assert '<b id="low-count">1</b>' in report
    assert '<b id="low-count">0</b>' in render_report(blocks, threshold=0.3)
    assert '<span class="prob" title="caption 0.59' in report


def test_cleaned_text_panel_and_html_blocks():
    nav = DomContext(tag="nav", path=("html", "body", "nav"))
    blocks = [
        Block("Home | News", dom=nav, label=Label.NAVIGATION, probabilities={Label.NAVIGATION: 0.9}),
        Block("Story <one>", label=Label.EDITORIAL, probabilities={Label.EDITORIAL: 0.8}),
        Block("Story two", label=Label.EDITORIAL, probabilities={Label.EDITORIAL: 0.7}),
    ]
    report = render_report(blocks, "page.html")
    assert html.unescape(between(report, '<pre id="cleaned" class="panel">', "</pre>")) == "Story <one>\nStory two"
    assert "HTML page" in report and "#1 &lt;nav&gt;" in report
    assert embedded_data(report)["blocks"][0]["lines"] is None


def test_unlabeled_blocks_are_refused():
    with pytest.raises(ValueError, match="block 1 has no label"):
        render_report([Block("text")])


def test_embedded_data_reproduces_write_labeled_text(small_model):
    """The data the export script reads gives back write_labeled_text's output, blank lines and all."""
    from classifier.pipeline import classify

    model, _ = small_model
    page = "Home | News\n\n\nA story about the harbour wall.\n  \nMore text of the story.\n\nSponsored: buy now\n"
    blocks = classify(page, "text", model, "dump.txt")
    meta = {"id": "dump", "source": "dump.txt"}
    expected = write_labeled_text(blocks, meta)
    report = render_report(blocks, "dump.txt")
    data = embedded_data(report)
    rebuilt = [
        Block(text=b["text"], lines=tuple(b["lines"]) if b["lines"] else None, label=Label(b["label"]))
        for b in data["blocks"]
    ]
    assert write_labeled_text(rebuilt, dict(data["meta"])) == expected
    assert html.unescape(between(report, '<pre id="labeled" class="panel" hidden>', "</pre>")) == expected
    parsed = read_labeled_text(expected, "dump.labeled.txt")
    assert [b.lines for b in parsed.blocks] == [b.lines for b in blocks] == [(1, 1), (4, 4), (6, 6), (8, 8)]
    assert parsed.id == "dump" and data["filename"] == "dump.labeled.txt"


def test_index_lists_reports_and_errors():
    from classifier.report import ReportEntry

    entries = [
        ReportEntry("a.txt", report="a.report.html", blocks=3, counts={Label.EDITORIAL: 2, Label.NAVIGATION: 1}),
        ReportEntry("<bad>.txt", error="<bad>.txt: page is empty"),
    ]
    index = render_index(entries)
    assert '<a href="a.report.html">a.txt</a>' in index
    assert "error: &lt;bad&gt;.txt: page is empty" in index and "<bad>" not in index
    assert "2 pages: 1 reports, 1 errors" in index and "<script" not in index


PAGE = "Home | World | Sport\n\nHarbour town votes to rebuild its old sea wall\nResidents voted on Sunday.\n"
HTML_PAGE = "<html><body><nav><a href='/'>Home</a></nav><article><h1>Title</h1><p>Text.</p></article></body></html>"


@pytest.fixture
def batch(tmp_path):
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    (pages / "good.txt").write_text(PAGE)
    (pages / "sub" / "good.txt").write_text(PAGE)  # same stem: gets its own report name
    (pages / "front.html").write_text(HTML_PAGE)
    (pages / "empty.txt").write_bytes(b"")
    (pages / "notes.md").write_text("not a page")
    return pages


def test_batch_writes_reports_and_an_index_with_the_failing_page(small_model, batch, tmp_path):
    model, _ = small_model
    out = tmp_path / "out"
    result = write_reports([batch, tmp_path / "missing.txt"], out, model)
    assert result.path == out / INDEX
    assert [e.source for e in result.failed] == [str(batch / "empty.txt"), str(tmp_path / "missing.txt")]
    assert "is empty" in result.failed[0].error and "No such file" in result.failed[1].error
    names = [e.report for e in result.written]
    assert names == ["front" + REPORT_SUFFIX, "good" + REPORT_SUFFIX, "good-2" + REPORT_SUFFIX]  # page order
    index = (out / INDEX).read_text()
    for name in names:
        assert f'href="{name}"' in index and (out / name).read_text().startswith("<!doctype html>")
    assert index.count('class="failed"') == 2 and "notes.md" not in index
    # The reports folder may sit inside the pages folder: a second run does not read its own output.
    inside = write_reports([batch], batch / "reports", model)
    again = write_reports([batch], batch / "reports", model)
    assert len(again.entries) == len(inside.entries) == 4


def test_batch_into_a_file_is_refused(small_model, batch, tmp_path):
    model, _ = small_model
    (tmp_path / "taken").write_text("x")
    with pytest.raises(OutputError, match="taken: is a file"):
        write_reports([batch / "good.txt", batch / "front.html"], tmp_path / "taken", model)


def test_cli_inspect_one_page_and_open(small_model, tmp_path, monkeypatch):
    _, model_dir = small_model
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["inspect", str(page), "-o", str(out), "--model", str(model_dir), "--open"])
    assert result.exit_code == 0, result.output
    assert "1 report(s), 0 error(s)" in result.output
    assert opened == [out.resolve().as_uri()]
    assert len(embedded_data(out.read_text())["blocks"]) == 3

    monkeypatch.setattr("webbrowser.open", lambda url: False)
    headless = CliRunner().invoke(main, ["inspect", str(page), "-o", str(out), "--model", str(model_dir), "--open"])
    assert headless.exit_code == 0 and "no web browser found" in headless.output


def test_cli_inspect_errors_are_one_line(small_model, batch, tmp_path):
    _, model_dir = small_model
    runner = CliRunner()
    empty = runner.invoke(
        main, ["inspect", str(batch / "empty.txt"), "-o", str(tmp_path / "r.html"), "--model", str(model_dir)]
    )
    assert empty.exit_code == 1 and "empty.txt" in empty.output and "is empty" in empty.output
    assert "Traceback" not in empty.output and len(empty.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()

    out = tmp_path / "reports"
    mixed = runner.invoke(main, ["inspect", str(batch), "-o", str(out), "--model", str(model_dir)])
    assert mixed.exit_code == 1
    assert f"error: {batch / 'empty.txt'}" in mixed.output and "3 report(s), 1 error(s)" in mixed.output
    assert (out / INDEX).is_file() and (out / ("front" + REPORT_SUFFIX)).is_file()
    assert "Example:" in runner.invoke(main, ["inspect", "--help"]).output
