"""The fast trainer must make the same updates as Keras' own fit."""

import numpy as np
import pytest

import alphalstm
from alphalstm import data, models, training

TOL = 1e-5  # float32 round-off after a few dozen Adam steps


def _twins(build):
    alphalstm.set_seed(3)
    a = build()
    b = build()
    b.set_weights(a.get_weights())
    return a, b


def _max_gap(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a.get_weights(), b.get_weights()))


def test_stateful_trainer_equals_textbook_loop(vocab):
    X, y = data.one_char().dataset(vocab)
    fast, slow = _twins(lambda: models.stateful_lstm(1, (1, 1), 16, 26))
    h_fast = training.train(fast, X, y, epochs=4, batch_size=1)
    h_slow = training.textbook_fit(slow, X, y, epochs=4, batch_size=1)
    assert _max_gap(fast, slow) < TOL
    np.testing.assert_allclose(h_fast.loss, h_slow.loss, rtol=1e-5)
    np.testing.assert_allclose(h_fast.accuracy, h_slow.accuracy)
    assert h_fast.updates == h_slow.updates == 100


def test_reset_matters(vocab):
    """Without the per-epoch reset the weights differ: the test can fail."""
    X, y = data.one_char().dataset(vocab)
    fast, slow = _twins(lambda: models.stateful_lstm(1, (1, 1), 16, 26))
    training.train(fast, X, y, epochs=3, reset_each_epoch=False)
    training.textbook_fit(slow, X, y, epochs=3)
    assert _max_gap(fast, slow) > 1e-4


def test_stateless_trainer_equals_fit_with_partial_batch(vocab):
    X, y = data.window_as_timesteps(3).dataset(vocab)  # 23 samples: 5 batches of 4 + 3
    fast, slow = _twins(lambda: models.stateless_lstm((3, 1), 8, 26))
    h_fast = training.train(fast, X, y, epochs=3, batch_size=4)
    logs = slow.fit(X, y, epochs=3, batch_size=4, shuffle=False, verbose=0).history
    assert _max_gap(fast, slow) < TOL
    np.testing.assert_allclose(h_fast.loss, logs["loss"], rtol=1e-5)
    assert h_fast.updates == 18


def test_full_batch_trainer_equals_fit(vocab):
    X, y = data.one_char().dataset(vocab)
    fast, slow = _twins(lambda: models.stateless_lstm((1, 1), 16, 26))
    training.train(fast, X, y, epochs=20, batch_size=25)
    slow.fit(X, y, epochs=20, batch_size=25, shuffle=False, verbose=0)
    assert _max_gap(fast, slow) < TOL


def test_reset_callback_equals_textbook_loop(vocab):
    X, y = data.one_char().dataset(vocab)
    cb, slow = _twins(lambda: models.stateful_lstm(1, (1, 1), 8, 26))
    cb.fit(X, y, epochs=3, batch_size=1, shuffle=False, verbose=0,
           callbacks=[training.ResetStateEachEpoch()])
    training.textbook_fit(slow, X, y, epochs=3)
    assert _max_gap(cb, slow) < TOL


def test_shuffle_is_seeded_and_changes_the_order(vocab):
    X, y = data.one_char().dataset(vocab)
    a, b = _twins(lambda: models.stateless_lstm((1, 1), 8, 26))
    c, d = _twins(lambda: models.stateless_lstm((1, 1), 8, 26))
    training.train(a, X, y, epochs=2, batch_size=5, shuffle=True, seed=1)
    training.train(b, X, y, epochs=2, batch_size=5, shuffle=True, seed=1)
    training.train(c, X, y, epochs=2, batch_size=5, shuffle=False)
    assert _max_gap(a, b) == 0.0
    assert _max_gap(a, c) > 1e-6
    del d


def test_training_in_chunks_is_one_run(vocab):
    X, y = data.one_char().dataset(vocab)
    a, b = _twins(lambda: models.stateful_lstm(1, (1, 1), 8, 26))
    training.FastTrainer(a, X, y, chunk=2).fit(5)
    training.FastTrainer(b, X, y, chunk=10).fit(5)
    assert _max_gap(a, b) < TOL


def test_state_is_zero_after_training(vocab):
    X, y = data.one_char().dataset(vocab)
    m = models.stateful_lstm(1, (1, 1), 8, 26)
    training.train(m, X, y, epochs=2)
    assert all(float(np.abs(np.asarray(s)).sum()) == 0 for s in m.get_layer("lstm").states)


def test_bad_arguments(vocab):
    X, y = data.one_char().dataset(vocab)
    stateful = models.stateful_lstm(2, (1, 1), 4, 26)
    with pytest.raises(ValueError, match="built for batch size 2; got batch_size=1"):
        training.train(stateful, X, y, epochs=1, batch_size=1)
    with pytest.raises(ValueError, match="25 samples cannot be split into full batches of 2"):
        training.train(stateful, X, y, epochs=1, batch_size=2)
    free = models.stateless_lstm((1, 1), 4, 26)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        training.train(free, X, y, epochs=0)
    with pytest.raises(ValueError, match="X has 25 samples but y has 24"):
        training.train(free, X, y[:24], epochs=1)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        training.set_seed(-1)
