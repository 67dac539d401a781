"""Texts, symbols, encodings and framings (no training)."""

import numpy as np
import pytest

from alphalstm import data
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit


def test_vocabulary_round_trip(vocab):
    codes = vocab.encode("HELLO")
    assert codes.tolist() == [7, 4, 11, 11, 14]
    assert vocab.decode(codes) == "HELLO"
    assert len(vocab) == 26


def test_vocabulary_of_a_text_with_repeats():
    v = data.Vocabulary.of("ABCBA")
    assert v.symbols == "ABC"
    assert data.Vocabulary.of(data.bounce()).symbols == data.ALPHABET


def test_bounce_and_recall_texts():
    assert data.bounce("ABC") == "ABCBA"
    assert len(data.bounce()) - 1 == 50
    assert data.recall(2, repeats=1) == "xABxyABy" + "x"
    text = data.recall(4, repeats=8)
    assert len(text) - 1 == 8 * 2 * (4 + 2)


def test_scalar_one_char_framing(vocab):
    X, y = data.Window(1).dataset(vocab, data.ALPHABET)
    assert X.shape == (25, 1, 1) and y.shape == (25, 26) and X.dtype == np.float32
    np.testing.assert_allclose(X.ravel(), np.arange(25) / 26, rtol=1e-6)
    assert y.argmax(-1).tolist() == list(range(1, 26))


def test_window_as_features_and_as_timesteps(vocab):
    Xf, yf = data.Window(3, "features").dataset(vocab, data.ALPHABET)
    Xt, yt = data.Window(3, "timesteps").dataset(vocab, data.ALPHABET)
    assert Xf.shape == (23, 1, 3) and Xt.shape == (23, 3, 1)
    np.testing.assert_allclose(Xf[0, 0], np.array([0, 1, 2]) / 26, rtol=1e-6)
    np.testing.assert_array_equal(Xf.reshape(23, 3), Xt.reshape(23, 3))
    assert vocab.decode(yf.argmax(-1)) == data.ALPHABET[3:]


def test_one_hot_window(vocab):
    X, _ = data.Window(2, encoding="onehot").dataset(vocab, "ABCA")
    assert X.shape == (2, 2, 26)
    assert X[1, 1].argmax() == 2 and X[1, 1].sum() == 1.0


def test_contexts_match_dataset_rows(vocab):
    framing = data.Window(3)
    X, _ = framing.dataset(vocab, data.ALPHABET)
    np.testing.assert_array_equal(framing.context(vocab, "XYZABCDEF"), X[3:4])
    assert framing.contexts("ABCDE") == ["ABC", "BCD"]


def test_chunks_carry_every_transition():
    v = data.Vocabulary.of("ABCABCA")
    X, y = data.Chunks(2).dataset(v, "ABCABCA")
    assert X.shape == (3, 2, 3) and y.shape == (3, 2, 3)
    assert v.decode(X.argmax(-1).ravel()) == "ABCABC"
    assert v.decode(y.argmax(-1).ravel()) == "BCABCA"
    with pytest.raises(InputError, match=r"allowed: \[1, 2, 3, 6\]"):
        data.Chunks(4).dataset(v, "ABCABCA")


def test_original_padding_collides_with_a(vocab):
    original = data.Padded(maxlen=5, pad=0.0, shift=0, allow_collision=True)
    X = original.inputs(vocab, ["A", "AAAAA"])
    np.testing.assert_array_equal(X[0], X[1])  # one A, or five? the input cannot say


def test_default_padding_keeps_pieces_apart(vocab):
    X = data.Padded(maxlen=5).inputs(vocab, ["A", "AAAAA"])
    assert X[0, 0, 0] == -1.0 and not np.array_equal(X[0], X[1])
    shifted = data.Padded(maxlen=5, pad=0.0, shift=1).inputs(vocab, ["AB"])
    np.testing.assert_allclose(shifted[0, :, 0], [0, 0, 0, 1 / 26, 2 / 26], rtol=1e-6)


def test_colliding_pad_value_is_refused(vocab):
    with pytest.raises(InputError, match="pad value 0.0 is also the encoding of 'A'"):
        data.Padded(maxlen=5, pad=0.0).inputs(vocab, ["AB"])
    with pytest.raises(InputError, match="encoding of 'B'"):
        data.Padded(maxlen=5, pad=2 / 26, shift=1).inputs(vocab, ["AB"])


def test_padded_samples_and_text_dataset(vocab):
    framing = data.Padded(maxlen=5)
    X, y = framing.samples(vocab, [("A", "B"), ("RST", "U"), ("VWXY", "Z")])
    assert X.shape == (3, 5, 1) and vocab.decode(y.argmax(-1)) == "BUZ"
    assert framing.contexts("ABCDEFG") == ["A", "AB", "ABC", "ABCD", "ABCDE", "BCDEF"]
    assert framing.min_context == 1


def test_random_pieces_cover_every_length_and_are_seeded():
    pieces = data.random_pieces(data.ALPHABET, 2000, max_len=5, seed=3)
    assert {len(p) for p, _ in pieces} == {1, 2, 3, 4, 5}
    assert all(
        data.ALPHABET.index(p) + len(p) == data.ALPHABET.index(n) for p, n in pieces
    )
    assert ("Y", "Z") in pieces
    assert pieces == data.random_pieces(data.ALPHABET, 2000, max_len=5, seed=3)


def test_original_generator_as_written():
    pieces = data.original_pieces(data.ALPHABET, 5000, max_len=5, seed=7)
    assert {len(p) for p, _ in pieces} == {1, 2, 3, 4, 5}
    assert ("Y", "Z") not in pieces  # start is never Y
    assert {p[0] for p, _ in pieces} == set(data.ALPHABET[:24])  # starts A..X
    # given a start, the end is uniform up to 4 letters later and before Z
    assert max(data.ALPHABET.index(n) for _, n in pieces) == 25


def test_stream_layouts():
    order = data.stream_order(25, 5, "contiguous").reshape(-1, 5)
    assert order[:, 1].tolist() == [5, 6, 7, 8, 9]
    rotated = data.stream_order(25, 5, "rotated").reshape(-1, 5)
    assert rotated.shape == (25, 5)
    assert rotated[:, 1].tolist() == [(5 + t) % 25 for t in range(25)]
    with pytest.raises(InputError, match=r"allowed batch sizes: \[1, 5, 25\]"):
        data.stream_order(25, 4)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda v: v.encode("AB?"), "unknown symbol"),
        (lambda v: v.encode("AB?"), "allowed: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"),
        (lambda v: v.encode(""), "empty sequence"),
        (lambda v: data.Vocabulary("ABCA"), "repeated: 'A'"),
        (lambda v: data.Vocabulary(""), "non-empty"),
        (lambda v: data.Vocabulary.of(""), "at least 2 symbols"),
        (lambda v: data.Vocabulary.of("AAAA"), "at least 2 distinct symbols"),
        (lambda v: data.Window(26).dataset(v, data.ALPHABET), "too long"),
        (lambda v: data.Window(3, "features").dataset(v, "ABC"), "allowed: 1..2"),
        (lambda v: data.Window(0), "window must be a positive integer"),
        (lambda v: data.Window(2, "sideways"), "'timesteps', 'features'"),
        (lambda v: data.Window(2, encoding="binary"), "'scalar', 'onehot'"),
        (lambda v: data.Window(3).context(v, "AB"), "at least 3"),
        (lambda v: v.decode([26]), "out of range"),
        (lambda v: data.recall(0), "gap must be a positive integer"),
        (
            lambda v: data.random_pieces(data.ALPHABET, 10, max_len=26),
            "leaves no next symbol",
        ),
    ],
)
def test_bad_input_raises_input_error(vocab, call, message):
    with pytest.raises(
        InputError, match=message.replace("(", r"\(").replace(".", r"\.")
    ):
        call(vocab)


@pytest.mark.slow  # imports Keras, to compare with its own utilities
def test_one_hot_and_padding_are_keras_own(vocab):
    import keras

    codes = vocab.encode("HELLOZ")
    np.testing.assert_array_equal(
        vocab.one_hot(codes), keras.utils.to_categorical(codes, len(vocab))
    )
    pieces = [vocab.one_hot(vocab.encode(p)) for p in ("A", "BCD", "VWXYZ")]
    np.testing.assert_array_equal(
        data.left_pad(pieces, 5, 0.0),
        keras.utils.pad_sequences(
            pieces, maxlen=5, dtype="float32", padding="pre", value=0.0
        ),
    )
    scalar = [vocab.features(vocab.encode(p), "scalar") for p in ("A", "BC")]
    np.testing.assert_array_equal(
        data.left_pad(scalar, 5, -1.0),
        keras.utils.pad_sequences(
            scalar, maxlen=5, dtype="float32", padding="pre", value=-1.0
        ),
    )


def test_every_framing_says_how_its_model_predicts():
    chunks = data.Chunks(16, encoding="onehot")
    assert isinstance(chunks, data.Framing) and chunks.return_sequences
    assert chunks.for_prediction() == data.Window(1, encoding="onehot")
    window = data.Window(3)
    assert not window.return_sequences and window.for_prediction() is window
    with pytest.raises(InputError, match="does not fit maxlen=2"):
        data.left_pad([np.zeros((3, 1), np.float32)], 2, 0.0)
    with pytest.raises(InputError, match=r"indices must lie in 0\.\.25"):
        data.Vocabulary().one_hot([26])


def test_data_imports_no_keras():
    import subprocess
    import sys

    code = (
        "import sys, alphalstm.data, alphalstm.recipes; print('keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
