"""The report in a real browser (headless Chromium driven by Playwright): render, correct, export, train."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.export import editorial_text
from classifier.labeled import read_labeled_text, write_labeled_text
from classifier.labels import LABELS
from classifier.pipeline import classify
from classifier.report import INDEX, render_report, write_reports
from classifier.training import train

#: Debian's chromium package (.ci/run installs it); Playwright's own browser builds cannot be downloaded here.
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a headless run as root with no network: no sandbox (root), no background fetches.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)")

# Written for this test: a text dump with blank lines, and page text that tries to run script.
PAGE = """Home | World | Business | Sport

Harbour town votes to rebuild its old sea wall
By Ines Marlow · 3 min read

Residents of Port Alderney voted on Sunday to rebuild the crumbling sea wall.
<script>window.pwned = 1; alert(1)</script>
The council will ask the regional government for half of the cost. </script><script>window.pwned = 2</script>


<!-- Sponsored: Brightwave solar roofs pay for themselves. <img src=x onerror="window.pwned=3">
© 2026 Coastline Post
"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str):
    """A new page at ``url``, and the lists that collect its script errors, console errors and dialogs."""
    page = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(url)
    return page, problems


def test_correct_a_label_export_and_train(browser, small_model, small_training_files, tmp_path):
    model, _ = small_model
    source = "harbour-page.txt"
    blocks = classify(PAGE, "text", model, source)
    meta = {"id": "harbour-page", "source": source}
    report = tmp_path / "report.html"
    report.write_text(render_report(blocks, source), encoding="utf-8")
    page, problems = open_page(browser, report.as_uri())

    items = page.locator("#blocks > li.block")
    assert items.count() == len(blocks) == 8
    for i, block in enumerate(blocks):
        item = items.nth(i)
        assert item.locator("select").input_value() == block.label.value
        assert item.locator(".text").inner_text() == block.text  # hostile text shows as text
        assert f"label-{block.label.value}" in item.get_attribute("class")
    assert page.evaluate("window.pwned") is None
    # The script's export of the unchanged page is write_labeled_text's, byte for byte.
    assert page.evaluate("blockReport.labeledText(blockReport.current)") == write_labeled_text(blocks, meta)

    target = 3  # the line "Residents of Port Alderney ..." (line 6)
    new = next(label for label in LABELS if label is not blocks[target].label)
    item = items.nth(target)
    tint_before = item.evaluate("e => getComputedStyle(e).backgroundColor")
    item.locator("select").select_option(new.value)
    assert f"label-{new.value}" in item.get_attribute("class") and "changed" in item.get_attribute("class")
    assert (
        item.locator(".wasmark").is_visible()
        and item.evaluate("e => getComputedStyle(e).backgroundColor") != tint_before
    )
    assert page.locator("#changes").inner_text() == "1 correction"
    assert item.locator(".prob").inner_text() == f"{blocks[target].probabilities[new]:.2f}"
    blocks[target].label = new
    expected_count = sum(block.label is new for block in blocks)
    assert page.locator(f'#counts b[data-count="{new.value}"]').inner_text() == str(expected_count)
    assert page.locator("#cleaned").inner_text() == editorial_text(blocks)

    with page.expect_download() as download_info:
        page.click("#export")
    download = download_info.value
    assert download.suggested_filename == "harbour-page.labeled.txt"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    text = exported.read_text(encoding="utf-8")
    assert text == write_labeled_text(blocks, meta)
    parsed = read_labeled_text(text, str(exported))
    assert parsed.labels == [block.label for block in blocks] and parsed.labels[target] is new
    assert [b.lines for b in parsed.blocks] == [b.lines for b in blocks] and parsed.blocks[target].lines == (6, 6)

    page.click('.tabs button[data-tab="labeled"]')
    assert page.locator("#labeled").is_visible() and not page.locator("#cleaned").is_visible()
    assert page.locator("#labeled").inner_text().strip() == text.strip()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert problems == []

    trained = train([exported, *small_training_files[:4]], cv=0)
    assert trained.card["training_pages"] == 5
    assert trained.predict(parsed.blocks)  # the new model labels the corrected page


def test_batch_index_links_reports(browser, small_model, tmp_path):
    model, _ = small_model
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "front.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav><article><h1>Title &lt;script&gt;</h1>"
        "<p>Text of the story.</p><figure><figcaption>A caption.</figcaption></figure></article></body></html>"
    )
    (pages / "broken.txt").write_bytes(bytes(range(256)) * 4)
    result = write_reports([pages], tmp_path / "out", model)
    page, problems = open_page(browser, (tmp_path / "out" / INDEX).as_uri())
    assert page.locator("tr.failed").inner_text().count("broken.txt") >= 1
    page.click("text=front.html")
    page.wait_for_selector("#blocks")
    assert page.locator("#blocks > li.block").count() == result.written[0].blocks == 4
    assert page.locator("#blocks > li.block").nth(1).locator(".text").inner_text() == "Title <script>"
    assert problems == []
