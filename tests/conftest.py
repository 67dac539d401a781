"""Shared fixtures and the test tiers.

Tiers (pytest markers, registered in pyproject.toml):

* ``unit``: no training, a few seconds in all (``pytest -m unit``);
* ``slow``: trains models or builds the book;
* ``notebook``: the chapters, executed by nbval (set on every .ipynb item);
* ``browser``: the rendered book in headless Chromium.
"""

import os
import subprocess
import sys
from pathlib import Path

# TensorFlow reads these when it is first imported: keep its start-up notices
# out of the test output (the package itself sets nothing).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# With pytest-xdist, each worker, and each notebook kernel it starts (a kernel
# inherits the worker's environment), gets its share of the cores for
# TensorFlow's threads, as parallel sweeps do: one thread each with two workers
# on two cores. With TensorFlow's default (a thread per core in every process),
# the workers competed for the cores: see the README for the measurements.
if workers := os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    from alphalstm.sweeps import thread_limits

    for name, value in thread_limits(int(workers)).items():
        os.environ.setdefault(name, value)

import pytest  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "notebooks" / "data"
BOOK_TESTS = ("test_book.py", "test_browser.py")  # they share one build of the book


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Mark notebook cells, and group items for ``pytest -n N --dist loadgroup``.

    With several workers (``make test``) every group runs whole on one worker, in
    order: a notebook's cells share one kernel, and the book build is shared by
    the tests that read it (test_book.py and test_browser.py).
    """
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
        group = "book" if path.name in BOOK_TESTS else path.name
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def vocab():
    from alphalstm import data

    return data.Vocabulary()


@pytest.fixture(scope="session")
def stateful_run():
    """The stateful chapter's recipe trained once on seed 0 (about 2 s); seed 0 is
    also a stored run, which tests/test_training.py compares it with."""
    from alphalstm import recipes, runs

    return runs.run(recipes.get("stateful"), seed=0)


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
        [
            str(jb),
            "build",
            str(ROOT),
            "-W",
            "-n",
            "--keep-going",
            "--path-output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out / "_build" / "html"
