"""One long real text: stateful training over streams, and evaluation in bits.

Chapter 10 trains a stateful LSTM on one long sequence, English prose from
Python's own documentation, and measures it against what a practitioner
would try instead. This module holds what the chapter, its stored
experiment (``python -m alphalstm stream-grid``) and the tests share:

* the text: :func:`load_text` reads the vendored file and checks its
  SHA-256; :func:`derive_text` rebuilds it from CPython 3.11.7's
  ``pydoc_data/topics.py``; :func:`split` holds out the end;
* the models: :func:`build_model` (``LSTM(return_sequences=True)`` over
  chunks, stateful or not) and :func:`build_window_model` (many-to-one);
* evaluation on the held-out tail, in accuracy and **bits per symbol**
  (the mean of ``-log2 P(true next symbol)``): :func:`carried_probabilities`
  (a batch-1 copy that carries its state through the tail, after a
  warm-up), :func:`chunked_probabilities` (chunks of ``T`` from a zero
  state), :func:`window_probabilities` (a sliding window);
* :func:`sample`: temperature sampling from a batch-1 copy, with a seed;
* :class:`CompiledWindowLoop`: trains a window model on windows drawn from
  the text, one-hot encoded inside the compiled graph;
* the stored experiment: :func:`plan`, :func:`train_run`,
  :func:`kgram_rows`; and its claims, set on the calibration seeds by a
  written rule and verified on the held-out seeds (:class:`Claim`).

The long-stream layout itself is :func:`alphalstm.data.stream_chunks`, and
the count-table predictors are :mod:`alphalstm.kgram`.
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import ceilings, data, kgram, models, training
from ._backend import keras, tf
from .errors import InputError, check_choice, check_int

# ---- the text ------------------------------------------------------------------

SYMBOLS = " abcdefghijklmnopqrstuvwxyz.,:'\"()-0"  # 36 symbols, in code order
TEXT_FILE = Path("stream") / "pydoc_prose.txt"  # inside the data folder
TEXT_SHA256 = "e1b6a55f8f0002bf271d3c30e7fe244e2f13461c43e1a7c210674045a64b2871"
SOURCE = "Lib/pydoc_data/topics.py of CPython 3.11.7"
SOURCE_SHA256 = "abaa56a64551d8eead1b19cbae3c6db443f99f0cab81df07bed3cb75c0db9346"
HELD_OUT = 0.1  # the last 10 % of the text is the held-out tail
_DELETE = "*_`"  # markup characters, deleted
_MAP = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2014": "-",
    "\u2013": "-",
    "\u2026": "...",
    ";": ",",
    "!": ".",
    "?": ".",
    **{d: "0" for d in "0123456789"},
}


def vocabulary() -> data.Vocabulary:
    """The text's 36 symbols: space, a-z, ``. , : ' " ( ) -`` and ``0``."""
    return data.Vocabulary(SYMBOLS)


def text_path(data_dir: Path | str) -> Path:
    """Where the vendored text lies inside the data folder (``notebooks/data``)."""
    return Path(data_dir) / TEXT_FILE


def load_text(data_dir: Path | str) -> str:
    """The vendored text, checked against its SHA-256 (178,884 symbols)."""
    path = text_path(data_dir)
    if not path.is_file():
        raise InputError(
            f"the chapter's text is missing: no file {path}; it ships with the book "
            f"in notebooks/data/{TEXT_FILE.as_posix()}"
        )
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != TEXT_SHA256:
        raise InputError(
            f"{path} has been altered: its SHA-256 is {digest[:16]}..., "
            f"expected {TEXT_SHA256[:16]}...; restore it from the book's repository"
        )
    return raw.decode("ascii")


def reduce_text(text: str) -> str:
    """Map any text onto :data:`SYMBOLS`, as the vendored text was made.

    Curly quotes become straight ones, dashes ``-`` and the ellipsis ``...``;
    ``;`` becomes ``,`` and ``!``, ``?`` become ``.``; every digit becomes
    ``0``; the text is lower-cased; ``*``, ``_`` and the backquote are
    deleted; every other character becomes a space; runs of whitespace
    become one space.
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, got {type(text).__name__}")
    out = []
    for ch in text:
        for c in _MAP.get(ch, ch).lower():
            if c not in _DELETE:
                out.append(c if c in SYMBOLS else " ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _paragraphs(topics: dict[str, str]) -> list[str]:
    """The prose paragraphs of every topic (lines starting in column 0, not
    rules or table rows), in order, each kept at its first occurrence."""
    out = []
    for doc in topics.values():
        current: list[str] = []
        for line in doc.split("\n") + [""]:
            prose = (
                bool(line)
                and line[0] not in " |"
                and not re.fullmatch(r"[-*=^~#+|: ]+", line)
            )
            if prose:
                current.append(line)
            elif current:
                out.append(" ".join(current))
                current = []
    return list(dict.fromkeys(out))


def derive_text(topics_py: Path | str) -> str:
    """The vendored text, rebuilt from a copy of CPython 3.11.7's
    ``pydoc_data/topics.py``: its prose paragraphs, each once, reduced by
    :func:`reduce_text`. Any other file is refused (by its SHA-256)."""
    path = Path(topics_py)
    if not path.is_file():
        raise InputError(f"no file {path}")
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SOURCE_SHA256:
        raise InputError(f"{path} is not {SOURCE} (its SHA-256 differs)")
    module = ast.parse(raw)
    topics = next(
        ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "topics" for t in node.targets)
    )
    return reduce_text(" ".join(_paragraphs(topics)))


def split(codes, held_out: float = HELD_OUT) -> tuple[np.ndarray, np.ndarray]:
    """The training part and the held-out tail: the tail is the END of the text,
    the last ``round(held_out * len)`` symbols. Nothing is shuffled."""
    codes = np.asarray(codes)
    if codes.ndim != 1:
        raise InputError(f"codes must be 1-D, got shape {codes.shape}")
    if not 0 < held_out < 1:
        raise InputError(f"held_out must lie strictly between 0 and 1, got {held_out}")
    cut = int(round(len(codes) * (1 - held_out)))
    if cut < 2 or len(codes) - cut < 1:
        raise InputError(f"{len(codes)} symbols are too few to hold {held_out} out")
    return codes[:cut], codes[cut:]


# ---- models ----------------------------------------------------------------------

UNITS = 64
BATCH_SIZE = 32  # streams
STEPS = 32  # T, the chapter's chunk length
LEARNING_RATE = 1e-2
CLIPNORM = 1.0
EPOCHS = 10
WARMUP = 1000  # symbols read before the held-out tail


def _compile(
    model: keras.Model, learning_rate: float, clipnorm: float | None
) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def build_model(
    batch_size: int | None,
    steps: int | None,
    stateful: bool,
    units: int = UNITS,
    n_symbols: int = len(SYMBOLS),
    learning_rate: float = LEARNING_RATE,
    clipnorm: float | None = CLIPNORM,
) -> keras.Model:
    """``LSTM(units, return_sequences=True)`` and a softmax ``Dense`` at every step,
    compiled with ``Adam(learning_rate, clipnorm)`` and cross-entropy: the
    chapter's ``make_model``. A stateful model needs a fixed ``batch_size``."""
    if batch_size is not None:
        check_int("batch_size", batch_size)
    if steps is not None:
        check_int("steps", steps)
    check_int("units", units)
    check_int("n_symbols", n_symbols, minimum=2)
    if stateful and batch_size is None:
        raise InputError("a stateful model needs a fixed batch_size, got None")
    inputs = keras.Input(batch_shape=(batch_size, steps, n_symbols))
    hidden = keras.layers.LSTM(
        units, stateful=stateful, return_sequences=True, name="lstm"
    )(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax")(hidden)
    return _compile(keras.Model(inputs, outputs), learning_rate, clipnorm)


def build_window_model(
    width: int,
    units: int = UNITS,
    n_symbols: int = len(SYMBOLS),
    learning_rate: float = LEARNING_RATE,
    clipnorm: float | None = CLIPNORM,
) -> keras.Model:
    """The many-to-one window: ``LSTM(units)`` reads ``width`` symbols from a zero
    state, a softmax ``Dense`` answers the next one."""
    check_int("width", width)
    check_int("units", units)
    check_int("n_symbols", n_symbols, minimum=2)
    inputs = keras.Input(shape=(width, n_symbols))
    hidden = keras.layers.LSTM(units, name="lstm")(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax")(hidden)
    return _compile(keras.Model(inputs, outputs), learning_rate, clipnorm)


# ---- evaluation ------------------------------------------------------------------

PROBABILITY_FLOOR = kgram.PROBABILITY_FLOOR  # a probability of 0 counts as this


def _check_probabilities(probs, truth) -> tuple[np.ndarray, np.ndarray]:
    probs, truth = np.asarray(probs), np.asarray(truth)
    if probs.ndim != 2 or truth.ndim != 1 or len(probs) != len(truth):
        raise InputError(
            "need probabilities of shape (n, symbols) and n true symbols, got "
            f"{probs.shape} and {truth.shape}"
        )
    if not len(truth):
        raise InputError("need at least one position to score")
    if not np.issubdtype(truth.dtype, np.integer):
        raise InputError("the true symbols must be integer codes")
    if truth.min() < 0 or truth.max() >= probs.shape[1]:
        raise InputError(f"true symbols must lie in 0..{probs.shape[1] - 1}")
    if np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-3):
        raise InputError("each row of probabilities must be >= 0 and sum to 1")
    return probs, truth


def bits(probs, truth) -> np.ndarray:
    """``-log2 P(true next symbol)`` at each position (0 counts as 1e-12)."""
    probs, truth = _check_probabilities(probs, truth)
    right = probs[np.arange(len(truth)), truth].astype(np.float64)
    return -np.log2(np.maximum(right, PROBABILITY_FLOOR))


def bits_per_symbol(probs, truth) -> float:
    """The mean of ``-log2 P(true next symbol)``: cross-entropy in bits."""
    return float(np.mean(bits(probs, truth)))


def accuracy(probs, truth) -> float:
    """The share of positions where the most probable symbol is the true one."""
    probs, truth = _check_probabilities(probs, truth)
    return float(np.mean(np.argmax(probs, axis=1) == truth))


def scores(probs, truth) -> dict[str, float]:
    """``{"accuracy": ..., "bits": ...}`` of the probabilities at each position."""
    return {
        "accuracy": accuracy(probs, truth),
        "bits": bits_per_symbol(probs, truth),
    }


def bits_by_position(probs, truth, steps: int) -> list[float]:
    """Mean bits at each position ``0 .. steps - 1`` of consecutive chunks of
    ``steps`` positions (the first position of the scored range is position 0)."""
    check_int("steps", steps)
    b = bits(probs, truth)
    where = np.arange(len(b)) % steps
    return (np.bincount(where, b, steps) / np.bincount(where, None, steps)).tolist()


def _check_positions(codes, start: int, context: int) -> np.ndarray:
    codes = np.asarray(codes)
    if codes.ndim != 1 or not np.issubdtype(codes.dtype, np.integer):
        raise InputError("codes must be a 1-D array of integer symbol codes")
    check_int("start", start)
    if start >= len(codes):
        raise InputError(f"start must lie in 1..{len(codes) - 1}, got {start}")
    if context > start:
        raise InputError(
            f"need {context} symbols before start={start}; there are only {start}"
        )
    return codes


def _one_hot(codes, n_symbols: int) -> np.ndarray:
    return np.eye(n_symbols, dtype=np.float32)[np.asarray(codes)]


def carried_probabilities(
    reader: keras.Model,
    codes,
    start: int,
    warmup: int = WARMUP,
    steps_per_call: int = 4096,
) -> np.ndarray:
    """P(next symbol) at every position ``start .. len(codes) - 1``, the state carried.

    ``reader`` is a stateful copy with batch size 1 (and any number of steps,
    :func:`alphalstm.models.copy_with_shape`). From a zero state it reads the
    ``warmup`` symbols before ``codes[start - 1]``, then ``codes[start - 1]``
    and every later symbol but the last, ``steps_per_call`` per call, carrying
    its state across calls. It is reset before and after. ``warmup=0``
    starts from a zero state at the tail.
    """
    check_int("warmup", warmup, minimum=0)
    check_int("steps_per_call", steps_per_call)
    codes = _check_positions(codes, start, warmup + 1)
    if models.fixed_batch_size(reader) != 1 or not models.stateful_layers(reader):
        raise InputError("reader must be a stateful model built for batch size 1")
    steps = reader.inputs[0].shape[1]
    if steps is not None and steps_per_call % steps:
        raise InputError(f"reader takes {steps} steps per call; use copy_with_shape")
    n_symbols = reader.inputs[0].shape[-1]
    inputs = codes[start - 1 - warmup : len(codes) - 1]
    n = len(inputs)
    if n > steps_per_call:  # pad the end: every call has the same shape
        inputs = np.concatenate([inputs, np.zeros((-n) % steps_per_call, int)])
    models.reset_states(reader)
    out = []
    for a in range(0, len(inputs), steps_per_call):
        piece = _one_hot(inputs[a : a + steps_per_call], n_symbols)[None]
        out.append(reader.predict(piece, batch_size=1, verbose=0)[0])
    models.reset_states(reader)
    return np.concatenate(out)[warmup:n]


def chunked_probabilities(
    model: keras.Model, codes, start: int, steps: int
) -> np.ndarray:
    """P(next symbol) at every position ``start .. len(codes) - 1``, read in
    chunks of ``steps`` inputs, each from a zero state.

    Chunk ``j`` feeds inputs ``start - 1 + j*steps ...``: the tail cut as a
    model trained on chunks of ``steps`` from a zero state was trained. Any
    ``return_sequences`` model with these weights will do (a stateless copy is
    made).
    """
    check_int("steps", steps)
    codes = _check_positions(codes, start, 1)
    flat = models.copy_with_shape(model, None, steps, stateful=False)
    n_symbols = flat.inputs[0].shape[-1]
    inputs = codes[start - 1 : len(codes) - 1]
    padded = np.concatenate([inputs, np.zeros((-len(inputs)) % steps, inputs.dtype)])
    x = _one_hot(padded.reshape(-1, steps), n_symbols)
    probs = flat.predict(x, batch_size=len(x), verbose=0).reshape(-1, n_symbols)
    return probs[: len(inputs)]


def window_probabilities(
    model: keras.Model, codes, start: int, width: int, batch_size: int = 1024
) -> np.ndarray:
    """P(next symbol) at every position ``start .. len(codes) - 1`` from a
    many-to-one model that reads the ``width`` symbols before it."""
    check_int("width", width)
    check_int("batch_size", batch_size)
    codes = _check_positions(codes, start, width)
    n_symbols = model.inputs[0].shape[-1]
    positions = np.arange(start, len(codes))
    n = len(positions)
    if n > batch_size:  # repeat the last position: every batch has the same shape
        last = np.full((-n) % batch_size, len(codes) - 1)
        positions = np.concatenate([positions, last])
    out = []
    for a in range(0, len(positions), batch_size):
        idx = positions[a : a + batch_size, None] - width + np.arange(width)[None, :]
        x = _one_hot(codes[idx], n_symbols)
        out.append(model.predict(x, batch_size=batch_size, verbose=0))
    return np.concatenate(out)[:n]


def sample(
    reader: keras.Model,
    prime,
    length: int,
    temperature: float | None = 0.5,
    seed: int = 0,
) -> np.ndarray:
    """``length`` symbols generated after ``prime`` by a batch-1 stateful copy.

    The reader starts from a zero state, reads the ``prime`` codes, then is
    fed each symbol it chose. A symbol is drawn from ``p ** (1 / temperature)``
    (renormalised) with ``numpy.random.default_rng(seed)``;
    ``temperature=None`` takes the most probable symbol instead (greedy). The
    state is reset after.
    """
    check_int("length", length)
    check_int("seed", seed, minimum=0)
    if temperature is not None and not temperature > 0:
        raise InputError(f"temperature must be > 0 (or None), got {temperature!r}")
    if models.fixed_batch_size(reader) != 1 or not models.stateful_layers(reader):
        raise InputError("reader must be a stateful model built for batch size 1")
    n_symbols = reader.inputs[0].shape[-1]
    prime = np.asarray(prime)
    if prime.ndim != 1 or not len(prime) or not np.issubdtype(prime.dtype, np.integer):
        raise InputError("prime must be a non-empty 1-D array of symbol codes")
    rng = np.random.default_rng(seed)
    models.reset_states(reader)
    p = reader.predict_on_batch(_one_hot(prime, n_symbols)[None])[0, -1]
    out = []
    for _ in range(length):
        if temperature is None:
            symbol = int(np.argmax(p))
        else:
            logits = np.log(np.maximum(p.astype(np.float64), PROBABILITY_FLOOR))
            q = np.exp((logits - logits.max()) / temperature)
            symbol = int(rng.choice(n_symbols, p=q / q.sum()))
        out.append(symbol)
        p = reader.predict_on_batch(_one_hot([symbol], n_symbols)[None])[0, -1]
    models.reset_states(reader)
    return np.array(out, dtype=np.int64)


# ---- training many-to-one windows drawn from one text ------------------------------


class CompiledWindowLoop:
    """Train a window model (:func:`build_window_model`) on windows of ``codes``.

    Each update takes ``batch_size`` window ends, drawn as shuffled passes
    over every position with ``width`` symbols before it (as ``fit(shuffle=
    True)`` on every window would), one-hot encodes the windows inside the
    compiled graph (one-hot windows of every position would not fit in
    memory), and takes one step of the model's optimizer. All updates of a
    :meth:`fit` call run inside one XLA-compiled TensorFlow function, with
    TensorFlow's op determinism on (:func:`alphalstm.training.deterministic_ops`).
    """

    def __init__(
        self, model: keras.Model, codes, width: int, batch_size: int, seed: int = 0
    ) -> None:
        check_int("width", width)
        check_int("batch_size", batch_size)
        check_int("seed", seed, minimum=0)
        if model.optimizer is None:
            raise InputError("compile the model (optimizer and loss) before training")
        if tuple(model.inputs[0].shape[1:2]) != (width,):
            raise InputError(f"the model does not read windows of {width} steps")
        self.n_symbols = model.inputs[0].shape[-1]
        codes = np.asarray(codes)
        if codes.ndim != 1 or not np.issubdtype(codes.dtype, np.integer):
            raise InputError("codes must be a 1-D array of integer symbol codes")
        if codes.min() < 0 or codes.max() >= self.n_symbols:
            raise InputError(f"codes must lie in 0..{self.n_symbols - 1}")
        if len(codes) <= width:
            raise InputError(f"need more than {width} symbols, got {len(codes)}")
        self.model, self.width, self.batch_size = model, width, batch_size
        self._codes = tf.constant(codes.astype(np.int32))
        self._positions = np.arange(width, len(codes))
        self._rng = np.random.default_rng(seed)
        self._queue = np.empty(0, dtype=np.int64)
        model.optimizer.build(model.trainable_variables)
        x = tf.zeros((batch_size, width, self.n_symbols))
        y = tf.zeros((batch_size, self.n_symbols))
        model.compute_loss(x, y, model(x), training=True)
        self._run = tf.function(self._updates, jit_compile=True, autograph=False)

    def _take(self, n: int) -> np.ndarray:
        while len(self._queue) < n:
            more = self._rng.permutation(self._positions)
            self._queue = np.concatenate([self._queue, more])
        out, self._queue = self._queue[:n], self._queue[n:]
        return out

    def _step(self, ends):
        model, variables = self.model, self.model.trainable_variables
        idx = ends[:, None] - self.width + tf.range(self.width)[None, :]
        x = tf.one_hot(tf.gather(self._codes, idx), self.n_symbols)
        y = tf.one_hot(tf.gather(self._codes, ends), self.n_symbols)
        with tf.GradientTape() as tape:
            p = model(x, training=True)
            loss = model.compute_loss(x, y, p, training=True)
        model.optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    def _updates(self, ends):  # ends: (updates, batch_size)
        def body(i, total):
            return i + 1, total + self._step(ends[i])

        _, total = tf.while_loop(
            lambda i, _: i < tf.shape(ends)[0], body, (tf.constant(0), 0.0)
        )
        return total

    def fit(self, updates: int) -> training.History:
        """Take ``updates`` optimizer steps; the history has their mean loss."""
        check_int("updates", updates)
        before = int(self.model.optimizer.iterations.numpy())
        ends = self._take(updates * self.batch_size).reshape(updates, -1)
        start = time.perf_counter()
        with training.deterministic_ops():
            total = self._run(tf.constant(ends.astype(np.int32)))
        history = training.History(loss=[float(total) / updates])
        history.seconds = time.perf_counter() - start
        history.updates = int(self.model.optimizer.iterations.numpy()) - before
        return history


# ---- the stored experiment ---------------------------------------------------------

EXPERIMENT = "stream-grid"  # notebooks/data/experiments/stream-grid.jsonl
KGRAM_EXPERIMENT = "stream-kgram"  # notebooks/data/experiments/stream-kgram.jsonl
CALIBRATION_SEEDS = (0, 1, 2, 3, 4)  # claims are set on these ...
HELD_OUT_SEEDS = (5, 6, 7, 8, 9)  # ... and verified on these
T_SWEEP = (8, 16, 32, 64)
WIDTHS = (32, 64, 128)  # T, 2T and 4T at T = 32
K_MAX = 10
CEILING_K = (1, 2, 3, 4, 5, 6, 7, 8)
SIDES = ("stateful", "reset", "reset-shuffled", "window")


@dataclass(frozen=True)
class Run:
    """One LSTM side of the experiment: how it is trained, at which T or width.

    * ``stateful``: the practitioner's recipe, state carried from chunk to
      chunk of ``size`` steps (reset each epoch);
    * ``reset``: the same model, data and order, the state zeroed before
      every chunk (a stateless ``LSTM(return_sequences=True)``);
    * ``reset-shuffled``: the same, the chunks shuffled each epoch (``fit``'s
      default);
    * ``window``: many-to-one windows of ``size`` symbols, as many updates of
      as many rows as the recipe at T = 32.
    """

    side: str
    size: int

    def __post_init__(self) -> None:
        check_choice("side", self.side, SIDES)
        check_int("size", self.size)

    @property
    def label(self) -> str:
        return f"{self.side} {'W' if self.side == 'window' else 'T'}={self.size}"

    @classmethod
    def of(cls, label: str) -> Run:
        """The run a label names, e.g. ``"stateful T=32"`` or ``"window W=64"``."""
        match = re.fullmatch(r"([a-z-]+) ([TW])=(\d+)", label)
        if not match or (match[2] == "W") != (match[1] == "window"):
            raise InputError(f"bad run label {label!r}; e.g. 'stateful T=32'")
        return cls(match[1], int(match[3]))


def plan() -> list[Run]:
    """Every LSTM side of the experiment, in storage order."""
    runs = [Run(side, t) for t in T_SWEEP for side in ("stateful", "reset")]
    runs.append(Run("reset-shuffled", STEPS))
    runs += [Run("window", w) for w in WIDTHS]
    return runs


def window_updates(train_codes) -> int:
    """The recipe's number of updates at T = 32, which the windows also get."""
    x, _ = data.stream_chunks(np.asarray(train_codes), BATCH_SIZE, STEPS)
    return EPOCHS * len(x) // BATCH_SIZE


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 6) for k, v in values.items()}


def _evaluation(probs: np.ndarray, truth: np.ndarray, steps: int | None = None) -> dict:
    out = _rounded(scores(probs, truth))
    out["bits_first_200"] = round(bits_per_symbol(probs[:200], truth[:200]), 6)
    if steps:
        out["bits_by_position"] = [
            round(b, 4) for b in bits_by_position(probs, truth, steps)
        ]
    return out


def train_run(run: Run, seed: int, data_dir: Path | str) -> dict:
    """Train one side on one seed and score it on the held-out tail.

    Sequence sides (``stateful``, ``reset``, ``reset-shuffled``) train
    :data:`EPOCHS` epochs of :func:`alphalstm.data.stream_chunks` with
    :class:`alphalstm.training.CompiledLoop` and are scored three ways:
    ``carried`` (a batch-1 copy, :data:`WARMUP` symbols of warm-up),
    ``carried_cold`` (no warm-up) and ``chunks`` (chunks of T from a zero
    state). Windows train :func:`window_updates` updates and are scored on a
    sliding window. Returns one JSON-ready row.
    """
    if not isinstance(run, Run):
        raise InputError(f"run must be a stream.Run, got {run!r}")
    check_int("seed", seed, minimum=0)
    vocab = vocabulary()
    codes = vocab.encode(load_text(data_dir))
    train, tail = split(codes)
    start = len(train)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    training.set_seed(seed)
    row: dict = {"variant": run.label, "seed": seed, "side": run.side}
    if run.side == "window":
        model = build_window_model(run.size)
        loop = CompiledWindowLoop(model, train, run.size, BATCH_SIZE, seed=seed)
        history = loop.fit(window_updates(train))
        t0 = time.perf_counter()
        evals = {
            "window": _evaluation(
                window_probabilities(model, codes, start, run.size), tail
            )
        }
        row.update(width=run.size, steps=None, epochs=None)
    else:
        x, y = data.stream_chunks(train, BATCH_SIZE, run.size)
        stateful = run.side == "stateful"
        model = build_model(BATCH_SIZE if stateful else None, run.size, stateful)
        history = training.train_compiled(
            model,
            vocab.one_hot(x),
            vocab.one_hot(y),
            epochs=EPOCHS,
            batch_size=BATCH_SIZE,
            shuffle=run.side == "reset-shuffled",
            reset_each_epoch=True,
            seed=seed,
            progress=False,
        )
        t0 = time.perf_counter()
        reader = models.copy_with_shape(model, 1, None, stateful=True)
        evals = {
            "carried": _evaluation(
                carried_probabilities(reader, codes, start, WARMUP), tail, run.size
            ),
            "carried_cold": _evaluation(
                carried_probabilities(reader, codes, start, 0), tail
            ),
            "chunks": _evaluation(
                chunked_probabilities(model, codes, start, run.size), tail, run.size
            ),
        }
        row.update(width=None, steps=run.size, epochs=EPOCHS)
        row["train_samples"] = len(x)
    row.update(
        units=UNITS,
        batch_size=BATCH_SIZE,
        learning_rate=LEARNING_RATE,
        clipnorm=CLIPNORM,
        updates=history.updates,
        train_seconds=round(history.seconds, 3),
        eval_seconds=round(time.perf_counter() - t0, 3),
        # windows: the mean over all updates; sequences: over the last epoch
        train_loss_bits=round(history.loss[-1] / math.log(2), 6),
        load_average_at_start=None if load is None else round(load, 2),
        evals=evals,
    )
    return row


def kgram_rows(data_dir: Path | str) -> list[dict]:
    """k-gram predictors for k = 0 .. :data:`K_MAX`, fitted on the training part and
    scored on the tail, with the in-sample ceiling of the training part for
    k in :data:`CEILING_K` (:func:`alphalstm.ceilings.ceiling`)."""
    vocab = vocabulary()
    text = load_text(data_dir)
    codes = vocab.encode(text)
    train, _ = split(codes)
    start = len(train)
    t0 = time.perf_counter()
    model = kgram.KGram(train, K_MAX, len(vocab))
    fit_seconds = time.perf_counter() - t0
    positions = np.arange(start, len(codes))
    rows = []
    for k in range(K_MAX + 1):
        t0 = time.perf_counter()
        row = {
            "variant": f"k-gram k={k}",
            **_rounded(kgram.score(model, codes, positions, k)),
        }
        row["k"] = k
        row["score_seconds"] = round(time.perf_counter() - t0, 3)
        row["fit_seconds_all_k"] = round(fit_seconds, 3)
        if k in CEILING_K:
            best = ceilings.ceiling(text[:start], k)
            row["ceiling_in_sample"] = f"{best.numerator}/{best.denominator}"
        rows.append(row)
    return rows


# ---- claims: set on the calibration seeds, verified on the held-out seeds -----------

Key = tuple[str, str]  # (run label, evaluation), e.g. ("stateful T=32", "carried")


def values(rows: Sequence[dict], seed: int, key: str = "bits") -> dict[Key, float]:
    """``key`` of every (run, evaluation) stored for ``seed``, and of every k-gram
    (as ``("k-gram k=K", "tail")``, the same on every seed)."""
    check_choice("key", key, ("bits", "accuracy"))
    failed = [r for r in rows if "error" in r]
    if failed:
        raise InputError(
            f"{len(failed)} stored run(s) failed, e.g. {failed[0].get('variant')!r} "
            f"seed {failed[0].get('seed')}; rerun them before counting"
        )
    out: dict[Key, float] = {}
    for row in rows:
        if "evals" in row and row["seed"] == seed:
            for name, ev in row["evals"].items():
                out[(row["variant"], name)] = ev[key]
        elif "evals" not in row and "k" in row:
            out[(row["variant"], "tail")] = row[key]
    return out


def claimed_lead(margins: Sequence[float], step: float = 0.01) -> float | None:
    """The rule for "A beats B by at least m": None unless A was better on every
    calibration seed (every margin > 0); else the smallest margin rounded down
    to a multiple of ``step`` (which may be 0: then "better", by any margin)."""
    if not margins:
        raise InputError("need at least one calibration margin")
    if min(margins) <= 0:
        return None
    return math.floor(min(margins) / step + 1e-9) * step


def claimed_bound(differences: Sequence[float], step: float = 0.01) -> float:
    """The rule for "A and B are within b of each other": the largest calibration
    difference, in absolute value, rounded up to a multiple of ``step``."""
    if not differences:
        raise InputError("need at least one calibration difference")
    return math.ceil(max(abs(d) for d in differences) / step - 1e-9) * step


@dataclass(frozen=True)
class Claim:
    """A statement about the stored runs, and the margin it rests on.

    ``margin(values)`` gives one number per seed from :func:`values` (for
    bits: the second side's bits less the first side's, so positive means
    the first side is better). The rule, applied to the calibration seeds:

    * ``kind="lead"``: the first side is claimed better by at least
      :func:`claimed_lead` of the calibration margins; no claim (None) unless
      it was better on every calibration seed;
    * ``kind="compare"``: if one side was better on every calibration seed,
      it is claimed better by at least :func:`claimed_lead` of its margins
      (``"lead"`` or ``"trail"``); otherwise the two are claimed within
      :func:`claimed_bound` of each other (``"bound"``).

    The claim is then verified, seed by seed, on the held-out seeds.
    """

    name: str
    margin: Callable[[dict[Key, float]], float]
    kind: str = "lead"
    key: str = "bits"

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, ("lead", "compare"))
        check_choice("key", self.key, ("bits", "accuracy"))

    def margins(self, rows: Sequence[dict], seeds: Sequence[int]) -> list[float]:
        """The margin on each of ``seeds``."""
        return [self.margin(values(rows, s, self.key)) for s in seeds]

    def rule(self, rows: Sequence[dict]) -> tuple[str, float | None]:
        """What the calibration seeds let us claim: ``("lead", m)``, ``("trail",
        m)``, ``("bound", b)``, or ``("lead", None)``: nothing."""
        calibration = self.margins(rows, CALIBRATION_SEEDS)
        if self.kind == "compare" and max(calibration) < 0:
            return "trail", claimed_lead([-m for m in calibration])
        if self.kind == "compare" and min(calibration) <= 0:
            return "bound", claimed_bound(calibration)
        return "lead", claimed_lead(calibration)

    @staticmethod
    def holds(margin: float, rule: tuple[str, float | None]) -> bool:
        """Does one seed's margin satisfy the claim ``rule``?"""
        verdict, value = rule
        if value is None:
            return False
        if verdict == "lead":
            return margin > 0 and margin >= value - 1e-9
        if verdict == "trail":
            return margin < 0 and -margin >= value - 1e-9
        return abs(margin) <= value + 1e-9

    def held_out(self, rows: Sequence[dict]) -> tuple[int, int]:
        """(held-out seeds on which the claim holds, held-out seeds)."""
        rule = self.rule(rows)
        margins = self.margins(rows, HELD_OUT_SEEDS)
        return sum(self.holds(m, rule) for m in margins), len(margins)


def _lead(first: Key, second: Key) -> Callable[[dict[Key, float]], float]:
    """Bits: how much lower ``first``'s bits are than ``second``'s."""
    return lambda v: v[second] - v[first]


def _per_t(
    first: tuple[str, str], second: tuple[str, str]
) -> list[Callable[[dict[Key, float]], float]]:
    """For each T of :data:`T_SWEEP`, the lead of ``(side, read)`` ``first`` over
    ``second``, where each side is a run's side without its T."""
    return [
        _lead((Run(first[0], t).label, first[1]), (Run(second[0], t).label, second[1]))
        for t in T_SWEEP
    ]


def _shrinks(v: dict[Key, float]) -> float:
    """How much the recipe's lead over the reset model read in chunks falls from
    each T of :data:`T_SWEEP` to the next (the smallest of the steps)."""
    lead = [f(v) for f in _per_t(("stateful", "carried"), ("reset", "chunks"))]
    return min(a - b for a, b in zip(lead, lead[1:]))


def _lstm(v: dict[Key, float]) -> list[float]:
    return [x for (label, _), x in v.items() if not label.startswith("k-gram")]


def _kgram_bits_lead(v: dict[Key, float]) -> float:
    return min(_lstm(v)) - v[(f"k-gram k={K_MAX}", "tail")]


def _kgram_accuracy_lead(v: dict[Key, float]) -> float:
    return v[(f"k-gram k={K_MAX}", "tail")] - max(_lstm(v))


def _each_t(
    text: str, first: tuple[str, str], second: tuple[str, str], kind: str = "lead"
) -> list[Claim]:
    """One claim per T of :data:`T_SWEEP`: ``(side, read)`` ``first`` against
    ``second`` (see :func:`_per_t`)."""
    return [
        Claim(f"T={t}: {text}", lead, kind=kind)
        for t, lead in zip(T_SWEEP, _per_t(first, second))
    ]


def claims() -> list[Claim]:
    """The chapter's claims, in the order it states them (bits unless noted)."""
    recipe = Run("stateful", STEPS).label
    out = _each_t(
        "carried state in training vs reset every chunk, both read carried",
        ("stateful", "carried"),
        ("reset", "carried"),
        kind="compare",
    )
    out += _each_t(
        "the recipe beats the reset model read in chunks",
        ("stateful", "carried"),
        ("reset", "chunks"),
    )
    out.append(
        Claim(
            "T=8..64: the recipe's lead over reset, read in chunks, shrinks with T",
            _shrinks,
        )
    )
    out += _each_t(
        "the reset model read carried beats it read in chunks",
        ("reset", "carried"),
        ("reset", "chunks"),
    )
    out += _each_t(
        "in chunks from zero, the reset model beats the stateful one",
        ("reset", "chunks"),
        ("stateful", "chunks"),
    )
    out.append(
        Claim(
            f"T={STEPS}: reset chunks shuffled (read carried) vs the recipe",
            _lead((Run("reset-shuffled", STEPS).label, "carried"), (recipe, "carried")),
            kind="compare",
        )
    )
    out += [
        Claim(
            f"W={w}: the recipe beats the window (same updates, same batch)",
            _lead((recipe, "carried"), (Run("window", w).label, "window")),
        )
        for w in WIDTHS
    ]
    out += [
        Claim(f"k={K_MAX}: the k-gram beats every LSTM run, in bits", _kgram_bits_lead),
        Claim(
            f"k={K_MAX}: the k-gram beats every LSTM run, in accuracy",
            _kgram_accuracy_lead,
            key="accuracy",
        ),
    ]
    return out
