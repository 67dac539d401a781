"""Importing the package: no environment change, no hidden output, clear errors."""

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


@pytest.mark.slow
def test_importing_changes_no_environment_variable():
    """TensorFlow sets a few variables of its own when imported; the package none."""
    proc = _python(
        "import os\nimport tensorflow, keras, matplotlib.pyplot\n"
        "before = dict(os.environ)\n"
        "import alphalstm.training, alphalstm.evaluate, alphalstm.plots\n"
        "print(dict(os.environ) == before)"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.slow
def test_importing_redirects_no_output_and_tensorflow_still_speaks():
    """The package does not redirect file descriptors 1 and 2 when imported, and
    what TensorFlow's C++ runtime writes to stderr reaches it unchanged."""
    code = (
        "import os, sys\n"
        "def ids(): return [(os.fstat(n).st_dev, os.fstat(n).st_ino) for n in (1, 2)]\n"
        "before = ids()\n"
        "import alphalstm.training, alphalstm.evaluate, alphalstm.plots\n"
        "print('same descriptors:', ids() == before, flush=True)\n"
        "import tensorflow as tf\n"
        "tf.print('alphalstm-probe', 42, output_stream=sys.stderr)\n"
    )
    proc = _python(code, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "same descriptors: True"
    assert "alphalstm-probe 42" in proc.stderr.splitlines()


@pytest.mark.slow
def test_seeding_leaves_xla_available_to_the_reader():
    """After the book's seeding, a model the reader compiles with XLA keeps XLA.

    (While TensorFlow's op determinism is on, Keras 3 turns jit_compile off.)"""
    code = (
        "import alphalstm.training as t\n"
        "t.set_seed(0)\n"
        "import keras\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
        "m.compile(jit_compile=True)\n"
        "print(m.jit_compile)\n"
    )
    proc = _python(code, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "True"


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
