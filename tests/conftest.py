"""Shared fixtures. Importing alphalstm first keeps TensorFlow quiet."""

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import alphalstm  # noqa: E402,F401
import pytest  # noqa: E402
import yaml  # noqa: E402

from alphalstm import data, recipes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def vocab():
    return data.Vocabulary()


@pytest.fixture(scope="session")
def stateful_run():
    """The stateful chapter's recipe trained once (about 2 s)."""
    return recipes.run(recipes.get("stateful"), seed=7)


def toc_pages() -> list[str]:
    """Every page of the book, in _toc.yml order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc["parts"]:
        pages += [c["file"] for c in part["chapters"]]
    return pages


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book once with warnings as errors; returns the HTML folder."""
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out / "_build" / "html"
