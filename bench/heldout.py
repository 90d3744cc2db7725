"""Quality on pages the model never trained on: per-line/per-block metrics, HTML token F1, sponsored leakage.

    python bench/heldout.py [DATA ...] [--model DIR] [--json]

DATA defaults to training_data/heldout (written independently of the training pages).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier import Label, load_model  # noqa: E402
from classifier.labeled import load_labeled  # noqa: E402
from classifier.training import score  # noqa: E402

_TOKEN = re.compile(r"\w+")


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-words F1 of two texts (an empty output against a non-empty gold scores 0)."""
    p, g = Counter(_TOKEN.findall(predicted.lower())), Counter(_TOKEN.findall(gold.lower()))
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def measure(model, pages) -> dict:
    results = {}
    for kind in ("text", "html"):
        subset = [page for page in pages if page.format == kind]
        if not subset:
            continue
        gold, predicted, f1s = [], [], []
        leaked = sponsored = 0
        for page in subset:
            labels = model.predict(page.blocks)
            gold.extend(page.labels)
            predicted.extend(labels)
            kept = " ".join(b.text for b, label in zip(page.blocks, labels) if label is Label.EDITORIAL)
            wanted = " ".join(b.text for b in page.blocks if b.label is Label.EDITORIAL)
            f1s.append(token_f1(kept, wanted))
            for block, label in zip(page.blocks, labels):
                if block.label is Label.SPONSORED:
                    sponsored += 1
                    leaked += label is Label.EDITORIAL
        report = score(gold, predicted)
        report["pages"] = len(subset)
        report["token_f1"] = round(sum(f1s) / len(f1s), 4)
        report["sponsored_leak_rate"] = round(leaked / max(1, sponsored), 4)
        results[kind] = report
    every = [b for p in pages for b in p.blocks]
    results["all"] = score([b.label for b in every], [label for p in pages for label in model.predict(p.blocks)])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="*", default=[str(ROOT / "training_data" / "heldout")])
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(load_model(args.model), load_labeled(args.data))
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for kind, report in results.items():
        f1 = {name: row["f1"] for name, row in report["labels"].items()}
        extra = ""
        if "token_f1" in report:
            extra = f"  token-F1 {report['token_f1']:.3f}  sponsored leak {report['sponsored_leak_rate']:.3f}"
        print(
            f"{kind:<5} blocks {report['blocks']:>5}  macro-F1 {report['macro_f1']:.3f}  "
            + "  ".join(f"{k[:4]} {v:.3f}" for k, v in f1.items())
            + extra
        )


if __name__ == "__main__":
    main()
