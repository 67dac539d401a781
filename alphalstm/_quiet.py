"""Import TensorFlow without its start-up log noise.

TensorFlow 2.21 prints a few C++ log lines (oneDNN, CUDA stubs) *before*
absl logging is initialised, so ``TF_CPP_MIN_LOG_LEVEL`` alone cannot hide
them. We set the usual environment variables and hold file descriptor 2
on ``/dev/null`` while the shared libraries load.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def silenced_stderr_fd():
    """Point the process-level stderr (fd 2) at /dev/null for a moment."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (some embedded shells)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly():
    """Import tensorflow and keras with logging turned down; return both."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with silenced_stderr_fd():
        import tensorflow as tf
        import keras
        # Touch the CPU device once: some notices are printed lazily.
        tf.config.list_physical_devices("CPU")
    tf.get_logger().setLevel("ERROR")
    return tf, keras
