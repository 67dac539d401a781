import pytest

from alphalstm import data, evaluate, models


def test_accuracy_and_table(stateful_run):
    run = stateful_run
    assert run.accuracy() == 1.0
    rows = evaluate.prediction_table(run.model, run.vocab, data.one_char())
    assert len(rows) == 25 and all(r.correct for r in rows)
    assert rows[0].given == "A" and rows[0].predicted == "B"
    assert evaluate.format_table(rows).splitlines()[0] == "A -> B  ok"


def test_rollout_from_a(stateful_run):
    assert stateful_run.rollout() == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_cold_and_warm_start(stateful_run):
    run, f = stateful_run, data.one_char()
    cold = evaluate.cold_start(run.model, run.vocab, f, "K", steps=5)
    warm = evaluate.warm_start(run.model, run.vocab, f, "K", steps=5)
    assert len(cold) == 6 and cold[0] == "K"
    assert cold[1] != "L"  # a zero state means "start of the alphabet"
    assert warm == "KLMNOP"


def test_rollout_leaves_a_zero_state(stateful_run):
    import numpy as np

    evaluate.rollout(stateful_run.model, stateful_run.vocab, data.one_char())
    for s in stateful_run.model.get_layer("lstm").states:
        assert float(np.abs(np.asarray(s)).sum()) == 0.0


def test_transitions():
    assert evaluate.transitions("ABD") == "A->B B->D"


def test_step_prediction_needs_batch_one(vocab):
    m = models.stateful_lstm(5, (1, 1), 4, 26)
    with pytest.raises(ValueError, match="built for batch size 5"):
        evaluate.rollout(m, vocab, data.one_char())


def test_bad_prefix(stateful_run):
    with pytest.raises(ValueError, match="unknown symbol"):
        evaluate.cold_start(stateful_run.model, stateful_run.vocab, data.one_char(), "k")
