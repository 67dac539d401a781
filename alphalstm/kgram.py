"""k-gram predictors of the next symbol: count tables, back-off and Kneser-Ney.

A *k-gram predictor* sees the last ``k`` symbols (its *context*) and
answers with the symbol that most often followed that context in the text
it was fitted on. When the context never occurred there it **backs off**
to the last ``k - 1`` symbols, and so on down to no context at all (the
most frequent symbol). Ties go to the lowest symbol code. On the text it
was fitted on (where every context occurred), its accuracy is the exact
ceiling of :func:`alphalstm.ceilings.ceiling`; on new text it is an
ordinary predictor.

Bits per symbol need probabilities, and a raw count table gives
probability 0 to every continuation it never saw. :meth:`KGram.probabilities`
smooths with **interpolated Kneser-Ney** (Chen and Goodman, 1998, "An
empirical study of smoothing techniques for language modeling", §3.5), one
absolute discount per context length, ``D = n1 / (n1 + 2 n2)`` (n1, n2: the
number of (context, next) counts at that length equal to 1 and 2):

* the longest context uses raw counts ``c(h w)``;
* every shorter context uses continuation counts ``N1+(. h w)``, the number
  of distinct symbols seen before ``h w``;
* at each length, ``P(w | h) = max(c(h w) - D, 0) / c(h) + D * N1+(h .) / c(h)
  * P(w | h')``, with ``h'`` the context one symbol shorter and, below the
  empty context, the uniform distribution ``1 / V``;
* a context never seen at its length passes ``P(w | h')`` through unchanged.

Symbols are integer codes ``0 .. V - 1``. Contexts are packed into int64
keys in base ``V``, so ``V ** (k + 1)`` must stay below ``2 ** 62``
(``k <= 10`` for 36 symbols). This module uses NumPy only.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError, check_int

PROBABILITY_FLOOR = 1e-12  # a probability of 0 counts as this in bits per symbol


def _codes(codes, n_symbols: int, name: str = "codes") -> np.ndarray:
    """``codes`` as a 1-D int64 array of values in ``0 .. n_symbols - 1``."""
    codes = np.asarray(codes)
    if codes.ndim != 1 or not np.issubdtype(codes.dtype, np.integer):
        raise InputError(f"{name} must be a 1-D array of integer symbol codes")
    if codes.size and (codes.min() < 0 or codes.max() >= n_symbols):
        raise InputError(f"{name} must lie in 0..{n_symbols - 1}")
    return codes.astype(np.int64)


def _keys(codes: np.ndarray, m: int, base: int, positions: np.ndarray) -> np.ndarray:
    """The base-``base`` key of the ``m`` symbols before each position."""
    key = np.zeros(len(positions), dtype=np.int64)
    for j in range(m, 0, -1):
        key = key * base + codes[positions - j]
    return key


class _Table:
    """Counts for one context length: a dense (contexts seen, V) array."""

    def __init__(self, contexts: np.ndarray, nexts: np.ndarray, n_symbols: int) -> None:
        pairs, counts = np.unique(contexts * n_symbols + nexts, return_counts=True)
        self.contexts, row = np.unique(pairs // n_symbols, return_inverse=True)
        self.counts = np.zeros((len(self.contexts), n_symbols), dtype=np.float64)
        self.counts[row, pairs % n_symbols] = counts  # each (row, symbol) once
        n1, n2 = np.sum(self.counts == 1), np.sum(self.counts == 2)
        self.discount = float(n1 / (n1 + 2 * n2)) if n1 + n2 else 0.5

    def rows(self, keys: np.ndarray) -> np.ndarray:
        """The row of each context key, or -1 where the context was never seen."""
        i = np.minimum(np.searchsorted(self.contexts, keys), len(self.contexts) - 1)
        return np.where(self.contexts[i] == keys, i, -1)


class KGram:
    """Count tables for every context length ``0 .. k``, fitted on ``codes``."""

    def __init__(self, codes, k: int, n_symbols: int) -> None:
        check_int("k", k, minimum=0)
        check_int("n_symbols", n_symbols, minimum=2)
        if n_symbols ** (k + 1) >= 2**62:
            raise InputError(
                f"k={k} is too long for {n_symbols} symbols: contexts are packed "
                "into 64-bit keys"
            )
        codes = _codes(codes, n_symbols)
        if len(codes) <= k:
            raise InputError(f"need more than k={k} symbols to fit, got {len(codes)}")
        self.k, self.n_symbols = k, n_symbols
        V = n_symbols
        self.raw = []  # raw counts c(h w), one table per context length
        for m in range(k + 1):
            pos = np.arange(m, len(codes))
            self.raw.append(_Table(_keys(codes, m, V, pos), codes[pos], V))
        self.continuation = []  # N1+(. h w), for context lengths 0 .. k - 1
        for m in range(k):
            pos = np.arange(m + 1, len(codes))
            seen = np.unique(_keys(codes, m + 1, V, pos) * V + codes[pos])
            hw = seen % V ** (m + 1)  # drop the symbol before h
            self.continuation.append(_Table(hw // V, hw % V, V))

    def _check(self, codes, positions, k: int | None):
        k = self.k if k is None else k
        check_int("k", k, minimum=0)
        if k > self.k:
            raise InputError(f"k must be at most {self.k} (fitted), got {k}")
        codes = _codes(codes, self.n_symbols)
        positions = np.asarray(positions)
        if positions.ndim != 1 or not np.issubdtype(positions.dtype, np.integer):
            raise InputError("positions must be a 1-D array of integer positions")
        if positions.size and (positions.min() < k or positions.max() >= len(codes)):
            raise InputError(
                f"positions must lie in {k}..{len(codes) - 1}: each needs k={k} "
                "symbols before it"
            )
        return codes, positions.astype(np.int64), k

    def predict(self, codes, positions, k: int | None = None) -> np.ndarray:
        """The most frequent next symbol after the last ``k`` symbols before each
        position of ``codes``, backing off to shorter contexts never seen in fitting."""
        codes, positions, k = self._check(codes, positions, k)
        out = np.full(len(positions), -1, dtype=np.int64)
        for m in range(k, -1, -1):
            todo = np.flatnonzero(out < 0)
            if not len(todo):
                break
            table = self.raw[m]
            rows = table.rows(_keys(codes, m, self.n_symbols, positions[todo]))
            found = rows >= 0
            out[todo[found]] = np.argmax(table.counts[rows[found]], axis=1)
        return out

    def probabilities(self, codes, positions, k: int | None = None) -> np.ndarray:
        """Interpolated Kneser-Ney P(next symbol) at each position, shape (n, V)."""
        codes, positions, k = self._check(codes, positions, k)
        V = self.n_symbols
        p = np.full((len(positions), V), 1.0 / V)
        for m in range(k + 1):
            table = self.raw[m] if m == k else self.continuation[m]
            rows = table.rows(_keys(codes, m, V, positions))
            seen = rows >= 0
            c = table.counts[rows[seen]]
            total = c.sum(axis=1, keepdims=True)
            distinct = (c > 0).sum(axis=1, keepdims=True)
            D = table.discount
            p[seen] = np.maximum(c - D, 0) / total + D * distinct / total * p[seen]
        return p


def score(model: KGram, codes, positions, k: int | None = None) -> dict[str, float]:
    """Accuracy of the back-off count table and bits per symbol of Kneser-Ney.

    ``accuracy``: the share of positions where :meth:`KGram.predict` is right;
    ``bits``: the mean of ``-log2 P(true next symbol)`` under
    :meth:`KGram.probabilities`; ``kn_accuracy``: the share where Kneser-Ney's
    most probable symbol is right.
    """
    codes, positions, k = model._check(codes, positions, k)
    truth = codes[positions]
    p = model.probabilities(codes, positions, k)
    right = p[np.arange(len(truth)), truth]
    return {
        "k": k,
        "accuracy": float(np.mean(model.predict(codes, positions, k) == truth)),
        "bits": float(np.mean(-np.log2(np.maximum(right, PROBABILITY_FLOOR)))),
        "kn_accuracy": float(np.mean(np.argmax(p, axis=1) == truth)),
    }
