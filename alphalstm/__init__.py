"""alphalstm: the shared helpers behind the book *LSTM state in Keras 3*.

Importing the package silences TensorFlow's start-up noise, so a notebook
that starts with ``import alphalstm`` shows only its own output.
"""

from __future__ import annotations

from ._quiet import import_tensorflow_quietly

import_tensorflow_quietly()

from . import data, models, training  # noqa: E402
from .data import Vocabulary  # noqa: E402
from .training import set_seed, train  # noqa: E402

__version__ = "0.1.0"
__all__ = [
    "Vocabulary",
    "data",
    "evaluate",
    "models",
    "recipes",
    "set_seed",
    "train",
    "training",
]
