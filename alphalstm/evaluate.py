"""Judging a trained model: accuracy, a per-pair table, rollouts.

Stateful models are always evaluated from a zero state, with the batch size
they were built for, and left with a zero state afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from .data import Framing, Vocabulary
from .models import fixed_batch_size, reset_states, stateful_layers


def probabilities(model: keras.Model, X) -> np.ndarray:
    """Softmax output for every sample, fed in order from a zero state."""
    batch_size = fixed_batch_size(model) or len(X)
    if len(X) % batch_size:
        raise ValueError(
            f"{len(X)} samples cannot be fed to a model with fixed batch size "
            f"{batch_size}; use a multiple of it"
        )
    reset_states(model)
    probs = model.predict(np.asarray(X), batch_size=batch_size, verbose=0)
    reset_states(model)
    return probs


def predict_indices(model: keras.Model, X) -> np.ndarray:
    """Arg-max predictions for every sample, in order, from a zero state."""
    return np.argmax(probabilities(model, X), axis=-1)


def accuracy(model: keras.Model, X, y) -> float:
    """Fraction of samples whose arg-max prediction is the target."""
    return float(np.mean(predict_indices(model, X) == np.argmax(y, axis=-1)))


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
    model: keras.Model, vocab: Vocabulary, framing: Framing, text: str | None = None
) -> list[Row]:
    """Every (window -> next) pair of ``text`` with the model's answer."""
    text = vocab.symbols if text is None else text
    X, y = framing.dataset(vocab, text)
    predicted = vocab.decode(predict_indices(model, X))
    k = framing.window
    return [
        Row(text[i : i + k], text[i + k], predicted[i]) for i in range(len(predicted))
    ]


def format_table(rows: list[Row], only_wrong: bool = False) -> str:
    """Render rows as ``ABC -> D  ok`` lines (or ``WRONG``)."""
    lines = [
        f"{r.given} -> {r.predicted}  {'ok' if r.correct else 'WRONG, expected ' + r.expected}"
        for r in rows
        if r.correct is False or not only_wrong
    ]
    return "\n".join(lines)


def _predict_next(model: keras.Model, x: np.ndarray) -> int:
    batch_size = fixed_batch_size(model)
    if batch_size not in (None, 1):
        raise ValueError(
            f"step-by-step prediction needs a batch size of 1, but this model was "
            f"built for batch size {batch_size}; copy its weights into a batch-1 model"
        )
    probs = model(x, training=False)
    return int(np.argmax(np.asarray(probs)[0]))


def continue_text(
    model: keras.Model, vocab: Vocabulary, framing: Framing, prefix: str, length: int
) -> str:
    """Extend ``prefix`` to ``length`` symbols, feeding each prediction back.

    For stateful models the state starts at zero and is carried: every
    symbol of ``prefix`` is fed first (a warm-up), then the predictions.
    """
    vocab.encode(prefix)
    if length < len(prefix):
        raise ValueError(f"length {length} is shorter than the prefix {prefix!r}")
    stateful = bool(stateful_layers(model))
    reset_states(model)
    try:
        if stateful:
            for i in range(framing.window, len(prefix)):
                _predict_next(model, framing.context(vocab, prefix[:i]))
        text = prefix
        while len(text) < length:
            text += vocab.symbols[_predict_next(model, framing.context(vocab, text))]
    finally:
        reset_states(model)
    return text


def rollout(
    model: keras.Model,
    vocab: Vocabulary,
    framing: Framing,
    seed: str | None = None,
    length: int | None = None,
) -> str:
    """Seed with the first symbol(s) and generate a string as long as the vocabulary."""
    seed = vocab.symbols[: framing.window] if seed is None else seed
    return continue_text(model, vocab, framing, seed, length or len(vocab))


def cold_start(
    model: keras.Model, vocab: Vocabulary, framing: Framing, symbol: str, steps: int = 5
) -> str:
    """Start from ``symbol`` with a zero state and predict ``steps`` symbols."""
    return continue_text(model, vocab, framing, symbol, len(symbol) + steps)


def warm_start(
    model: keras.Model, vocab: Vocabulary, framing: Framing, symbol: str, steps: int = 5
) -> str:
    """Feed the true prefix up to ``symbol`` first, then predict ``steps`` symbols.

    Returns only the part from ``symbol`` on, to compare with :func:`cold_start`.
    """
    start = int(vocab.encode(symbol)[0])
    prefix = vocab.symbols[: start + 1]
    return continue_text(model, vocab, framing, prefix, len(prefix) + steps)[start:]


def transitions(text: str) -> str:
    """Render ``"ABD"`` as ``"A->B B->D"``, for printing a rollout's steps."""
    return " ".join(f"{a}->{b}" for a, b in zip(text, text[1:]))


def state_trajectory(
    model: keras.Model, vocab: Vocabulary, framing: Framing, text: str
) -> np.ndarray:
    """The first stateful layer's [hidden, cell] state after each symbol of ``text``.

    Symbols are fed one at a time from a zero state, as in a rollout; returns
    an array of shape (len(text), 2 * units). The state is reset afterwards.
    """
    layers = stateful_layers(model)
    if not layers:
        raise ValueError("state_trajectory needs a model with a stateful layer")
    vocab.encode(text)
    reset_states(model)
    rows = []
    try:
        for i in range(framing.window, len(text) + 1):
            _predict_next(model, framing.context(vocab, text[:i]))
            rows.append(np.concatenate([np.asarray(s)[0] for s in layers[0].states]))
    finally:
        reset_states(model)
    return np.stack(rows)


def pca_basis(points: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, the top ``k`` principal axes, and the share of variance each explains."""
    mean = points.mean(axis=0)
    _, s, vt = np.linalg.svd(points - mean, full_matrices=False)
    share = (s**2) / np.sum(s**2)
    return mean, vt[:k], share[:k]
