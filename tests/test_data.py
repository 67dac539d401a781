import numpy as np
import pytest

from alphalstm import data


def test_vocabulary_round_trip(vocab):
    codes = vocab.encode("HELLO")
    assert codes.tolist() == [7, 4, 11, 11, 14]
    assert vocab.decode(codes) == "HELLO"
    assert len(vocab) == 26


def test_custom_alphabet():
    v = data.Vocabulary("xyz")
    assert v.encode("zx").tolist() == [2, 0]
    X, y = data.one_char().dataset(v)
    assert X.shape == (2, 1, 1)
    np.testing.assert_allclose(X.ravel(), [0 / 3, 1 / 3])
    assert y.argmax(-1).tolist() == [1, 2]


def test_one_char_framing(vocab):
    X, y = data.one_char().dataset(vocab)
    assert X.shape == (25, 1, 1) and y.shape == (25, 26)
    assert X.dtype == np.float32
    np.testing.assert_allclose(X.ravel(), np.arange(25) / 26, rtol=1e-6)
    assert y.argmax(-1).tolist() == list(range(1, 26))
    assert set(np.unique(y)) == {0.0, 1.0}


def test_window_as_features(vocab):
    X, y = data.window_as_features(3).dataset(vocab)
    assert X.shape == (23, 1, 3)
    np.testing.assert_allclose(X[0, 0], np.array([0, 1, 2]) / 26, rtol=1e-6)
    np.testing.assert_allclose(X[-1, 0], np.array([22, 23, 24]) / 26, rtol=1e-6)
    assert vocab.decode(y.argmax(-1)) == vocab.symbols[3:]


def test_window_as_timesteps(vocab):
    X, y = data.window_as_timesteps(3).dataset(vocab)
    assert X.shape == (23, 3, 1)
    np.testing.assert_allclose(X[1, :, 0], np.array([1, 2, 3]) / 26, rtol=1e-6)
    assert vocab.decode(y.argmax(-1)) == vocab.symbols[3:]


def test_context_matches_dataset_rows(vocab):
    framing = data.window_as_timesteps(3)
    X, _ = framing.dataset(vocab)
    np.testing.assert_array_equal(framing.context(vocab, "XYZABCDEF"), X[3:4])


def test_pairs(vocab):
    assert data.pairs(vocab)[:2] == [("A", "B"), ("B", "C")]
    assert len(data.pairs(vocab)) == 25


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda v: v.encode("AB?"), "unknown symbol"),
        (lambda v: v.encode("AB?"), "allowed: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"),
        (lambda v: v.encode(""), "empty sequence"),
        (lambda v: data.Vocabulary("ABCA"), "repeated: 'A'"),
        (lambda v: data.Vocabulary(""), "non-empty"),
        (lambda v: data.Vocabulary("A"), "at least 2"),
        (lambda v: data.window_as_timesteps(26).dataset(v), "window of 26 is too long"),
        (lambda v: data.window_as_features(3).dataset(v, "ABC"), "allowed: 1..2"),
        (lambda v: data.Framing(0), "window must be a positive integer"),
        (lambda v: data.Framing(2, "sideways"), "'features' or 'timesteps'"),
        (lambda v: data.window_as_timesteps(3).context(v, "AB"), "at least 3"),
        (lambda v: v.decode([26]), "out of range"),
    ],
)
def test_bad_input_raises_value_error(vocab, call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        call(vocab)
