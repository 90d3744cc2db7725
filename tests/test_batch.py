import dataclasses
import os
import signal
import sys
import threading
import time

import pytest
from batch_pages import make_page

from classifier import Label, PageResult, clean, clean_many, load_model
from classifier.batch import many
from classifier.batch.many import WORKER_DIED, _context
from classifier.batch.records import PageRecord
from classifier.errors import BatchError, ModelError
from classifier.model import BlockModel

#: Texts are compared with every block kept, so that they say something whatever the model labels.
EVERY_LABEL = tuple(Label)
#: The text that makes HangingModel hang its worker.
HANG = "HANG-THE-WORKER"
#: The text that makes CrashingModel kill the worker process that scores it.
CRASH = "CRASH-THE-WORKER"


@dataclasses.dataclass
class CrashingModel(BlockModel):
    """The shipped model, except that a page containing CRASH kills its process (as a native crash would)."""

    def predict_proba(self, blocks):
        if any(CRASH in block.text for block in blocks):
            os._exit(13)
        return super().predict_proba(blocks)


@dataclasses.dataclass
class HangingModel(BlockModel):
    """The shipped model, except that a page containing HANG hangs where the worker's alarm cannot reach it."""

    def predict_proba(self, blocks):
        if any(HANG in block.text for block in blocks):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as if stuck inside native code
            time.sleep(600)
        return super().predict_proba(blocks)


def crashing_model(kind: type | None = None) -> BlockModel:
    model = load_model()
    return (kind or CrashingModel)(**{f.name: getattr(model, f.name) for f in dataclasses.fields(model)})


def test_many_pages_in_order_same_as_clean_on_every_job_count():
    pages = [make_page(n) for n in range(40)]
    expected = [clean(page, keep=EVERY_LABEL) for page in pages]
    for jobs in (1, 2):
        results = list(clean_many(pages, jobs=jobs, keep=EVERY_LABEL))
        assert [r.index for r in results] == list(range(40))
        assert [r.text for r in results] == expected
        assert all(isinstance(r, PageResult) and r.ok and r.id == r.index for r in results)
    assert all(expected)  # the comparison means something only if pages give text


def test_unordered_gives_every_record_once():
    pages = [make_page(n) for n in range(30)]
    results = list(clean_many(pages, jobs=2, ordered=False, keep=EVERY_LABEL))
    assert sorted(r.index for r in results) == list(range(30))
    assert {r.index: r.text for r in results} == {n: clean(page, keep=EVERY_LABEL) for n, page in enumerate(pages)}


def test_dicts_records_keep_and_blocks():
    records = [{"id": "a", "url": "https://coast.example/a", "html": make_page(1)}, {"id": "b", "text": make_page(2)}]
    results = list(clean_many(records, jobs=1, keep=(Label.EDITORIAL, Label.SPONSORED), blocks=True))
    assert [(r.id, r.url) for r in results] == [("a", "https://coast.example/a"), ("b", None)]
    assert "Sponsored" in results[0].text or "Sponsored" not in clean(make_page(1), keep=tuple(Label))
    record = results[0].to_dict()
    assert set(record) == {"id", "source", "index", "url", "text", "blocks"}
    assert {block["label"] for block in record["blocks"]} <= {label.value for label in Label}
    assert [b.text for b in results[0].blocks if b.label in (Label.EDITORIAL, Label.SPONSORED)] == record[
        "text"
    ].splitlines()


@pytest.mark.parametrize("jobs", [1, 2])
def test_bad_pages_become_error_records_and_the_rest_goes_on(jobs):
    records = [
        make_page(0),
        b"",
        bytes(range(256)) * 4,
        "<p>" + "x" * 3000 + "</p>",
        {"id": "no-content"},
        PageRecord("feed.jsonl", 7, None, id="broken", error="feed.jsonl, line 8: not valid JSON"),
        make_page(1),
    ]
    results = list(clean_many(records, jobs=jobs, max_bytes=2000))
    assert [r.ok for r in results] == [True, False, False, False, False, False, True]
    assert "the input is empty" in results[1].error
    assert "binary" in results[2].error
    assert "over the limit of 2,000" in results[3].error
    assert "no content field" in results[4].error
    assert results[5].error == "feed.jsonl, line 8: not valid JSON" and results[5].key == ("feed.jsonl", 7)
    error = results[1].to_dict()
    assert set(error) == {"id", "source", "index", "url", "error"}
    assert all("\n" not in r.error for r in results if not r.ok)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_page_over_the_time_limit_is_stopped_in_the_worker(jobs):
    # Just under the block cap (segment.text.MAX_BLOCKS): about a second, an ordinary page milliseconds.
    slow = "\n".join(f"Line {n} of a very long text dump, with words enough to score." for n in range(19_500))
    results = list(clean_many([make_page(0), slow, make_page(1)], jobs=jobs, timeout=0.3))
    assert [r.ok for r in results] == [True, False, True]
    assert "took longer than 0.3 s to clean (--timeout)" in results[1].error


def test_a_page_that_kills_its_worker_is_one_error_and_the_pool_recovers():
    pages = [make_page(n) for n in range(30)]
    pages[11] = pages[11].replace("Councillors in", f"{CRASH} Councillors in")
    results = list(clean_many(pages, jobs=2, model=crashing_model(), keep=EVERY_LABEL))
    assert [r.index for r in results] == list(range(30))
    assert [r.ok for r in results] == [n != 11 for n in range(30)]
    assert WORKER_DIED in results[11].error and "record 11" in results[11].error
    assert [r.text for r in results[:11]] == [clean(page, keep=EVERY_LABEL) for page in pages[:11]]
    assert [r.text for r in results[12:]] == [clean(page, keep=EVERY_LABEL) for page in pages[12:]]


def test_bad_arguments_fail_before_any_page(tmp_path):
    with pytest.raises(BatchError, match="jobs must be 1 or more"):
        clean_many(["<p>x</p>"], jobs=0)
    with pytest.raises(ModelError):
        clean_many(["<p>x</p>"], jobs=2, model=tmp_path / "no-model")
    # what is not a page is one error result, and the stream goes on
    results = list(clean_many([3.5, "<p>A page of text here.</p>"], jobs=1))
    assert "record 0: a float, not a page" in results[0].error and results[1].ok


def test_records_are_read_lazily_with_a_bounded_window():
    taken = []

    def pages():
        for n in range(1000):
            taken.append(n)
            yield make_page(n)

    results = clean_many(pages(), jobs=2)
    first = next(results)
    assert first.index == 0 and len(taken) < 100  # a window of chunks, never the whole stream
    results.close()


def test_workers_start_safely_beside_other_threads():
    """fork only in a process without other threads; beside threads (a Dask worker, a server), forkserver."""
    pages = [make_page(n) for n in range(12)]
    expected = [clean(page, keep=EVERY_LABEL) for page in pages]
    if threading.active_count() == 1 and sys.platform.startswith("linux"):
        assert _context().get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _context().get_start_method() in ("forkserver", "spawn")
        assert [r.text for r in clean_many(pages, jobs=2, keep=EVERY_LABEL)] == expected
    finally:
        stop.set()
        other.join()


def test_a_worker_stuck_past_its_deadline_is_killed_and_its_page_fails(monkeypatch):
    monkeypatch.setattr(many, "KILL_GRACE", 1.0)
    pages = [make_page(n) for n in range(6)]
    pages[2] = pages[2].replace("Councillors in", f"{HANG} Councillors in")
    results = list(clean_many(pages, jobs=2, model=crashing_model(HangingModel), timeout=0.5, keep=EVERY_LABEL))
    assert [r.ok for r in results] == [n != 2 for n in range(6)]
    assert "after its time limit of 0.5 s; its worker was stopped" in results[2].error
    assert [r.text for r in results if r.ok] == [clean(p, keep=EVERY_LABEL) for n, p in enumerate(pages) if n != 2]
