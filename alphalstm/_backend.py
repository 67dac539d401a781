"""Keras with the TensorFlow backend, or a clear error saying why not.

The package's compiled training loop is written in TensorFlow, so it needs
Keras' TensorFlow backend. Every module that uses Keras imports it from here,
after this check. Nothing else happens on import: no environment variable is
set and no output is redirected.
"""

from __future__ import annotations

import os

from .errors import BackendError

_wanted = os.environ.get("KERAS_BACKEND")
if _wanted not in (None, "", "tensorflow"):
    raise BackendError(
        f"alphalstm needs Keras' TensorFlow backend, but KERAS_BACKEND={_wanted!r}; "
        "unset it or set KERAS_BACKEND=tensorflow"
    )

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

if keras.backend.backend() != "tensorflow":
    raise BackendError(
        f"alphalstm needs Keras' TensorFlow backend, but Keras is using "
        f"{keras.backend.backend()!r} (set in ~/.keras/keras.json); "
        "set KERAS_BACKEND=tensorflow"
    )

__all__ = ["BackendError", "keras", "tf"]
