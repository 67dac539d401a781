import pytest

from alphalstm import models


def test_stateless_builder():
    m = models.stateless_lstm((3, 1), 32, 26)
    assert m.input_shape == (None, 3, 1)
    assert m.output_shape == (None, 26)
    assert models.stateful_layers(m) == []
    assert models.fixed_batch_size(m) is None
    assert m.optimizer is not None and m.loss == "categorical_crossentropy"


def test_stateful_builder():
    m = models.stateful_lstm(5, (1, 1), 16, 26)
    assert m.input_shape == (5, 1, 1)
    lstm = m.get_layer("lstm")
    assert lstm.stateful and lstm.units == 16
    assert models.fixed_batch_size(m) == 5
    assert m.count_params() == 4 * (16 * 17 + 16) + 16 * 26 + 26


def test_reset_states_zeroes_the_state():
    import numpy as np

    m = models.stateful_lstm(1, (1, 1), 4, 3)
    m(np.ones((1, 1, 1), dtype="float32"))
    state = m.get_layer("lstm").states[0]
    assert np.abs(np.asarray(state)).sum() > 0
    models.reset_states(m)
    assert np.abs(np.asarray(state)).sum() == 0


@pytest.mark.parametrize("units", [0, -1, 2.5, True])
def test_bad_units(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        models.stateless_lstm((1, 1), units, 26)


def test_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        models.stateful_lstm(0, (1, 1), 16, 26)
