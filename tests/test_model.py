import json
import zipfile

import numpy as np
import pytest

from classifier import Label, ModelError, load_model
from classifier.estimator import BlockClassifier
from classifier.labeled import load_labeled
from classifier.persist import save_model
from classifier.training import evaluate, train


def test_estimator_follows_scikit_learn_rules(small_training_files):
    from sklearn.base import clone

    estimator = BlockClassifier(token_c=2.0, random_state=3)
    assert estimator.get_params()["token_c"] == 2.0
    assert not hasattr(estimator, "model_")
    pages = load_labeled(small_training_files)
    fitted = estimator.fit([p.blocks for p in pages], [p.labels for p in pages])
    assert fitted is estimator and hasattr(estimator, "vocabulary_")
    assert clone(estimator).get_params() == estimator.get_params()
    predicted = estimator.predict([pages[0].blocks])[0]
    assert len(predicted) == len(pages[0].blocks) and all(isinstance(label, Label) for label in predicted)


def test_save_load_round_trip_gives_the_same_probabilities(small_model, small_training_files, tmp_path):
    model, directory = small_model
    loaded = load_model(directory)
    page = load_labeled(small_training_files[:1])[0]
    assert np.allclose(model.predict_proba(page.blocks), loaded.predict_proba(page.blocks), atol=1e-6)
    card = json.loads((directory / "model.json").read_text())
    assert card["labels"] == [label.value for label in Label]
    assert all(len(f["sha256"]) == 64 for f in card["training_files"])
    assert {"numpy", "scikit-learn", "python"} <= set(card["versions"])


def test_training_is_reproducible_to_the_byte(small_training_files, tmp_path):
    first = train(small_training_files, tmp_path / "a", cv=0)
    train(small_training_files, tmp_path / "b", cv=0)
    assert (tmp_path / "a" / "model.npz").read_bytes() == (tmp_path / "b" / "model.npz").read_bytes()
    assert first.card["training_pages"] == len(small_training_files)


def test_trained_model_learns_its_training_pages(small_model, small_training_files):
    model, _ = small_model
    report = evaluate(model, load_labeled(small_training_files))
    assert report["macro_f1"] > 0.8


def test_model_card_has_cross_validated_metrics(small_training_files):
    model = train(small_training_files[:8], cv=2)
    cv = model.card["cross_validation"]
    assert cv["folds"] == 2 and set(cv["labels"]) == {label.value for label in Label}
    assert 0 <= cv["macro_f1"] <= 1


def test_missing_model_directory(tmp_path):
    with pytest.raises(ModelError, match="not a model directory"):
        load_model(tmp_path)


def test_incompatible_version_says_to_retrain(small_model, tmp_path):
    model, _ = small_model
    save_model(model, tmp_path)
    card = json.loads((tmp_path / "model.json").read_text())
    card["format_version"] = 999
    (tmp_path / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="retrain"):
        load_model(tmp_path)


def test_foreign_card_is_refused(tmp_path):
    (tmp_path / "model.json").write_text('{"hello": "world"}')
    (tmp_path / "model.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a block-classifier model card"):
        load_model(tmp_path)


def test_pickled_arrays_are_never_loaded(small_model, tmp_path):
    model, directory = small_model
    save_model(model, tmp_path)
    # Replace one array by an object array: loading it would need pickle, which is refused.
    with zipfile.ZipFile(tmp_path / "model.npz") as archive:
        names = archive.namelist()
    arrays = dict(np.load(tmp_path / "model.npz", allow_pickle=False))
    arrays["intercept"] = np.array([object()], dtype=object)
    np.savez(tmp_path / "model.npz", **arrays)
    assert "intercept.npy" in names
    with pytest.raises(ModelError, match="unreadable"):
        load_model(tmp_path)


def test_page_weights_pull_the_model_towards_the_weighted_pages(small_training_files):
    pages = load_labeled(small_training_files)
    blocks, labels = [p.blocks for p in pages], [p.labels for p in pages]
    plain = BlockClassifier(n_jobs=1, context_nets=1).fit(blocks, labels)
    # One page weighted heavily: the model fits that page at least as well, and the models differ.
    heavy = [20.0 if i == 0 else 1.0 for i in range(len(pages))]
    weighted = BlockClassifier(n_jobs=1, context_nets=1).fit(blocks, labels, heavy)
    assert not np.allclose(plain.model_.token_weights, weighted.model_.token_weights)

    def gold_probability(model):
        probabilities = model.predict_proba(pages[0].blocks)
        return np.mean([p[list(Label).index(label)] for p, label in zip(probabilities, pages[0].labels)])

    assert gold_probability(weighted.model_) >= gold_probability(plain.model_)
    with pytest.raises(ValueError, match="one positive weight per page"):
        BlockClassifier().fit(blocks, labels, [1.0])
    same = BlockClassifier(n_jobs=1, context_nets=1).fit(blocks, labels, [3.0] * len(pages))
    assert np.allclose(same.model_.token_weights, plain.model_.token_weights, atol=1e-4)  # only ratios count


def test_train_weights_pages_by_path(small_training_files, tmp_path):
    from classifier.training import path_weight

    folder = small_training_files[0].parent
    weights = {str(folder): 2.0, str(small_training_files[0]): 5.0}
    assert path_weight(small_training_files[0], weights) == 5.0  # the innermost path counts
    assert path_weight(small_training_files[1], weights) == 2.0
    assert path_weight(small_training_files[-1], weights) == 1.0  # an HTML page, in another folder
    model = train(small_training_files, tmp_path / "m", cv=0, weights=weights)
    assert model.card["weights"] == {str(folder): 2.0, str(small_training_files[0]): 5.0}
