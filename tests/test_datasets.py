"""Converters from the public datasets to labeled pages. Every record here is invented for these tests; the smoke
test at the end reads a few real pages from ../shared/data when it is there and copies nothing out of them."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier.datasets import ads as ads_module
from classifier.datasets import convert_record, export
from classifier.datasets.__main__ import main as datasets_cli
from classifier.datasets.ads import Ad, ad_label, insert_ads
from classifier.datasets.align import Reference, align, match_tokens, tokens
from classifier.datasets.dom import page_blocks, parse_html
from classifier.datasets.easylist import SponsoredSelectors, parse_selector
from classifier.datasets.export import text_dump, text_region
from classifier.datasets.records import (
    PAGE_FILES,
    WCXB_VALIDATION_SHARE,
    HeldOutGuard,
    is_validation,
    page_fraction,
    read_records,
)
from classifier.datasets.rules import is_byline_or_date, is_credit
from classifier.errors import DataFormatError, HeldOutError
from classifier.labeled import load_labeled, read_labeled_jsonl
from classifier.labels import Label
from classifier.segment import segment_html

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

E, S, C, N = Label.EDITORIAL, Label.SPONSORED, Label.CAPTION, Label.NAVIGATION

# --- invented pages ------------------------------------------------------------------------------------------------

STORY = [
    "Harbour board approves new ferry timetable for the winter season",
    "The Wexmoor harbour board voted on Tuesday to add two early crossings to the island ferry from November.",
    "Commuters had asked for a crossing before seven for three years, said board chair Olena Marsh.",
    "The new timetable starts on the first Monday of November and runs until the end of March next year.",
]
MENU = ["Home", "News", "Sport", "Weather"]
CAPTION = "The morning ferry leaves the Wexmoor quay at dawn."


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Wexmoor Gazette</title></head><body>{body}</body></html>"


def _menu() -> str:
    return "<ul class='menu'>" + "".join(f"<li><a href='/{w.lower()}'>{w}</a></li>" for w in MENU) + "</ul>"


def _labels_by_text(page) -> dict[str, Label]:
    return {block.text: label for block, label in zip(page.blocks, page.labels)}


def l3s_record(page_id: str = "gn1_test-1") -> dict:
    def sel(n: int, text: str) -> str:
        return f"<span class='x-nc-sel{n}'>{text}</span>"

    annotated = _page(
        "<ul>" + "".join(f"<li>{sel(0, w)}</li>" for w in MENU) + "</ul>"
        f"<h1>{sel(1, STORY[0])}</h1>"
        f"<p>{sel(3, 'By Olena Marsh, harbour reporter')}</p>"
        f"<div class='pic'><img src='ferry.jpg'><p>{sel(3, CAPTION)}</p></div>"
        + "".join(f"<p>{sel(2, t)}</p>" for t in STORY[1:])
        + f"<p>{sel(4, 'Related: Island school gets a new roof before the storms')}</p>"
        f"<p>{sel(5, 'Great news for everyone who commutes to the island every single morning!')}</p>"
    )
    html = _page(
        _menu() + f"<h1>{STORY[0]}</h1><p>By Olena Marsh, harbour reporter</p>"
        "<div class='pic'><img src='ferry.jpg'><p>The morning ferry leaves the Wexmoor quay at dawn.</p></div>"
        + "".join(f"<p>{t}</p>" for t in STORY[1:])
        + "<p>Related: Island school gets a new roof before the storms</p>"
        "<p>Great news for everyone who commutes to the island every single morning!</p>"
    )
    return {"id": page_id, "dataset": "l3s-gn1", "split": "train", "html": html, "annotated_html": annotated}


def googletrends_record(page_id: str = "gt_9001") -> dict:
    body = (
        "{menu}<h1 __label='title'>{title}</h1><span __label='author'>Olena Marsh</span>"
        "<figure __label='image'><img src='a.jpg'><figcaption>The quay at low tide on Sunday.</figcaption></figure>"
        "{paras}<div __label='comment'><p>I take this ferry every day and this is very welcome news indeed.</p></div>"
    )
    paras = "".join(f"<p __label='main'>{t}</p>" for t in STORY[1:])
    annotated = _page(body.format(menu=_menu(), title=STORY[0], paras=paras))
    html = annotated
    for value in ("title", "author", "image", "main", "comment"):
        html = html.replace(f" __label='{value}'", "")
    return {"id": page_id, "dataset": "googletrends-2017", "split": "train", "html": html, "annotated_html": annotated}


def cleaneval_record(page_id: str = "ce_9001") -> dict:
    kept = "".join(f"<p><span __label='true'>{t}</span></p>" for t in STORY)
    annotated = _page("<ul>" + "".join(f"<li><span>{w}</span></li>" for w in MENU) + "</ul>" + kept)
    html = '<text id="http://example.org/ferry" title="Ferry" encoding="utf-8">\n' + _page(
        _menu() + "".join(f"<p>{t}</p>" for t in STORY)
    )
    html += "\n</text>\n"
    return {"id": page_id, "dataset": "cleaneval", "split": "train", "html": html, "annotated_html": annotated}


def dragnet_record(page_id: str = "D9001") -> dict:
    html = _page(
        _menu()
        + f"<h1>{STORY[0]}</h1><p class='byline'>By Olena Marsh</p>"
        + "".join(f"<p>{t}</p>" for t in STORY[1:])
        + "<div class='comments'><p>Finally an early boat, I have waited for this since the spring timetable.</p></div>"
        + "<p>Weather: rain spreading from the west later on Thursday afternoon.</p>"
    )
    gold = "\n\n".join([STORY[0], "By Olena Marsh", *STORY[1:]])
    comments = "Finally an early boat, I have waited for this since the spring timetable."
    return {
        "id": page_id,
        "dataset": "dragnet",
        "split": "train",
        "html": html,
        "gold_text": gold,
        "comments_text": comments,
    }


def wcxb_record(page_id: str = "9001") -> dict:
    html = _page(
        _menu()
        + f"<h1>{STORY[0]}</h1>"
        + "".join(f"<p>{t}</p>" for t in STORY[1:])
        + "<p>Sign up for the Wexmoor morning newsletter</p>"
    )
    gold = "\n\n".join([*STORY, "Sign up for the Wexmoor morning newsletter"])
    return {
        "id": page_id,
        "dataset": "wcxb",
        "split": "dev",
        "html": html,
        "gold_text": gold,
        "with": [STORY[1][:40]],
        "without": ["Sign up for the Wexmoor morning newsletter"],
    }


AD_HTML = (
    "<div class='promoted-stories'><p>Promoted Stories</p>"
    "<a href='https://ads.example/1'>Brightwell Mattress: the sleep upgrade everyone in Wexmoor is talking about</a>"
    "<p class='ad-label'>Advertisement</p></div>"
)


def _write_gz(path: Path, records: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A miniature shared/data folder: one invented page per dataset, one ad, two EasyList rules, held-out ids."""
    data = tmp_path / "data"
    (data / "heldout_ids").mkdir(parents=True)
    for name in ("l3s-gn1", "googletrends-2017", "cleaneval", "dragnet", "wcxb"):
        (data / "heldout_ids" / f"{name}.txt").write_text("held-1\nheld-2\n", encoding="utf-8")
    (data / "heldout_ids" / "dropped_from_dev_copy.tsv").write_text(
        "file\tid\theld_back_page\treason\ndragnet.train.jsonl.gz\tD-near\tdragnet/held-1\tnear copy\n",
        encoding="utf-8",
    )
    _write_gz(data / "l3s-gn1.train.jsonl.gz", [l3s_record()])
    _write_gz(data / "googletrends-2017.train.jsonl.gz", [googletrends_record()])
    _write_gz(data / "cleaneval.train.jsonl.gz", [cleaneval_record()])
    _write_gz(data / "dragnet.train.jsonl.gz", [dragnet_record()])
    _write_gz(data / "wcxb.dev.jsonl.gz", [wcxb_record()])
    ad = {"id": "ad-1", "dataset": "conpro-ads", "split": "train", "html": AD_HTML, "gold_text": "Promoted Stories"}
    ad["extra"] = {"content_code": "Product"}
    _write_gz(data / "conpro-ads.train.jsonl.gz", [ad])
    rules = [
        {"domains": "", "type": "generic", "extended": False, "selector": ".sponsor-links"},
        {"domains": "", "type": "generic", "extended": True, "selector": "div:-abp-has(.x)"},
    ]
    _write_gz(data / "easylist.sponsored_selectors.jsonl.gz", rules)
    return data


# --- converters ----------------------------------------------------------------------------------------------------


def test_l3s_classes_map_to_our_labels():
    labels = _labels_by_text(convert_record(l3s_record(), "l3s"))
    assert labels[STORY[0]] is E and all(labels[t] is E for t in STORY[1:])
    assert labels[CAPTION] is C  # supplemental beside an image
    assert labels["By Olena Marsh, harbour reporter"] is N  # supplemental elsewhere: a byline
    assert labels["Related: Island school gets a new roof before the storms"] is N
    assert labels["Great news for everyone who commutes to the island every single morning!"] is N
    assert all(labels[w] is N for w in MENU)


def test_l3s_innermost_span_wins():
    record = l3s_record()
    record["annotated_html"] = record["annotated_html"].replace(
        f"<h1><span class='x-nc-sel1'>{STORY[0]}</span></h1>",
        f"<h1><span class='x-nc-sel4'><span class='x-nc-sel1'>{STORY[0]}</span></span></h1>",
    )
    assert _labels_by_text(convert_record(record, "l3s"))[STORY[0]] is E


def test_googletrends_labels_and_figcaption():
    page = convert_record(googletrends_record(), "gt")
    labels = _labels_by_text(page)
    assert labels[STORY[0]] is E and all(labels[t] is E for t in STORY[1:])
    assert labels["The quay at low tide on Sunday."] is C
    assert labels["Olena Marsh"] is N
    assert labels["I take this ferry every day and this is very welcome news indeed."] is N
    assert "__label" not in page.original_html


def test_cleaneval_wrapper_is_stripped_and_kept_text_is_editorial():
    page = convert_record(cleaneval_record(), "ce")
    labels = _labels_by_text(page)
    assert all(labels[t] is E for t in STORY) and all(labels[w] is N for w in MENU)
    assert not page.original_html.lstrip().startswith("<text")


def test_dragnet_gold_alignment_with_byline_and_comments():
    page = convert_record(dragnet_record(), "dragnet")
    labels = _labels_by_text(page)
    assert labels[STORY[0]] is E and all(labels[t] is E for t in STORY[1:])
    assert labels["By Olena Marsh"] is N  # in the gold, but a byline is navigation for us
    assert labels["Finally an early boat, I have waited for this since the spring timetable."] is N
    assert labels["Weather: rain spreading from the west later on Thursday afternoon."] is N
    assert all(labels[w] is N for w in MENU)
    assert page.stats.aligned_tokens == page.stats.gold_tokens


def test_wcxb_without_snippet_is_not_editorial():
    labels = _labels_by_text(convert_record(wcxb_record(), "wcxb"))
    assert all(labels[t] is E for t in STORY)
    assert labels["Sign up for the Wexmoor morning newsletter"] is N


def test_unknown_dataset_and_missing_gold_are_errors():
    with pytest.raises(DataFormatError, match="no converter"):
        convert_record({"id": "x", "dataset": "readability", "html": _page("<p>x</p>")}, "rec")
    record = dragnet_record()
    record["gold_text"] = None
    with pytest.raises(DataFormatError, match="no gold_text"):
        convert_record(record, "rec")


def test_page_blocks_match_the_segmenter():
    html = dragnet_record()["html"]
    assert [b.text for b in page_blocks(parse_html(html))] == [b.text for b in segment_html(html)]


# --- alignment and rules -------------------------------------------------------------------------------------------


def test_match_tokens_is_monotonic_and_survives_a_repeated_article():
    article = tokens(" ".join(STORY))
    page = tokens("menu home") + article + tokens("print copy") + article
    matches = match_tokens(page, article)
    partners = [j for j in matches if j >= 0]
    assert partners == sorted(partners) and len(partners) == len(article)


def test_chance_matches_of_short_words_are_dropped():
    reference = Reference()
    reference.add("We went home early because the ferry was late again today", E.value)
    result = align(["Home", "We went home early because the ferry was late again today"], reference)
    assert result.blocks[0].winner() is None and result.blocks[1].winner() == E.value


def test_bylines_dates_and_credits():
    assert is_byline_or_date("By Olena Marsh") and is_byline_or_date("March 3, 2011 | 4:05 pm")
    assert not is_byline_or_date("By the end of the year the harbour had two ferries.")
    assert not is_byline_or_date("Photos of the harbour festival: 24 July 2012")
    assert is_credit("(AP Photo/Jan Kowal)") and is_credit("Photo: Wexmoor Gazette")
    assert not is_credit(STORY[1]) and not is_credit("By Olena Marsh, Wexmoor (AP)")


# --- held-out guard ------------------------------------------------------------------------------------------------


def test_guard_refuses_held_out_ids_evaluation_data_and_test_splits(data_dir):
    guard = HeldOutGuard.from_folder(data_dir)
    guard.check({"id": "D9001", "dataset": "dragnet", "split": "train"}, "ok")
    with pytest.raises(HeldOutError, match="held out"):
        guard.check({"id": "held-2", "dataset": "wcxb", "split": "dev"}, "rec")
    with pytest.raises(HeldOutError, match="held out"):
        guard.check({"id": "D-near", "dataset": "dragnet", "split": "train"}, "rec")  # a dropped near copy
    with pytest.raises(HeldOutError, match="evaluation"):
        guard.check({"id": "p1", "dataset": "scrapinghub", "split": "eval"}, "rec")
    with pytest.raises(HeldOutError, match="evaluation"):
        guard.check({"id": "p1", "dataset": "l3s-gn1", "split": "test"}, "rec")
    for name in ("scrapinghub.eval.jsonl.gz", "trafilatura-eval.eval.jsonl.gz", "readability.eval.jsonl.gz"):
        with pytest.raises(HeldOutError):
            guard.check_file(data_dir / name)


def test_guard_fails_closed_without_id_lists(tmp_path):
    with pytest.raises(DataFormatError, match="held-out id lists"):
        HeldOutGuard.from_folder(tmp_path)


def test_export_stops_at_a_held_out_page(data_dir, tmp_path):
    _write_gz(data_dir / "dragnet.train.jsonl.gz", [dragnet_record(), dragnet_record("held-1")])
    with pytest.raises(HeldOutError, match="held-1"):
        export(data_dir, tmp_path / "out", datasets=["dragnet"])


def test_read_records_checks_every_record(data_dir):
    guard = HeldOutGuard.from_folder(data_dir)
    _write_gz(data_dir / "wcxb.dev.jsonl.gz", [wcxb_record(), wcxb_record("held-2")])
    records = read_records(data_dir / "wcxb.dev.jsonl.gz", guard)
    assert next(records)["id"] == "9001"
    with pytest.raises(HeldOutError):
        next(records)


# --- sponsored examples --------------------------------------------------------------------------------------------


def test_simple_selectors_are_parsed_and_complex_ones_skipped():
    assert parse_selector("div.sponsor-box#top")[0].classes == ("sponsor-box",)
    assert len(parse_selector('.a, [id^="taboola-"]')) == 2
    for selector in ("div > .sponsored", "article:-abp-has(.promoted)", ".x:not(.y)", "a + .b"):
        assert parse_selector(selector) is None


def test_selector_matching_respects_domains():
    rules = [
        {"domains": "", "selector": '[id^="outbrain-"]'},
        {"domains": "wexmoor.example", "selector": ".partner-box"},
        {"domains": "", "selector": "div.gone > p", "extended": False},
    ]
    selectors = SponsoredSelectors.from_records(rules)
    assert selectors.skipped == 1
    root = parse_html(_page("<div id='outbrain-3'><p>x</p></div><div class='partner-box'><p>y</p></div>"))
    here = selectors.matches(root, "https://news.wexmoor.example/a")
    elsewhere = selectors.matches(root, "https://other.example/a")
    assert len(here) == 2 and len(elsewhere) == 1 and elsewhere[0].get("id") == "outbrain-3"


def test_conpro_content_codes():
    assert ad_label("Sponsored Editorial") is S and ad_label("Self-Link") is N
    assert ad_label("['Product', 'Sponsored Editorial']") is S and ad_label(["Self-Link", "Product"]) is None


def test_ad_insertion_is_seeded_and_keeps_the_page_blocks(monkeypatch):
    monkeypatch.setattr(ads_module, "AD_PAGE_SHARE", 1.0)
    ad = Ad("ad-1", AD_HTML, S)

    def run(seed: str):
        page = convert_record(dragnet_record(), "dragnet")
        done = insert_ads(page.root, page.blocks, page.labels, [ad], random.Random(seed))
        return page, done, [b.text for b in page_blocks(page.root)]

    page, done, texts = run("a")
    assert done and [t for t in texts if "Brightwell" not in t and t not in ("Promoted Stories", "Advertisement")] == [
        b.text for b in page.blocks
    ]
    assert run("a")[2] == texts  # same seed, same page


def test_ads_go_after_whole_paragraphs_into_containers():
    root = parse_html(_page("<div><p><b>Ferry</b> news from the quay today.</p><p>Second paragraph.</p></div>"))
    bold = root.find(".//b")
    wrapper = ads_module.ad_tree(AD_HTML)
    assert ads_module._insert_after(bold, wrapper)  # not inside the <p>: after it, in the <div>
    assert wrapper.getparent().tag == "div" and wrapper.getprevious().tag == "p"
    texts = [b.text for b in page_blocks(root)]
    assert texts[0] == "Ferry news from the quay today." and texts[-1] == "Second paragraph."


def test_export_labels_ads_and_easylist_matches(data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(ads_module, "AD_PAGE_SHARE", 1.0)
    record = dragnet_record()
    record["html"] = record["html"].replace(
        "<p>Weather:",
        "<ul class='sponsor-links'><li>Cheap flights to the island with Gullwing Air</li></ul><p>Weather:",
    )
    _write_gz(data_dir / "dragnet.train.jsonl.gz", [record])
    export(data_dir, tmp_path / "out", datasets=["dragnet"])
    (page,) = read_labeled_jsonl(tmp_path / "out" / "train" / "dragnet.train.html.jsonl.gz")
    labels = {block.text: block.label for block in page.blocks}
    assert labels["Cheap flights to the island with Gullwing Air"] is S
    assert labels["Brightwell Mattress: the sleep upgrade everyone in Wexmoor is talking about"] is S
    assert labels["Advertisement"] is N  # a bare ad marker stays navigation
    assert labels[STORY[1]] is E


# --- export, text mirror, training reader --------------------------------------------------------------------------


def test_export_writes_html_and_text_mirror_that_training_reads(data_dir, tmp_path):
    out = tmp_path / "out"
    summaries = export(data_dir, out, ads=False)
    assert {(s.dataset, s.pages_exported) for s in summaries if s.pages_read} == {
        (name, 1) for name in ("l3s-gn1", "googletrends-2017", "cleaneval", "dragnet", "wcxb")
    }
    for summary in summaries:
        if not summary.pages_read:
            continue
        (html_file,) = out.glob(f"*/{summary.dataset}.{summary.split}.html.jsonl.gz")
        stem = str(html_file).removesuffix(".html.jsonl.gz")
        assert html_file.parent.name == ("validation" if summary.validation_pages else "train")
        (html_page,) = read_labeled_jsonl(f"{stem}.html.jsonl.gz")
        (text_page,) = read_labeled_jsonl(f"{stem}.text.jsonl.gz")
        assert html_page.format == "html" and text_page.format == "text"
        assert all(block.dom is not None for block in html_page.blocks)  # re-segmented: DOM context is there
        html_blocks = [(b.text, b.label) for b in html_page.blocks]
        text_blocks = [(b.text, b.label) for b in text_page.blocks]
        assert html_blocks[len(html_blocks) - len(text_blocks) :] == text_blocks  # the same, or cut at the story
        with gzip.open(f"{stem}.html.jsonl.gz", "rt", encoding="utf-8") as handle:
            assert json.loads(handle.readline())["dataset"] == summary.dataset
    assert len(load_labeled([out])) == 10
    assert json.loads((out / "summary.json").read_text())["files"][0]["dataset"] == "l3s-gn1"


def test_some_text_mirrors_start_at_the_story():
    labels = [N] * 6 + [E, N, E]
    starts = {len(labels) - len(text_region(list(range(9)), labels, random.Random(seed))[1]) for seed in range(200)}
    assert starts == {0, 4, 5, 6}  # whole page, or 0-2 blocks before the first editorial block
    assert text_region([1, 2], [N, N], random.Random(0)) == ([1, 2], [N, N])  # no story: the whole page


def test_text_dump_keeps_list_items_together():
    root = parse_html(_page(_menu() + "".join(f"<p>{t}</p>" for t in STORY[:2])))
    blocks = page_blocks(root)
    lines = text_dump(blocks, [N] * 4 + [E, E])
    assert [line["text"] for line in lines] == [*MENU, "", STORY[0], "", STORY[1]]
    assert "" not in [line["text"] for line in text_dump(blocks, [N] * 6, compact=True)]


def test_training_reader_refuses_html_that_segments_differently(tmp_path):
    html = _page("<p>One short paragraph of the harbour story.</p><p>Another paragraph here.</p>")
    good = {
        "id": "p",
        "format": "html",
        "html": html,
        "blocks": [
            {"text": "One short paragraph of the harbour story.", "label": "E"},
            {"text": "Another paragraph here.", "label": "navigation"},
        ],
    }
    bad = dict(good, blocks=good["blocks"][:1])
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    (page,) = read_labeled_jsonl(path)
    assert page.labels == [E, N] and page.blocks[0].dom.tag == "p"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="differ"):
        list(read_labeled_jsonl(path))


def test_export_refuses_an_output_inside_the_repository(data_dir):
    result = CliRunner().invoke(datasets_cli, ["export", "--data", str(data_dir), "-o", str(ROOT / "exported")])
    assert result.exit_code == 1 and "inside the repository" in result.output
    assert not (ROOT / "exported").exists()


def test_cli_export(data_dir, tmp_path):
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        datasets_cli, ["export", "--data", str(data_dir), "-o", str(out), "--dataset", "wcxb", "--no-ads"]
    )
    assert result.exit_code == 0, result.output
    assert "wcxb.dev: 1/1 pages" in result.output
    assert list(out.glob("*/wcxb.dev.html.jsonl.gz")) and not list(out.glob("*/dragnet.train.html.jsonl.gz"))


def test_validation_pages_are_dev_pages_and_a_stable_wcxb_slice():
    assert is_validation("l3s-gn1", "dev", "gn1_x") and not is_validation("l3s-gn1", "train", "gn1_x")
    assert not is_validation("dragnet", "train", "R1")
    slice_ = [is_validation("wcxb", "dev", str(n)) for n in range(4000)]
    assert abs(sum(slice_) / len(slice_) - WCXB_VALIDATION_SHARE) < 0.02
    assert slice_ == [is_validation("wcxb", "dev", str(n)) for n in range(4000)]  # the same every time
    assert page_fraction("a") == page_fraction("a") != page_fraction("b")


def test_export_sample_keeps_validation_pages_and_drops_training_pages(data_dir, tmp_path):
    summaries = export(data_dir, tmp_path / "none", ads=False, sample=0.0)
    expected = int(is_validation("wcxb", "dev", wcxb_record()["id"]))
    assert sum(s.pages_read for s in summaries) == expected  # only validation pages are read
    assert not list((tmp_path / "none" / "train").iterdir())
    summaries = export(data_dir, tmp_path / "all", ads=False, sample=1.0)
    assert sum(s.pages_read for s in summaries) == 5


def test_cli_missing_data_folder_is_one_line_error(tmp_path):
    result = CliRunner().invoke(datasets_cli, ["export", "--data", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "held-out id lists" in result.output and "Traceback" not in result.output


# --- real pages (smoke) --------------------------------------------------------------------------------------------

needs_data = pytest.mark.skipif(
    not (SHARED_DATA / "heldout_ids").is_dir(), reason=f"{SHARED_DATA} is absent (the public datasets live there)"
)


@needs_data
@pytest.mark.parametrize("file", [f for f in PAGE_FILES if f.split == "train" or f.dataset == "wcxb"], ids=str)
def test_smoke_three_real_pages(file):
    guard = HeldOutGuard.from_folder(SHARED_DATA)
    converted = 0
    for n, record in enumerate(read_records(SHARED_DATA / file.name, guard)):
        if converted == 3 or n == 10:
            break
        try:
            page = convert_record(record, f"{file.name}:{n}")
        except DataFormatError:
            continue  # a page the segmenter finds empty; the export counts these as errors
        converted += 1
        assert all(isinstance(label, Label) for label in page.labels) and len(page.labels) == len(page.blocks)
        editorial = set(tokens(" ".join(b.text for b, label in zip(page.blocks, page.labels) if label is E)))
        gold = set(tokens(record.get("gold_text") or ""))
        if gold:  # the editorial text is there, and it is the gold's (Dragnet's gold can also hold comments)
            assert editorial and len(editorial & gold) / len(editorial) > 0.8, record["id"]
    assert converted == 3


@needs_data
def test_smoke_sponsored_sources():
    selectors = SponsoredSelectors.from_file(SHARED_DATA / "easylist.sponsored_selectors.jsonl.gz")
    assert selectors.size > 900
    ads = ads_module.load_ads(SHARED_DATA / "conpro-ads.train.jsonl.gz")
    assert len(ads) > 500 and {ad.label for ad in ads} == {S, N}
