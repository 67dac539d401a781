"""Export a trained one-symbol-at-a-time LSTM to JSON, for the book's in-browser explorer.

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

import numpy as np

from . import models
from ._backend import keras
from .data import Vocabulary, Window
from .errors import InputError
from .recipes import Recipe

FORMAT = "alphalstm-lstm/1"
GATE_ORDER = ["input", "forget", "cell", "output"]


def _round(a: np.ndarray) -> list:
    return np.asarray(a, dtype=np.float64).round(8).tolist()


def _stepper(model: keras.Model) -> keras.Model:
    """A stateful, batch-1, one-step copy of ``model`` (same weights)."""
    features = model.inputs[0].shape[-1]
    lstm = model.get_layer("lstm")
    n_symbols = model.outputs[0].shape[-1]
    activation = lstm.get_config()["recurrent_activation"]
    if activation != "sigmoid":
        raise InputError(f"the explorer runs sigmoid gates only, not {activation!r}")
    step = models.stateful_lstm(1, (1, features), lstm.units, n_symbols)
    return models.copy_weights(model, step)


def trace(model: keras.Model, vocab: Vocabulary, framing: Window, sequence: str,
          stateful: bool) -> dict:
    """Keras' softmax, hidden and cell state after each symbol of ``sequence``."""
    step = _stepper(model)
    lstm = step.get_layer("lstm")
    models.reset_states(step)
    probs, hs, cs = [], [], []
    for i in range(len(sequence)):
        if not stateful:
            models.reset_states(step)
        p = np.asarray(step(framing.context(vocab, sequence[i]), training=False))[0]
        h, c = (np.asarray(s)[0] for s in lstm.states)
        probs.append(p)
        hs.append(h)
        cs.append(c)
    models.reset_states(step)
    return {"sequence": sequence, "probabilities": _round(probs), "h": _round(hs),
            "c": _round(cs)}


def to_dict(model: keras.Model, vocab: Vocabulary, framing: Window, stateful: bool,
            tests: list[str], name: str, title: str, seed: int) -> dict:
    """The JSON-ready description of a trained one-symbol model."""
    if not isinstance(framing, Window) or framing.size != 1:
        raise InputError("only models that read one symbol at a time can be exported")
    lstm = model.get_layer("lstm")
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
            "activation": "tanh",
            "recurrent_activation": "sigmoid",
            "kernel": _round(kernel),
            "recurrent_kernel": _round(recurrent),
            "bias": _round(bias),
        },
        "dense": {"activation": "softmax", "kernel": _round(dense_kernel),
                  "bias": _round(dense_bias)},
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
    vocab = Vocabulary(exported["vocabulary"])
    features = len(vocab) if exported["encoding"]["kind"] == "onehot" else 1
    model = models.stateful_lstm(1, (1, features), exported["lstm"]["units"], len(vocab))
    lstm = exported["lstm"]
    model.get_layer("lstm").set_weights(
        [np.array(lstm[k], dtype=np.float32) for k in ("kernel", "recurrent_kernel", "bias")]
    )
    model.layers[-1].set_weights(
        [np.array(exported["dense"][k], dtype=np.float32) for k in ("kernel", "bias")]
    )
    return model


def export_recipe(recipe: Recipe, seed: int, path: Path | str) -> Path:
    """Train ``recipe`` on ``seed`` and export it with a few test sequences."""
    from . import runs

    run = runs.run(recipe, seed)
    framing = runs.prediction_framing(recipe)
    text = recipe.text
    tests = [text[: min(len(text), 12)], text[len(text) // 2:][:6], text[::-1][:5]]
    exported = to_dict(run.predictor(), run.vocab, framing, recipe.stateful, tests,
                       recipe.name, recipe.name, seed)
    return write(path, exported)
