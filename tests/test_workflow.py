"""CI runs the README's test command, and the GitHub workflow runs CI's entry point."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.unit


def _flow():
    return yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())


def test_ci_run_ends_with_the_readme_test_command():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text()


def test_the_workflow_runs_ci_run_with_least_privilege():
    flow = _flow()
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads `on` as True
    assert "push" in triggers and "pull_request" in triggers
    assert flow["permissions"] == {}
    test = flow["jobs"]["test"]
    assert ".ci/run" in [s.get("run") for s in test["steps"]]
    assert test["permissions"] == {"contents": "read"}
    assert test["timeout-minutes"] <= 90
    assert any("upload-artifact" in s.get("uses", "") for s in test["steps"])


def test_publishing_renders_committed_outputs_without_tensorflow():
    publish = _flow()["jobs"]["publish"]
    assert "refs/heads/main" in publish["if"] and publish["needs"] == "test"
    assert publish["permissions"]["pages"] == "write"
    assert publish["timeout-minutes"] <= 30
    script = "\n".join(s.get("run", "") for s in publish["steps"])
    assert "requirements-book.txt" in script and "make" not in script
    pins = [line.lower() for line in (ROOT / "requirements-book.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert any(p.startswith("jupyter-book==") for p in pins)
    assert all("==" in p for p in pins), "every package pinned"
    assert not [p for p in pins if p.startswith(("tensorflow", "keras"))]
