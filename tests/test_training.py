"""The compiled loop against Keras' own training, update for update."""

import numpy as np
import pytest

from alphalstm import models, recipes, runs, training
from alphalstm.errors import InputError

TOL = 1e-5  # float32 round-off after a few dozen Adam steps


def _max_gap(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a.get_weights(), b.get_weights()))


def _unshuffled(name):
    recipe = recipes.get(name)
    return recipe if recipe.stateful else recipes.customise(recipe, shuffle=False)


def _twins(recipe, n_samples=60):
    """Data and two models with the same initial weights for ``recipe``."""
    vocab, X, y, first = runs.prepare(recipe, seed=3)
    if not recipe.stateful and len(X) > n_samples:
        # 1,000 pieces or windows: a slice is enough to compare, and keeps the
        # run to a few dozen Adam steps, within which float32 round-off stays
        # under TOL (192 steps of recall-window drifted to 1.02e-5).
        X, y = X[:n_samples], y[:n_samples]
        first = runs.build(recipe, vocab, len(X))
    second = runs.build(recipe, vocab, len(X))
    second.set_weights(first.get_weights())
    return X, y, first, second


@pytest.mark.slow
@pytest.mark.parametrize("name", recipes.CHAPTERS)
@pytest.mark.parametrize("unroll_up_to", [16, 0], ids=["unrolled", "while-loop"])
def test_compiled_loop_equals_fit(name, unroll_up_to):
    """Every recipe, unshuffled: the same weights and the same number of updates as fit
    (with ResetStateEachEpoch for stateful recipes)."""
    recipe = _unshuffled(name)
    X, y, compiled, keras_fit = _twins(recipe)
    bs = recipe.resolved_batch_size(len(X))
    loop = training.CompiledLoop(compiled, X, y, batch_size=bs,
                                 reset_each_epoch=recipe.stateful, unroll_up_to=unroll_up_to)
    history = loop.fit(3)
    callbacks = [training.ResetStateEachEpoch()] if recipe.stateful else []
    logs = keras_fit.fit(X, y, epochs=3, batch_size=bs, shuffle=False, verbose=0,
                         callbacks=callbacks).history
    assert _max_gap(compiled, keras_fit) < TOL
    assert int(compiled.optimizer.iterations) == int(keras_fit.optimizer.iterations)
    assert history.updates == int(keras_fit.optimizer.iterations)
    np.testing.assert_allclose(history.loss, logs["loss"], rtol=1e-4)


@pytest.mark.slow
def test_compiled_loop_equals_textbook_loop():
    recipe = recipes.get("stateful")
    X, y, compiled, textbook = _twins(recipe)
    h_compiled = training.train_compiled(compiled, X, y, epochs=4, reset_each_epoch=True)
    h_textbook = training.textbook_fit(textbook, X, y, epochs=4)
    assert _max_gap(compiled, textbook) < TOL
    np.testing.assert_allclose(h_compiled.loss, h_textbook.loss, rtol=1e-5)
    np.testing.assert_allclose(h_compiled.accuracy, h_textbook.accuracy)
    assert h_compiled.updates == h_textbook.updates == 4 * len(X)


@pytest.mark.slow
def test_without_the_reset_the_weights_differ():
    """The control: drop the per-epoch reset and the comparison fails."""
    recipe = recipes.get("stateful")
    X, y, compiled, textbook = _twins(recipe)
    training.train_compiled(compiled, X, y, epochs=3, reset_each_epoch=False)
    training.textbook_fit(textbook, X, y, epochs=3)
    assert _max_gap(compiled, textbook) > 1e-4


@pytest.mark.slow
def test_training_in_chunks_is_one_run():
    recipe = recipes.get("stateful")
    X, y, a, b = _twins(recipe)
    training.CompiledLoop(a, X, y, reset_each_epoch=True, chunk=2).fit(5)
    training.CompiledLoop(b, X, y, reset_each_epoch=True, chunk=10).fit(5)
    assert _max_gap(a, b) < TOL


@pytest.mark.slow
def test_shuffled_runs_are_seeded_and_differ_from_unshuffled():
    recipe = recipes.customise(recipes.get("one-char"), units=8)
    X, y, a, b = _twins(recipe)
    _, _, c, _ = _twins(recipe)
    training.train_compiled(a, X, y, epochs=2, batch_size=5, shuffle=True, seed=1)
    training.train_compiled(b, X, y, epochs=2, batch_size=5, shuffle=True, seed=1)
    training.train_compiled(c, X, y, epochs=2, batch_size=5, shuffle=False)
    assert _max_gap(a, b) == 0.0
    assert _max_gap(a, c) > 1e-6


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
    with pytest.raises(InputError, match="25 samples cannot be split into full batches of 2"):
        training.train_compiled(stateful, X, y, epochs=1, batch_size=2)
    free = models.stateless_lstm((1, 1), 4, 26)
    with pytest.raises(InputError, match="epochs must be a positive integer"):
        training.train_compiled(free, X, y, epochs=0)
    with pytest.raises(InputError, match="X has 25 samples but y has 24"):
        training.train_compiled(free, X, y[:24], epochs=1)
    with pytest.raises(InputError, match="seed must be a non-negative integer"):
        training.set_seed(-1)
