"""Importing the package: no environment change, no hidden output, clear errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _python(code, **env):
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND")
    }
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )


# One fresh interpreter answers the three questions below, in this order (one
# TensorFlow import instead of three). It runs without TF_CPP_MIN_LOG_LEVEL and
# TF_ENABLE_ONEDNN_OPTS, so that a package which set them itself would be seen.
_IMPORT_PROBE = """
import json, os, sys
def ids(): return [(os.fstat(n).st_dev, os.fstat(n).st_ino) for n in (1, 2)]
descriptors = ids()
import tensorflow as tf, keras, matplotlib.pyplot
environ = dict(os.environ)
import alphalstm.training, alphalstm.evaluate, alphalstm.plots
found = {"same environment": dict(os.environ) == environ,
         "same descriptors": ids() == descriptors}
tf.print("alphalstm-probe", 42, output_stream=sys.stderr)
alphalstm.training.set_seed(0)
m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
m.compile(jit_compile=True)
found["jit_compile after set_seed"] = m.jit_compile
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def import_probe():
    """What the probe found (a dict), and what it wrote to stderr (lines)."""
    proc = _python(_IMPORT_PROBE)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr.splitlines()


@pytest.mark.slow
def test_importing_changes_no_environment_variable(import_probe):
    """TensorFlow sets a few variables of its own when imported; the package none."""
    assert import_probe[0]["same environment"] is True


@pytest.mark.slow
def test_importing_redirects_no_output_and_tensorflow_still_speaks(import_probe):
    """The package does not redirect file descriptors 1 and 2 when imported, and
    what TensorFlow's C++ runtime writes to stderr reaches it unchanged."""
    assert import_probe[0]["same descriptors"] is True
    assert "alphalstm-probe 42" in import_probe[1]


@pytest.mark.slow
def test_seeding_leaves_xla_available_to_the_reader(import_probe):
    """After the book's seeding, a model the reader compiles with XLA keeps XLA.

    (While TensorFlow's op determinism is on, Keras 3 turns jit_compile off.)"""
    assert import_probe[0]["jit_compile after set_seed"] is True


@pytest.mark.unit
def test_another_keras_backend_gets_a_clear_error():
    proc = _python("import alphalstm.models", KERAS_BACKEND="jax")
    assert proc.returncode != 0
    assert (
        "alphalstm.errors.BackendError: alphalstm needs Keras' TensorFlow backend, "
        "but KERAS_BACKEND='jax'"
    ) in proc.stderr
    cli = subprocess.run(
        [sys.executable, "-m", "alphalstm", "train", "stateful"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KERAS_BACKEND": "jax"},
    )
    assert cli.returncode == 2
    assert cli.stderr.strip().splitlines() == [
        "alphalstm: error: alphalstm needs Keras' TensorFlow backend, but "
        "KERAS_BACKEND='jax'; unset it or set KERAS_BACKEND=tensorflow"
    ]


@pytest.mark.unit
def test_every_module_is_an_attribute_of_the_package():
    """``alphalstm.NAME`` loads every module lazily, so none may be left out."""
    import alphalstm

    package = Path(alphalstm.__file__).parent
    modules = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(alphalstm._SUBMODULES)
    assert alphalstm.kgram.__name__ == "alphalstm.kgram"
