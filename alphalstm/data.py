"""Symbols, encodings and the framings of the alphabet task.

A *framing* decides what one training sample is and what the LSTM sees at
each time step. Every framing here turns a string of symbols into

* ``X``: float32 inputs scaled as in the original tutorial (index / size),
* ``y``: one-hot targets, the symbol that follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Vocabulary:
    """A fixed, ordered set of distinct single-character symbols."""

    def __init__(self, symbols: str = ALPHABET) -> None:
        if not isinstance(symbols, str) or len(symbols) == 0:
            raise ValueError(
                "symbols must be a non-empty string of distinct characters, "
                f"got {symbols!r}"
            )
        if len(symbols) < 2:
            raise ValueError(
                f"symbols needs at least 2 characters to have a next one, got {symbols!r}"
            )
        repeated = sorted({s for s in symbols if symbols.count(s) > 1})
        if repeated:
            raise ValueError(
                f"symbols must be distinct; repeated: {''.join(repeated)!r} in {symbols!r}"
            )
        self.symbols = symbols
        self._index = {s: i for i, s in enumerate(symbols)}

    def __len__(self) -> int:
        return len(self.symbols)

    def __repr__(self) -> str:
        return f"Vocabulary({self.symbols!r})"

    def encode(self, text: str) -> np.ndarray:
        """Map each symbol of ``text`` to its integer index."""
        if len(text) == 0:
            raise ValueError("cannot encode an empty sequence")
        unknown = sorted({s for s in text if s not in self._index})
        if unknown:
            raise ValueError(
                f"unknown symbol(s) {''.join(unknown)!r}; allowed: {self.symbols!r}"
            )
        return np.array([self._index[s] for s in text], dtype=np.int64)

    def decode(self, indices) -> str:
        """Map integer indices back to a string."""
        out = []
        for i in np.asarray(indices, dtype=np.int64).ravel():
            if not 0 <= i < len(self):
                raise ValueError(f"index {i} out of range 0..{len(self) - 1}")
            out.append(self.symbols[i])
        return "".join(out)

    def scale(self, indices) -> np.ndarray:
        """Scale integer indices to [0, 1) the way the original does."""
        return np.asarray(indices, dtype=np.float32) / np.float32(len(self))

    def one_hot(self, indices) -> np.ndarray:
        """One-hot targets, one column per symbol."""
        return keras.utils.to_categorical(np.asarray(indices), len(self)).astype(
            np.float32
        )


@dataclass(frozen=True)
class Framing:
    """How a window of ``window`` symbols becomes one sample.

    ``layout`` is ``"features"`` (shape ``(1, window)``: one time step with
    ``window`` features) or ``"timesteps"`` (shape ``(window, 1)``).
    """

    window: int = 1
    layout: str = "timesteps"

    def __post_init__(self) -> None:
        if self.layout not in ("features", "timesteps"):
            raise ValueError(
                f"layout must be 'features' or 'timesteps', got {self.layout!r}"
            )
        if not isinstance(self.window, int) or self.window < 1:
            raise ValueError(f"window must be a positive integer, got {self.window!r}")

    @property
    def sample_shape(self) -> tuple[int, int]:
        """Shape of one sample: (time steps, features)."""
        if self.layout == "features":
            return (1, self.window)
        return (self.window, 1)

    def inputs(self, vocab: Vocabulary, windows: np.ndarray) -> np.ndarray:
        """Scaled model inputs from integer windows of shape (N, window)."""
        windows = np.asarray(windows).reshape(-1, self.window)
        return vocab.scale(windows).reshape((-1, *self.sample_shape))

    def dataset(
        self, vocab: Vocabulary, text: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every (window -> next symbol) pair of ``text`` (default: the vocabulary)."""
        text = vocab.symbols if text is None else text
        codes = vocab.encode(text)
        if self.window >= len(codes):
            raise ValueError(
                f"window of {self.window} is too long for a sequence of "
                f"{len(codes)} symbols; allowed: 1..{len(codes) - 1}"
            )
        n = len(codes) - self.window
        windows = np.stack([codes[i : i + self.window] for i in range(n)])
        return self.inputs(vocab, windows), vocab.one_hot(codes[self.window :])

    def context(self, vocab: Vocabulary, text: str) -> np.ndarray:
        """The model input that asks "what follows ``text``?" (batch of 1)."""
        if len(text) < self.window:
            raise ValueError(
                f"need at least {self.window} symbol(s) of context, got {text!r}"
            )
        return self.inputs(vocab, vocab.encode(text[-self.window :])[None, :])


def one_char() -> Framing:
    """One symbol in, the next symbol out: X has shape (N, 1, 1)."""
    return Framing(1, "timesteps")


def window_as_features(k: int = 3) -> Framing:
    """A window of ``k`` symbols as ``k`` features of one step: (N, 1, k)."""
    return Framing(k, "features")


def window_as_timesteps(k: int = 3) -> Framing:
    """A window of ``k`` symbols as ``k`` time steps: (N, k, 1)."""
    return Framing(k, "timesteps")


def pairs(vocab: Vocabulary, text: str | None = None) -> list[tuple[str, str]]:
    """The (input, target) symbol pairs of the one-char framing, for display."""
    text = vocab.symbols if text is None else text
    vocab.encode(text)
    return [(text[i], text[i + 1]) for i in range(len(text) - 1)]
