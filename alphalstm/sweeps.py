"""Many training runs at once: each in its own process, several in parallel.

Each run is ``python -m alphalstm train CHAPTER --seed S --json ...`` in a
subprocess, so runs proceed in parallel and a crash in one cannot take the
others down: it is reported as a failed run, never dropped. With ``jobs``
processes at a time on ``cores`` cores, each process is limited to
``max(1, cores // jobs)`` threads (``TF_NUM_INTRAOP_THREADS`` and
``TF_NUM_INTEROP_THREADS``), so that the processes do not compete for the
same cores. This module does not import TensorFlow; the subprocesses do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from .errors import InputError, check_int
from .experiments import Experiment, Variant


def thread_limits(jobs: int, cores: int | None = None) -> dict[str, str]:
    """The environment that gives each of ``jobs`` parallel runs its share of cores."""
    check_int("jobs", jobs)
    cores = cores or os.cpu_count() or 1
    share = str(max(1, cores // jobs))
    return {"TF_NUM_INTRAOP_THREADS": share, "TF_NUM_INTEROP_THREADS": share}


def run_in_subprocess(
    argv: list[str], timeout: float = 1800, env: dict[str, str] | None = None
) -> dict:
    """Run ``python -m alphalstm ARGV`` and return its JSON line, or its failure."""
    cmd = [sys.executable, "-m", "alphalstm", *argv]
    full_env = {**os.environ, **(env or {})}
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=full_env, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit status {proc.returncode}: {tail}"}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": "no JSON result printed"}


def _timed(argv: list[str], env: dict[str, str]) -> dict:
    """Run one subprocess; note when it was launched and when it returned."""
    launched = time.time()
    result = run_in_subprocess(argv, env=env)
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
    jobs = check_int("jobs", jobs) if jobs is not None else (os.cpu_count() or 1)
    env = thread_limits(jobs)
    results: dict[int, dict] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_timed, variant.argv(seed), env): i
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
    experiment: Experiment,
    jobs: int | None = None,
    on_done: Callable[[dict, int, int], None] | None = None,
    labels: tuple[str, ...] | None = None,
) -> list[dict]:
    """Every run of ``experiment`` (or of the ``labels`` variants), tagged with it."""
    rows = run_many(experiment.runs(labels), jobs=jobs, on_done=on_done)
    return [{"experiment": experiment.name, **row} for row in rows]


def merge(experiment: Experiment, stored: list[dict], fresh: list[dict]) -> list[dict]:
    """Stored runs, fresh ones replacing their (variant, seed), in registry order.

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
