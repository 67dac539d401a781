"""Chapter 10's long text: data, layout, evaluation in bits, sampling, claims."""

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA

from alphalstm import data, models, store, stream, training
from alphalstm.errors import InputError

# ---- the text ----


@pytest.mark.unit
def test_the_vendored_text_loads_checked():
    text = stream.load_text(DATA)
    assert len(text) == 178_884 and set(text) == set(stream.SYMBOLS)
    assert "  " not in text and text == text.strip()
    assert text.startswith('the "assert" statement assert statements are')
    assert (DATA / "stream" / "LICENSE-PSF.txt").is_file()
    assert (DATA / "stream" / "NOTICE.md").is_file()


@pytest.mark.unit
def test_a_missing_or_altered_text_is_refused(tmp_path):
    with pytest.raises(InputError, match="missing"):
        stream.load_text(tmp_path)
    altered = tmp_path / "stream" / "pydoc_prose.txt"
    altered.parent.mkdir()
    original = stream.text_path(DATA).read_bytes()
    altered.write_bytes(original[:-1] + b"!")
    with pytest.raises(InputError, match="altered"):
        stream.load_text(tmp_path)


@pytest.mark.unit
def test_reduce_text_by_hand():
    raw = "Hello, World! \u201cx\u201d \u2014 42; a_b*c`d? \u00e9t\u00e9\u2026"
    assert stream.reduce_text(raw) == 'hello, world. "x" - 00, abcd. t ...'


@pytest.mark.unit
def test_derive_text_rebuilds_the_vendored_file():
    """Where the Python at hand is CPython 3.11.7, its topics.py gives the file."""
    import pydoc_data

    topics = Path(pydoc_data.__file__).with_name("topics.py")
    if hashlib.sha256(topics.read_bytes()).hexdigest() != stream.SOURCE_SHA256:
        pytest.skip("this Python's pydoc_data/topics.py is not CPython 3.11.7's")
    assert stream.derive_text(topics) == stream.load_text(DATA)


@pytest.mark.unit
def test_derive_text_refuses_another_file(tmp_path):
    other = tmp_path / "topics.py"
    other.write_text("topics = {'x': 'y'}\n")
    with pytest.raises(InputError, match="not Lib/pydoc_data/topics.py"):
        stream.derive_text(other)


@pytest.mark.unit
def test_split_holds_out_the_end():
    codes = stream.vocabulary().encode(stream.load_text(DATA))
    train, tail = stream.split(codes)
    assert (len(train), len(tail)) == (160_996, 17_888)
    assert np.array_equal(np.concatenate([train, tail]), codes)
    assert stream.split(np.arange(10), 0.3)[1].tolist() == [7, 8, 9]
    with pytest.raises(InputError, match="strictly between"):
        stream.split(codes, 1.0)


# ---- the long-stream layout ----


@pytest.mark.unit
def test_stream_chunks_by_hand():
    # 30 symbols, 29 transitions: 2 streams of 12 inputs (4 chunks of 3); the
    # last 5 transitions are dropped. Stream 0 reads 0..11, stream 1 12..23.
    x, y = data.stream_chunks(np.arange(30), batch_size=2, steps=3)
    assert x.tolist() == [
        [0, 1, 2],
        [12, 13, 14],
        [3, 4, 5],
        [15, 16, 17],
        [6, 7, 8],
        [18, 19, 20],
        [9, 10, 11],
        [21, 22, 23],
    ]
    assert np.array_equal(y, x + 1)


@pytest.mark.unit
@pytest.mark.parametrize("batch_size, steps", [(4, 8), (3, 5), (16, 16)])
def test_row_i_continues_row_i_and_only_the_end_is_trimmed(batch_size, steps):
    codes = np.arange(1001)
    x, y = data.stream_chunks(codes, batch_size, steps)
    rows = x.reshape(-1, batch_size, steps)  # (batches, rows, steps)
    assert np.all(rows[1:, :, 0] == rows[:-1, :, -1] + 1)
    assert np.array_equal(np.sort(x.ravel()), np.arange(x.size))  # a prefix, once
    assert 1000 - x.size < batch_size * steps and np.array_equal(y, x + 1)


@pytest.mark.unit
def test_stream_chunks_are_chunks_in_stream_order():
    text = stream.load_text(DATA)[:5000]
    vocab = stream.vocabulary()
    x, y = data.stream_chunks(vocab.encode(text), 4, 16)
    kept = x.size + 1
    X, Y = data.Chunks(16).dataset(vocab, text[:kept])
    order = data.stream_order(len(X), 4, "contiguous")
    assert np.array_equal(X[order].argmax(-1), x)
    assert np.array_equal(Y[order].argmax(-1), y)


@pytest.mark.unit
@pytest.mark.parametrize(
    "codes, message",
    [
        (np.arange(8), "too few"),
        (np.arange(100.0), "integer symbol codes"),
        (np.arange(100).reshape(10, 10), "1-D"),
    ],
)
def test_stream_chunks_refuses(codes, message):
    with pytest.raises(InputError, match=message):
        data.stream_chunks(codes, 2, 4)


# ---- scores in bits ----


@pytest.mark.unit
def test_bits_and_accuracy_by_hand():
    probs = np.array([[0.5, 0.5, 0.0], [0.25, 0.75, 0.0], [0.125, 0.125, 0.75]])
    truth = np.array([0, 1, 0])
    # -log2: 1, log2(4/3), 3; the most probable symbol: 0 (tie), 1, 2
    assert stream.bits(probs, truth) == pytest.approx([1, np.log2(4 / 3), 3])
    assert stream.bits_per_symbol(probs, truth) == pytest.approx(
        (4 + np.log2(4 / 3)) / 3
    )
    assert stream.accuracy(probs, truth) == pytest.approx(2 / 3)
    assert stream.bits(probs[:1], np.array([2]))[0] == pytest.approx(-np.log2(1e-12))
    assert stream.bits_by_position(probs, truth, 2) == pytest.approx(
        [2, np.log2(4 / 3)]
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    "probs, truth, message",
    [
        ([[0.5, 0.4]], [0], "sum to 1"),
        ([[0.5, 0.5]], [2], "lie in 0..1"),
        ([[0.5, 0.5]], [0, 1], "need probabilities"),
        ([[0.5, 0.5]], [0.0], "integer codes"),
    ],
)
def test_bad_scores_are_refused(probs, truth, message):
    with pytest.raises(InputError, match=message):
        stream.bits_per_symbol(np.array(probs), np.array(truth))


# ---- claims ----


@pytest.mark.unit
def test_claim_rules_by_hand():
    assert stream.claimed_lead([0.128, 0.2, 0.15]) == pytest.approx(0.12)
    assert stream.claimed_lead([0.004, 0.2]) == 0.0  # better, by less than 0.01
    assert stream.claimed_lead([0.1, -0.01]) is None
    assert stream.claimed_bound([0.012, -0.034]) == pytest.approx(0.04)
    assert stream.claimed_bound([0.03, -0.01]) == pytest.approx(0.03)


def _rows(margins):
    """Stored-run rows where side A beats side B by ``margins[seed]`` bits."""
    return [
        {"variant": label, "seed": s, "evals": {"e": {"bits": bits, "accuracy": 0}}}
        for s, m in enumerate(margins)
        for label, bits in (("A", 2.0), ("B", 2.0 + m))
    ]


@pytest.mark.unit
def test_a_claim_is_set_on_calibration_and_counted_on_held_out_seeds():
    def lead(v):
        return v[("B", "e")] - v[("A", "e")]

    claim = stream.Claim("A beats B", lead)
    rows = _rows([0.2, 0.15, 0.3, 0.2, 0.25, 0.2, 0.1, 0.16, 0.15, -0.1])
    assert claim.rule(rows) == ("lead", pytest.approx(0.15))
    assert claim.held_out(rows) == (3, 5)  # 0.2, 0.16 and 0.15 reach 0.15
    compare = stream.Claim("A against B", lead, kind="compare")
    rows = _rows([-0.2, -0.15, -0.3, -0.2, -0.25, -0.2, -0.1, -0.16, -0.15, 0.1])
    assert compare.rule(rows) == ("trail", pytest.approx(0.15))
    assert compare.held_out(rows) == (3, 5)
    rows = _rows([0.02, -0.01, 0.0, 0.01, 0.015, 0.02, 0.03, -0.02, 0.0, 0.01])
    assert compare.rule(rows) == ("bound", pytest.approx(0.02))
    assert compare.held_out(rows) == (4, 5)


@pytest.mark.unit
def test_run_labels_and_the_plan():
    labels = [run.label for run in stream.plan()]
    assert len(labels) == 12 and len(set(labels)) == 12
    assert "reset-shuffled T=32" in labels and "window W=128" in labels
    assert all(stream.Run.of(label).label == label for label in labels)
    with pytest.raises(InputError, match="bad run label"):
        stream.Run.of("window T=32")


# ---- the stored experiment ----


@pytest.mark.unit
def test_the_stored_runs_match_the_plan_and_the_settings():
    rows = store.load_experiment(DATA, stream.EXPERIMENT)
    seeds = stream.CALIBRATION_SEEDS + stream.HELD_OUT_SEEDS
    labels = [run.label for run in stream.plan()]
    assert [(r["variant"], r["seed"]) for r in rows] == [
        (label, s) for s in seeds for label in labels
    ]
    window_updates = rows[labels.index("stateful T=32")]["updates"]
    for r in rows:
        assert "error" not in r and r["jobs"] == 2
        assert (r["units"], r["batch_size"]) == (stream.UNITS, stream.BATCH_SIZE)
        assert (r["learning_rate"], r["clipnorm"]) == (0.01, 1.0)
        run = stream.Run.of(r["variant"])
        if run.side == "window":
            assert r["updates"] == window_updates and set(r["evals"]) == {"window"}
        else:
            assert r["epochs"] == stream.EPOCHS and r["steps"] == run.size
            assert r["updates"] == stream.EPOCHS * r["train_samples"] // 32
            assert set(r["evals"]) == {"carried", "carried_cold", "chunks"}
    kgrams = store.load_experiment(DATA, stream.KGRAM_EXPERIMENT)
    assert [r["k"] for r in kgrams] == list(range(stream.K_MAX + 1))


@pytest.mark.slow
def test_the_stored_kgrams_are_what_the_code_gives():
    stored = store.load_experiment(DATA, stream.KGRAM_EXPERIMENT)
    fresh = stream.kgram_rows(DATA)
    assert len(stored) == len(fresh)
    for a, b in zip(stored, fresh):
        for key in ("k", "accuracy", "bits", "kn_accuracy"):
            assert a[key] == b[key]
        assert a.get("ceiling_in_sample") == b.get("ceiling_in_sample")


# ---- models, evaluation and sampling (tiny models) ----

V = len(stream.SYMBOLS)


@pytest.fixture(scope="module")
def tiny():
    """A stateful LSTM(8) for batches of 2 chunks of 4 steps, untrained."""
    training.set_seed(0)
    return stream.build_model(2, 4, stateful=True, units=8)


@pytest.fixture(scope="module")
def codes():
    return stream.vocabulary().encode(stream.load_text(DATA)[:400])


@pytest.mark.slow
def test_the_reader_reads_a_whole_text_as_the_model_reads_its_chunks(tiny, codes):
    reader = models.copy_with_shape(tiny, 1, None, stateful=True)
    one = models.copy_with_shape(tiny, 1, 4, stateful=True)  # chunks of 4, carried
    x = np.eye(V, dtype="float32")[codes[:24]]
    chunked = np.concatenate(
        [one.predict(x[i : i + 4][None], verbose=0)[0] for i in range(0, 24, 4)]
    )
    whole = reader.predict(x[None], verbose=0)[0]
    np.testing.assert_allclose(whole, chunked, atol=1e-5)
    with pytest.raises(InputError, match="fixed batch_size"):
        models.copy_with_shape(tiny, None, None, stateful=True)


@pytest.mark.slow
def test_carried_probabilities_carry_the_state_and_warm_up(tiny, codes):
    reader = models.copy_with_shape(tiny, 1, None, stateful=True)
    start = 300
    a = stream.carried_probabilities(reader, codes, start, warmup=50)
    b = stream.carried_probabilities(reader, codes, start, 50, steps_per_call=7)
    assert a.shape == (100, V)
    np.testing.assert_allclose(a, b, atol=1e-5)
    # by hand: one call over the 50 warm-up symbols, the one before the tail, ...
    x = np.eye(V, dtype="float32")[codes[start - 51 : -1]]
    models.reset_states(reader)
    by_hand = reader.predict(x[None], verbose=0)[0, 50:]
    np.testing.assert_allclose(a, by_hand, atol=1e-5)
    cold = stream.carried_probabilities(reader, codes, start, warmup=0)
    assert not np.allclose(a[:5], cold[:5], atol=1e-4)  # the warm-up matters
    with pytest.raises(InputError, match="batch size 1"):
        stream.carried_probabilities(tiny, codes, start, warmup=10)


@pytest.mark.slow
def test_chunked_probabilities_start_every_chunk_from_zero(tiny, codes):
    start, steps = 300, 8
    chunked = stream.chunked_probabilities(tiny, codes, start, steps)
    reader = models.copy_with_shape(tiny, 1, None, stateful=True)
    inputs = np.eye(V, dtype="float32")[codes[start - 1 : -1]]
    expected = []
    for a in range(0, len(inputs), steps):
        models.reset_states(reader)
        expected.append(reader.predict(inputs[a : a + steps][None], verbose=0)[0])
    np.testing.assert_allclose(chunked, np.concatenate(expected), atol=1e-5)


@pytest.mark.slow
def test_window_probabilities_read_the_width_before_each_position(codes):
    training.set_seed(0)
    model = stream.build_window_model(12, units=8)
    p = stream.window_probabilities(model, codes, 350, 12, batch_size=16)
    assert p.shape == (50, V)
    for j in (350, 371, 399):
        x = np.eye(V, dtype="float32")[codes[j - 12 : j]][None]
        np.testing.assert_allclose(p[j - 350], model(x)[0], atol=1e-5)


@pytest.mark.slow
def test_sampling_is_seeded_and_greedy_is_the_arg_max(tiny, codes):
    reader = models.copy_with_shape(tiny, 1, None, stateful=True)
    prime = codes[:10]
    a = stream.sample(reader, prime, 20, temperature=0.7, seed=3)
    assert np.array_equal(a, stream.sample(reader, prime, 20, 0.7, seed=3))
    assert not np.array_equal(a, stream.sample(reader, prime, 20, 0.7, seed=4))
    greedy = stream.sample(reader, prime, 5, temperature=None)
    fed = list(prime)
    for _ in range(5):  # by hand: read everything so far from zero, take the top
        models.reset_states(reader)
        x = np.eye(V, dtype="float32")[fed][None]
        fed.append(int(reader.predict(x, verbose=0)[0, -1].argmax()))
    assert greedy.tolist() == fed[10:]
    # by hand: p ** (1 / temperature), renormalised, drawn with the seeded rng;
    # on a copy whose softmax is sharpened, so the temperature changes the draws
    sharp = models.copy_with_shape(tiny, 1, None, stateful=True)
    kernel, bias = sharp.layers[-1].get_weights()
    sharp.layers[-1].set_weights([kernel * 100, bias])
    rng, fed = np.random.default_rng(3), list(prime)
    for _ in range(10):
        models.reset_states(sharp)
        p = sharp.predict(np.eye(V, dtype="float32")[fed][None], verbose=0)[0, -1]
        q = p.astype("float64") ** (1 / 2.0)
        fed.append(int(rng.choice(V, p=q / q.sum())))
    assert stream.sample(sharp, prime, 10, 2.0, seed=3).tolist() == fed[10:]
    with pytest.raises(InputError, match="temperature"):
        stream.sample(reader, prime, 5, temperature=0.0)


@pytest.mark.slow
def test_the_compiled_loop_on_streams_makes_fits_updates():
    """CompiledLoop on the layout = fit(shuffle=False) with a reset each epoch."""
    rng = np.random.default_rng(0)
    x, y = data.stream_chunks(rng.integers(0, 6, 4 * 5 * 6 + 1), 4, 5)
    X, Y = np.eye(6, dtype="float32")[x], np.eye(6, dtype="float32")[y]
    weights = []
    for compiled in (True, False):
        training.set_seed(0)
        m = stream.build_model(4, 5, stateful=True, units=8, n_symbols=6)
        if compiled:
            training.train_compiled(
                m, X, Y, epochs=3, batch_size=4, reset_each_epoch=True, progress=False
            )
        else:
            m.fit(
                X,
                Y,
                batch_size=4,
                epochs=3,
                shuffle=False,
                verbose=0,
                callbacks=[training.ResetStateEachEpoch()],
            )
        weights.append(m.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.slow
def test_the_window_loop_makes_the_updates_of_train_on_batch(codes):
    weights = []
    for compiled in (True, False):
        training.set_seed(0)
        model = stream.build_window_model(6, units=8)
        loop = stream.CompiledWindowLoop(model, codes, 6, batch_size=5, seed=1)
        if compiled:
            history = loop.fit(3)
            assert history.updates == 3
        else:
            ends = loop._take(15).reshape(3, 5)  # the same draws, by hand
            for batch in ends:
                idx = batch[:, None] - 6 + np.arange(6)[None, :]
                model.train_on_batch(
                    np.eye(V, dtype="float32")[codes[idx]],
                    np.eye(V, dtype="float32")[codes[batch]],
                )
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, atol=1e-5)


# ---- the command line ----


@pytest.mark.unit
@pytest.mark.parametrize(
    "argv, message",
    [
        (["stream-grid", "--data", "nowhere"], "no folder nowhere/stream"),
        (["stream-grid", "--data", "x", "--seeds", "3-1"], "bad seed spec"),
        (["stream-grid", "--data", "x", "--run", "stateful T=32"], "needs --seed"),
    ],
)
def test_stream_grid_usage_errors_are_one_line_without_tensorflow(argv, message):
    code = (
        "import sys\nfrom alphalstm import cli\n"
        f"status = cli.main({argv!r})\n"
        "print(status, 'tensorflow' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.split() == ["2", "False"], proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
