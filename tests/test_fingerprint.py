"""The committed notebook outputs come from the current package."""

import json

import pytest
from conftest import ROOT

from alphalstm.fingerprint import source_fingerprint

pytestmark = pytest.mark.unit

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_was_executed_with_the_current_package(path):
    meta = json.loads(path.read_text())["metadata"].get("alphalstm", {})
    assert meta.get("fingerprint") == source_fingerprint(), (
        f"{path.name} was executed with another version of alphalstm; "
        "run 'make notebooks' to re-execute it"
    )
