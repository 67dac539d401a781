"""The models the explorer runs (``book/_static/models/*.json``) agree with Keras.

Each file is rebuilt in Keras with ``alphalstm.export.load_model`` and fed its
own test sequences one symbol at a time; the softmax output and the LSTM's
hidden and cell state must match the stored vectors to 1e-5. The browser
test checks the page's JavaScript against the same vectors.
"""

import json

import numpy as np
import pytest
from conftest import ROOT

MODELS = ROOT / "book" / "_static" / "models"
FILES = sorted(MODELS.glob("*.json"))
TOLERANCE = 1e-5


def features(exported: dict, symbol: str) -> np.ndarray:
    """The (1, 1, features) input of one symbol, as the export's encoding says."""
    vocab = exported["vocabulary"]
    index = vocab.index(symbol)
    encoding = exported["encoding"]
    if encoding["kind"] == "onehot":
        x = np.eye(len(vocab), dtype=np.float32)[index]
    elif encoding["kind"] == "scalar":
        x = np.array(
            [(index + encoding["shift"]) * encoding["scale"]], dtype=np.float32
        )
    else:
        raise AssertionError(f"unknown encoding {encoding['kind']!r}")
    return x.reshape(1, 1, -1)


@pytest.mark.unit
def test_the_book_ships_the_three_explorer_models():
    assert {f.stem for f in FILES} >= {"stateful", "one-char", "bounce-stateful"}


@pytest.mark.unit
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_export_has_the_documented_keys(path):
    exported = json.loads(path.read_text())
    for key in (
        "format",
        "name",
        "title",
        "seed",
        "stateful",
        "batch_size",
        "vocabulary",
        "encoding",
        "lstm",
        "dense",
        "tests",
    ):
        assert key in exported, key
    assert exported["format"] == "alphalstm-lstm/1"
    assert exported["batch_size"] == 1
    assert isinstance(exported["stateful"], bool)
    lstm, dense = exported["lstm"], exported["dense"]
    assert lstm["gate_order"] == ["input", "forget", "cell", "output"]  # Keras' order
    assert lstm["activation"] == "tanh" and lstm["recurrent_activation"] == "sigmoid"
    n_symbols, units = len(exported["vocabulary"]), lstm["units"]
    n_features = n_symbols if exported["encoding"]["kind"] == "onehot" else 1
    assert np.shape(lstm["kernel"]) == (n_features, 4 * units)
    assert np.shape(lstm["recurrent_kernel"]) == (units, 4 * units)
    assert np.shape(lstm["bias"]) == (4 * units,)
    assert np.shape(dense["kernel"]) == (units, n_symbols)
    assert np.shape(dense["bias"]) == (n_symbols,)
    assert exported["tests"]
    for vector in exported["tests"]:
        steps = len(vector["sequence"])
        assert np.shape(vector["probabilities"]) == (steps, n_symbols)
        assert np.shape(vector["h"]) == (steps, units)
        assert np.shape(vector["c"]) == (steps, units)


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_keras_reproduces_the_stored_test_vectors(path):
    from alphalstm import export, models

    exported = json.loads(path.read_text())
    model = export.load_model(exported)
    lstm = model.get_layer("lstm")
    for vector in exported["tests"]:
        models.reset_states(model)
        for step, symbol in enumerate(vector["sequence"]):
            if not exported["stateful"]:
                models.reset_states(model)
            p = np.asarray(model(features(exported, symbol), training=False))[0]
            h, c = (np.asarray(s)[0] for s in lstm.states)
            where = f"{path.stem} {vector['sequence']!r} step {step}"
            np.testing.assert_allclose(
                p, vector["probabilities"][step], rtol=0, atol=TOLERANCE, err_msg=where
            )
            np.testing.assert_allclose(
                h, vector["h"][step], rtol=0, atol=TOLERANCE, err_msg=where
            )
            np.testing.assert_allclose(
                c, vector["c"][step], rtol=0, atol=TOLERANCE, err_msg=where
            )


def _broken(change):
    exported = json.loads((MODELS / "stateful.json").read_text())
    change(exported)
    return exported


@pytest.mark.slow
@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda e: e.update(format="alphalstm-lstm/0"),
            "not an alphalstm-lstm/1 export",
        ),
        (
            lambda e: e["lstm"].update(recurrent_activation="hard_sigmoid"),
            "recurrent_activation must be 'sigmoid'",
        ),
        (
            lambda e: e["lstm"]["kernel"].pop(),
            r"lstm kernel has shape \(0,\), expected \(1, 64\)",
        ),
        (lambda e: e["dense"]["bias"].pop(), r"dense bias has shape \(25,\)"),
        (lambda e: e["encoding"].update(kind="binary"), "unknown encoding 'binary'"),
    ],
)
def test_a_bad_export_is_refused_before_any_model_is_built(change, message):
    from alphalstm import export
    from alphalstm.errors import InputError

    with pytest.raises(InputError, match=message):
        export.load_model(_broken(change))


@pytest.mark.unit
@pytest.mark.parametrize(
    "name, message",
    [
        ("timestep-window", "reads 3 symbols per prediction"),
        ("variable-length", "reads 5 symbols per prediction"),
    ],
)
def test_unexportable_recipes_are_refused_without_training(name, message):
    from alphalstm import export, recipes
    from alphalstm.errors import InputError

    with pytest.raises(InputError, match=message):
        export.check_exportable(recipes.get(name))
    hard = recipes.customise(
        recipes.get("stateful"), recurrent_activation="keras2_hard_sigmoid"
    )
    with pytest.raises(InputError, match="runs sigmoid gates only"):
        export.check_exportable(hard)
    for ok in ("one-char", "stateful", "bounce-stateful", "recall-stateful"):
        export.check_exportable(recipes.get(ok))
