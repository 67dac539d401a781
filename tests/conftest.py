"""Shared fixtures. Importing alphalstm first keeps TensorFlow quiet."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import alphalstm  # noqa: E402,F401
import pytest  # noqa: E402

from alphalstm import data, recipes  # noqa: E402


@pytest.fixture(scope="session")
def vocab():
    return data.Vocabulary()


@pytest.fixture(scope="session")
def stateful_run():
    """The stateful chapter's recipe trained once (about 2 s)."""
    return recipes.run(recipes.get("stateful"), seed=7)
