"""Builders for the book's plain Keras 3 models.

The notebooks define their models inline so readers can see them; these
builders produce the same models for the CLI, the sweeps and the tests.
"""

from __future__ import annotations

import keras


def _check_positive(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def compile_for_alphabet(model: keras.Model) -> keras.Model:
    """Compile as the original tutorial does: Adam, cross-entropy, accuracy."""
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def stateless_lstm(
    sample_shape: tuple[int, int], units: int, n_symbols: int
) -> keras.Model:
    """``LSTM(units)`` then a softmax ``Dense``; any batch size."""
    _check_positive("units", units)
    _check_positive("n_symbols", n_symbols)
    inputs = keras.Input(shape=sample_shape)
    hidden = keras.layers.LSTM(units, name="lstm")(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax", name="softmax")(
        hidden
    )
    return compile_for_alphabet(keras.Model(inputs, outputs, name="stateless_lstm"))


def stateful_lstm(
    batch_size: int, sample_shape: tuple[int, int], units: int, n_symbols: int
) -> keras.Model:
    """``LSTM(units, stateful=True)`` with a fixed batch, then softmax ``Dense``."""
    _check_positive("batch_size", batch_size)
    _check_positive("units", units)
    _check_positive("n_symbols", n_symbols)
    inputs = keras.Input(batch_shape=(batch_size, *sample_shape))
    hidden = keras.layers.LSTM(units, stateful=True, name="lstm")(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax", name="softmax")(
        hidden
    )
    return compile_for_alphabet(keras.Model(inputs, outputs, name="stateful_lstm"))


def stateful_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers of ``model`` that carry state between calls."""
    return [layer for layer in model.layers if getattr(layer, "stateful", False)]


def reset_states(model: keras.Model) -> None:
    """Zero the state of every stateful layer (a no-op for stateless models)."""
    for layer in stateful_layers(model):
        layer.reset_state()


def fixed_batch_size(model: keras.Model) -> int | None:
    """The batch size a stateful model was built for, or None if it is free."""
    return model.inputs[0].shape[0]
