"""Remake docs/report.png: the report of tests/pages/harbour.txt with the default model, in headless Chromium.

Run from the project root (needs playwright and Debian's chromium): python docs/report_png.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from classifier.pipeline import classify
from classifier.report import render_report

ROOT = Path(__file__).resolve().parent.parent
PAGE = "tests/pages/harbour.txt"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
#: A laptop-sized window: wide enough for the side panel next to the blocks.
VIEWPORT = {"width": 1280, "height": 1000}


def main(output: str = "docs/report.png") -> None:
    blocks = classify((ROOT / PAGE).read_bytes(), source=PAGE)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        report.write_text(render_report(blocks, PAGE), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(report.as_uri())
            page.screenshot(path=str(ROOT / output), full_page=True)
            browser.close()
    print(f"wrote {output}")


if __name__ == "__main__":
    main(*sys.argv[1:])
