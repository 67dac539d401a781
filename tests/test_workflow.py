"""CI runs the README's test command, and that command runs every tier of the suite."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.unit


def _readme_commands() -> dict[str, str]:
    """The two commands of the README's "Two commands" block, by what they do."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", readme, flags=re.S)
    assert block, "the README has no 'Two commands' code block"
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    return {line.split()[-1]: line for line in lines if line}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split(";")[0].strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_ci_runs_the_readmes_test_command():
    commands = _readme_commands()
    assert set(commands) == {"book", "test"}
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[-1] == commands["test"]


def test_the_test_command_runs_lint_every_test_file_and_every_notebook():
    dry = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    notebooks = sorted(
        p.relative_to(ROOT).as_posix() for p in ROOT.glob("notebooks/*.ipynb")
    )
    pytest_line = next(line for line in dry.splitlines() if "-m pytest" in line)
    assert " tests " in f"{pytest_line} " and "--nbval-lax" in pytest_line
    assert all(nb in pytest_line for nb in notebooks), "a notebook is not tested"
    assert "ruff check" in dry and "ruff format --check" in dry


def test_the_publishing_pins_are_the_tested_pins_without_tensorflow():
    """The publish job renders the committed notebooks with requirements-book.txt:
    every package pinned, at the version requirements.txt tested, no TensorFlow."""
    book = _pins(ROOT / "requirements-book.txt")
    tested = _pins(ROOT / "requirements.txt")
    assert "jupyter-book" in book and all(book.values()), "every package pinned"
    assert not [name for name in book if name.startswith(("tensorflow", "keras"))]
    differ = {n: (v, tested.get(n)) for n, v in book.items() if tested.get(n) != v}
    assert not differ, f"pinned differently from requirements.txt: {differ}"
