"""BlockModel: the fitted two-stage classifier as plain arrays, scored with numpy alone.

Stage 1 scores each block on its own: a multinomial logistic regression over its symbolic tokens
(L2-normalised binary bag) and its standardised layout features. Stage 2 re-scores each block from
the stage-1 probabilities of its neighbours, of the page before and after it, and of its sibling
group (features.context_features), plus its own layout: a logistic regression, or a perceptron
with one ReLU hidden layer. Both are fitted by estimator.BlockClassifier; scoring needs no scikit-learn, so a cold start
stays fast and a model file is never code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .blocks import Block
from .features import context_features, group_mean, groups, layout_features, page_tokens, paragraphs
from .labels import Label


@dataclass
class BlockModel:
    """Fitted arrays of both stages. Build with estimator.BlockClassifier or persist.load_model."""

    labels: tuple[Label, ...]
    vocabulary: dict[str, int]
    token_weights: np.ndarray  # (vocabulary, labels)
    layout_mean: np.ndarray  # (layout features,)
    layout_scale: np.ndarray
    layout_weights: np.ndarray  # (layout features, labels)
    intercept: np.ndarray  # (labels,)
    context_mean: np.ndarray  # (context features,)
    context_scale: np.ndarray
    context_weights: np.ndarray  # (context features or hidden units, labels)
    context_intercept: np.ndarray  # (labels,)
    #: Optional hidden layer of stage 2 (a one-layer perceptron); shape (context features, 0) when absent.
    hidden_weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    hidden_intercept: np.ndarray = field(default_factory=lambda: np.zeros(0))
    card: dict = field(default_factory=dict)

    def stage1_scores(self, blocks: list[Block]) -> tuple[np.ndarray, np.ndarray]:
        """Stage-1 logits of a page's blocks, and its standardised layout matrix."""
        layout = (layout_features(blocks) - self.layout_mean) / self.layout_scale
        return token_scores(
            blocks, self.vocabulary, self.token_weights
        ) + layout @ self.layout_weights + self.intercept, layout

    def predict_proba(self, blocks: list[Block]) -> np.ndarray:
        """Probabilities (blocks x labels, in ``self.labels`` order) for one page's blocks."""
        if not blocks:
            return np.zeros((0, len(self.labels)))
        logits, layout = self.stage1_scores(blocks)
        paragraph_ids = paragraphs(blocks)
        stage2 = stage2_inputs(softmax(logits), layout, blocks, paragraph_ids)
        stage2 = (stage2 - self.context_mean) / self.context_scale
        if self.hidden_weights.size:
            stage2 = np.maximum(stage2 @ self.hidden_weights + self.hidden_intercept, 0.0)
        # Revise: the lines of one hard-wrapped paragraph share its label.
        return group_mean(softmax(stage2 @ self.context_weights + self.context_intercept), paragraph_ids)

    def predict(self, blocks: list[Block]) -> list[Label]:
        """The most probable label of each block of one page."""
        return [self.labels[i] for i in self.predict_proba(blocks).argmax(axis=1)]


def stage2_inputs(
    probs: np.ndarray, layout: np.ndarray, blocks: list[Block], paragraph_ids: np.ndarray | None = None
) -> np.ndarray:
    """The second stage's input rows: page context of the stage-1 probabilities, and the layout."""
    if paragraph_ids is None:
        paragraph_ids = paragraphs(blocks)
    return np.hstack((context_features(probs, layout[:, 0], groups(blocks), paragraph_ids), layout))


def token_ids(blocks: list[Block], vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Known token ids of one page's blocks, concatenated, and each block's count of known tokens."""
    ids: list[int] = []
    counts = np.zeros(len(blocks), dtype=np.int64)
    known_tokens = vocabulary.keys()
    for i, tokens in enumerate(page_tokens(blocks)):
        # Set intersection runs in C; sorting makes the order (and float sums) independent of string hashing.
        known = sorted([vocabulary[t] for t in known_tokens & tokens])
        ids += known
        counts[i] = len(known)
    return np.asarray(ids, dtype=np.int64), counts


def token_scores(blocks: list[Block], vocabulary: dict[str, int], weights: np.ndarray) -> np.ndarray:
    """Sum of the weights of each block's known tokens, divided by the root of their count (L2 norm)."""
    ids, counts = token_ids(blocks, vocabulary)
    # Per-block sums as differences of a running sum at block boundaries (faster than np.add.at).
    running = np.vstack((np.zeros((1, weights.shape[1])), np.cumsum(weights[ids], axis=0, dtype=np.float64)))
    ends = np.cumsum(counts)
    return (running[ends] - running[ends - counts]) / np.sqrt(np.maximum(counts, 1))[:, None]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
