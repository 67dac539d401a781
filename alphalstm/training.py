"""Training: every way the book trains a model, from the most familiar to the fastest.

* :func:`textbook_fit` is the original tutorial's loop: ``fit`` one epoch
  with ``shuffle=False``, reset the state, repeat.
* :class:`ResetStateEachEpoch` does the same inside one ``fit`` call: Keras'
  own idiom, a callback. :func:`fit_as_written` picks between the two as
  the tutorial does.
* :func:`keras_tuned_fit` is one ``fit`` call tuned as Keras' documentation
  suggests (a cached ``tf.data`` pipeline, ``steps_per_execution``, XLA).
* :class:`CompiledLoop` (and :func:`train_compiled`) runs whole epochs
  inside one XLA-compiled TensorFlow function. On unshuffled data it makes
  the same updates as the two above (``tests/test_training.py`` compares the
  weights and ``optimizer.iterations`` on every unshuffled recipe). With
  ``shuffle=True`` it draws its own permutation each epoch (NumPy, seeded),
  so it is not comparable update for update with ``fit``'s own shuffling.
  It trains with TensorFlow's op determinism on, and restores it after
  each call (:func:`deterministic_ops`).
  It computes the compiled loss with ``model.compute_loss`` (which includes
  ``model.losses``), reports loss and accuracy per epoch from the same
  forward pass as each update, and does not update the compiled metrics.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ._backend import keras, tf
from .errors import InputError, check_int
from .models import (
    adam_epsilon,
    compile_model,
    fixed_batch_size,
    reset_states,
    stateful_layers,
)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow (``keras.utils.set_random_seed``), only.

    In particular it leaves TensorFlow's op determinism alone: while that is
    on, Keras turns ``jit_compile=True`` off, so turning it on here would
    change how a reader's own models train for the rest of the process. The
    package's own training turns it on only while it trains
    (:func:`deterministic_ops`).
    """
    check_int("seed", seed, minimum=0)
    keras.utils.set_random_seed(seed)


@contextlib.contextmanager
def deterministic_ops():
    """TensorFlow's op determinism, on inside the block and restored after it.

    :class:`CompiledLoop` trains inside this block. The stored runs were made
    with op determinism on, and some of them depend on it: the original
    variable-length recipe on seed 2026 ends at loss 0.1099 with it and at
    0.1875 without it (each reproducible run to run). TensorFlow offers no
    public call to turn it off again, hence the private module.
    """
    from tensorflow.python.framework import config as tf_config

    was_on = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    try:
        yield
    finally:
        if not was_on:
            tf_config.disable_op_determinism()


@dataclass
class History:
    """Per-epoch training loss and accuracy, plus what the run cost."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    updates: int = 0  # optimizer steps taken, read from model.optimizer.iterations
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @classmethod
    def from_keras(cls, logs: dict, updates: int, seconds: float) -> History:
        """The per-epoch loss and accuracy of a ``fit`` call's ``History.history``."""
        return cls(
            loss=[float(v) for v in logs["loss"]],
            accuracy=[float(v) for v in logs["accuracy"]],
            updates=updates,
            seconds=seconds,
        )

    def first_perfect_epoch(self) -> int | None:
        """The first epoch whose training accuracy was 100 %, counting from 1."""
        return next((i + 1 for i, a in enumerate(self.accuracy) if a >= 1.0), None)


class ResetStateEachEpoch(keras.callbacks.Callback):
    """Reset every stateful layer at the start of each epoch of ``fit``."""

    def on_epoch_begin(self, epoch, logs=None):
        reset_states(self.model)


def updates_per_epoch(n_samples: int, batch_size: int) -> int:
    """Optimizer steps in one epoch: one per batch, the last one possibly partial."""
    return -(-n_samples // batch_size)


def _iterations(model: keras.Model) -> int:
    return int(model.optimizer.iterations.numpy())


def check_data(model: keras.Model, X, y, batch_size: int) -> None:
    """Refuse data that a model, or a batch size, cannot train on."""
    check_int("batch_size", batch_size)
    if len(X) != len(y):
        raise InputError(f"X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:
        raise InputError("cannot train on an empty dataset")
    fixed = fixed_batch_size(model)
    if fixed is not None:
        if batch_size != fixed:
            raise InputError(
                f"this model was built for batch size {fixed}; "
                f"got batch_size={batch_size}"
            )
        if len(X) % fixed:
            raise InputError(
                f"{len(X)} samples cannot be split into full batches of {fixed}; "
                "a model with a fixed batch size needs a multiple of it"
            )


def textbook_fit(model: keras.Model, X, y, epochs: int, batch_size: int = 1) -> History:
    """The original recipe's loop: ``fit`` one epoch, no shuffle, reset the state."""
    check_int("epochs", epochs)
    check_data(model, X, y, batch_size)
    before = _iterations(model)
    start = time.perf_counter()
    logs: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        epoch = model.fit(
            X, y, epochs=1, batch_size=batch_size, shuffle=False, verbose=0
        ).history
        reset_states(model)
        for key in logs:
            logs[key] += epoch[key]
    seconds = time.perf_counter() - start
    return History.from_keras(logs, _iterations(model) - before, seconds)


def fit_as_written(
    model: keras.Model,
    X,
    y,
    epochs: int,
    batch_size: int,
    shuffle: bool,
    stateful: bool,
) -> History:
    """Train ``model`` the way the original tutorial does, with Keras ``fit``.

    Stateful with batch 1: the fit-one-epoch-then-reset loop
    (:func:`textbook_fit`). Other stateful training: one ``fit`` call with
    :class:`ResetStateEachEpoch`. Stateless: one ``fit`` call.
    """
    check_int("epochs", epochs)
    check_data(model, X, y, batch_size)
    if stateful and batch_size == 1:
        return textbook_fit(model, X, y, epochs, batch_size)
    callbacks = [ResetStateEachEpoch()] if stateful else []
    before = _iterations(model)
    start = time.perf_counter()
    logs = model.fit(
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=shuffle,
        verbose=0,
        callbacks=callbacks,
    ).history
    return History.from_keras(
        logs, _iterations(model) - before, time.perf_counter() - start
    )


def keras_tuned_fit(
    model: keras.Model,
    X,
    y,
    epochs: int,
    batch_size: int,
    shuffle: bool,
    stateful: bool,
    seed: int = 0,
    unroll_up_to: int = 16,
) -> History:
    """One ``fit`` call, tuned as Keras' documentation suggests.

    The model is recompiled with :func:`~alphalstm.models.compile_model`'s
    settings plus ``steps_per_execution`` = one epoch of batches and
    ``jit_compile=True``, and fed from a cached ``tf.data`` pipeline
    (shuffled by ``tf.data`` when ``shuffle``). Recurrences of at most
    ``unroll_up_to`` steps are traced unrolled, as :class:`CompiledLoop`
    does. Raises if Keras turned XLA off.
    """
    check_int("epochs", epochs)
    check_data(model, X, y, batch_size)
    compile_model(
        model,
        adam_epsilon(model),
        steps_per_execution=updates_per_epoch(len(X), batch_size),
        jit_compile=True,
    )
    if model.jit_compile is not True:
        raise RuntimeError(
            "Keras turned jit_compile off (TensorFlow's op determinism is on?); "
            "the tuned fit would not use XLA"
        )
    ds = tf.data.Dataset.from_tensor_slices((X, y)).cache()
    if shuffle:
        ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=stateful)
    callbacks = [ResetStateEachEpoch()] if stateful else []
    before = _iterations(model)
    start = time.perf_counter()
    with unrolled_recurrence(model, unroll_up_to):
        # shuffle=False: the dataset itself shuffles (or not)
        logs = model.fit(
            ds, epochs=epochs, shuffle=False, verbose=0, callbacks=callbacks
        ).history
    return History.from_keras(
        logs, _iterations(model) - before, time.perf_counter() - start
    )


@contextlib.contextmanager
def unrolled_recurrence(model: keras.Model, max_steps: int):
    """Trace recurrent layers of at most ``max_steps`` steps unrolled.

    The arithmetic is the same; XLA compiles a straight line of a few steps
    faster than a ``while`` loop. The layers' own ``unroll`` setting is restored.
    """
    steps = model.inputs[0].shape[1]
    layers = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.RNN) and not layer.unroll
    ]
    if steps is None or steps > max_steps:
        layers = []
    for layer in layers:
        layer.unroll = True
    try:
        yield
    finally:
        for layer in layers:
            layer.unroll = False


def _in_jupyter() -> bool:
    """True inside a Jupyter kernel (where a live display can be updated)."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class _Progress:
    """One live line: an updated display in Jupyter, else a carriage-return line."""

    def __init__(self) -> None:
        self._handle = None
        if _in_jupyter():
            from IPython.display import display

            self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    def update(self, text: str) -> None:
        if self._handle is not None:
            self._handle.update({"text/plain": text}, raw=True)
        else:
            print("\r  " + text, end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._handle is None:
            print(file=sys.stderr)


class CompiledLoop:
    """Train ``model`` on (X, y), ``chunk`` epochs per call of one compiled function.

    Arguments mirror ``model.fit``: ``batch_size`` (the last batch of an
    epoch may be partial, as in ``fit``); ``shuffle`` (a fresh permutation
    each epoch, drawn on the host from ``seed`` and the epoch number); and
    ``reset_each_epoch``, which zeroes every stateful layer at the start of
    each epoch, as :class:`ResetStateEachEpoch` does. Recurrences of at most
    ``unroll_up_to`` steps are traced unrolled (0 turns this off).
    """

    def __init__(
        self,
        model: keras.Model,
        X,
        y,
        batch_size: int = 1,
        shuffle: bool = False,
        reset_each_epoch: bool = False,
        seed: int = 0,
        chunk: int = 100,
        unroll_up_to: int = 16,
    ) -> None:
        check_data(model, X, y, batch_size)
        check_int("seed", seed, minimum=0)
        check_int("chunk", chunk)
        check_int("unroll_up_to", unroll_up_to, minimum=0)
        if model.optimizer is None:
            raise InputError("compile the model (optimizer and loss) before training")
        self.model = model
        self.batch_size = batch_size
        self.n = len(X)
        self.chunk = chunk
        self.seed = seed
        self.shuffle = bool(shuffle)
        self.reset_each_epoch = bool(reset_each_epoch)
        self.unroll_up_to = unroll_up_to
        # The model's float type (float32 unless keras.config.floatx() says otherwise).
        self._dtype = tf.as_dtype(model.inputs[0].dtype)
        self._X = tf.constant(np.asarray(X), dtype=self._dtype)
        self._y = tf.constant(np.asarray(y), dtype=self._dtype)
        # Targets per epoch: one per sample, or one per step of multi-step samples.
        self._targets = int(np.prod(self._y.shape[:-1], dtype=np.int64))
        self._states = [s for layer in stateful_layers(model) for s in layer.states]
        model.optimizer.build(model.trainable_variables)
        self._build_loss()
        self._epochs_done = 0

        # A partial, not the bound method: TensorFlow counts traces per code object
        # when the function has one, so every loop's single trace would add to one
        # shared count and warn of "excessive retracing" after five loops. A
        # partial has no code object and is counted on its own.
        self._run = tf.function(
            functools.partial(CompiledLoop._run_epochs, self),
            jit_compile=True,
            autograph=False,
        )

    def _build_loss(self) -> None:
        """Let Keras build its compiled loss once, outside the traced function."""
        saved = [s.numpy() for s in self._states]
        xb, yb = self._X[: self.batch_size], self._y[: self.batch_size]
        self.model.compute_loss(xb, yb, self.model(xb, training=False), training=True)
        for state, value in zip(self._states, saved):
            state.assign(value)

    @property
    def updates_per_epoch(self) -> int:
        return updates_per_epoch(self.n, self.batch_size)

    def _step(self, idx):
        model, tvars = self.model, self.model.trainable_variables
        xb = tf.gather(self._X, idx)
        yb = tf.gather(self._y, idx)
        with tf.GradientTape() as tape:
            y_pred = model(xb, training=True)
            loss = model.compute_loss(xb, yb, y_pred, training=True)
        grads = tape.gradient(loss, tvars)
        model.optimizer.apply(grads, tvars)
        hits = tf.reduce_sum(
            tf.cast(tf.equal(tf.argmax(yb, -1), tf.argmax(y_pred, -1)), tf.int32)
        )
        size = tf.cast(tf.shape(idx)[0], self._dtype)
        return tf.cast(loss, self._dtype) * size, hits

    def _one_epoch(self, order):
        bs, n = self.batch_size, self.n
        full, rest = divmod(n, bs)
        if self.reset_each_epoch:
            for state in self._states:
                state.assign(tf.zeros_like(state))

        def batch(b, loss_sum, hit_sum):
            loss, hits = self._step(tf.slice(order, [b * bs], [bs]))
            return b + 1, loss_sum + loss, hit_sum + hits

        _, loss_sum, hit_sum = tf.while_loop(
            lambda b, *_: b < full,
            batch,
            (tf.constant(0), tf.constant(0.0, self._dtype), tf.constant(0, tf.int32)),
        )
        if rest:
            loss, hits = self._step(order[full * bs :])
            loss_sum += loss
            hit_sum += hits
        return loss_sum / n, hit_sum

    def _run_epochs(self, n_epochs, orders):
        """Each epoch's mean loss and its count of correct predictions.

        The count stays an integer and accuracy is divided out on the host, so
        a perfect epoch is exactly 1.0. (Inside XLA the division became a
        multiplication by the float32 reciprocal: 994 * fl(1/994) = 0.99999994.)
        """

        def epoch(e, losses, hits):
            loss, hit = self._one_epoch(orders[e])
            return (
                e + 1,
                losses + tf.one_hot(e, self.chunk, dtype=self._dtype) * loss,
                hits + tf.one_hot(e, self.chunk, dtype=tf.int32) * hit,
            )

        _, losses, hits = tf.while_loop(
            lambda e, *_: e < n_epochs,
            epoch,
            (
                tf.constant(0),
                tf.zeros([self.chunk], self._dtype),
                tf.zeros([self.chunk], tf.int32),
            ),
        )
        return losses, hits

    def orders(self, first_epoch: int, count: int) -> np.ndarray:
        """The sample order of epochs ``first_epoch .. first_epoch + count - 1``.

        Unshuffled: 0, 1, ..., n-1 every epoch. Shuffled: a permutation per
        epoch from ``numpy.random.default_rng((seed, epoch))``, drawn on the
        host so that sorting stays out of the compiled graph.
        """
        orders = np.tile(np.arange(self.n, dtype=np.int32), (self.chunk, 1))
        if self.shuffle:
            for i in range(count):
                rng = np.random.default_rng((self.seed, first_epoch + i))
                orders[i] = rng.permutation(self.n)
        return orders

    def fit(self, epochs: int, progress: bool | None = None) -> History:
        """Train for ``epochs`` epochs; show a live line on long interactive runs."""
        check_int("epochs", epochs)
        if progress is None:
            progress = (sys.stderr.isatty() or _in_jupyter()) and epochs > self.chunk
        bar = _Progress() if progress else None
        history = History()
        before = _iterations(self.model)
        start = time.perf_counter()
        done = 0
        while done < epochs:
            n = min(self.chunk, epochs - done)
            with (
                deterministic_ops(),
                unrolled_recurrence(self.model, self.unroll_up_to),
            ):
                losses, hits = self._run(
                    tf.constant(n, tf.int32),
                    tf.constant(self.orders(self._epochs_done, n)),
                )
            history.loss += [float(v) for v in losses.numpy()[:n]]
            history.accuracy += [int(h) / self._targets for h in hits.numpy()[:n]]
            done += n
            self._epochs_done += n
            if bar:
                bar.update(
                    f"epoch {done}/{epochs}  loss {history.loss[-1]:.4f}"
                    f"  training accuracy {history.accuracy[-1]:.3f}"
                )
        if bar:
            bar.close()
        history.seconds = time.perf_counter() - start
        history.updates = _iterations(self.model) - before
        return history


def train_compiled(
    model: keras.Model,
    X,
    y,
    epochs: int,
    batch_size: int = 1,
    shuffle: bool = False,
    reset_each_epoch: bool = False,
    seed: int = 0,
    progress: bool | None = None,
) -> History:
    """Train with a :class:`CompiledLoop` in one call; returns the history."""
    loop = CompiledLoop(
        model,
        X,
        y,
        batch_size=batch_size,
        shuffle=shuffle,
        reset_each_epoch=reset_each_epoch,
        seed=seed,
    )
    return loop.fit(epochs, progress=progress)
