"""Export a one-symbol-at-a-time LSTM to JSON, for the book's in-browser explorer.

The file holds everything a forward pass needs, and test vectors computed
by Keras itself, so that any other implementation (the explorer's
JavaScript) can be checked against Keras number for number:

* ``vocabulary`` and ``encoding`` (``scalar``: symbol i is ``(i + shift) *
  scale``; ``onehot``: one feature per symbol);
* ``lstm``: ``kernel`` (features x 4 units), ``recurrent_kernel`` (units x 4
  units) and ``bias`` (4 units), with the gates in Keras' order
  ``gate_order`` = input, forget, cell candidate, output;
* ``dense``: the softmax layer's ``kernel`` and ``bias``;
* ``tests``: sequences fed one symbol at a time from a zero state, with the
  softmax output and the hidden and cell state after every step.

A stateless model (``stateful: false``) starts every symbol from a zero
state; its test vectors are computed that way too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .data import ContextFraming, Vocabulary, Window
from .errors import InputError
from .recipes import Recipe

if TYPE_CHECKING:  # the functions that need Keras import it themselves, so that
    import keras  # check_exportable answers without loading TensorFlow

FORMAT = "alphalstm-lstm/1"
GATE_ORDER = ["input", "forget", "cell", "output"]
# What the explorer's JavaScript implements; a model with other activations
# cannot be exported, rather than be exported under a wrong name.
ACTIVATION, RECURRENT_ACTIVATION = "tanh", "sigmoid"


def _round(a) -> list:
    return np.asarray(a, dtype=np.float64).round(8).tolist()


def check_exportable(recipe: Recipe) -> None:
    """Refuse, before any training, a recipe the explorer cannot run.

    The explorer feeds one symbol at a time through one sigmoid-gated LSTM.
    """
    framing = recipe.framing.for_prediction()
    if not (isinstance(framing, Window) and framing.size == 1):
        raise InputError(
            f"{recipe.name!r} reads {framing.max_context} symbols per prediction; only "
            "recipes that read one symbol at a time can be exported (e.g. one-char, "
            "stateful, bounce-stateful)"
        )
    if recipe.recurrent_activation != RECURRENT_ACTIVATION:
        raise InputError(
            f"the explorer runs {RECURRENT_ACTIVATION} gates only, not "
            f"{recipe.recurrent_activation!r}"
        )


def _lstm_config(model: keras.Model) -> keras.layers.LSTM:
    lstm = model.get_layer("lstm")
    config = lstm.get_config()
    for key, wanted in (
        ("activation", ACTIVATION),
        ("recurrent_activation", RECURRENT_ACTIVATION),
    ):
        if config[key] != wanted:
            raise InputError(
                f"the explorer runs {key}={wanted!r} only, not {config[key]!r}"
            )
    return lstm


def trace(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    sequence: str,
    stateful: bool,
) -> dict:
    """Keras' softmax, hidden and cell state after each symbol of ``sequence``."""
    from . import evaluate, models

    t = evaluate.trace(
        models.stepper(model), vocab, framing, sequence, reset_each_step=not stateful
    )
    return {
        "sequence": t.sequence,
        "probabilities": _round(t.probabilities),
        "h": _round(t.h),
        "c": _round(t.c),
    }


def to_dict(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    stateful: bool,
    tests: list[str],
    name: str,
    title: str,
    seed: int,
) -> dict:
    """The JSON-ready description of a trained one-symbol model."""
    if not isinstance(framing, Window) or framing.size != 1:
        raise InputError("only models that read one symbol at a time can be exported")
    lstm = _lstm_config(model)
    kernel, recurrent, bias = lstm.get_weights()
    dense_kernel, dense_bias = model.layers[-1].get_weights()
    if framing.encoding == "scalar":
        encoding = {"kind": "scalar", "scale": 1.0 / len(vocab), "shift": 0}
    else:
        encoding = {"kind": "onehot"}
    return {
        "format": FORMAT,
        "name": name,
        "title": title,
        "seed": seed,
        "stateful": stateful,
        "batch_size": 1,
        "vocabulary": vocab.symbols,
        "encoding": encoding,
        "lstm": {
            "units": int(lstm.units),
            "gate_order": GATE_ORDER,
            "activation": ACTIVATION,
            "recurrent_activation": RECURRENT_ACTIVATION,
            "kernel": _round(kernel),
            "recurrent_kernel": _round(recurrent),
            "bias": _round(bias),
        },
        "dense": {
            "activation": "softmax",
            "kernel": _round(dense_kernel),
            "bias": _round(dense_bias),
        },
        "tests": [trace(model, vocab, framing, t, stateful) for t in tests],
    }


def write(path: Path | str, exported: dict) -> Path:
    """Write an export as compact JSON (one file, a few tens of kB)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(exported, separators=(",", ":")) + "\n")
    return path


def load_model(exported: dict) -> keras.Model:
    """Rebuild the exported network in Keras (stateful, batch 1, one step)."""
    if exported.get("format") != FORMAT:
        raise InputError(f"not an {FORMAT} export: format {exported.get('format')!r}")
    lstm = exported["lstm"]
    for key, wanted in (
        ("activation", ACTIVATION),
        ("recurrent_activation", RECURRENT_ACTIVATION),
        ("gate_order", GATE_ORDER),
    ):
        if lstm.get(key) != wanted:
            raise InputError(f"lstm {key} must be {wanted!r}, got {lstm.get(key)!r}")
    vocab = Vocabulary(exported["vocabulary"])
    kind = exported["encoding"]["kind"]
    if kind not in ("scalar", "onehot"):
        raise InputError(f"unknown encoding {kind!r}; allowed: 'scalar', 'onehot'")
    features, units = (len(vocab) if kind == "onehot" else 1), lstm["units"]
    shapes = {
        "lstm kernel": (np.shape(lstm["kernel"]), (features, 4 * units)),
        "lstm recurrent_kernel": (
            np.shape(lstm["recurrent_kernel"]),
            (units, 4 * units),
        ),
        "lstm bias": (np.shape(lstm["bias"]), (4 * units,)),
        "dense kernel": (np.shape(exported["dense"]["kernel"]), (units, len(vocab))),
        "dense bias": (np.shape(exported["dense"]["bias"]), (len(vocab),)),
    }
    for name, (shape, wanted) in shapes.items():
        if tuple(shape) != wanted:
            raise InputError(f"{name} has shape {tuple(shape)}, expected {wanted}")
    from . import models

    model = models.stateful_lstm(1, (1, features), units, len(vocab))
    model.get_layer("lstm").set_weights(
        [
            np.array(lstm[k], dtype=np.float32)
            for k in ("kernel", "recurrent_kernel", "bias")
        ]
    )
    model.layers[-1].set_weights(
        [np.array(exported["dense"][k], dtype=np.float32) for k in ("kernel", "bias")]
    )
    return model


def export_recipe(recipe: Recipe, seed: int, path: Path | str) -> Path:
    """Train ``recipe`` on ``seed`` and export it with a few test sequences."""
    from . import runs

    check_exportable(recipe)
    run = runs.run(recipe, seed)
    framing = recipe.framing.for_prediction()
    text = recipe.text
    tests = [text[: min(len(text), 12)], text[len(text) // 2 :][:6], text[::-1][:5]]
    exported = to_dict(
        run.predictor(),
        run.vocab,
        framing,
        recipe.stateful,
        tests,
        recipe.name,
        recipe.name,
        seed,
    )
    return write(path, exported)
