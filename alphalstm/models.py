"""Builders for the book's plain Keras 3 models, and tools for stateful ones.

The notebooks write their models out in plain Keras so readers see them;
each chapter then checks (with :func:`architecture_differences`) that its
model is the one these builders make for the CLI, the sweeps and the tests.
"""

from __future__ import annotations

from ._backend import keras
from .errors import InputError, check_choice, check_int


@keras.saving.register_keras_serializable(package="alphalstm")
def keras2_hard_sigmoid(x):
    """Keras 2's ``hard_sigmoid``: ``clip(0.2 x + 0.5, 0, 1)``.

    Keras up to 2.2 used it as the LSTM's default recurrent activation.
    Keras 3's own ``hard_sigmoid`` is ``relu6(x + 3) / 6``, slope 1/6.
    """
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


def _recurrent_activation(name: str):
    check_choice("recurrent_activation", name, ("sigmoid", "keras2_hard_sigmoid"))
    return keras2_hard_sigmoid if name == "keras2_hard_sigmoid" else "sigmoid"


def compile_model(
    model: keras.Model,
    adam_epsilon: float = 1e-7,
    steps_per_execution: int = 1,
    jit_compile: bool | str = "auto",
) -> keras.Model:
    """Compile as the original tutorial does: Adam, cross-entropy, accuracy.

    The one place the book's compile settings are written. The last two
    arguments are Keras' own speed settings (the benchmark's tuned ``fit``
    uses them); they change how ``fit`` runs, not what it computes.
    """
    check_int("steps_per_execution", steps_per_execution)
    model.compile(
        optimizer=keras.optimizers.Adam(epsilon=adam_epsilon),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    return model


def adam_epsilon(model: keras.Model) -> float:
    """The epsilon of a model's Adam optimizer (Keras' default if not compiled)."""
    if model.optimizer is None:
        return 1e-7
    return float(model.optimizer.get_config()["epsilon"])


def stateless_lstm(
    sample_shape: tuple[int, int],
    units: int,
    n_symbols: int,
    recurrent_activation: str = "sigmoid",
    adam_epsilon: float = 1e-7,
) -> keras.Model:
    """``LSTM(units)``, softmax ``Dense``: any batch size, a zero state per sample."""
    check_int("units", units)
    check_int("n_symbols", n_symbols)
    inputs = keras.Input(shape=sample_shape)
    hidden = keras.layers.LSTM(
        units,
        recurrent_activation=_recurrent_activation(recurrent_activation),
        name="lstm",
    )(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax")(hidden)
    return compile_model(keras.Model(inputs, outputs), adam_epsilon)


def stateful_lstm(
    batch_size: int,
    sample_shape: tuple[int, int],
    units: int,
    n_symbols: int,
    return_sequences: bool = False,
    recurrent_activation: str = "sigmoid",
    adam_epsilon: float = 1e-7,
) -> keras.Model:
    """``LSTM(units, stateful=True)`` with a fixed batch, then a softmax ``Dense``.

    With ``return_sequences=True`` the softmax is applied at every time step,
    so a sample of T steps carries T targets.
    """
    check_int("batch_size", batch_size)
    check_int("units", units)
    check_int("n_symbols", n_symbols)
    inputs = keras.Input(batch_shape=(batch_size, *sample_shape))
    hidden = keras.layers.LSTM(
        units,
        stateful=True,
        return_sequences=return_sequences,
        recurrent_activation=_recurrent_activation(recurrent_activation),
        name="lstm",
    )(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax")(hidden)
    return compile_model(keras.Model(inputs, outputs), adam_epsilon)


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
    size may differ); otherwise an InputError names the first mismatch.
    """
    src, dst = _weight_signature(source), _weight_signature(target)
    if len(src) != len(dst):
        raise InputError(
            f"cannot copy weights: source has {len(src)} layers with weights, "
            f"target has {len(dst)}"
        )
    for i, ((s_name, s_shapes), (d_name, d_shapes)) in enumerate(zip(src, dst)):
        if s_name != d_name or s_shapes != d_shapes:
            raise InputError(
                f"cannot copy weights: layer {i} is {s_name} {s_shapes} in the source "
                f"but {d_name} {d_shapes} in the target"
            )
    target.set_weights(source.get_weights())
    return target


def with_batch_size(
    model: keras.Model,
    batch_size: int,
    steps: int | None = None,
    stateful: bool | None = None,
) -> keras.Model:
    """A copy of ``model`` built for ``batch_size`` (and ``steps`` time steps),
    with the same trained weights and a zero state.

    The standard way to predict with a stateful model at another batch size
    than it was trained with. ``stateful=True`` makes every recurrent layer
    of the copy keep its state between calls, even if the original's did not
    (see :func:`stepper`); ``None`` keeps each layer's own setting.
    """
    check_int("batch_size", batch_size)
    shape = tuple(model.inputs[0].shape[1:])
    if steps is not None:
        shape = (check_int("steps", steps), *shape[1:])
    twin = _twin(model, (batch_size, *shape), stateful)
    return compile_model(twin, adam_epsilon(model))


def _twin(model: keras.Model, batch_shape: tuple, stateful: bool | None) -> keras.Model:
    """``model`` rebuilt for ``batch_shape``, with its weights and a zero state;
    ``stateful`` (unless None) overrides every recurrent layer's setting."""
    inputs = keras.Input(batch_shape=batch_shape)

    def clone(layer: keras.layers.Layer) -> keras.layers.Layer:
        config = layer.get_config()
        if stateful is not None and isinstance(layer, keras.layers.RNN):
            config["stateful"] = stateful
        return type(layer).from_config(config)

    twin = keras.models.clone_model(model, input_tensors=inputs, clone_function=clone)
    copy_weights(model, twin)
    reset_states(twin)
    return twin


def stepper(model: keras.Model) -> keras.Model:
    """A stateful, batch-1, one-step copy of ``model`` with the same weights.

    Feeds one symbol per call and keeps the state between calls, whatever
    the model was trained with: the tool for rollouts, state traces and
    exports. (Resetting it before every call gives a stateless model's answers.)
    """
    return with_batch_size(model, 1, steps=1, stateful=True)


def _layer_configs(model: keras.Model) -> list[tuple[str, dict]]:
    out = []
    for layer in model.layers:
        config = dict(layer.get_config())
        config.pop("name", None)
        out.append((type(layer).__name__, config))
    return out


def _compile_summary(model: keras.Model) -> dict:
    if model.optimizer is None:
        return {}
    optimizer = dict(model.optimizer.get_config())
    optimizer.pop("name", None)
    return {
        "optimizer": (type(model.optimizer).__name__, optimizer),
        "loss": model.loss,
    }


def architecture_differences(a: keras.Model, b: keras.Model) -> list[str]:
    """Every way in which two models differ in structure or compilation.

    Compares each layer's class and configuration (names aside), the weight
    shapes, and the optimizer and loss. An empty list means: the same model,
    up to the values of its weights.
    """
    diffs = []
    la, lb = _layer_configs(a), _layer_configs(b)
    if len(la) != len(lb):
        diffs.append(f"{len(la)} layers against {len(lb)}")
    for i, ((ta, ca), (tb, cb)) in enumerate(zip(la, lb)):
        if ta != tb:
            diffs.append(f"layer {i}: {ta} against {tb}")
            continue
        for key in sorted(set(ca) | set(cb)):
            if ca.get(key) != cb.get(key):
                diffs.append(
                    f"layer {i} ({ta}) {key}: {ca.get(key)!r} against {cb.get(key)!r}"
                )
    if _weight_signature(a) != _weight_signature(b):
        diffs.append("weight shapes differ")
    ca, cb = _compile_summary(a), _compile_summary(b)
    for key in sorted(set(ca) | set(cb)):
        if ca.get(key) != cb.get(key):
            diffs.append(f"compile {key}: {ca.get(key)!r} against {cb.get(key)!r}")
    return diffs


def copy_with_shape(
    model: keras.Model,
    batch_size: int | None,
    steps: int | None,
    stateful: bool,
) -> keras.Model:
    """A copy of ``model`` with the same weights and a zero state, built for
    ``batch_size`` rows (None: any number) and ``steps`` time steps per call
    (None: any number, so one call may read a whole text).

    :func:`with_batch_size` keeps the model's own number of steps; this copy
    can free the time axis. ``copy_with_shape(model, 1, None, stateful=True)``
    reads a long sequence in pieces of any length and carries its state
    from piece to piece; ``copy_with_shape(model, None, T, stateful=False)``
    reads chunks of ``T`` steps, each from a zero state. A stateful copy
    needs a fixed batch size. The copy is not compiled (it only predicts).
    """
    if batch_size is not None:
        check_int("batch_size", batch_size)
    if steps is not None:
        check_int("steps", steps)
    if not isinstance(stateful, bool):
        raise InputError(f"stateful must be True or False, got {stateful!r}")
    if stateful and batch_size is None:
        raise InputError("a stateful copy needs a fixed batch_size, got None")
    shape = model.inputs[0].shape
    if len(shape) != 3:
        raise InputError(
            f"expected a model of (batch, steps, features) input, got {tuple(shape)}"
        )
    return _twin(model, (batch_size, steps, shape[2]), stateful)
