"""Judging a trained model: accuracy, a per-sample table, rollouts, state paths.

Stateful models are always evaluated from a zero state, with the batch size
they were built for, and left with a zero state afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._backend import keras, tf
from .data import ContextFraming, Vocabulary
from .errors import InputError, check_int
from .models import fixed_batch_size, reset_states, stateful_layers


def probabilities(model: keras.Model, X) -> np.ndarray:
    """Softmax output for every sample, fed in order from a zero state."""
    batch_size = fixed_batch_size(model) or len(X)
    if len(X) % batch_size:
        raise InputError(
            f"{len(X)} samples cannot be fed to a model with fixed batch size "
            f"{batch_size}; use a multiple of it"
        )
    reset_states(model)
    probs = model.predict(np.asarray(X), batch_size=batch_size, verbose=0)
    reset_states(model)
    return probs


def predict_indices(model: keras.Model, X) -> np.ndarray:
    """Arg-max predictions for every target, in order, from a zero state."""
    return np.argmax(probabilities(model, X), axis=-1)


def correct(model: keras.Model, X, y) -> np.ndarray:
    """One boolean per target: was the arg-max prediction right?"""
    predicted = predict_indices(model, X).reshape(-1)
    return predicted == np.argmax(y, axis=-1).reshape(-1)


def accuracy(model: keras.Model, X, y) -> float:
    """Fraction of targets whose arg-max prediction is right."""
    return float(np.mean(correct(model, X, y)))


@dataclass(frozen=True)
class Row:
    """One line of the prediction table."""

    given: str
    expected: str
    predicted: str

    @property
    def correct(self) -> bool:
        return self.expected == self.predicted


def prediction_table(
    model: keras.Model, vocab: Vocabulary, framing: ContextFraming, text: str
) -> list[Row]:
    """Every (context -> next) pair of ``text`` with the model's answer.

    For a stateful model the samples are fed in order, so each one starts
    from the state the one before it left.
    """
    X, y = framing.dataset(vocab, text)
    predicted = vocab.decode(predict_indices(model, X).reshape(-1))
    nexts = text[framing.min_context :]
    return [Row(c, e, p) for c, e, p in zip(framing.contexts(text), nexts, predicted)]


def format_table(rows: list[Row], only_wrong: bool = False) -> str:
    """Render rows as ``ABC -> D  ok`` lines (or ``WRONG``)."""
    return "\n".join(
        f"{r.given} -> {r.predicted}  "
        f"{'ok' if r.correct else 'WRONG, expected ' + r.expected}"
        for r in rows
        if not (only_wrong and r.correct)
    )


def _predict_next(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """The softmax over the next symbol for one input (a batch of 1)."""
    batch_size = fixed_batch_size(model)
    if batch_size not in (None, 1):
        raise InputError(
            f"step-by-step prediction needs a batch size of 1, but this model was "
            f"built for batch size {batch_size}; copy its weights into a batch-1 "
            "model (alphalstm.models.stepper or with_batch_size)"
        )
    step = getattr(model, "_alphalstm_step", None)
    if step is None:  # one traced function per model: a rollout is many calls
        step = tf.function(lambda inputs: model(inputs, training=False))
        model._alphalstm_step = step
    probs = step(tf.constant(x, tf.float32)).numpy()
    return probs.reshape(-1, probs.shape[-1])[-1]


def continue_text(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    prefix: str,
    length: int,
) -> str:
    """Extend ``prefix`` to ``length`` symbols, feeding each prediction back.

    For stateful models the state starts at zero and is carried: every
    symbol of ``prefix`` is fed first (a warm-up), then the predictions.
    """
    vocab.encode(prefix)
    check_int("length", length)
    if len(prefix) < framing.min_context:
        raise InputError(
            f"need at least {framing.min_context} symbol(s) to start from, "
            f"got {prefix!r}"
        )
    if length < len(prefix):
        raise InputError(f"length {length} is shorter than the prefix {prefix!r}")
    stateful = bool(stateful_layers(model))
    reset_states(model)
    try:
        if stateful:
            for i in range(framing.min_context, len(prefix)):
                _predict_next(model, framing.context(vocab, prefix[:i]))
        text = prefix
        while len(text) < length:
            probs = _predict_next(model, framing.context(vocab, text))
            text += vocab.symbols[int(np.argmax(probs))]
    finally:
        reset_states(model)
    return text


def rollout(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    seed: str,
    length: int,
) -> str:
    """Start from ``seed`` and feed every prediction back until ``length`` symbols."""
    return continue_text(model, vocab, framing, seed, length)


def cold_start(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    symbol: str,
    steps: int = 5,
) -> str:
    """Start from ``symbol`` with a zero state and predict ``steps`` symbols."""
    return continue_text(model, vocab, framing, symbol, len(symbol) + steps)


def warm_start(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    prefix: str,
    steps: int = 5,
) -> str:
    """Feed the true ``prefix`` first, then predict ``steps`` symbols.

    Returns the last symbol of ``prefix`` and what follows it, to compare
    with :func:`cold_start` from that symbol.
    """
    return continue_text(model, vocab, framing, prefix, len(prefix) + steps)[
        len(prefix) - 1 :
    ]


def from_zero(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    symbols: str | None = None,
) -> str:
    """The answer to each of ``symbols`` (default: all) fed alone from a zero state."""
    if framing.min_context != 1:
        raise InputError("from_zero needs a framing that accepts a single symbol")
    symbols = vocab.symbols if symbols is None else symbols
    return "".join(cold_start(model, vocab, framing, s, steps=1)[1] for s in symbols)


def transitions(text: str) -> str:
    """Render ``"ABD"`` as ``"A->B B->D"``, for printing a rollout's steps."""
    return " ".join(f"{a}->{b}" for a, b in zip(text, text[1:]))


@dataclass(frozen=True)
class Trace:
    """What a model did at each step: its softmax output and its state after it."""

    sequence: str
    probabilities: np.ndarray  # (steps, symbols)
    h: np.ndarray  # (steps, units): hidden state
    c: np.ndarray  # (steps, units): cell state

    def states(self) -> np.ndarray:
        """Hidden and cell state side by side, ``(steps, 2 * units)``."""
        return np.concatenate([self.h, self.c], axis=1)


def trace(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    text: str,
    reset_each_step: bool = False,
) -> Trace:
    """Feed ``text`` one step at a time from a zero state; record output and state.

    ``model`` must keep its state between calls and take a batch of 1: a
    stateful model built for batch 1, or :func:`alphalstm.models.stepper` of
    any model. Step i feeds the context that ends at symbol i (for a window
    of w, the first step ends at symbol w). The state of the first stateful
    layer is recorded. ``reset_each_step`` zeroes the state before every
    step, which gives a stateless model's answers. The state is reset
    afterwards.
    """
    layers = stateful_layers(model)
    if not layers:
        raise InputError(
            "trace needs a model that keeps its state between calls; "
            "use alphalstm.models.stepper(model)"
        )
    vocab.encode(text)
    if len(text) < framing.min_context:
        raise InputError(
            f"need at least {framing.min_context} symbol(s) to trace, got {text!r}"
        )
    reset_states(model)
    probs, hs, cs = [], [], []
    try:
        for i in range(framing.min_context, len(text) + 1):
            if reset_each_step:
                reset_states(model)
            probs.append(_predict_next(model, framing.context(vocab, text[:i])))
            h, c = (np.asarray(s)[0] for s in layers[0].states)
            hs.append(h)
            cs.append(c)
    finally:
        reset_states(model)
    return Trace(
        text[framing.min_context - 1 :], np.stack(probs), np.stack(hs), np.stack(cs)
    )


def pca_basis(
    points: np.ndarray, k: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, the top ``k`` principal axes, and the share of variance each explains."""
    mean = points.mean(axis=0)
    _, s, vt = np.linalg.svd(points - mean, full_matrices=False)
    share = (s**2) / np.sum(s**2)
    return mean, vt[:k], share[:k]
