"""Training and evaluation on labeled pages (read by classifier.labeled)."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .errors import DataFormatError
from .labeled import LabeledPage, labeled_files, load_labeled
from .labels import LABELS, Label
from .model import BlockModel

#: Cross-validation trains on all folds but one, and a fit needs at least two pages: a fold of fewer pages than
#: this is not worth a model, so the folds are reduced (and skipped under two).
MIN_PAGES_PER_FOLD = 3


def train(
    paths: Iterable[str | Path],
    output: str | Path | None = None,
    cv: int = 5,
    heldout: Iterable[str | Path] = (),
    weights: dict[str, float] | None = None,
    stage: Callable[[str], None] = lambda message: None,
    **params,
) -> BlockModel:
    """Fit a model on the labeled pages in ``paths``; with ``output``, save it and its card there.

    ``weights`` maps a file or folder to the weight of every page in it (default 1; the innermost path counts).
    ``cv`` folds of cross-validation (with the same page weights) and an evaluation on ``heldout`` pages go into
    the card. ``stage`` is told what training is doing, one line per stage (the CLI prints them).
    """
    from .estimator import BlockClassifier  # scikit-learn is imported only to train
    from .persist import save_model

    files = labeled_files(paths)
    stage(f"reading {len(files)} labeled files")
    pages: list[LabeledPage] = []
    page_weights: list[float] = []
    for file in files:
        found = load_labeled([file])
        pages.extend(found)
        page_weights.extend([path_weight(file, weights or {})] * len(found))
    blocks = sum(len(page.blocks) for page in pages)
    stage(f"fitting on {len(pages)} pages, {blocks} blocks")
    try:
        estimator = BlockClassifier(**params).fit([p.blocks for p in pages], [p.labels for p in pages], page_weights)
    except ValueError as exc:  # too little data: the estimator's own words, as a one-line data error
        raise DataFormatError(f"cannot train on {', '.join(map(str, paths))}: {exc}") from None
    model = estimator.model_
    card = {
        "trained": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_files": [{"path": str(f), "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files],
        "training_pages": len(pages),
        "training_blocks": {label.value: sum(b.label == label for p in pages for b in p.blocks) for label in LABELS},
        "vocabulary_size": len(model.vocabulary),
        "weights": {str(path): weight for path, weight in (weights or {}).items()},
        "versions": _versions(),
    }
    cv = min(cv, len(pages) // MIN_PAGES_PER_FOLD)
    if cv > 1:
        stage(f"cross-validating over {cv} folds")
        card["cross_validation"] = cross_validate(pages, folds=cv, page_weights=page_weights, **params)
    heldout = list(heldout)
    heldout_files = labeled_files(heldout)
    if heldout_files:
        stage(f"scoring {len(heldout_files)} held-out files")
        card["heldout"] = evaluate(model, load_labeled(heldout_files))
        card["heldout"]["files"] = len(heldout_files)
    if len(heldout) > 1:  # each set apart too: written pages and real pages tell different stories
        card["heldout_by_path"] = {str(path): evaluate(model, load_labeled([path])) for path in heldout}
    model.card.update(card)
    if output is not None:
        stage(f"saving {output}")
        save_model(model, output)
    return model


def path_weight(file: Path, weights: dict[str, float]) -> float:
    """The weight of the pages of ``file``: that of the innermost path of ``weights`` holding it, else 1."""
    file = file.resolve()
    best, weight = -1, 1.0
    for path, value in weights.items():
        folder = Path(path).resolve()
        if (file == folder or folder in file.parents) and len(folder.parts) > best:
            best, weight = len(folder.parts), value
    return weight


def cross_validate(pages: list[LabeledPage], folds: int = 5, page_weights: list[float] | None = None, **params) -> dict:
    """Per-label metrics of models trained on all but one fold of pages (weighted as the real fit), scored on it."""
    from sklearn.model_selection import GroupKFold

    from .estimator import BlockClassifier

    gold: list[Label] = []
    predicted: list[Label] = []
    splitter = GroupKFold(n_splits=min(folds, len(pages)), shuffle=True, random_state=params.get("random_state", 0))
    for train_idx, test_idx in splitter.split(pages, groups=np.arange(len(pages))):
        weights = None if page_weights is None else [page_weights[i] for i in train_idx]
        estimator = BlockClassifier(**params).fit(
            [pages[i].blocks for i in train_idx], [pages[i].labels for i in train_idx], weights
        )
        for i in test_idx:
            gold.extend(pages[i].labels)
            predicted.extend(estimator.model_.predict(pages[i].blocks))
    report = score(gold, predicted)
    report["folds"] = splitter.n_splits
    return report


def evaluate(model: BlockModel, pages: list[LabeledPage]) -> dict:
    """Per-label precision, recall and F1, macro-F1 and the confusion matrix of ``model`` on ``pages``."""
    gold: list[Label] = []
    predicted: list[Label] = []
    for page in pages:
        gold.extend(page.labels)
        predicted.extend(model.predict(page.blocks))
    report = score(gold, predicted)
    report["pages"] = len(pages)
    return report


def score(gold: list[Label], predicted: list[Label]) -> dict:
    """Metrics of predicted against gold labels (one per block; for text pages, one per line)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    names = [label.value for label in LABELS]
    g = [label.value for label in gold]
    p = [label.value for label in predicted]
    precision, recall, f1, support = precision_recall_fscore_support(g, p, labels=names, zero_division=0)
    return {
        "blocks": len(g),
        "labels": {
            name: {
                "precision": round(float(pr), 4),
                "recall": round(float(rc), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for name, pr, rc, f, s in zip(names, precision, recall, f1, support)
        },
        "macro_f1": round(float(np.mean(f1)), 4),
        "accuracy": round(float(np.mean(np.array(g) == np.array(p))), 4) if g else 0.0,
        "confusion": {"labels": names, "matrix": confusion_matrix(g, p, labels=names).tolist()},
    }


def _versions() -> dict[str, str]:
    import scipy
    import sklearn

    from . import __version__

    return {
        "block-classifier": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }
