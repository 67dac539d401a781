"""Sequences, symbols, encodings, and the framings that turn a text into samples.

A *text* is any string of two or more symbols; a symbol may occur many times.
Its *vocabulary* is its distinct symbols. A *framing* decides what one
training sample is and what the LSTM sees at each time step; every framing
turns a text into ``X`` (float32 inputs) and ``y`` (one-hot next symbols).

Two encodings of a symbol are used:

* ``"scalar"``: one feature, index / vocabulary size, as the original
  tutorial does (``A`` = 0/26, ``B`` = 1/26, ...);
* ``"onehot"``: one feature per symbol.

This module uses NumPy only, so that the recipes and the command line's
argument checks load without TensorFlow. Its one-hot rows and its left
padding are what ``keras.utils.to_categorical`` and
``keras.utils.pad_sequences`` give (``tests/test_data.py`` compares them).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .errors import InputError, check_choice, check_int

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ENCODINGS = ("scalar", "onehot")
LAYOUTS = ("timesteps", "features")
STREAM_LAYOUTS = ("contiguous", "rotated")


# ---- texts ---------------------------------------------------------------


def check_text(text) -> str:
    """Return ``text`` if it can be trained on: 2+ symbols, 2+ distinct ones."""
    if not isinstance(text, str) or len(text) < 2:
        raise InputError(
            f"a sequence needs at least 2 symbols (one input, one next), got {text!r}"
        )
    if len(set(text)) < 2:
        raise InputError(
            f"a sequence needs at least 2 distinct symbols, got {text!r} "
            "(with one symbol there is nothing to predict)"
        )
    return text


def bounce(symbols: str = ALPHABET) -> str:
    """``ABC...XYZYX...CBA``: up the symbols and back down (2n - 2 transitions)."""
    check_text(symbols)
    return symbols + symbols[-2::-1]


def recall(
    gap: int,
    repeats: int = 8,
    middle: str = ALPHABET + ALPHABET.lower(),
    marks: str = "xy",
    start: int = 0,
) -> str:
    """Two sequences that differ only in their first and last symbol, alternating.

    ``x M x y M y x M x ...`` where ``M`` is the first ``gap`` symbols of
    ``middle`` (``A..Z`` then ``a..z``, so all distinct up to a gap of 52).
    Predicting the closing mark needs the opening one, read ``gap`` inputs
    before the last input of ``M``. The text has exactly
    ``repeats * 2 * (gap + 2)`` transitions. With ``start = 0`` it begins
    with an opening mark; ``start = s`` begins ``s`` symbols later in the same
    cycle (and then its first closing mark cannot be predicted).
    """
    check_int("gap", gap)
    check_int("repeats", repeats)
    if gap > len(middle):
        raise InputError(f"gap must be at most {len(middle)}, got {gap}")
    if len(marks) != 2 or marks[0] == marks[1] or set(marks) & set(middle[:gap]):
        raise InputError(
            f"marks must be 2 distinct symbols not in the middle, got {marks!r}"
        )
    period = 2 * (gap + 2)
    check_int("start", start, minimum=0)
    if start >= period:
        raise InputError(f"start must be in 0..{period - 1} (one cycle), got {start}")
    a, b = marks
    m = middle[:gap]
    cycle = a + m + a + b + m + b
    return (cycle * (repeats + 1))[start : start + repeats * period + 1]


# ---- symbols -------------------------------------------------------------


class Vocabulary:
    """The distinct symbols of a text, in order of first occurrence."""

    def __init__(self, symbols: str = ALPHABET) -> None:
        if not isinstance(symbols, str) or len(symbols) == 0:
            raise InputError(
                "symbols must be a non-empty string of distinct characters, "
                f"got {symbols!r}"
            )
        if len(symbols) < 2:
            raise InputError(
                "symbols needs at least 2 characters to have a next one, "
                f"got {symbols!r}"
            )
        repeated = sorted({s for s in symbols if symbols.count(s) > 1})
        if repeated:
            raise InputError(
                f"symbols must be distinct; repeated: {''.join(repeated)!r} "
                f"in {symbols!r}"
            )
        self.symbols = symbols
        self._index = {s: i for i, s in enumerate(symbols)}

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        """The vocabulary of ``text``: its distinct symbols, first occurrence first."""
        check_text(text)
        return cls("".join(dict.fromkeys(text)))

    def __len__(self) -> int:
        return len(self.symbols)

    def __repr__(self) -> str:
        return f"Vocabulary({self.symbols!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocabulary) and other.symbols == self.symbols

    def encode(self, text: str) -> np.ndarray:
        """Map each symbol of ``text`` to its integer index."""
        if len(text) == 0:
            raise InputError("cannot encode an empty sequence")
        unknown = sorted({s for s in text if s not in self._index})
        if unknown:
            raise InputError(
                f"unknown symbol(s) {''.join(unknown)!r}; allowed: {self.symbols!r}"
            )
        return np.array([self._index[s] for s in text], dtype=np.int64)

    def decode(self, indices) -> str:
        """Map integer indices back to a string."""
        out = []
        for i in np.asarray(indices, dtype=np.int64).ravel():
            if not 0 <= i < len(self):
                raise InputError(f"index {i} out of range 0..{len(self) - 1}")
            out.append(self.symbols[i])
        return "".join(out)

    def one_hot(self, indices) -> np.ndarray:
        """One-hot rows, one column per symbol (any leading shape), float32."""
        indices = np.asarray(indices, dtype=np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= len(self)):
            raise InputError(f"indices must lie in 0..{len(self) - 1}")
        return np.eye(len(self), dtype=np.float32)[indices]

    def features(self, indices, encoding: str) -> np.ndarray:
        """Inputs for integer ``indices``, shape ``(*indices.shape, features)``."""
        check_choice("encoding", encoding, ENCODINGS)
        indices = np.asarray(indices)
        if encoding == "onehot":
            return self.one_hot(indices)
        return (indices.astype(np.float32) / np.float32(len(self)))[..., None]

    def n_features(self, encoding: str) -> int:
        """How many numbers encode one symbol."""
        check_choice("encoding", encoding, ENCODINGS)
        return len(self) if encoding == "onehot" else 1


def left_pad(sequences: list[np.ndarray], maxlen: int, value: float) -> np.ndarray:
    """Stack (length, features) arrays, each left-padded with ``value`` to ``maxlen``.

    The same as ``keras.utils.pad_sequences(..., padding="pre", dtype="float32")``
    for sequences no longer than ``maxlen``.
    """
    check_int("maxlen", maxlen)
    if not sequences:
        raise InputError("need at least one sequence to pad")
    features = sequences[0].shape[-1]
    out = np.full((len(sequences), maxlen, features), value, dtype=np.float32)
    for row, seq in zip(out, sequences):
        if not 1 <= len(seq) <= maxlen:
            raise InputError(
                f"a sequence of {len(seq)} steps does not fit maxlen={maxlen}"
            )
        row[maxlen - len(seq) :] = seq
    return out


# ---- framings ------------------------------------------------------------


class Framing(ABC):
    """How a text becomes training samples: ``X`` (inputs) and ``y`` (next symbols).

    ``return_sequences`` says whether a sample carries one target per time
    step (its model needs ``LSTM(return_sequences=True)``) or one in all.
    :meth:`for_prediction` is the framing in which a trained model is asked
    for the next symbol.
    """

    encoding: str
    return_sequences: bool = False

    @abstractmethod
    def sample_shape(self, vocab: Vocabulary) -> tuple[int, int]:
        """Shape of one sample: (time steps, features)."""

    @abstractmethod
    def dataset(self, vocab: Vocabulary, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Every sample of ``text``, in order."""

    def for_prediction(self) -> ContextFraming:
        """The framing that asks a trained model "what comes next?"."""
        return self


class ContextFraming(Framing):
    """A framing in which each sample is the context before one next symbol.

    ``min_context`` is the number of symbols a framing needs before it can
    ask for the next one (a window of 3 needs 3; a padded framing needs 1).
    """

    min_context: int

    @abstractmethod
    def inputs(self, vocab: Vocabulary, contexts: list[str]) -> np.ndarray:
        """Model inputs for context strings, each at least ``min_context`` long."""

    def contexts(self, text: str) -> list[str]:
        """The context before every predicted symbol of ``text``, in order."""
        return [
            text[max(0, i - self.max_context) : i]
            for i in range(self.min_context, len(text))
        ]

    @property
    @abstractmethod
    def max_context(self) -> int:
        """The most symbols one sample can show the model."""

    def dataset(self, vocab: Vocabulary, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Every (context -> next symbol) pair of ``text``, in order."""
        check_text(text)
        codes = vocab.encode(text)
        if self.min_context >= len(codes):
            raise InputError(
                f"a context of {self.min_context} symbols is too long for a sequence "
                f"of {len(codes)}; allowed: 1..{len(codes) - 1}"
            )
        return self.inputs(vocab, self.contexts(text)), vocab.one_hot(
            codes[self.min_context :]
        )

    def context(self, vocab: Vocabulary, text: str) -> np.ndarray:
        """The model input that asks "what follows ``text``?" (a batch of 1)."""
        if len(text) < self.min_context:
            raise InputError(
                f"need at least {self.min_context} symbol(s) of context, got {text!r}"
            )
        return self.inputs(vocab, [text[-self.max_context :]])


@dataclass(frozen=True)
class Window(ContextFraming):
    """The last ``size`` symbols, as ``size`` time steps or as ``size`` features.

    ``layout="timesteps"``: shape ``(size, features)``, the LSTM steps through
    the window. ``layout="features"``: shape ``(1, size * features)``, one step
    that sees the whole window at once.
    """

    size: int = 1
    layout: str = "timesteps"
    encoding: str = "scalar"

    def __post_init__(self) -> None:
        check_int("window", self.size)
        check_choice("layout", self.layout, LAYOUTS)
        check_choice("encoding", self.encoding, ENCODINGS)

    @property
    def min_context(self) -> int:
        return self.size

    @property
    def max_context(self) -> int:
        return self.size

    def sample_shape(self, vocab: Vocabulary) -> tuple[int, int]:
        f = vocab.n_features(self.encoding)
        return (1, self.size * f) if self.layout == "features" else (self.size, f)

    def inputs(self, vocab: Vocabulary, contexts: list[str]) -> np.ndarray:
        if any(len(c) != self.size for c in contexts):
            raise InputError(f"every window must have {self.size} symbol(s)")
        codes = np.stack([vocab.encode(c) for c in contexts])
        X = vocab.features(codes, self.encoding)  # (N, size, f)
        return X.reshape((len(contexts), *self.sample_shape(vocab)))


@dataclass(frozen=True)
class Padded(ContextFraming):
    """Pieces of 1..``maxlen`` symbols, left-padded to ``maxlen`` time steps.

    Scalar encoding (the original's): ``shift=0`` encodes symbol i as i / size;
    the original then pads with 0.0, which is also the encoding of the first
    symbol. The default pads with -1.0 instead, outside every symbol's value.
    ``shift=1`` encodes i as (i + 1) / size, which leaves 0 free for padding.
    A pad value equal to a symbol's encoding is refused unless
    ``allow_collision=True`` (kept to reproduce the original).

    One-hot encoding: a pad step is a vector of zeros, which no symbol is.
    """

    maxlen: int = 5
    pad: float = -1.0
    shift: int = 0
    allow_collision: bool = False
    encoding: str = "scalar"

    def __post_init__(self) -> None:
        check_int("maxlen", self.maxlen)
        check_choice("shift", self.shift, (0, 1))
        check_choice("encoding", self.encoding, ENCODINGS)
        if self.encoding == "onehot" and (self.pad != 0.0 or self.shift):
            raise InputError(
                "one-hot pieces are padded with zero vectors: use pad=0, shift=0"
            )

    @property
    def min_context(self) -> int:
        return 1

    @property
    def max_context(self) -> int:
        return self.maxlen

    def sample_shape(self, vocab: Vocabulary) -> tuple[int, int]:
        return (self.maxlen, vocab.n_features(self.encoding))

    def values(self, vocab: Vocabulary) -> np.ndarray:
        """The encoded value of every symbol (scalar encoding)."""
        return (np.arange(len(vocab), dtype=np.float32) + self.shift) / np.float32(
            len(vocab)
        )

    def check(self, vocab: Vocabulary) -> None:
        """Refuse a pad value that collides with a symbol's encoding."""
        if self.encoding == "onehot":
            return
        hits = np.flatnonzero(np.isclose(self.values(vocab), self.pad))
        if hits.size and not self.allow_collision:
            symbol = vocab.symbols[hits[0]]
            raise InputError(
                f"pad value {self.pad} is also the encoding of {symbol!r}; choose a "
                f"value outside [{self.values(vocab).min():.4f}, "
                f"{self.values(vocab).max():.4f}] or use shift=1 with pad=0"
            )

    def inputs(self, vocab: Vocabulary, contexts: list[str]) -> np.ndarray:
        """Encode and left-pad: shape (N, maxlen, features)."""
        self.check(vocab)
        bad = [c for c in contexts if not 1 <= len(c) <= self.maxlen]
        if bad:
            raise InputError(
                f"piece {bad[0]!r} must have 1..{self.maxlen} symbols "
                f"(maxlen={self.maxlen})"
            )
        if self.encoding == "onehot":
            encoded = [vocab.one_hot(vocab.encode(c)) for c in contexts]
        else:
            values = self.values(vocab)
            encoded = [values[vocab.encode(c)][:, None] for c in contexts]
        return left_pad(encoded, self.maxlen, self.pad)

    def samples(
        self, vocab: Vocabulary, pieces: list[tuple[str, str]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and one-hot targets for (piece, next symbol) pairs."""
        if not pieces:
            raise InputError("need at least one piece")
        X = self.inputs(vocab, [p for p, _ in pieces])
        return X, vocab.one_hot(vocab.encode("".join(n for _, n in pieces)))


@dataclass(frozen=True)
class Chunks(Framing):
    """A text cut into consecutive chunks of ``steps`` inputs, each with its targets.

    For stateful training with truncated backpropagation through time: sample
    j holds inputs ``t = j*steps .. j*steps + steps - 1`` and the symbol after
    each, so ``X`` is ``(N, steps, features)`` and ``y`` is ``(N, steps, symbols)``.
    Fed in order to a stateful layer, sample j + 1 continues sample j.
    """

    steps: int = 1
    encoding: str = "onehot"

    return_sequences = True

    def __post_init__(self) -> None:
        check_int("steps", self.steps)
        check_choice("encoding", self.encoding, ENCODINGS)

    def for_prediction(self) -> Window:
        """One symbol at a time, with the state carried, as chapter 5's model."""
        return Window(1, encoding=self.encoding)

    def sample_shape(self, vocab: Vocabulary) -> tuple[int, int]:
        return (self.steps, vocab.n_features(self.encoding))

    def dataset(self, vocab: Vocabulary, text: str) -> tuple[np.ndarray, np.ndarray]:
        check_text(text)
        codes = vocab.encode(text)
        n = len(codes) - 1
        if n % self.steps:
            allowed = [d for d in range(1, n + 1) if n % d == 0]
            raise InputError(
                f"a sequence of {n} transitions cannot be cut into chunks of "
                f"{self.steps} steps; allowed: {allowed}"
            )
        X = vocab.features(codes[:-1], self.encoding)
        y = vocab.one_hot(codes[1:])
        return (
            X.reshape(n // self.steps, self.steps, -1),
            y.reshape(n // self.steps, self.steps, -1),
        )


# ---- variable-length pieces ------------------------------------------------


def random_pieces(
    text: str, n: int, max_len: int = 5, seed: int = 0
) -> list[tuple[str, str]]:
    """``n`` (piece, next symbol) pairs: length uniform in 1..``max_len``, then a
    start uniform over the positions where a piece of that length has a next symbol.
    Every piece of 1..``max_len`` symbols can be drawn."""
    check_text(text)
    check_int("n", n)
    check_int("max_len", max_len)
    if max_len >= len(text):
        raise InputError(
            f"max_len {max_len} leaves no next symbol; allowed: 1..{len(text) - 1}"
        )
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        length = int(rng.integers(1, max_len + 1))
        start = int(rng.integers(0, len(text) - length))
        out.append((text[start : start + length], text[start + length]))
    return out


def original_pieces(
    text: str, n: int, max_len: int = 5, seed: int = 7
) -> list[tuple[str, str]]:
    """The original tutorial's generator, as written.

    ``start = randint(0, len - 2)`` and ``end = randint(start, min(start +
    max_len, len - 1))`` (upper bounds excluded), piece ``text[start:end+1]``,
    next ``text[end+1]``. For the alphabet that is starts A..X and never the
    single piece ``Y``; short pieces are more likely near the end.
    """
    check_text(text)
    check_int("n", n)
    check_int("max_len", max_len)
    if len(text) < 3:
        raise InputError(
            f"the original generator needs at least 3 symbols, got {text!r}"
        )
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        start = rng.randint(len(text) - 2)
        end = rng.randint(start, min(start + max_len, len(text) - 1))
        out.append((text[start : end + 1], text[end + 1]))
    return out


# ---- streams for stateful batches ----------------------------------------------


def stream_order(n: int, batch_size: int, layout: str = "rotated") -> np.ndarray:
    """Sample indices that lay ``n`` ordered samples out as ``batch_size`` streams.

    Batch t is ``order[t*batch_size:(t+1)*batch_size]`` and its row i
    continues row i of batch t-1, which is what a stateful layer assumes.

    * ``"contiguous"`` cuts the sequence into ``batch_size`` pieces
      (A-E, F-J, ...): ``n / batch_size`` batches per epoch.
    * ``"rotated"`` gives every row the whole sequence, row i starting at
      sample ``i * n / batch_size`` and wrapping around: ``n`` batches per epoch.
    """
    check_choice("layout", layout, STREAM_LAYOUTS)
    check_int("batch_size", batch_size)
    if n % batch_size:
        divisors = [d for d in range(1, n + 1) if n % d == 0]
        raise InputError(
            f"a sequence of {n} samples cannot be split into {batch_size} equal "
            f"streams; allowed batch sizes: {divisors}"
        )
    length = n // batch_size
    starts = np.arange(batch_size) * length
    steps = length if layout == "contiguous" else n
    order = (starts[None, :] + np.arange(steps)[:, None]) % n
    return order.ravel()


def stream_chunks(codes, batch_size: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """One long sequence of symbol codes as ``batch_size`` contiguous streams.

    The sequence is trimmed at its end until its transitions split into
    ``batch_size`` equal streams of whole chunks of ``steps``: each stream
    gets ``L = (len(codes) - 1) // batch_size // steps * steps`` inputs and
    stream ``i`` is inputs ``i*L .. (i+1)*L - 1``; at most
    ``batch_size * steps - 1`` transitions are dropped, all at the end. The
    chunks are the samples :class:`Chunks` makes of the trimmed sequence,
    ordered by :func:`stream_order` (``"contiguous"``): sample ``b*batch_size
    + i`` is chunk ``b`` of stream ``i``, so row ``i`` of every batch
    continues row ``i`` of the batch before.

    Returns integer arrays ``x, y`` of shape ``(N, steps)``, ``N =
    batch_size * L / steps``, where ``y[j, t]`` is the symbol after ``x[j, t]``.
    """
    check_int("batch_size", batch_size)
    check_int("steps", steps)
    codes = np.asarray(codes)
    if codes.ndim != 1 or not np.issubdtype(codes.dtype, np.integer):
        raise InputError(
            "codes must be a 1-D array of integer symbol codes, got "
            f"shape {codes.shape} of {codes.dtype}"
        )
    length = (len(codes) - 1) // batch_size // steps * steps
    if length == 0:
        raise InputError(
            f"{len(codes)} symbols are too few for {batch_size} streams of at least "
            f"one chunk of {steps} steps; need at least {batch_size * steps + 1}"
        )
    kept = codes[: batch_size * length + 1]
    x = kept[:-1].reshape(-1, steps)
    y = kept[1:].reshape(-1, steps)
    order = stream_order(len(x), batch_size, "contiguous")
    return x[order], y[order]
