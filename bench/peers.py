"""Benchmark block-classifier against other main-text extractors on the shared public datasets.

    pip install '.[bench]'            # the peers: trafilatura, readability-lxml, jusText, boilerpy3, ...
    python bench/peers.py                             # every dataset and extractor, writes bench/RESULTS.md
    python bench/peers.py --limit 20 --extractors classifier,trafilatura --datasets scrapinghub,wcxb -o /tmp/r.md

Each (extractor, dataset) pair runs in its own subprocess (bench/worker.py), one after the other, so its peak
resident memory is its own and pages/s is single-process extraction time (imports and warm-up excluded). Throughput
on a shared machine is noisy: compare the ratios to trafilatura, measured in the same run (by wall-clock time and by
the process's CPU time, which other jobs on the machine disturb less), rather than pages/s.
Scoring protocols are described in bench/metrics.py and in the written RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.datasets import DATASETS, DEFAULT_DATA, pages  # noqa: E402
from bench.extractors import EXTRACTORS, extractor_version  # noqa: E402
from bench.results_md import marked_section, render, with_section  # noqa: E402
from bench.scoring import gold_of, score  # noqa: E402

WORKER = Path(__file__).resolve().parent / "worker.py"
#: Keep numeric libraries (numpy's BLAS in our scorer) on one thread: the benchmark compares single-process speed.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
KIB_PER_MIB = 1024


def _machine() -> dict:
    cpu = platform.processor() or "unknown"
    memory_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / KIB_PER_MIB**2, 1)
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"


def _model_info(path: Path | None) -> dict:
    """Which model classifier used: its folder, training date, number of training files and model.npz digest."""
    from classifier.pipeline import default_model_path

    folder = Path(path) if path else default_model_path()
    info: dict = {"path": str(path) if path else "default (models/default)"}
    try:
        card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        info.update(trained=card.get("trained"), training_files=len(card.get("training_files", [])))
        info["npz_sha256"] = hashlib.sha256((folder / "model.npz").read_bytes()).hexdigest()[:12]
    except (OSError, ValueError) as exc:
        info["error"] = str(exc)
    return info


def _read_rows(path: Path) -> list[dict]:
    """The worker's JSON lines. Split on "\\n" only: outputs may hold U+2028 and other characters that
    ``str.splitlines`` treats as line ends. A line cut short by a dying worker is skipped (its footer is missing,
    so the pair is reported as failed)."""
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").split("\n"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
    return rows


def run_worker(extractor: str, dataset: str, args: argparse.Namespace, out: Path) -> dict:
    """Run one pair in a subprocess: its outputs, timing, peak RSS and status.

    Peak RSS is the VmHWM the worker reads from its own /proc status at the end: the children's ru_maxrss of
    ``wait4`` would not do, as Linux carries the forking parent's resident size over into it.
    """
    command = [sys.executable, str(WORKER), extractor, dataset, str(out), "--data", str(args.data)]
    if args.limit is not None:
        command += ["--limit", str(args.limit)]
    if args.model is not None:
        command += ["--model", str(args.model)]
    with tempfile.TemporaryFile() as stderr:
        env = {**os.environ, **SINGLE_THREAD_ENV}
        returncode = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env).returncode
        stderr.seek(0)
        last_error = (stderr.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    rows = _read_rows(out)
    finished = bool(rows) and "peak_rss_kb" in rows[-1]
    pages_done = [row for row in rows if "id" in row]
    seconds = sum(row["seconds"] for row in pages_done)
    cpu_seconds = sum(row["cpu_seconds"] for row in pages_done)
    return {
        "status": "ok" if returncode == 0 and finished else f"failed ({last_error[:160]})",
        "outputs": {row["id"]: row["output"] for row in pages_done},
        "pages": len(pages_done),
        "errors": sum(1 for row in pages_done if row["error"]),
        "first_error": next((row["error"] for row in pages_done if row["error"]), None),
        "seconds": seconds,
        "pages_per_s": len(pages_done) / seconds if seconds else None,
        "cpu_seconds": cpu_seconds,
        "pages_per_cpu_s": len(pages_done) / cpu_seconds if cpu_seconds else None,
        "peak_rss_mib": rows[-1]["peak_rss_kb"] / KIB_PER_MIB if finished else None,
    }


def benchmark(args: argparse.Namespace) -> dict:
    versions = {name: extractor_version(name) for name in args.extractors}
    run = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": _machine(),
        "revision": _revision(),
        "command": " ".join(["python", "bench/peers.py", *sys.argv[1:]]),
        "limit": args.limit,
        "model": _model_info(args.model),
        "versions": versions,
        "datasets": {},
    }
    start = time.perf_counter()
    pairs = [(d, e) for d in args.datasets for e in args.extractors if versions[e] != "not installed"]
    done = 0
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        for dataset_name in args.datasets:
            dataset = DATASETS[dataset_name]
            golds = {record["id"]: gold_of(record) for record in pages(dataset, args.data, args.limit)}
            entry = {"title": dataset.title, "file": dataset.file, "protocol": dataset.protocol, "pages": len(golds)}
            entry["results"] = results = {}
            for extractor in args.extractors:
                if versions[extractor] == "not installed":
                    results[extractor] = {"status": "not installed"}
                    continue
                done += 1
                measured = run_worker(extractor, dataset_name, args, Path(tmp) / f"{extractor}.{dataset_name}.jsonl")
                outputs = measured.pop("outputs")
                if measured["status"] == "ok":
                    measured.update(score(dataset, golds, outputs))
                results[extractor] = measured
                rate, rss = measured["pages_per_s"] or 0.0, measured["peak_rss_mib"] or 0.0
                print(
                    f"[{done}/{len(pairs)}] {dataset_name} x {extractor}: {measured['status']}, "
                    f"F1 {measured.get('f1', float('nan')):.3f}, {rate:.1f} pages/s, "
                    f"{rss:.0f} MiB" + (f"; first error: {measured['first_error']}" if measured["first_error"] else ""),
                    file=sys.stderr,
                    flush=True,
                )
            run["datasets"][dataset_name] = entry
    run["wall_s"] = time.perf_counter() - start
    return run


def _names(value: str, known: dict) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (known: {', '.join(known)})")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="pages per dataset, spread evenly (default: all)")
    parser.add_argument(
        "--datasets", type=lambda v: _names(v, DATASETS), default=list(DATASETS), help="comma-separated"
    )
    parser.add_argument(
        "--extractors", type=lambda v: _names(v, EXTRACTORS), default=list(EXTRACTORS), help="comma-separated"
    )
    parser.add_argument("--model", type=Path, default=None, help="model directory for classifier (default: shipped)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"dataset folder (default: {DEFAULT_DATA})")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="Markdown report")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    missing = [DATASETS[name].file for name in args.datasets if not (args.data / DATASETS[name].file).is_file()]
    if missing:
        parser.error(f"{args.data}: missing {', '.join(missing)}")
    if not args.output.parent.is_dir():
        parser.error(f"{args.output}: its folder does not exist")
    if args.model is not None and "classifier" in args.extractors:
        from classifier import ClassifierError, load_model

        try:
            load_model(args.model)
        except ClassifierError as exc:
            parser.error(str(exc))
    run = benchmark(args)
    report = render(run)
    previous = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    if marked_section(previous):  # keep bench/cross_dataset.py's table
        report = with_section(report, marked_section(previous))
    args.output.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(run, indent=1), encoding="utf-8")
    print(f"wrote {args.output} ({run['wall_s'] / 60:.1f} min)", file=sys.stderr)


if __name__ == "__main__":
    main()
