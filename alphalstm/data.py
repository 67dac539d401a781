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

from ._validate import check_int

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
        check_int("window", self.window)

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


def random_substrings(
    vocab: Vocabulary, n: int, max_len: int = 5, seed: int = 0, min_len: int = 1
) -> list[str]:
    """``n`` random contiguous substrings of the vocabulary, each with a next symbol.

    Lengths are uniform in ``min_len..max_len`` (as far as the end of the
    vocabulary allows), starts uniform over the positions that fit.
    """
    if not 1 <= min_len <= max_len:
        raise ValueError(f"need 1 <= min_len <= max_len, got {min_len} and {max_len}")
    if max_len >= len(vocab):
        raise ValueError(
            f"max_len {max_len} leaves no next symbol; allowed: 1..{len(vocab) - 1}"
        )
    check_int("n", n)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        length = int(rng.integers(min_len, max_len + 1))
        start = int(rng.integers(0, len(vocab) - length))
        out.append(vocab.symbols[start : start + length])
    return out


@dataclass(frozen=True)
class Padded:
    """Sequences of 1..``maxlen`` symbols, left-padded to ``maxlen`` time steps.

    ``shift=0`` encodes symbol i as i / size, as the original does; the
    original then pads with 0.0, which is also the encoding of the first
    symbol. The default pads with -1.0 instead, outside every symbol's value.
    ``shift=1`` encodes i as (i + 1) / size, which leaves 0 free for padding.
    A pad value equal to a symbol's encoding is refused unless
    ``allow_collision=True`` (kept only to demonstrate the fault).
    """

    maxlen: int = 5
    pad: float = -1.0
    shift: int = 0
    allow_collision: bool = False

    @property
    def window(self) -> int:
        return 1  # a context of one symbol is already a valid input

    @property
    def sample_shape(self) -> tuple[int, int]:
        return (self.maxlen, 1)

    def values(self, vocab: Vocabulary) -> np.ndarray:
        """The encoded value of every symbol."""
        return (np.arange(len(vocab), dtype=np.float32) + self.shift) / np.float32(len(vocab))

    def check(self, vocab: Vocabulary) -> None:
        """Refuse a pad value that collides with a symbol's encoding."""
        check_int("maxlen", self.maxlen)
        if self.shift not in (0, 1):
            raise ValueError(f"shift must be 0 or 1, got {self.shift!r}")
        hits = np.flatnonzero(np.isclose(self.values(vocab), self.pad))
        if hits.size and not self.allow_collision:
            symbol = vocab.symbols[hits[0]]
            raise ValueError(
                f"pad value {self.pad} is also the encoding of {symbol!r}; choose a "
                f"value outside [{self.values(vocab).min():.4f}, "
                f"{self.values(vocab).max():.4f}] or use shift=1 with pad=0"
            )

    def inputs(self, vocab: Vocabulary, sequences: list[str]) -> np.ndarray:
        """Encode, left-pad and scale ``sequences``: shape (N, maxlen, 1)."""
        self.check(vocab)
        too_long = [s for s in sequences if len(s) > self.maxlen]
        if too_long:
            raise ValueError(
                f"sequence {too_long[0]!r} is longer than maxlen={self.maxlen}"
            )
        values = self.values(vocab)
        encoded = [values[vocab.encode(s)].tolist() for s in sequences]
        X = keras.utils.pad_sequences(
            encoded, maxlen=self.maxlen, dtype="float32", padding="pre", value=self.pad
        )
        return X.reshape(len(sequences), self.maxlen, 1)

    def dataset(
        self, vocab: Vocabulary, sequences: list[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Inputs for ``sequences`` and the symbol after each (in the vocabulary)."""
        if sequences is None:  # every prefix-free window: one symbol, as in chapter 1
            sequences = list(vocab.symbols[:-1])
        nexts = []
        for s in sequences:
            start = vocab.symbols.find(s)
            if start < 0 or start + len(s) >= len(vocab):
                raise ValueError(
                    f"{s!r} is not a substring of {vocab.symbols!r} with a next symbol"
                )
            nexts.append(start + len(s))
        return self.inputs(vocab, sequences), vocab.one_hot(np.array(nexts))

    def context(self, vocab: Vocabulary, text: str) -> np.ndarray:
        """The model input asking what follows ``text`` (its last ``maxlen`` symbols)."""
        if len(text) == 0:
            raise ValueError("need at least 1 symbol of context, got ''")
        return self.inputs(vocab, [text[-self.maxlen :]])


STREAM_LAYOUTS = ("contiguous", "rotated")


def stream_order(n: int, batch_size: int, layout: str = "rotated") -> np.ndarray:
    """Sample indices that lay ``n`` ordered pairs out as ``batch_size`` streams.

    Batch t is ``order[t*batch_size:(t+1)*batch_size]`` and its row i
    continues row i of batch t-1, which is what a stateful layer assumes.

    * ``"contiguous"`` cuts the sequence into ``batch_size`` pieces
      (A-E, F-J, ...): ``n / batch_size`` batches per epoch.
    * ``"rotated"`` gives every row the whole sequence, row i starting at
      pair ``i * n / batch_size`` and wrapping around: ``n`` batches per epoch.
    """
    if layout not in STREAM_LAYOUTS:
        raise ValueError(f"layout must be one of {STREAM_LAYOUTS}, got {layout!r}")
    check_int("batch_size", batch_size)
    if n % batch_size:
        divisors = [d for d in range(1, n + 1) if n % d == 0]
        raise ValueError(
            f"a sequence of {n} pairs cannot be split into {batch_size} equal streams; "
            f"allowed batch sizes: {divisors}"
        )
    length = n // batch_size
    starts = np.arange(batch_size) * length
    steps = length if layout == "contiguous" else n
    order = (starts[None, :] + np.arange(steps)[:, None]) % n
    return order.ravel()
