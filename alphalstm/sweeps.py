"""Many training runs at once: each in its own process, several in parallel.

Each run is ``python -m alphalstm train CHAPTER --seed S --json ...`` in a
subprocess, so runs proceed in parallel and a crash in one cannot take the
others down: it is reported as a failed run, never dropped. This module
does not import TensorFlow; the subprocesses do.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from .experiments import Experiment, Variant
from .errors import InputError
from .recipes import CALIBRATION_SEEDS, HELD_OUT_SEEDS, reaches

QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def run_in_subprocess(argv: list[str], timeout: float = 1800) -> dict:
    """Run ``python -m alphalstm ARGV`` and return its JSON line, or its failure."""
    cmd = [sys.executable, "-m", "alphalstm", *argv]
    env = {**os.environ, **QUIET_TF}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit status {proc.returncode}: {tail}"}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": "no JSON result printed"}


def _timed(argv: list[str]) -> dict:
    """Run one subprocess; note when it was launched and when it returned."""
    launched = time.time()
    result = run_in_subprocess(argv)
    return {**result, "launched": round(launched, 3), "returned": round(time.time(), 3)}


def run_many(
    runs: list[tuple[Variant, int]],
    jobs: int | None = None,
    on_done: Callable[[dict, int, int], None] | None = None,
) -> list[dict]:
    """Run every (variant, seed), ``jobs`` at a time; results in the given order.

    Each result carries the variant's label and seed, when its process was
    launched and returned (wall-clock seconds), and ``error`` if it failed.
    """
    jobs = jobs or os.cpu_count() or 1
    results: dict[int, dict] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_timed, variant.argv(seed)): i
            for i, (variant, seed) in enumerate(runs)
        }
        for future in as_completed(futures):
            i = futures[future]
            variant, seed = runs[i]
            results[i] = {"variant": variant.label, "seed": seed, **future.result()}
            if on_done:
                on_done(results[i], len(results), len(runs))
    return [results[i] for i in range(len(runs))]


def run_experiment(
    experiment: Experiment, jobs: int | None = None,
    on_done: Callable[[dict, int, int], None] | None = None,
    labels: tuple[str, ...] | None = None,
) -> list[dict]:
    """Every run of ``experiment`` (or of the variants in ``labels``), tagged with its name."""
    rows = run_many(experiment.runs(labels), jobs=jobs, on_done=on_done)
    return [{"experiment": experiment.name, **row} for row in rows]


def merge(experiment: Experiment, stored: list[dict], fresh: list[dict]) -> list[dict]:
    """Stored runs with the fresh ones replacing their (variant, seed), in registry order.

    Every (variant, seed) of the experiment must be in one of the two.
    """
    by_key = {(r["variant"], r["seed"]): r for r in stored}
    by_key.update({(r["variant"], r["seed"]): r for r in fresh})
    missing = [(v.label, s) for v, s in experiment.runs() if (v.label, s) not in by_key]
    if missing:
        raise InputError(
            f"experiment {experiment.name!r} has no stored run for variant "
            f"{missing[0][0]!r}, seed {missing[0][1]}; run the whole experiment"
        )
    return [by_key[(v.label, s)] for v, s in experiment.runs()]


def summarise(rows: list[dict], claim: float | None = None) -> dict:
    """min / median / max accuracy, failures, and how many reached ``claim``."""
    good = [r["accuracy"] for r in rows if "error" not in r]
    out = {
        "runs": len(rows),
        "failed": sum("error" in r for r in rows),
        "accuracy_min": min(good) if good else None,
        "accuracy_median": statistics.median(good) if good else None,
        "accuracy_max": max(good) if good else None,
        "rollout_ok": sum(bool(r.get("rollout_ok")) for r in rows),
    }
    if claim is not None:
        out["claim"] = claim
        out["reached_claim"] = sum(reaches(a, claim) for a in good)
    return out


def held_out(rows: list[dict], claim: float, key: str = "accuracy") -> tuple[int, int]:
    """(runs that reach ``claim``, runs) among the stored held-out seeds 10-19."""
    held = [r for r in rows if r["seed"] in HELD_OUT_SEEDS]
    return sum(reaches(r[key], claim) for r in held), len(held)


def calibration(rows: list[dict], key: str = "accuracy") -> list[float]:
    """The stored values on the calibration seeds 0-9, in seed order."""
    return [r[key] for r in sorted(rows, key=lambda r: r["seed"])
            if r["seed"] in CALIBRATION_SEEDS]
