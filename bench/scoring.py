"""Score one extractor's outputs on one dataset with that dataset's protocol (bench/metrics.py has the formulas)."""

from __future__ import annotations

from bench.datasets import Dataset
from bench.metrics import (
    Average,
    Confusion,
    bag_of_words,
    mean_prf,
    shingle_counts,
    shingle_scores,
    snippet_confusion,
    snippet_share,
    words,
)


def gold_of(record: dict) -> dict:
    """What scoring needs from a dataset record (the page itself is not kept)."""
    return {"gold": record.get("gold_text"), "with": record.get("with") or [], "without": record.get("without") or []}


def score(dataset: Dataset, golds: dict[str, dict], outputs: dict[str, str]) -> dict:
    """Figures of one extractor on one dataset; a page missing from ``outputs`` counts as an empty output.

    Keys: ``p``, ``r``, ``f1`` (the dataset's main figures) plus, by protocol, ``bow_p`` / ``bow_r`` / ``bow_f1``
    (ScrapingHub), ``accuracy`` and ``tp`` / ``fp`` / ``fn`` / ``tn`` (trafilatura), ``with_found`` /
    ``without_found`` (WCXB), and ``empty`` (pages whose output has no word) everywhere.
    """
    texts = {page_id: outputs.get(page_id, "") for page_id in golds}
    result: dict = {"empty": sum(1 for text in texts.values() if not words(text))}
    if dataset.protocol == "scrapinghub":
        official = shingle_scores(shingle_counts(texts[i], g["gold"]) for i, g in golds.items())
        bow = mean_prf(bag_of_words(texts[i], g["gold"]) for i, g in golds.items())
        result.update(p=official.precision, r=official.recall, f1=official.f1)
        result.update(bow_p=bow.precision, bow_r=bow.recall, bow_f1=bow.f1)
    elif dataset.protocol == "snippets":
        total = Confusion()
        for page_id, g in golds.items():
            total.add(snippet_confusion(texts[page_id], g["with"], g["without"]))
        result.update(p=total.precision, r=total.recall, f1=total.f1, accuracy=total.accuracy)
        result.update(tp=total.tp, fp=total.fp, fn=total.fn, tn=total.tn)
    elif dataset.protocol in ("wcxb", "bow"):
        # A null gold means the page has no gold text (two WCXB pages): it is left out of the word F1.
        bow = mean_prf(bag_of_words(texts[i], g["gold"]) for i, g in golds.items() if g["gold"] is not None)
        result.update(p=bow.precision, r=bow.recall, f1=bow.f1)
        if dataset.protocol == "wcxb":
            found_with, found_without = Average(), Average()
            for page_id, g in golds.items():
                found_with.add(snippet_share(texts[page_id], g["with"]))
                found_without.add(snippet_share(texts[page_id], g["without"]))
            result.update(with_found=found_with.mean, without_found=found_without.mean)
    else:
        raise ValueError(f"{dataset.name}: unknown protocol {dataset.protocol!r}")
    return result
