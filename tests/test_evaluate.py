"""Evaluation of a trained stateful model (trains once, about 2 s)."""

import numpy as np
import pytest

from alphalstm import data, evaluate, models
from alphalstm.errors import InputError

pytestmark = pytest.mark.slow
ONE = data.Window(1)


def test_accuracy_and_table(stateful_run):
    run = stateful_run
    assert run.accuracy() == 1.0
    rows = evaluate.prediction_table(run.model, run.vocab, ONE, data.ALPHABET)
    assert len(rows) == 25 and all(r.correct for r in rows)
    assert evaluate.format_table(rows).splitlines()[0] == "A -> B  ok"


def test_rollout_and_cold_start(stateful_run):
    run = stateful_run
    assert run.rollout() == data.ALPHABET
    cold = evaluate.cold_start(run.model, run.vocab, ONE, "K", steps=5)
    assert len(cold) == 6 and cold[0] == "K"
    warm = evaluate.warm_start(run.model, run.vocab, ONE, data.ALPHABET[:11], steps=5)
    assert warm[0] == "K" and len(warm) == 6
    # from a zero state the state is the same whatever came before: the
    # cold start's first answer is the from-zero answer to K
    assert evaluate.from_zero(run.model, run.vocab, ONE, "K") == cold[1]


def test_evaluation_leaves_a_zero_state(stateful_run):
    evaluate.rollout(stateful_run.model, stateful_run.vocab, ONE, "A", 26)
    for s in stateful_run.model.get_layer("lstm").states:
        assert float(np.abs(np.asarray(s)).sum()) == 0.0


def test_step_prediction_needs_batch_one(vocab):
    m = models.stateful_lstm(5, (1, 1), 4, 26)
    with pytest.raises(InputError, match="built for batch size 5"):
        evaluate.rollout(m, vocab, ONE, "A", 26)


def test_bad_prefix(stateful_run):
    with pytest.raises(InputError, match="unknown symbol"):
        evaluate.cold_start(stateful_run.model, stateful_run.vocab, ONE, "k")


def test_transitions():
    assert evaluate.transitions("ABD") == "A->B B->D"


def test_trace_is_the_state_after_every_step(stateful_run):
    run = stateful_run
    t = evaluate.trace(run.model, run.vocab, ONE, "ABC")
    assert t.sequence == "ABC" and t.probabilities.shape == (3, 26)
    assert t.h.shape == t.c.shape == (3, 16) and t.states().shape == (3, 32)
    assert run.vocab.decode(t.probabilities.argmax(-1)) == "BCD"
    cold = evaluate.trace(run.model, run.vocab, ONE, "ABC", reset_each_step=True)
    np.testing.assert_allclose(cold.h[0], t.h[0])  # the first step is from zero
    assert run.vocab.decode(cold.probabilities.argmax(-1)) == run.from_zero()[:3]
    with pytest.raises(InputError, match="keeps its state between calls"):
        evaluate.trace(models.stateless_lstm((1, 1), 4, 26), run.vocab, ONE, "AB")
