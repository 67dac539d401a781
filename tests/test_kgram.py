"""k-gram predictors: back-off counts and interpolated Kneser-Ney (no training)."""

from collections import Counter, defaultdict
from fractions import Fraction

import numpy as np
import pytest

from alphalstm import ceilings, kgram
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit

# Fitted on 0 1 0 1 1 with 3 symbols (symbol 2 never occurs). Worked by hand:
#   raw counts, context of 1: after 0: {1: 2}; after 1: {0: 1, 1: 1}.
#     Counts 2, 1, 1: n1 = 2, n2 = 1, so D1 = 2 / (2 + 2*1) = 1/2.
#   continuation counts, no context: N1+(. w) = distinct symbols before w:
#     0 follows {1}, 1 follows {0, 1}: [1, 2, 0]; n1 = n2 = 1, D0 = 1/3;
#     P0(w) = max(N - D0, 0) / 3 + D0 * 2 / 3 * 1/3 = [8, 17, 2] / 27.
#   P(w | 1) = max(c - 1/2, 0) / 2 + 1/2 * 2 / 2 * P0(w) = [43, 61, 4] / 108.
#   P(w | 0) = max(c - 1/2, 0) / 2 + 1/2 * 1 / 2 * P0(w) = [8, 98, 2] / 108.
#   P(w | 2): context never seen, so P0(w).
FITTED = [0, 1, 0, 1, 1]
P0 = [Fraction(8, 27), Fraction(17, 27), Fraction(2, 27)]
AFTER_1 = [Fraction(43, 108), Fraction(61, 108), Fraction(4, 108)]
AFTER_0 = [Fraction(8, 108), Fraction(98, 108), Fraction(2, 108)]


def test_kneser_ney_by_hand():
    model = kgram.KGram(FITTED, 1, 3)
    assert model.raw[1].discount == 0.5
    assert model.continuation[0].discount == pytest.approx(1 / 3)
    codes = np.array([0, 1, 0, 2, 1])  # contexts at positions 1..4: 0, 1, 0, 2
    p = model.probabilities(codes, np.arange(1, 5), k=1)
    expected = [AFTER_0, AFTER_1, AFTER_0, P0]
    np.testing.assert_allclose(p, np.array(expected, dtype=float), rtol=1e-12)


def test_no_context_uses_raw_unigram_counts():
    # k = 0: raw counts [2, 3, 0], whose discount is n1 / (n1 + 2 n2) = 0 / 2
    model = kgram.KGram(FITTED, 1, 3)
    p = model.probabilities(np.array([2, 2]), [0, 1], k=0)
    np.testing.assert_allclose(p, [[0.4, 0.6, 0.0]] * 2)


def test_predict_backs_off_and_breaks_ties_low():
    model = kgram.KGram(FITTED, 2, 3)
    codes = np.array([0, 1, 0, 2, 1, 1, 2, 2])
    # after 0: 1 (twice); after 1: 0 and 1 once each, the tie goes to 0;
    # after 2, never seen: back off to no context, where 1 is most frequent
    assert model.predict(codes, [1, 2, 4], k=1).tolist() == [1, 0, 1]
    # context (0, 1) was followed by 0 and by 1: tie, 0; (1, 2) unseen, then
    # (2,) unseen, then no context: 1
    assert model.predict(codes, [2, 7], k=2).tolist() == [0, 1]


def test_score_is_accuracy_and_mean_bits():
    model = kgram.KGram(FITTED, 1, 3)
    codes = np.array([0, 1, 0, 2])  # predict 1 after 0, 0 after 1, 2 after 0
    result = kgram.score(model, codes, [1, 2, 3], k=1)
    expected_bits = -np.mean(np.log2([98 / 108, 43 / 108, 2 / 108]))
    assert result["bits"] == pytest.approx(expected_bits)
    assert result["accuracy"] == pytest.approx(2 / 3)  # 1 and 0 right, 2 wrong
    # Kneser-Ney's most probable symbol after 1 is 1 (61/108), not the tie's 0
    assert result["kn_accuracy"] == pytest.approx(1 / 3)


def _slow_kneser_ney(seq, k, V):
    """The same smoothing with dictionaries, one context at a time."""
    raw = [defaultdict(Counter) for _ in range(k + 1)]
    for m in range(k + 1):
        for i in range(m, len(seq)):
            raw[m][tuple(seq[i - m : i])][seq[i]] += 1
    cont = []
    for m in range(k):
        seen = {tuple(seq[i - m - 1 : i + 1]) for i in range(m + 1, len(seq))}
        table = defaultdict(Counter)
        for s in seen:
            table[s[1:-1]][s[-1]] += 1
        cont.append(table)

    def discount(table):
        counts = [c for ctr in table.values() for c in ctr.values()]
        n1, n2 = counts.count(1), counts.count(2)
        return n1 / (n1 + 2 * n2) if n1 + n2 else 0.5

    def prob(context, kk):
        p = np.full(V, 1 / V)
        for m in range(kk + 1):
            table = raw[m] if m == kk else cont[m]
            h = tuple(context[len(context) - m :]) if m else ()
            if h in table:
                c = np.array([table[h][w] for w in range(V)], dtype=float)
                d = discount(table)
                p = np.maximum(c - d, 0) / c.sum() + d * (c > 0).sum() / c.sum() * p
        return p

    return prob


def test_matches_a_slow_dictionary_version():
    rng = np.random.default_rng(0)
    seq = list(rng.integers(0, 5, 400)) + [0, 1, 2, 3, 4] * 10
    fitted = seq[:300]
    model = kgram.KGram(fitted, 3, 5)
    prob = _slow_kneser_ney(fitted, 3, 5)
    positions = np.arange(300, len(seq))
    for k in range(4):
        p = model.probabilities(np.array(seq), positions, k)
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        for row, i in zip(p, positions):
            np.testing.assert_allclose(row, prob(seq[:i], k), rtol=1e-10)


def test_in_sample_accuracy_is_the_exact_ceiling():
    text = "the cat sat on the mat and the cat ate the rat at the mat " * 3
    symbols = sorted(set(text))
    codes = np.array([symbols.index(c) for c in text])
    for k in (1, 2, 3):
        model = kgram.KGram(codes, k, len(symbols))
        positions = np.arange(k, len(codes))
        right = np.sum(model.predict(codes, positions) == codes[positions])
        contexts = [text[i - k : i] for i in positions]
        nexts = "".join(text[i] for i in positions)
        assert Fraction(int(right), len(positions)) == ceilings.of_samples(
            contexts, nexts
        )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: kgram.KGram([0, 1, 2], 1, 2), "must lie in 0..1"),
        (lambda: kgram.KGram([0, 1], 2, 2), "need more than k=2"),
        (lambda: kgram.KGram([0, 1] * 5, 11, 36), "too long for 36 symbols"),
        (lambda: kgram.KGram([0.0, 1.0], 1, 2), "integer symbol codes"),
        (lambda: kgram.KGram(FITTED, 1, 3).predict(FITTED, [0]), "positions must"),
        (lambda: kgram.KGram(FITTED, 1, 3).predict(FITTED, [1], k=2), "at most 1"),
    ],
)
def test_bad_input_is_refused(make, message):
    with pytest.raises(InputError, match=message):
        make()
