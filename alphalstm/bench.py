"""Benchmarks: one recipe trained three ways in one process, side by side, repeated.

1. **original**: Keras ``fit`` as the tutorial uses it
   (:func:`~alphalstm.training.fit_as_written`);
2. **keras-tuned**: Keras' own answer to per-batch overhead
   (:func:`~alphalstm.training.keras_tuned_fit`: a cached ``tf.data``
   pipeline, ``steps_per_execution``, XLA);
3. **alphalstm**: :class:`~alphalstm.training.CompiledLoop`.

What makes the comparison fair:

* every side starts from the same initial weights and makes the same number
  of updates (checked with ``optimizer.iterations``);
* every side gets the same unrolling choice: recurrences of at most
  ``unroll_up_to`` steps are traced unrolled, on all three sides;
* every side's timer covers its whole setup (building the training
  function, uploading data, building the optimizer) and its training,
  compilation included; only building the fresh model is left out;
* the sides run ``repeats`` times in rotating order (first round original,
  keras-tuned, alphalstm; second round keras-tuned, alphalstm, original; ...),
  and the report gives every time and the median of each side.

Times are wall-clock seconds on a machine shared with whatever else runs on
it; only ratios measured in one call compare.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from . import runs, training
from ._backend import keras
from .errors import InputError, check_int
from .recipes import Recipe

SIDES = ("original", "keras-tuned", "alphalstm")
UNROLL_UP_TO = 16  # the same for every side (CompiledLoop's default)
GOALS = {"original": 25.0, "keras-tuned": 5.0}  # the speedups alphalstm aimed for


def _trainers(recipe: Recipe, X, y, seed: int) -> dict[str, Callable]:
    """Each side's training, as a function of a fresh model."""
    bs = recipe.resolved_batch_size(len(X))

    def original(model: keras.Model) -> training.History:
        with training.unrolled_recurrence(model, UNROLL_UP_TO):
            return training.fit_as_written(
                model, X, y, recipe.epochs, bs, recipe.shuffle, recipe.stateful
            )

    def keras_tuned(model: keras.Model) -> training.History:
        return training.keras_tuned_fit(
            model,
            X,
            y,
            recipe.epochs,
            bs,
            recipe.shuffle,
            recipe.stateful,
            seed,
            unroll_up_to=UNROLL_UP_TO,
        )

    def alphalstm(model: keras.Model) -> training.History:
        loop = training.CompiledLoop(
            model,
            X,
            y,
            batch_size=bs,
            shuffle=recipe.shuffle,
            reset_each_epoch=recipe.stateful,
            seed=seed,
            unroll_up_to=UNROLL_UP_TO,
        )
        return loop.fit(recipe.epochs, progress=False)

    return {"original": original, "keras-tuned": keras_tuned, "alphalstm": alphalstm}


def rotation(repeats: int) -> list[tuple[str, ...]]:
    """The order of the sides in each round: round r starts with side r mod 3."""
    check_int("repeats", repeats)
    return [SIDES[r % 3 :] + SIDES[: r % 3] for r in range(repeats)]


def verdict(low: float, high: float, goal: float) -> str:
    """``met``, ``missed`` or ``within noise`` for a speedup range against a goal."""
    if low >= goal:
        return "met"
    if high < goal:
        return "missed"
    return "within noise"


def benchmark(
    recipe: Recipe,
    seed: int = 7,
    original: bool = False,
    repeats: int = 3,
    log: Callable[[str], None] = print,
) -> dict:
    """Train ``recipe`` three ways, ``repeats`` times each: every time, and medians."""
    check_int("repeats", repeats)
    vocab, X, y, model = runs.prepare(recipe, seed)
    initial = model.get_weights()
    trainers = _trainers(recipe, X, y, seed)
    seconds: dict[str, list[float]] = {side: [] for side in SIDES}
    updates: dict[str, set[int]] = {side: set() for side in SIDES}
    accuracy: dict[str, float] = {}
    for r, order in enumerate(rotation(repeats), start=1):
        for side in order:
            fresh = runs.build(recipe, vocab, len(X))
            fresh.set_weights(initial)
            start = time.perf_counter()
            history = trainers[side](fresh)
            seconds[side].append(time.perf_counter() - start)
            updates[side].add(history.updates)
            log(f"  round {r}, {side}: {seconds[side][-1]:.2f} s")
            if r == 1:
                run = runs.Run(recipe, seed, vocab, fresh, X, y, history)
                accuracy[side] = run.accuracy()
    counts = set().union(*updates.values())
    if len(counts) != 1:
        raise RuntimeError(f"the sides made different numbers of updates: {updates}")
    medians = {side: statistics.median(t) for side, t in seconds.items()}
    row = {
        "chapter": recipe.name,
        "original": original,
        "seed": seed,
        "epochs": recipe.epochs,
        "updates": counts.pop(),
        "repeats": repeats,
        "unroll_up_to": UNROLL_UP_TO,
        "seconds": {side: [round(t, 3) for t in ts] for side, ts in seconds.items()},
        "median_seconds": {side: round(t, 3) for side, t in medians.items()},
        "accuracy": {side: round(acc, 4) for side, acc in accuracy.items()},
        "machine_cores": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d"),
    }
    return {**row, **speedups(row)}


def speedups(row: dict) -> dict:
    """Median speedups of alphalstm over each side, their ranges, and the verdicts.

    The range pairs the slowest with the fastest time across rounds:
    (fastest other / slowest alphalstm, slowest other / fastest alphalstm).
    """
    ours = row["seconds"]["alphalstm"]
    out = {}
    for side, goal in GOALS.items():
        theirs = row["seconds"][side]
        key = side.replace("-", "_")
        low, high = min(theirs) / max(ours), max(theirs) / min(ours)
        out[f"speedup_over_{key}"] = round(
            row["median_seconds"][side] / row["median_seconds"]["alphalstm"], 1
        )
        out[f"speedup_range_over_{key}"] = [round(low, 1), round(high, 1)]
        out[f"goal_over_{key}"] = verdict(low, high, goal)
    return out


def split_profile(
    short: list[float], full: list[float], short_updates: int, full_updates: int
) -> dict:
    """Compile time and time per update from repeated short and full runs.

    The full runs' median minus the short runs' median, over the extra
    updates, is the time of one update once compiled; the short runs' median
    less their updates is compilation and setup. The difference is trusted
    only where it exceeds how much the runs varied (the sum of the two
    ranges): otherwise the extra updates cost less than the noise, the time
    per update is reported as unresolved (``per_update_ms`` None) with that
    noise over the extra updates as its upper bound, and the whole short run
    counts as compilation and setup.
    """
    if not short or not full:
        raise InputError("a profile needs at least one short and one full run")
    extra = full_updates - short_updates
    if extra <= 0:
        raise InputError("the full run must make more updates than the short one")
    short_s, full_s = statistics.median(short), statistics.median(full)
    noise = (max(short) - min(short)) + (max(full) - min(full))
    if full_s - short_s <= noise:
        return {
            "compile_seconds": round(short_s, 3),
            "per_update_ms": None,
            "per_update_below_ms": round(1000 * noise / extra, 4),
        }
    per_update = (full_s - short_s) / extra
    return {
        "compile_seconds": round(short_s - short_updates * per_update, 3),
        "per_update_ms": round(1000 * per_update, 4),
        "per_update_below_ms": None,
    }


def profile(
    recipe: Recipe, seed: int = 7, short: int | None = None, repeats: int = 3
) -> list[dict]:
    """Where the fast sides' time goes: compilation, and each update after it.

    Each of keras-tuned and alphalstm trains from the same initial weights
    for ``short`` epochs (default a tenth of the recipe's) and for all of
    them, alternately, ``repeats`` times each, after a first short run that
    is not timed (the process's first XLA compilation and Keras' first
    traces cost extra once). :func:`split_profile` turns the times into
    compilation and time per update.
    """
    short = short or max(1, recipe.epochs // 10)
    check_int("short", short)
    check_int("repeats", repeats)
    if short >= recipe.epochs:
        raise InputError(f"short must be below the recipe's {recipe.epochs} epochs")
    vocab, X, y, model = runs.prepare(recipe, seed)
    initial = model.get_weights()
    per_epoch = training.updates_per_epoch(len(X), recipe.resolved_batch_size(len(X)))
    rows = []
    for side in ("keras-tuned", "alphalstm"):
        times: dict[int, list[float]] = {short: [], recipe.epochs: []}
        plan = [short] + [short, recipe.epochs] * repeats  # the first is a warm-up
        for i, epochs in enumerate(plan):
            fresh = runs.build(recipe, vocab, len(X))
            fresh.set_weights(initial)
            train = _trainers(replace(recipe, epochs=epochs), X, y, seed)[side]
            start = time.perf_counter()
            train(fresh)
            if i > 0:
                times[epochs].append(round(time.perf_counter() - start, 3))
        split = split_profile(
            times[short],
            times[recipe.epochs],
            short * per_epoch,
            recipe.epochs * per_epoch,
        )
        rows.append(
            {
                "chapter": recipe.name,
                "side": side,
                **split,
                "seconds": {"short": times[short], "full": times[recipe.epochs]},
                "short_epochs": short,
                "total_seconds": statistics.median(times[recipe.epochs]),
                "updates": recipe.epochs * per_epoch,
                "steps_per_sample": int(X.shape[1]),
                "batch_size": recipe.resolved_batch_size(len(X)),
                "repeats": repeats,
                "when": time.strftime("%Y-%m-%d"),
            }
        )
    return rows


def profile_line(row: dict) -> str:
    """One profile row as the command line prints it."""
    if row["per_update_ms"] is None:
        per_update = (
            f"per update below {row['per_update_below_ms']:.3f} ms (unresolved)"
        )
        compiling = f"compile and setup at most {row['compile_seconds']:.2f} s"
    else:
        per_update = f"{row['per_update_ms']:.3f} ms per update"
        compiling = f"compile {row['compile_seconds']:.2f} s"
    return (
        f"{row['chapter']} {row['side']}: {compiling}, {per_update} x "
        f"{row['updates']} updates, {row['total_seconds']:.2f} s in all "
        f"(medians of {row['repeats']})"
    )


def markdown_table(rows: list[dict]) -> str:
    """The README's benchmark table: medians, speedup ranges and verdicts per row."""
    head = (
        "| Recipe | Epochs | Updates | original | keras-tuned | alphalstm "
        "| × original (range) | × keras-tuned (range) | Goal 25× / 5× |\n"
        "|---|---:|---:|---:|---:|---:|---|---|---|"
    )
    lines = [head]
    for r in rows:
        med = r["median_seconds"]
        lo, hi = r["speedup_range_over_original"]
        klo, khi = r["speedup_range_over_keras_tuned"]
        name = r["chapter"] + (" (original recipe)" if r.get("original") else "")
        lines.append(
            f"| {name} | {r['epochs']} | {r['updates']:,} | {med['original']:.1f} s "
            f"| {med['keras-tuned']:.1f} s | {med['alphalstm']:.2f} s "
            f"| {r['speedup_over_original']:.1f}× ({lo:.1f}–{hi:.1f}) "
            f"| {r['speedup_over_keras_tuned']:.1f}× ({klo:.1f}–{khi:.1f}) "
            f"| {r['goal_over_original']} / {r['goal_over_keras_tuned']} |"
        )
    return "\n".join(lines)


def line(row: dict) -> str:
    """The one-line verdict ``python -m alphalstm bench`` ends with."""
    med, acc = row["median_seconds"], row["accuracy"]
    if set(med) != set(SIDES):
        raise InputError(f"a benchmark row needs the sides {SIDES}, got {sorted(med)}")
    return (
        f"{row['chapter']}{' (original recipe)' if row.get('original') else ''}: "
        f"original {med['original']:.2f} s, keras-tuned {med['keras-tuned']:.2f} s, "
        f"alphalstm {med['alphalstm']:.2f} s (medians of {row['repeats']}), "
        f"speedup {row['speedup_over_original']:.1f}x over original, "
        f"{row['speedup_over_keras_tuned']:.1f}x over keras-tuned, "
        f"accuracy {acc['original']:.2f} / {acc['keras-tuned']:.2f} / "
        f"{acc['alphalstm']:.2f}"
    )


__all__ = [
    "GOALS",
    "SIDES",
    "benchmark",
    "line",
    "markdown_table",
    "profile",
    "profile_line",
    "rotation",
    "speedups",
    "split_profile",
    "verdict",
]
