"""alphalstm: the shared helpers behind the book *LSTM state in Keras 3*.

Submodules load on first use, so ``import alphalstm`` is cheap and
``python -m alphalstm --help`` answers without importing TensorFlow:

* TensorFlow-free: :mod:`~alphalstm.data`, :mod:`~alphalstm.ceilings`,
  :mod:`~alphalstm.claims`, :mod:`~alphalstm.recipes`,
  :mod:`~alphalstm.experiments`, :mod:`~alphalstm.store`,
  :mod:`~alphalstm.sweeps`, :mod:`~alphalstm.fingerprint`, :mod:`~alphalstm.cli`,
  :mod:`~alphalstm.diagrams` (matplotlib only), :mod:`~alphalstm.kgram`;
* with Keras (TensorFlow backend): :mod:`~alphalstm.models`,
  :mod:`~alphalstm.training`, :mod:`~alphalstm.evaluate`,
  :mod:`~alphalstm.runs`, :mod:`~alphalstm.plots`, :mod:`~alphalstm.bench`,
  :mod:`~alphalstm.export`, :mod:`~alphalstm.stream`.

The package sets no environment variable and redirects no output. To keep
TensorFlow's start-up messages out of a notebook, set ``TF_CPP_MIN_LOG_LEVEL``
(and ``TF_ENABLE_ONEDNN_OPTS``) before the first import, as the chapters do.
"""

from __future__ import annotations

import importlib

__version__ = "0.3.0"  # the one place it is written (pyproject.toml reads it)

_SUBMODULES = (
    "bench",
    "ceilings",
    "claims",
    "cli",
    "data",
    "diagrams",
    "errors",
    "evaluate",
    "experiments",
    "export",
    "fingerprint",
    "kgram",
    "models",
    "plots",
    "recipes",
    "runs",
    "store",
    "stream",
    "sweeps",
    "training",
)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "set_seed":
        return importlib.import_module(".training", __name__).set_seed
    raise AttributeError(f"module 'alphalstm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBMODULES, "set_seed"])


__all__ = [*_SUBMODULES, "set_seed"]
