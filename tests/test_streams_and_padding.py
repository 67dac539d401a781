"""Stream layouts for stateful batches, the padding fix, and weight copies."""

import numpy as np
import pytest

import alphalstm
from alphalstm import data, models


# ---- stream layout -------------------------------------------------------

@pytest.mark.parametrize("layout", ["contiguous", "rotated"])
def test_row_i_continues_row_i(layout):
    n, bs = 25, 5
    order = data.stream_order(n, bs, layout).reshape(-1, bs)  # (batches, rows)
    for t in range(1, len(order)):
        np.testing.assert_array_equal(order[t], (order[t - 1] + 1) % n)


def test_contiguous_layout_is_five_pieces():
    order = data.stream_order(25, 5, "contiguous").reshape(-1, 5)
    assert order.shape == (5, 5)
    assert order[0].tolist() == [0, 5, 10, 15, 20]      # A, F, K, P, U start the rows
    assert order[:, 0].tolist() == [0, 1, 2, 3, 4]      # row 0 is A..E


def test_rotated_layout_covers_every_pair_in_every_row():
    order = data.stream_order(25, 5, "rotated").reshape(-1, 5)
    assert order.shape == (25, 5)
    assert order[0].tolist() == [0, 5, 10, 15, 20]
    for row in order.T:
        assert sorted(row.tolist()) == list(range(25))


def test_stream_layout_bad_input():
    with pytest.raises(ValueError, match=r"cannot be split into 4 equal streams; allowed batch sizes: \[1, 5, 25\]"):
        data.stream_order(25, 4)
    with pytest.raises(ValueError, match="layout must be one of"):
        data.stream_order(25, 5, "diagonal")


def test_state_carries_from_row_i_to_row_i_of_the_next_batch():
    """Two consecutive batches through a stateful LSTM == each row's stream in one go."""
    alphalstm.set_seed(0)
    bs, units = 5, 8
    stateful = keras_lstm(batch_shape=(bs, 1, 1), units=units, stateful=True)
    whole = keras_lstm(batch_shape=(bs, 2, 1), units=units, stateful=False)
    whole.set_weights(stateful.get_weights())
    X = np.random.default_rng(0).random((2 * bs, 1, 1)).astype("float32")
    stateful(X[:bs])
    second = np.asarray(stateful(X[bs:]))
    streams = np.concatenate([X[:bs], X[bs:]], axis=1)  # row i: (x_i, x_{i+bs})
    np.testing.assert_allclose(second, np.asarray(whole(streams)), atol=1e-6)


def keras_lstm(batch_shape, units, stateful):
    import keras

    inputs = keras.Input(batch_shape=batch_shape)
    return keras.Model(inputs, keras.layers.LSTM(units, stateful=stateful)(inputs))


# ---- weight copy ---------------------------------------------------------

def test_with_batch_size_copies_the_weights():
    alphalstm.set_seed(1)
    big = models.stateful_lstm(5, (1, 1), 8, 26)
    small = models.with_batch_size(big, 1)
    assert small.input_shape == (1, 1, 1)
    for a, b in zip(big.get_weights(), small.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.full((5, 1, 1), 0.3, dtype="float32")
    np.testing.assert_allclose(np.asarray(big(x))[:1], np.asarray(small(x[:1])), atol=1e-6)


def test_copy_between_mismatched_models_is_refused():
    a = models.stateful_lstm(5, (1, 1), 8, 26)
    with pytest.raises(ValueError, match="layer 0 is LSTM"):
        models.copy_weights(a, models.stateful_lstm(1, (1, 1), 16, 26))
    with pytest.raises(ValueError, match="layers with weights"):
        models.copy_weights(a, _one_layer())


def _one_layer():
    import keras

    inputs = keras.Input(shape=(1, 1))
    return keras.Model(inputs, keras.layers.LSTM(8)(inputs))


# ---- padding -------------------------------------------------------------

def test_original_padding_collides_with_a(vocab):
    original = data.Padded(maxlen=5, pad=0.0, shift=0, allow_collision=True)
    X = original.inputs(vocab, ["A", "AAAAA"])
    np.testing.assert_array_equal(X[0], X[1])  # one A, or five? the input cannot say


def test_shifted_padding_keeps_sequences_apart(vocab):
    fixed = data.Padded(maxlen=5, pad=0.0, shift=1)
    X = fixed.inputs(vocab, ["A", "AAAAA", "AB"])
    assert not np.array_equal(X[0], X[1])
    np.testing.assert_allclose(X[0, :, 0], [0, 0, 0, 0, 1 / 26], rtol=1e-6)
    np.testing.assert_allclose(X[2, :, 0], [0, 0, 0, 1 / 26, 2 / 26], rtol=1e-6)


def test_colliding_pad_value_is_refused(vocab):
    with pytest.raises(ValueError, match="pad value 0.0 is also the encoding of 'A'"):
        data.Padded(maxlen=5, pad=0.0, shift=0).inputs(vocab, ["AB"])
    with pytest.raises(ValueError, match="encoding of 'B'"):
        data.Padded(maxlen=5, pad=2 / 26, shift=1).inputs(vocab, ["AB"])
    X = data.Padded(maxlen=5).inputs(vocab, ["A", "AAAAA"])  # the default: pad -1
    assert X[0, 0, 0] == -1.0 and not np.array_equal(X[0], X[1])


def test_padded_dataset_targets(vocab):
    X, y = data.Padded(maxlen=5).dataset(vocab, ["A", "RST", "VWXY"])
    assert X.shape == (3, 5, 1)
    assert vocab.decode(y.argmax(-1)) == "BUZ"
    with pytest.raises(ValueError, match="not a substring"):
        data.Padded(maxlen=5).dataset(vocab, ["AC"])
    with pytest.raises(ValueError, match="longer than maxlen=5"):
        data.Padded(maxlen=5).inputs(vocab, ["ABCDEF"])


def test_random_substrings(vocab):
    texts = data.random_substrings(vocab, 2000, max_len=5, seed=3)
    assert {len(t) for t in texts} == {1, 2, 3, 4, 5}
    assert all(t in vocab.symbols and not t.endswith("Z") for t in texts)
    assert texts == data.random_substrings(vocab, 2000, max_len=5, seed=3)
    with pytest.raises(ValueError, match="leaves no next symbol"):
        data.random_substrings(vocab, 10, max_len=26)
