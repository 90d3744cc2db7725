import json

import pytest
from batch_pages import make_page, write_jsonl

from classifier import Label, clean, clean_many, load_model
from classifier.distributed import clean_partition

EVERY_LABEL = tuple(label.value for label in Label)


def test_clean_partition_is_the_batch_record_format_for_any_row_type():
    class Row(tuple):  # what Spark hands mapPartitions: objects with asDict()
        def asDict(self):  # noqa: N802 - Spark's name
            return {"id": "r1", "url": "https://coast.example/r1", "html": make_page(4)}

    rows = [make_page(1), {"id": "d", "html": make_page(2)}, Row(), {"id": "bad"}]
    out = list(clean_partition(iter(rows), keep=EVERY_LABEL))
    assert [r["id"] for r in out] == [0, "d", "r1", "bad"]
    assert out[2]["url"] == "https://coast.example/r1" and "no content field" in out[3]["error"]
    assert out[0]["text"] == clean(make_page(1), keep=tuple(Label))
    assert load_model() is load_model()  # one cache per process serves pages, batches and partitions


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("dask.bag", reason="dask is not installed (the 'test' extra installs dask[distributed])")
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def test_dask_bag_over_jsonl_files_on_a_local_cluster(client, tmp_path):
    from classifier.distributed import clean_files

    first = write_jsonl(tmp_path / "a.jsonl", 7)
    second = write_jsonl(tmp_path / "b.jsonl", 5, start=7)
    (tmp_path / "b.jsonl").open("a").write("{not json\n")
    bag = clean_files([tmp_path], globs=("*.jsonl",), keep=EVERY_LABEL)
    assert bag.npartitions == 2  # one partition per file
    from distributed import get_task_stream

    with get_task_stream(client) as tasks:
        out = bag.compute()
    assert {task["worker"] for task in tasks.data} <= set(client.scheduler_info()["workers"]) and tasks.data
    assert len(out) == 13
    assert [(r["source"].rsplit("/", 1)[1], r["index"]) for r in out] == [("a.jsonl", n) for n in range(7)] + [
        ("b.jsonl", n) for n in range(6)
    ]
    expected = [result.text for result in clean_many(first + second, jobs=1, keep=tuple(Label))]
    assert [r.get("text") for r in out[:12]] == expected
    assert "not valid JSON" in out[12]["error"]
    out_dir = tmp_path / "out"
    bag.map(json.dumps).to_textfiles(str(out_dir / "*.jsonl"))
    assert sum(len(path.read_text().splitlines()) for path in out_dir.glob("*.jsonl")) == 13


def test_dask_bag_of_pages_in_memory(client):
    import dask.bag

    from classifier.distributed import clean_bag

    pages = [make_page(n) for n in range(10)]
    out = clean_bag(dask.bag.from_sequence(pages, npartitions=3), keep=EVERY_LABEL).compute()
    assert [r["text"] for r in out] == [clean(page, keep=tuple(Label)) for page in pages]
    keys = [(r["source"], r["index"]) for r in out]
    assert len(set(keys)) == len(keys) and keys[0] == ("<partition 0>", 0)  # unique keys over the whole bag


def test_a_partition_with_junk_rows_gives_one_record_each():
    rows = [make_page(1), 42, None, {"id": lambda: 0, "html": make_page(2)}, {"id": float("nan"), "text": "x y z"}]
    out = list(clean_partition(iter(rows), partition=3))
    assert [r["index"] for r in out] == [0, 1, 2, 3, 4] and {r["source"] for r in out} == {"<partition 3>"}
    assert "text" in out[0] and all("error" in r for r in out[1:])
    assert "not a page" in out[1]["error"] and "function" in out[3]["error"] and "non-finite" in out[4]["error"]
