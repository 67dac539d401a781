"""Benchmarks: one recipe trained three ways in one process, side by side.

1. **original**: Keras ``fit`` as the tutorial uses it (for stateful batch-1
   recipes, 300 calls of ``fit`` with a reset after each);
2. **keras-tuned**: Keras' own answer to per-batch overhead, as its
   documentation suggests: one ``fit`` call on a cached ``tf.data`` pipeline,
   ``compile(steps_per_execution=<batches per epoch>, jit_compile=True)``,
   stateful layers reset by :class:`~alphalstm.training.ResetStateEachEpoch`;
3. **alphalstm**: :class:`~alphalstm.training.CompiledLoop`.

All three start from the same initial weights and make the same number of
updates (checked with ``optimizer.iterations``). Times are wall-clock seconds
of training, compilation included. Only ratios measured in one run compare:
the machine is shared and its speed varies from day to day.
"""

from __future__ import annotations

import contextlib
import os
import time

from . import runs
from ._backend import keras, tf
from .recipes import Recipe
from .training import History, ResetStateEachEpoch, updates_per_epoch

SIDES = ("original", "keras-tuned", "alphalstm")


@contextlib.contextmanager
def _op_determinism_off():
    """Let Keras use XLA: Keras 3 turns ``jit_compile=True`` off, with a warning,
    while TensorFlow's op determinism is on (``trainer.model_supports_jit``), and
    :func:`~alphalstm.training.set_seed` turns it on. TensorFlow has no public
    call to turn it off again, hence the private module."""
    from tensorflow.python.framework import config

    was_on = config.is_op_determinism_enabled()
    config.disable_op_determinism()
    try:
        yield
    finally:
        if was_on:
            config.enable_op_determinism()


def keras_tuned_fit(recipe: Recipe, model: keras.Model, X, y, seed: int) -> History:
    """Train with one ``fit`` call, tuned as Keras' documentation suggests.

    Runs with op determinism off, so that Keras keeps ``jit_compile=True``;
    raises if Keras turned XLA off anyway.
    """
    with _op_determinism_off():
        return _keras_tuned_fit(recipe, model, X, y, seed)


def _keras_tuned_fit(recipe: Recipe, model: keras.Model, X, y, seed: int) -> History:
    bs = recipe.resolved_batch_size(len(X))
    per_epoch = updates_per_epoch(len(X), bs)
    model.compile(
        optimizer=keras.optimizers.Adam(epsilon=recipe.adam_epsilon),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=per_epoch,
        jit_compile=True,
    )
    if model.jit_compile is not True:
        raise RuntimeError("Keras turned jit_compile off; the keras-tuned side would not use XLA")
    ds = tf.data.Dataset.from_tensor_slices((X, y)).cache()
    if recipe.shuffle:
        ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(bs, drop_remainder=recipe.stateful)
    callbacks = [ResetStateEachEpoch()] if recipe.stateful else []
    start = time.perf_counter()
    # shuffle=False: the dataset itself shuffles (or not), as the recipe says
    logs = model.fit(ds, epochs=recipe.epochs, shuffle=False, verbose=0,
                     callbacks=callbacks).history
    seconds = time.perf_counter() - start
    return History(
        loss=[float(v) for v in logs["loss"]],
        accuracy=[float(v) for v in logs["accuracy"]],
        updates=int(model.optimizer.iterations.numpy()),
        seconds=seconds,
    )


def benchmark(recipe: Recipe, seed: int = 7, original: bool = False, log=print) -> dict:
    """Train ``recipe`` three ways from the same initial weights; return the figures."""
    vocab, X, y, model = runs.prepare(recipe, seed)
    initial = model.get_weights()
    results: dict[str, tuple[History, float]] = {}

    def measure(side: str, train) -> None:
        log(f"  {side} ...")
        fresh = runs.build(recipe, vocab, len(X))
        fresh.set_weights(initial)
        history = train(fresh)
        run = runs.Run(recipe, seed, vocab, fresh, X, y, history)
        results[side] = (history, run.accuracy())

    measure("original", lambda m: runs.fit_as_written(recipe, m, X, y))
    measure("keras-tuned", lambda m: keras_tuned_fit(recipe, m, X, y, seed))
    measure("alphalstm", lambda m: runs.loop(recipe, m, X, y, seed).fit(recipe.epochs))
    updates = {side: h.updates for side, (h, _) in results.items()}
    if len(set(updates.values())) != 1:
        raise RuntimeError(f"the three sides made different numbers of updates: {updates}")
    t = {side: h.seconds for side, (h, _) in results.items()}
    return {
        "chapter": recipe.name,
        "original": original,
        "seed": seed,
        "epochs": recipe.epochs,
        "updates": updates["alphalstm"],
        "original_seconds": round(t["original"], 2),
        "keras_tuned_seconds": round(t["keras-tuned"], 2),
        "alphalstm_seconds": round(t["alphalstm"], 2),
        "speedup_over_original": round(t["original"] / t["alphalstm"], 1),
        "speedup_over_keras_tuned": round(t["keras-tuned"] / t["alphalstm"], 1),
        "accuracy": {side: round(acc, 4) for side, (_, acc) in results.items()},
        "machine_cores": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d"),
    }


def line(row: dict) -> str:
    """The one-line verdict ``python -m alphalstm bench`` ends with."""
    acc = row["accuracy"]
    return (
        f"{row['chapter']}{' (original recipe)' if row.get('original') else ''}: "
        f"original {row['original_seconds']:.2f} s, "
        f"keras-tuned {row['keras_tuned_seconds']:.2f} s, "
        f"alphalstm {row['alphalstm_seconds']:.2f} s, "
        f"speedup {row['speedup_over_original']:.1f}x over original, "
        f"{row['speedup_over_keras_tuned']:.1f}x over keras-tuned, "
        f"accuracy {acc['original']:.2f} / {acc['keras-tuned']:.2f} / {acc['alphalstm']:.2f}"
    )


__all__ = ["SIDES", "benchmark", "keras_tuned_fit", "line"]
