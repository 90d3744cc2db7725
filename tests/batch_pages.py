"""Small HTML pages for the batch tests, written for this project and varied by a number."""

from __future__ import annotations

import json
from pathlib import Path

PLACES = ["Port Alderney", "Kessling", "Marrowby", "Upper Fenwick", "Dunhallow", "Caswell Bay", "Tollmere"]
TOPICS = ["sea wall", "bus depot", "library", "flood barrier", "tram line", "school roof", "market hall"]


def make_page(number: int) -> str:
    """An article page with a menu, a headline, three paragraphs, a caption and a sponsored box."""
    place = PLACES[number % len(PLACES)]
    topic = TOPICS[(number // len(PLACES)) % len(TOPICS)]
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{place} {topic} | The Coast Post</title></head>
<body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<article>
<h1>{place} council approves plan for a new {topic} (report {number})</h1>
<p>Councillors in {place} voted on Tuesday to go ahead with the new {topic}, ending a debate that has
run for almost three years and divided residents of the old harbour district.</p>
<figure><img src="/img/{number}.jpg"><figcaption>The site of the planned {topic} in {place}.
(Photo: Coast Post)</figcaption></figure>
<p>The project will cost about {number % 90 + 10} million euros, of which the regional government has
agreed to pay half. Work is expected to start next spring and to take two years.</p>
<p>Opponents said the money would be better spent on repairing roads, while supporters argued that the
{topic} would bring visitors and jobs to a town that has lost both over the past decade.</p>
</article>
<aside class="sponsored"><p>Sponsored: Discover Brightwave solar roofs for your home. Learn more here.</p></aside>
<footer><p>&copy; The Coast Post. All rights reserved. <a href="/privacy">Privacy</a></p></footer>
</body></html>
"""


def write_jsonl(path: Path, count: int, start: int = 0) -> list[str]:
    """``count`` pages as JSON Lines records ``{"id", "url", "html"}``; returns the pages."""
    pages = [make_page(start + n) for n in range(count)]
    with open(path, "w", encoding="utf-8") as handle:
        for n, page in enumerate(pages, start):
            handle.write(json.dumps({"id": f"page-{n}", "url": f"https://coast.example/{n}", "html": page}) + "\n")
    return pages
