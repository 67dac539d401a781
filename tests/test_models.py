"""Model builders, weight copies and the architecture comparison (no training)."""

import numpy as np
import pytest

import alphalstm
from alphalstm import models, recipes, runs
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit


def test_stateless_builder():
    m = models.stateless_lstm((3, 1), 32, 26)
    assert m.input_shape == (None, 3, 1) and m.output_shape == (None, 26)
    assert models.stateful_layers(m) == [] and models.fixed_batch_size(m) is None
    assert m.loss == "categorical_crossentropy"


def test_stateful_builder():
    m = models.stateful_lstm(5, (1, 1), 16, 26)
    assert m.input_shape == (5, 1, 1)
    lstm = m.get_layer("lstm")
    assert lstm.stateful and lstm.units == 16
    assert models.fixed_batch_size(m) == 5
    # 4 gates, each with input, recurrent and bias weights; then the softmax
    assert m.count_params() == 4 * (16 * (1 + 16) + 16) + 16 * 26 + 26


def test_keras2_hard_sigmoid():
    x = np.array([-5.0, -2.5, 0.0, 1.0, 2.5, 5.0], dtype="float32")
    y = np.asarray(models.keras2_hard_sigmoid(x))
    np.testing.assert_allclose(y, [0.0, 0.0, 0.5, 0.7, 1.0, 1.0], rtol=1e-6)


def _inline_stateful(units=16, epsilon=1e-7, activation="sigmoid"):
    import keras

    inputs = keras.Input(batch_shape=(1, 1, 1))
    hidden = keras.layers.LSTM(units, stateful=True, recurrent_activation=activation)(
        inputs
    )
    outputs = keras.layers.Dense(26, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(epsilon=epsilon),
        metrics=["accuracy"],
    )
    return model


def test_architecture_differences_finds_each_kind_of_difference():
    recipe = recipes.get("stateful")
    built = runs.build(recipe, runs.vocabulary(recipe), 25)
    assert models.architecture_differences(_inline_stateful(), built) == []
    assert any(
        "units" in d
        for d in models.architecture_differences(_inline_stateful(units=50), built)
    )
    assert any(
        "epsilon" in d
        for d in models.architecture_differences(_inline_stateful(epsilon=1e-8), built)
    )
    assert any(
        "recurrent_activation" in d
        for d in models.architecture_differences(
            _inline_stateful(activation="hard_sigmoid"), built
        )
    )
    stateless = runs.build(recipes.get("one-char"), runs.vocabulary(recipe), 25)
    assert models.architecture_differences(stateless, built)


def test_with_batch_size_copies_the_weights():
    alphalstm.set_seed(1)
    big = models.stateful_lstm(5, (1, 1), 8, 26)
    small = models.with_batch_size(big, 1)
    assert small.input_shape == (1, 1, 1)
    for a, b in zip(big.get_weights(), small.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.full((5, 1, 1), 0.3, dtype="float32")
    np.testing.assert_allclose(
        np.asarray(big(x))[:1], np.asarray(small(x[:1])), atol=1e-6
    )


def test_a_chunk_model_predicts_one_step_at_a_time():
    alphalstm.set_seed(2)
    chunked = models.stateful_lstm(1, (4, 3), 8, 3, return_sequences=True)
    stepper = models.with_batch_size(chunked, 1, steps=1)
    x = np.eye(3, dtype="float32")[[0, 1, 2, 1]][None]  # (1, 4, 3)
    whole = np.asarray(chunked(x))[0]
    steps = np.stack([np.asarray(stepper(x[:, t : t + 1]))[0, 0] for t in range(4)])
    np.testing.assert_allclose(whole, steps, atol=1e-6)


def test_copy_between_mismatched_models_is_refused():
    a = models.stateful_lstm(5, (1, 1), 8, 26)
    with pytest.raises(InputError, match="layer 0 is LSTM"):
        models.copy_weights(a, models.stateful_lstm(1, (1, 1), 16, 26))


def test_stepper_keeps_state_for_any_model():
    """A stateless model's stepper is stateful, batch 1, one step, same weights;
    reset before every step it answers as the stateless model does."""
    alphalstm.set_seed(4)
    free = models.stateless_lstm((1, 3), 8, 3)
    step = models.stepper(free)
    assert models.fixed_batch_size(step) == 1 and step.input_shape == (1, 1, 3)
    assert models.stateful_layers(step) and not models.stateful_layers(free)
    x = np.eye(3, dtype="float32")[[2]][None]  # (1, 1, 3)
    np.testing.assert_allclose(np.asarray(step(x)), np.asarray(free(x)), atol=1e-6)
    second = np.asarray(step(x))  # the state from the first call is kept
    assert not np.allclose(second, np.asarray(free(x)), atol=1e-6)
    models.reset_states(step)
    np.testing.assert_allclose(np.asarray(step(x)), np.asarray(free(x)), atol=1e-6)


def test_compile_settings_are_written_once():
    m = models.compile_model(
        models.stateless_lstm((1, 1), 4, 26, adam_epsilon=1e-8), 1e-8, 5, True
    )
    assert models.adam_epsilon(m) == pytest.approx(1e-8)
    assert m.jit_compile is True and m.steps_per_execution == 5
    with pytest.raises(InputError, match="steps_per_execution must be a positive"):
        models.compile_model(m, 1e-7, steps_per_execution=0)
