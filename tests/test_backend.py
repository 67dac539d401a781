"""Importing the package: no environment changes, no hidden output, a clear backend error."""

import os
import subprocess
import sys

import pytest



def _python(code, **env):
    full = {k: v for k, v in os.environ.items()
            if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND")}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full, timeout=300)


@pytest.mark.slow
def test_importing_changes_no_environment_variable():
    """TensorFlow sets a few variables of its own when imported; the package adds none."""
    proc = _python("import os\nimport tensorflow, keras, matplotlib.pyplot\n"
                   "before = dict(os.environ)\n"
                   "import alphalstm.training, alphalstm.evaluate, alphalstm.plots\n"
                   "print(dict(os.environ) == before)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.slow
def test_tensorflow_messages_are_not_hidden_by_the_package():
    """Without the variables that silence it, TensorFlow's own start-up notice shows:
    the package does not redirect file descriptors to hide it."""
    proc = _python("import alphalstm.training")
    assert proc.returncode == 0, proc.stderr
    assert "oneDNN custom operations are on" in proc.stderr
    quiet = _python("import alphalstm.training", TF_CPP_MIN_LOG_LEVEL="3",
                    TF_ENABLE_ONEDNN_OPTS="0")
    assert quiet.stderr == ""


@pytest.mark.unit
def test_another_keras_backend_gets_a_clear_error():
    proc = _python("import alphalstm.models", KERAS_BACKEND="jax")
    assert proc.returncode != 0
    assert ("alphalstm.errors.BackendError: alphalstm needs Keras' TensorFlow backend, "
            "but KERAS_BACKEND='jax'") in proc.stderr
    cli = subprocess.run([sys.executable, "-m", "alphalstm", "train", "stateful"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "KERAS_BACKEND": "jax"})
    assert cli.returncode == 2
    assert cli.stderr.strip().splitlines() == [
        "alphalstm: error: alphalstm needs Keras' TensorFlow backend, but "
        "KERAS_BACKEND='jax'; unset it or set KERAS_BACKEND=tensorflow"
    ]
