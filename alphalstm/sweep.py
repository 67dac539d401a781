"""Seed sweeps: one recipe trained on many seeds, each in its own process.

Each run is ``python -m alphalstm train CHAPTER --seed S --json`` in a
subprocess, so runs proceed in parallel and a crash in one cannot take the
others down; it is reported as a failed run, never dropped.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import recipes

DATA_DIR = Path(__file__).resolve().parents[1] / "notebooks" / "data"

CSV_FIELDS = [
    "chapter", "seed", "units", "epochs", "batch_size", "window", "layout",
    "stateful", "shuffle", "updates", "accuracy", "rollout", "rollout_ok",
    "train_seconds",
]


def parse_seeds(spec: str) -> list[int]:
    """``"0-9"`` or ``"3,5,8"`` (or a mix, ``"0-2,7"``) as a sorted list."""
    seeds: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                if lo > hi or lo < 0:
                    raise ValueError
                seeds.update(range(lo, hi + 1))
            else:
                value = int(part)
                if value < 0:
                    raise ValueError
                seeds.add(value)
        except ValueError:
            raise ValueError(
                f"bad seed spec {spec!r}; use a range like 0-9 or a list like 3,5,8"
            ) from None
    return sorted(seeds)


def run_one(chapter: str, seed: int, timeout: float = 1800) -> dict:
    """Train one seed in a subprocess; return its JSON summary or its failure."""
    cmd = [sys.executable, "-m", "alphalstm", "train", chapter, "--seed", str(seed), "--json"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"chapter": chapter, "seed": seed, "error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"chapter": chapter, "seed": seed,
                "error": f"exit status {proc.returncode}: {tail}"}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"chapter": chapter, "seed": seed, "error": "no JSON result printed"}


def sweep(chapter: str, seeds: list[int], jobs: int | None = None, on_done=None) -> list[dict]:
    """Run ``chapter`` on every seed, ``jobs`` at a time; results in seed order."""
    recipe = recipes.get(chapter)
    jobs = jobs or os.cpu_count() or 1
    results: dict[int, dict] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_one, recipe.name, s): s for s in seeds}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if on_done:
                on_done(result, len(results), len(seeds))
    return [annotate(recipe, results[s]) for s in seeds]


def annotate(recipe: recipes.Recipe, result: dict) -> dict:
    """Add the verdicts: did the run reach the claim, did it roll out the alphabet."""
    result = dict(result)
    ok = "error" not in result
    result["reached_claim"] = ok and result["accuracy"] >= recipe.claim
    result["rollout_ok"] = ok and result.get("rollout") == result.get("alphabet")
    return result


def summarise(recipe: recipes.Recipe, runs: list[dict]) -> dict:
    """min / median / max accuracy and how many runs reached the claim."""
    good = [r["accuracy"] for r in runs if "error" not in r]
    return {
        "chapter": recipe.name,
        "claim": recipe.claim,
        "runs": len(runs),
        "failed": sum("error" in r for r in runs),
        "accuracy_min": min(good) if good else None,
        "accuracy_median": statistics.median(good) if good else None,
        "accuracy_max": max(good) if good else None,
        "reached_claim": sum(r["reached_claim"] for r in runs),
        "rollout_ok": sum(r["rollout_ok"] for r in runs),
    }


def csv_rows(recipe: recipes.Recipe, runs: list[dict]) -> list[dict]:
    """Rows for the stored sweep table, recipe parameters included."""
    rows = []
    for r in runs:
        if "error" in r:
            raise ValueError(f"{recipe.name} seed {r['seed']} failed: {r['error']}")
        rows.append({
            "chapter": recipe.name, "seed": r["seed"], "units": recipe.units,
            "epochs": recipe.epochs, "batch_size": r["batch_size"],
            "window": recipe.window, "layout": recipe.layout,
            "stateful": recipe.stateful, "shuffle": recipe.shuffle,
            "updates": r["updates"], "accuracy": r["accuracy"],
            "rollout": r["rollout"], "rollout_ok": r["rollout_ok"],
            "train_seconds": r["train_seconds"],
        })
    return rows


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict]:
    """The stored sweep table, with numbers and booleans parsed."""
    ints = {"seed", "units", "epochs", "batch_size", "window", "updates"}
    floats = {"accuracy", "train_seconds"}
    bools = {"stateful", "shuffle", "rollout_ok"}
    rows = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            for k in ints:
                row[k] = int(row[k])
            for k in floats:
                row[k] = float(row[k])
            for k in bools:
                row[k] = row[k] == "True"
            rows.append(row)
    return rows


def stored(chapter: str, folder: Path | None = None) -> list[dict]:
    """The stored sweep of ``chapter`` (``make sweeps`` regenerates it)."""
    path = Path(folder or DATA_DIR) / f"sweep_{chapter}.csv"
    if not path.is_file():
        raise ValueError(f"no stored sweep for {chapter!r} at {path}; run 'make sweeps'")
    return read_csv(path)


BENCH_FIELDS = [
    "chapter", "seed", "epochs", "updates", "original_seconds", "fast_seconds",
    "steady_seconds", "speedup", "accuracy_original", "accuracy_fast",
]


def record_bench(path: Path, row: dict) -> None:
    """Insert or replace ``row`` (keyed by chapter) in the stored benchmark table."""
    rows = []
    if Path(path).is_file():
        with open(path, newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["chapter"] != row["chapter"]]
    rows.append(row)
    order = {name: i for i, name in enumerate(recipes.CHAPTERS)}
    rows.sort(key=lambda r: order.get(r["chapter"], len(order)))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=BENCH_FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def stored_bench(folder: Path | None = None) -> dict[str, dict]:
    """The stored benchmark table (``make bench``), keyed by chapter."""
    path = Path(folder or DATA_DIR) / "bench.csv"
    if not path.is_file():
        raise ValueError(f"no stored benchmarks at {path}; run 'make bench'")
    with open(path, newline="") as fh:
        return {row["chapter"]: row for row in csv.DictReader(fh)}
