"""The compiled loop against Keras' own training, update for update."""

import contextlib

import numpy as np
import pytest

from alphalstm import models, recipes, runs, training
from alphalstm.errors import InputError

# The compiled loop and fit compute the same mathematics in a different order of
# floating-point operations (XLA fuses and reorders them; the while loop and the
# unrolled trace differ again). In float64 each operation rounds at 1.1e-16 of
# its size; the weights are of order 1 and three epochs are at most 75 Adam
# steps, so even a thousandfold amplification of round-off through the steps
# stays below 1e-10. A real difference in what is computed (a missing reset, a
# batch in another order, one step more or less) moves a weight by about one
# Adam step, 1e-3: seven orders of magnitude above EQUAL. (Measured: the
# largest gap over every recipe and both unroll paths is printed by
# test_compiled_loop_equals_fit with -s; it was below 1e-13 on the machine
# that wrote this.)
EQUAL = 1e-9
# float32 runs (the book's own) are compared only where the order of
# operations is the same in both: the same compiled loop cut into chunks.
SAME_GRAPH = 0.0


def _max_gap(a, b):
    return max(
        float(np.max(np.abs(x - y))) for x, y in zip(a.get_weights(), b.get_weights())
    )


def _correct(accuracy: list[float], y) -> list[int]:
    """Each epoch's count of correct predictions, from its accuracy over ``y``'s
    targets (one per sample, or one per step of a multi-step sample)."""
    targets = y[..., 0].size
    return [round(a * targets) for a in accuracy]


def _unshuffled(name):
    recipe = recipes.get(name)
    return recipe if recipe.stateful else recipes.customise(recipe, shuffle=False)


def _twins(recipe, n_samples=None, copies=2):
    """Data and ``copies`` models with the same initial weights for ``recipe``."""
    vocab, X, y, first = runs.prepare(recipe, seed=3)
    if n_samples is not None and not recipe.stateful and len(X) > n_samples:
        X, y = X[:n_samples], y[:n_samples]
    models_ = [runs.build(recipe, vocab, len(X)) for _ in range(copies)]
    for m in models_:
        m.set_weights(first.get_weights())
    return X, y, models_


def _softmax_layer(width: int, optimizer="adam", **layer):
    """The smallest model the loop trains, for tests of the loop rather than of
    a network: one softmax layer compiles far faster than an LSTM."""
    import keras

    model = keras.Sequential(
        [keras.Input((width,)), keras.layers.Dense(width, "softmax", **layer)]
    )
    model.compile(optimizer, "categorical_crossentropy")
    return model


@pytest.fixture
def float64():
    """Build models in float64 for one test, then restore Keras' float type."""
    import keras

    # Keras caches a global dtype policy the first time a layer is built, from
    # floatx at that moment; both must be set, and both restored.
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(policy)


@pytest.mark.slow
@pytest.mark.parametrize("name", recipes.CHAPTERS)
def test_compiled_loop_equals_fit(name, float64):
    """Every recipe, unshuffled, in float64: the compiled loop makes the same
    updates as fit (with ResetStateEachEpoch for stateful recipes): the same
    weights, the same number of optimizer steps and the same accuracy. Recipes
    whose samples have several time steps are checked both traced unrolled and
    as a while loop; with one time step both traces hold the same single step,
    so only the default (unrolled) is run. Recipes of 1,000 samples are cut to
    100, enough to cover several batches."""
    recipe = _unshuffled(name)
    X, y, (keras_fit, unrolled, looped) = _twins(recipe, n_samples=100, copies=3)
    X, y = X.astype(np.float64), y.astype(np.float64)
    bs = recipe.resolved_batch_size(len(X))
    callbacks = [training.ResetStateEachEpoch()] if recipe.stateful else []
    logs = keras_fit.fit(
        X, y, epochs=3, batch_size=bs, shuffle=False, verbose=0, callbacks=callbacks
    ).history
    variants = [(unrolled, 16)] + ([(looped, 0)] if X.shape[1] > 1 else [])
    for model, unroll_up_to in variants:
        loop = training.CompiledLoop(
            model,
            X,
            y,
            batch_size=bs,
            reset_each_epoch=recipe.stateful,
            unroll_up_to=unroll_up_to,
        )
        history = loop.fit(3)
        gap = _max_gap(model, keras_fit)
        print(f"{name}, unroll_up_to={unroll_up_to}: largest weight gap {gap:.1e}")
        assert gap < EQUAL
        assert history.updates == int(keras_fit.optimizer.iterations.numpy())
        np.testing.assert_allclose(history.loss, logs["loss"], rtol=1e-9)
        # Compared as counts of correct predictions (fit averages each sample's
        # steps before averaging samples, so its fraction can differ from the
        # loop's in the last bit). The weights agree within EQUAL (asserted
        # above), so the predictions do to about that order: the counts could
        # differ only where a prediction lies that close to a tie.
        assert _correct(history.accuracy, y) == _correct(logs["accuracy"], y)


@pytest.mark.slow
def test_compiled_loop_equals_textbook_loop(float64):
    recipe = recipes.get("stateful")
    X, y, (compiled, textbook, unreset) = _twins(recipe, copies=3)
    X, y = X.astype(np.float64), y.astype(np.float64)
    h_compiled = training.train_compiled(
        compiled, X, y, epochs=4, reset_each_epoch=True
    )
    h_textbook = training.textbook_fit(textbook, X, y, epochs=4)
    assert _max_gap(compiled, textbook) < EQUAL
    np.testing.assert_allclose(h_compiled.loss, h_textbook.loss, rtol=1e-9)
    assert _correct(h_compiled.accuracy, y) == _correct(h_textbook.accuracy, y)
    assert h_compiled.updates == h_textbook.updates == 4 * len(X)
    # The control: without the reset at each epoch the comparison fails.
    training.train_compiled(unreset, X, y, epochs=4, reset_each_epoch=False)
    assert _max_gap(unreset, textbook) > 1e-4


@pytest.mark.slow
def test_training_in_chunks_is_one_run(float64):
    recipe = recipes.get("stateful")
    X, y, (a, b) = _twins(recipe)
    training.CompiledLoop(a, X, y, reset_each_epoch=True, chunk=2).fit(5)
    training.CompiledLoop(b, X, y, reset_each_epoch=True, chunk=10).fit(5)
    assert _max_gap(a, b) < EQUAL


@pytest.mark.slow
def test_accuracy_is_counted_so_a_perfect_epoch_is_one():
    """The loop counts the correct predictions of an epoch and divides on the
    host, so accuracy is the exact fraction and a perfect epoch is 1.0. With 994
    targets (chapter 9's window of 31) the loop used to divide inside XLA, which
    multiplied by the float32 reciprocal: 994 * fl(1/994) = 0.99999994, and no
    first perfect epoch was ever found. The models below
    cannot learn (learning rate 0): an identity layer predicts every target, or
    every target but the three relabelled ones."""
    import keras

    n, wrong = 994, 3
    X = np.eye(26, dtype="float32")[np.arange(n) % 26]
    relabelled = X.copy()
    relabelled[:wrong] = np.roll(relabelled[:wrong], 1, axis=1)
    histories = []
    for y in (X, relabelled):
        model = _softmax_layer(
            26, keras.optimizers.SGD(0.0), use_bias=False, kernel_initializer="identity"
        )
        histories.append(training.CompiledLoop(model, X, y, batch_size=16).fit(2))
    perfect, imperfect = histories
    assert perfect.accuracy == [1.0, 1.0] and perfect.first_perfect_epoch() == 1
    assert imperfect.accuracy == [(n - wrong) / n] * 2
    assert imperfect.first_perfect_epoch() is None


@pytest.mark.slow
def test_shuffled_runs_are_seeded_and_differ_from_unshuffled():
    X, y = np.eye(26, dtype="float32")[:25], np.eye(26, dtype="float32")[1:]
    a, b, c = (_softmax_layer(26) for _ in range(3))
    for model in (b, c):
        model.set_weights(a.get_weights())
    training.train_compiled(a, X, y, epochs=2, batch_size=5, shuffle=True, seed=1)
    training.train_compiled(b, X, y, epochs=2, batch_size=5, shuffle=True, seed=1)
    training.train_compiled(c, X, y, epochs=2, batch_size=5, shuffle=False)
    assert _max_gap(a, b) == 0.0  # the same seed: the same run, bit for bit
    # Another batch order moves the weights by about an Adam step (1e-3).
    assert _max_gap(a, c) > 1e-6


@pytest.mark.slow
def test_stored_runs_reproduce(stateful_run):
    """A stateful run and a shuffled stateless run give the stored final loss to its
    six decimals, and the stored number of updates."""
    from conftest import DATA

    from alphalstm import store

    one_char = runs.run(recipes.get("one-char"), seed=1)
    for run in (stateful_run, one_char):
        stored = next(
            r
            for r in store.load_experiment(DATA, run.recipe.name)
            if r["seed"] == run.seed
        )
        assert round(run.history.loss[-1], 6) == stored["final_loss"]
        assert run.history.updates == stored["updates"]


DETERMINISM_PROBE = ("variable-length", 5, 2026)  # a run that depends on it (TF 2.21)


def _probe_loss() -> float:
    name, epochs, seed = DETERMINISM_PROBE
    recipe = recipes.customise(recipes.get(name, original=True), epochs=epochs)
    return runs.run(recipe, seed).history.loss[-1]


@pytest.fixture(scope="module")
def probe_with_determinism_throughout() -> float:
    """The probe run's final loss with op determinism on for the whole run (shared
    by the test and its control below: one run, not two)."""
    from tensorflow.python.framework import config

    config.enable_op_determinism()
    try:
        return _probe_loss()
    finally:
        config.disable_op_determinism()


@pytest.mark.slow
def test_op_determinism_is_on_while_the_loop_trains_and_only_then(
    probe_with_determinism_throughout,
):
    """The stored runs were made with TensorFlow's op determinism on. The compiled
    loop turns it on while it trains, and off again: its runs are the same as with
    determinism on throughout, and the reader's process is left as it was."""
    from tensorflow.python.framework import config

    scoped = _probe_loss()
    assert not config.is_op_determinism_enabled()
    assert scoped == probe_with_determinism_throughout


@pytest.mark.slow
def test_without_op_determinism_the_probe_run_differs(
    monkeypatch, probe_with_determinism_throughout
):
    """The control for the test above: the probe run does depend on determinism."""
    monkeypatch.setattr(training, "deterministic_ops", contextlib.nullcontext)
    off = _probe_loss()
    if off == probe_with_determinism_throughout:
        pytest.skip(
            "with this TensorFlow, op determinism does not change the probe run"
        )
    assert off != probe_with_determinism_throughout


@pytest.mark.unit
def test_every_shuffled_epoch_is_a_permutation():
    recipe = recipes.customise(recipes.get("one-char"), units=4)
    vocab, X, y, model = runs.prepare(recipe, seed=0)
    loop = training.CompiledLoop(model, X, y, shuffle=True, seed=5, chunk=20)
    orders = loop.orders(0, 20)
    for order in orders:
        assert sorted(order.tolist()) == list(range(len(X)))
    assert len({tuple(o) for o in orders}) == 20  # a fresh order every epoch
    unshuffled = training.CompiledLoop(model, X, y, shuffle=False, chunk=3).orders(0, 3)
    assert all(o.tolist() == list(range(len(X))) for o in unshuffled)


@pytest.mark.unit
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"chunk": 0}, "chunk must be a positive integer"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"unroll_up_to": -1}, "unroll_up_to must be a non-negative integer"),
    ],
)
def test_bad_loop_arguments(kwargs, message):
    recipe = recipes.customise(recipes.get("one-char"), units=4)
    vocab, X, y, model = runs.prepare(recipe, seed=0)
    with pytest.raises(InputError, match=message):
        training.CompiledLoop(model, X, y, **kwargs)


@pytest.mark.unit
def test_bad_data_is_refused(vocab):
    recipe = recipes.get("stateful")
    _, X, y, _ = runs.prepare(recipe, seed=0)
    stateful = models.stateful_lstm(2, (1, 1), 4, 26)
    with pytest.raises(InputError, match="built for batch size 2; got batch_size=1"):
        training.train_compiled(stateful, X, y, epochs=1, batch_size=1)
    with pytest.raises(
        InputError, match="25 samples cannot be split into full batches of 2"
    ):
        training.train_compiled(stateful, X, y, epochs=1, batch_size=2)
    free = models.stateless_lstm((1, 1), 4, 26)
    with pytest.raises(InputError, match="epochs must be a positive integer"):
        training.train_compiled(free, X, y, epochs=0)
    with pytest.raises(InputError, match="X has 25 samples but y has 24"):
        training.train_compiled(free, X, y[:24], epochs=1)
    with pytest.raises(InputError, match="seed must be a non-negative integer"):
        training.set_seed(-1)


@pytest.mark.slow
def test_many_loops_in_one_process_do_not_warn_of_retracing(caplog, monkeypatch):
    """Each loop traces its own function once. TensorFlow counts traces per
    code object when the traced function has one, and warns when five of its
    last ten calls traced: if every loop traced the same method, the sixth loop
    would be warned of "excessive retracing". Each loop traces a partial of its
    own, counted on its own, so TensorFlow counts no warning and logs none."""
    from tensorflow.python.eager.polymorphic_function import (
        polymorphic_function as pf,
    )

    # Start TensorFlow's count afresh for this test: loops trained earlier in
    # the same process may have used up its two warnings per code object, and
    # then the test could not fail.
    manager = pf._FrequentTracingDetectorManager()
    monkeypatch.setattr(pf, "_frequent_tracing_detector_manager", manager)
    X = np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    y = np.eye(3, dtype="float32")[[1, 2, 0, 1]]
    for _ in range(pf.FREQUENT_TRACING_WARNING_THRESHOLD + 1):
        model = _softmax_layer(3)
        training.CompiledLoop(model, X, y, batch_size=2).fit(1, progress=False)
    assert sum(d._total_warning_count for d in manager._detectors.values()) == 0
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
