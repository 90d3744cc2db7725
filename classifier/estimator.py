"""BlockClassifier: the scikit-learn estimator that fits a BlockModel.

Imported only to train: scoring uses model.BlockModel and numpy alone.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

from .blocks import Block
from .features import layout_features, page_tokens
from .labels import LABELS, Label
from .model import BlockModel, stage2_inputs, token_ids


class BlockClassifier(ClassifierMixin, BaseEstimator):
    """Two-stage block classifier over pages.

    ``fit(pages, labels)`` takes a list of pages (each a list of Block) and, for each page, the
    list of its blocks' labels. Stage 2 is trained on out-of-fold stage-1 probabilities
    (pages split into ``folds`` groups), so it learns how reliable stage 1 is on unseen pages.

    Parameters
    ----------
    min_count: a token must occur on this many pages to enter the vocabulary.
    max_tokens: the vocabulary keeps at most this many tokens, the most frequent first.
    token_c, context_c: inverse regularisation of the two logistic regressions.
    folds: pages are split into this many groups for the out-of-fold stage-1 probabilities.
    context_hidden: hidden units of stage 2 (0: a logistic regression; more: one-layer perceptrons).
    context_nets: perceptrons averaged in stage 2 (each with its own seed); averaging steadies them.
    class_weight: passed to the logistic regressions (``"balanced"`` lifts rare labels).
    max_iter: iterations of the lbfgs solver (and epochs of the perceptrons). 500: on a 150,000-block sample of
        written and real pages, stage 1 converges at ~740 iterations, and 500 come within 2 % of its held-out
        log-loss (0.422 against 0.414) in 70 % of the time.
    n_jobs: processes for the independent stage-1 fits (joblib; None: one, -1: every core).
    random_state: seeds the fold assignment and the perceptron; lbfgs itself is deterministic.
    """

    def __init__(
        self,
        min_count: int = 2,
        max_tokens: int = 200_000,
        token_c: float = 4.0,
        context_c: float = 1.0,
        folds: int = 5,
        context_hidden: int = 32,
        context_nets: int = 5,
        class_weight: str | None = None,
        max_iter: int = 500,
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.min_count = min_count
        self.max_tokens = max_tokens
        self.token_c = token_c
        self.context_c = context_c
        self.folds = folds
        self.context_hidden = context_hidden
        self.context_nets = context_nets
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(
        self, pages: list[list[Block]], labels: list[list[Label]], sample_weight: list[float] | None = None
    ) -> BlockClassifier:
        """Fit on pages and their labels; ``sample_weight`` (one per page) weighs every block of a page."""
        if len(pages) != len(labels) or any(len(p) != len(y) for p, y in zip(pages, labels)):
            raise ValueError("every page needs exactly one label per block")
        if sample_weight is None:
            sample_weight = [1.0] * len(pages)
        if len(sample_weight) != len(pages) or min(sample_weight, default=1.0) <= 0:
            raise ValueError("sample_weight needs one positive weight per page")
        kept = [i for i, page in enumerate(pages) if page]
        pages, labels = [pages[i] for i in kept], [labels[i] for i in kept]
        if len(pages) < 2:
            raise ValueError("training needs at least two non-empty pages")
        self.classes_ = np.array([label.value for label in LABELS])
        self.vocabulary_ = _vocabulary(pages, self.min_count, self.max_tokens)
        y = np.array([LABELS.index(Label(label)) for page in labels for label in page])
        page_of_block = np.repeat(np.arange(len(pages)), [len(p) for p in pages])
        weight = np.repeat(np.asarray([sample_weight[i] for i in kept], dtype=float), [len(p) for p in pages])
        weight /= weight.mean()  # the regularisation keeps its meaning whatever the scale of the weights

        layouts = [layout_features(p) for p in pages]
        layout = np.vstack(layouts)
        self.layout_mean_ = layout.mean(axis=0)
        self.layout_scale_ = _scale(layout)
        layout_scaled = (layout - self.layout_mean_) / self.layout_scale_
        tokens = _token_matrix(pages, self.vocabulary_)
        x1 = sparse.hstack((tokens, sparse.csr_matrix(layout_scaled)), format="csr")

        # Out-of-fold stage-1 probabilities: what stage 1 says about pages it has not seen.
        # The folds and the final stage-1 fit are independent: joblib runs them on n_jobs processes.
        oof = np.zeros((len(y), len(LABELS)))
        n_folds = min(self.folds, len(pages))
        splits = list(
            GroupKFold(n_splits=n_folds, shuffle=True, random_state=self.random_state).split(x1, y, page_of_block)
        )
        jobs = [(x1[train], y[train], weight[train]) for train, _ in splits] + [(x1, y, weight)]
        fits = Parallel(n_jobs=self.n_jobs)(delayed(self._stage1)(x, labels, w) for x, labels, w in jobs)
        for (train, test), fold_model in zip(splits, fits):
            oof[test] = fold_model.predict_proba(x1[test]) @ _class_map(y[train])
        stage1 = fits[-1]

        offsets = np.concatenate(([0], np.cumsum([len(p) for p in pages])))
        x2 = np.vstack(
            [stage2_inputs(oof[a:b], layout_scaled[a:b], page) for page, a, b in zip(pages, offsets[:-1], offsets[1:])]
        )
        self.context_mean_ = x2.mean(axis=0)
        self.context_scale_ = _scale(x2)
        x2 = (x2 - self.context_mean_) / self.context_scale_
        hidden: tuple[np.ndarray, np.ndarray] = (np.zeros((x2.shape[1], 0)), np.zeros(0))
        if self.context_hidden:
            weights2, hidden = self._perceptron(x2, y, weight)
        else:
            stage2 = LogisticRegression(C=self.context_c, class_weight=self.class_weight, max_iter=self.max_iter)
            weights2 = _full_coef(stage2.fit(x2, y, sample_weight=weight), len(LABELS))

        n_tokens = len(self.vocabulary_)
        weights1 = _full_coef(stage1, len(LABELS))
        self.model_ = BlockModel(
            labels=LABELS,
            vocabulary=self.vocabulary_,
            token_weights=weights1[0][:n_tokens].astype(np.float32),
            layout_mean=self.layout_mean_,
            layout_scale=self.layout_scale_,
            layout_weights=weights1[0][n_tokens:],
            intercept=weights1[1],
            context_mean=self.context_mean_,
            context_scale=self.context_scale_,
            context_weights=weights2[0],
            context_intercept=weights2[1],
            hidden_weights=hidden[0],
            hidden_intercept=hidden[1],
            card={"parameters": self.get_params()},
        )
        return self

    def predict_proba(self, pages: list[list[Block]]) -> list[np.ndarray]:
        return [self.model_.predict_proba(page) for page in pages]

    def predict(self, pages: list[list[Block]]) -> list[list[Label]]:
        return [self.model_.predict(page) for page in pages]

    def _perceptron(self, x, y, weight) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """Stage 2 as ``context_nets`` one-hidden-layer ReLU perceptrons (seeds differ) whose logits are
        averaged: one wider hidden layer with its output weights divided by the number of nets.

        Returns ((output weights, bias), (hidden weights, bias)).
        """
        nets = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_perceptron)(x, y, weight, self.context_hidden, 1.0 / self.context_c, self.max_iter, seed)
            for seed in range(self.random_state, self.random_state + self.context_nets)
        )
        outputs, biases = zip(*(_perceptron_output(net, len(LABELS)) for net in nets))
        hidden = (np.hstack([net.coefs_[0] for net in nets]), np.concatenate([net.intercepts_[0] for net in nets]))
        return (np.vstack(outputs) / len(nets), np.mean(biases, axis=0)), hidden

    def _stage1(self, x, y, weight) -> LogisticRegression:
        with warnings.catch_warnings():  # stopping at max_iter is by design (see max_iter above)
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression(C=self.token_c, class_weight=self.class_weight, max_iter=self.max_iter)
            return model.fit(x, y, sample_weight=weight)


def _fit_perceptron(x, y, weight, hidden: int, alpha: float, max_iter: int, seed: int) -> MLPClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPClassifier(
            hidden_layer_sizes=(hidden,), alpha=alpha, max_iter=max_iter, early_stopping=False, random_state=seed
        ).fit(x, y, sample_weight=weight)


def _vocabulary(pages: list[list[Block]], min_count: int, max_tokens: int) -> dict[str, int]:
    """Tokens seen on at least ``min_count`` pages: a name repeated within one page teaches nothing."""
    counts = Counter(token for page in pages for token in {t for tokens in page_tokens(page) for t in tokens})
    kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))[:max_tokens]
    return {token: i for i, token in enumerate(sorted(kept))}


def _token_matrix(pages: list[list[Block]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    per_page = [token_ids(page, vocabulary) for page in pages]
    ids = np.concatenate([page_ids for page_ids, _ in per_page])
    counts = np.concatenate([page_counts for _, page_counts in per_page])
    values = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts)
    indptr = np.concatenate(([0], np.cumsum(counts)))
    return sparse.csr_matrix((values, ids, indptr), shape=(len(counts), len(vocabulary)))


def _scale(matrix: np.ndarray) -> np.ndarray:
    scale = matrix.std(axis=0)
    return np.where(scale > 0, scale, 1.0)


def _class_map(y: np.ndarray) -> np.ndarray:
    """Maps predict_proba columns (classes present in y) onto all labels."""
    present = np.unique(y)
    out = np.zeros((len(present), len(LABELS)))
    out[np.arange(len(present)), present] = 1.0
    return out


def _full_coef(model: LogisticRegression, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A logistic regression's (features x labels) weights and (labels,) intercept over all k labels."""
    return _over_all_labels(model.coef_.T, model.intercept_, model.classes_, k)


def _perceptron_output(net: MLPClassifier, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A fitted perceptron's (hidden units x labels) output weights and bias over all k labels."""
    return _over_all_labels(net.coefs_[1], net.intercepts_[1], net.classes_, k)


def _over_all_labels(
    weights: np.ndarray, bias: np.ndarray, classes: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Spread (inputs x present classes) weights onto all k labels; absent labels get ~0 probability.

    With two classes scikit-learn keeps a single column, for the second class.
    """
    out = np.zeros((weights.shape[0], k))
    intercept = np.full(k, -30.0)  # a label never seen in training gets ~0 probability
    if len(classes) == 2:
        out[:, classes[1]] = weights[:, 0]
        intercept[classes[0]] = 0.0
        intercept[classes[1]] = bias[0]
    else:
        out[:, classes] = weights
        intercept[classes] = bias
    return out, intercept
