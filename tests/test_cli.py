import json

import pytest
from click.testing import CliRunner

from classifier import Label, classify, clean
from classifier.cli import main
from classifier.labeled import read_labeled_text

TEXT_PAGE = """Home | World | Business | Sport
Harbour town votes to rebuild its old sea wall

A view of the harbour wall at low tide. (Photo: Ines Marlow/Coastline Post)
Residents of Port Alderney voted on Sunday to rebuild the crumbling sea wall that has guarded the harbour.
The council will now ask the regional government for half of the cost, which engineers put at 14 million euros.
Read more: How the storm of 2024 damaged the coast
Sponsored: Discover Brightwave solar roofs. Learn more here.
"""


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, input=None):
    return runner.invoke(main, list(map(str, args)), input=input, catch_exceptions=False)


def test_clean_from_stdin_prints_what_the_library_keeps(runner):
    result = run(runner, "clean", "-", input=TEXT_PAGE)  # the shipped model: the tiny test model may keep nothing
    assert result.exit_code == 0
    assert result.output.splitlines() == clean(TEXT_PAGE).splitlines()
    kept = {b.text for b in classify(TEXT_PAGE) if b.label is Label.EDITORIAL}
    assert kept and set(result.output.splitlines()) == kept


def test_clean_to_file_with_keep(runner, small_model, tmp_path):
    _, model_dir = small_model
    page = tmp_path / "page.txt"
    page.write_text(TEXT_PAGE)
    out = tmp_path / "out.txt"
    plain = run(runner, "clean", page, "--model", model_dir).output.splitlines()
    assert run(runner, "clean", page, "--model", model_dir, "--keep", "caption", "-o", out).exit_code == 0
    kept = out.read_text().splitlines()
    assert set(plain) <= set(kept)


def test_classify_json(runner, small_model):
    _, model_dir = small_model
    result = run(runner, "classify", "-", "--json", "--model", model_dir, input=TEXT_PAGE)
    assert result.exit_code == 0
    blocks = json.loads(result.output)["blocks"]
    assert len(blocks) == 7
    assert [b["lines"] for b in blocks][:3] == [[1, 1], [2, 2], [4, 4]]
    for block in blocks:
        assert block["label"] in {"editorial", "sponsored", "caption", "navigation"}
        assert abs(sum(block["probabilities"].values()) - 1) < 1e-3
        assert block["probabilities"][block["label"]] == max(block["probabilities"].values())


def test_classify_html_plain_listing(runner, small_model):
    _, model_dir = small_model
    page = (
        "<html><body><nav><a href='/'>Home</a></nav>"
        "<article><h1>Title</h1><p>Text of the story.</p></article></body></html>"
    )
    result = run(runner, "classify", "-", "--model", model_dir, input=page)
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 3


def test_train_evaluate_and_annotate_round_trip(runner, small_training_files, tmp_path):
    model_dir = tmp_path / "m"
    result = run(
        runner, "train", *small_training_files[:6], "-o", model_dir, "--cv", "0", "--heldout", small_training_files[7]
    )
    assert result.exit_code == 0, result.output
    assert (model_dir / "model.npz").is_file() and (model_dir / "model.json").is_file()
    assert "heldout:" in result.output and "macro-F1" in result.output
    assert json.loads((model_dir / "model.json").read_text())["heldout"]["files"] == 1
    two = run(
        runner,
        "train",
        *small_training_files[:6],
        "-o",
        tmp_path / "m2",
        "--cv",
        "0",
        "--heldout",
        small_training_files[6],
        "--heldout",
        small_training_files[7],
    )
    by_path = json.loads((tmp_path / "m2" / "model.json").read_text())["heldout_by_path"]
    assert (
        sorted(by_path) == sorted(map(str, small_training_files[6:8]))
        and by_path[str(small_training_files[7])]["pages"] == 1
    )
    assert f"heldout {small_training_files[6]}:" in two.output
    report = run(runner, "evaluate", *small_training_files[:6], "--model", model_dir, "--json")
    assert report.exit_code == 0
    assert json.loads(report.output)["blocks"] > 50
    table = run(runner, "evaluate", small_training_files[0], "--model", model_dir)
    assert "macro-F1" in table.output and "confusion" in table.output

    page = tmp_path / "page.txt"
    page.write_text(TEXT_PAGE)
    annotated = tmp_path / "page.labeled.txt"
    assert run(runner, "annotate", page, "--model", model_dir, "-o", annotated).exit_code == 0
    parsed = read_labeled_text(annotated.read_text(), str(annotated))
    assert [b.text for b in parsed.blocks] == [line for line in TEXT_PAGE.splitlines() if line]
    assert [b.lines for b in parsed.blocks][2] == (4, 4)
    # The corrected file trains like any other labeled page.
    assert run(runner, "train", annotated, *small_training_files[:3], "-o", tmp_path / "m2", "--cv", "0").exit_code == 0


def test_version_and_help_examples(runner):
    assert "block-classifier" in run(runner, "--version").output
    for command in ("clean", "classify", "train", "evaluate", "annotate"):
        assert "Example:" in run(runner, command, "--help").output


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (bytes(range(256)) * 4, "binary")],
)
def test_bad_pages_give_one_line_errors(runner, small_model, tmp_path, content, message):
    _, model_dir = small_model
    page = tmp_path / "bad.bin"
    page.write_bytes(content)
    result = runner.invoke(main, ["clean", str(page), "--model", str(model_dir)])
    assert result.exit_code != 0
    assert message in result.output and str(page) in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_missing_file_and_bad_model(runner, tmp_path):
    missing = runner.invoke(main, ["clean", str(tmp_path / "nope.txt")])
    assert missing.exit_code != 0 and "nope.txt" in missing.output and "Traceback" not in missing.output
    page = tmp_path / "p.txt"
    page.write_text("Hello world")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "model.json").write_text("{not json")
    (tmp_path / "model" / "model.npz").write_bytes(b"junk")
    bad = runner.invoke(main, ["clean", str(page), "--model", str(tmp_path / "model")])
    assert bad.exit_code != 0 and "model.json" in bad.output and "Traceback" not in bad.output
    unreadable = runner.invoke(main, ["clean", str(page), "--model", str(tmp_path / "elsewhere")])
    assert unreadable.exit_code != 0 and "not a model directory" in unreadable.output


def test_bad_training_data_is_named(runner, tmp_path):
    data = tmp_path / "bad.txt"
    data.write_text("editorial fine line\nbogus another line\n")
    result = runner.invoke(main, ["train", str(data), "-o", str(tmp_path / "m")])
    assert result.exit_code != 0
    assert "bad.txt, line 2" in result.output and "bogus" in result.output


def test_train_weight_option_is_checked(runner, small_training_files, tmp_path):
    for bad in ("nonumber", f"{small_training_files[0]}=0", f"{tmp_path / 'absent'}=2"):
        result = run(runner, "train", str(small_training_files[0]), "-o", tmp_path / "m", "--weight", bad)
        assert result.exit_code == 2 and "--weight" in result.output and "Traceback" not in result.output


def test_train_prints_its_stages_and_too_little_data_is_one_line(runner, small_training_files, tmp_path):
    result = run(runner, "train", *map(str, small_training_files[:6]), "-o", tmp_path / "m", "--cv", "2")
    assert result.exit_code == 0, result.output
    stages = [line for line in result.output.splitlines() if line.startswith("[")]
    words = [line.split("] ")[1].split(" ")[0] for line in stages]
    assert words == ["reading", "fitting", "cross-validating", "saving"]
    alone = run(runner, "train", str(small_training_files[0]), "-o", tmp_path / "m2")
    assert alone.exit_code == 1 and "needs at least two" in alone.output and "Traceback" not in alone.output
