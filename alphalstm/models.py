"""Builders for the book's plain Keras 3 models.

The notebooks define their models inline so readers can see them; these
builders produce the same models for the CLI, the sweeps and the tests.
"""

from __future__ import annotations

import keras

from ._validate import check_int


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
    check_int("units", units)
    check_int("n_symbols", n_symbols)
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
    check_int("batch_size", batch_size)
    check_int("units", units)
    check_int("n_symbols", n_symbols)
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


def _weight_signature(model: keras.Model) -> list[tuple[str, list[tuple]]]:
    return [
        (type(layer).__name__, [tuple(w.shape) for w in layer.weights if w.trainable])
        for layer in model.layers
        if layer.weights
    ]


def copy_weights(source: keras.Model, target: keras.Model) -> keras.Model:
    """Copy every trained weight of ``source`` into ``target``.

    The two must have the same layers with the same weight shapes (the batch
    size may differ); otherwise a ValueError names the first mismatch.
    """
    src, dst = _weight_signature(source), _weight_signature(target)
    if len(src) != len(dst):
        raise ValueError(
            f"cannot copy weights: source has {len(src)} layers with weights, "
            f"target has {len(dst)}"
        )
    for i, ((s_name, s_shapes), (d_name, d_shapes)) in enumerate(zip(src, dst)):
        if s_name != d_name or s_shapes != d_shapes:
            raise ValueError(
                f"cannot copy weights: layer {i} is {s_name} {s_shapes} in the source "
                f"but {d_name} {d_shapes} in the target"
            )
    target.set_weights(source.get_weights())
    return target


def with_batch_size(model: keras.Model, batch_size: int) -> keras.Model:
    """A copy of ``model`` built for ``batch_size``, with the same trained weights.

    The standard way to predict one step at a time with a stateful model that
    was trained on larger batches.
    """
    check_int("batch_size", batch_size)
    shape = tuple(model.inputs[0].shape[1:])
    inputs = keras.Input(batch_shape=(batch_size, *shape))
    twin = keras.models.clone_model(model, input_tensors=inputs)
    copy_weights(model, twin)
    reset_states(twin)
    return compile_for_alphabet(twin)
