"""The GitHub workflow runs the same test command as .ci/run."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _ci_command():
    """The last command of .ci/run: the test command (earlier lines install Chromium)."""
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return lines[-1]


def test_ci_run_calls_the_readme_test_command():
    assert _ci_command() == "make test"
    assert "make test" in (ROOT / "README.md").read_text()


def test_workflow_tests_with_the_same_command_and_publishes_on_main():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads `on` as True
    assert "push" in triggers and "pull_request" in triggers
    test_steps = flow["jobs"]["test"]["steps"]
    assert _ci_command() in [s.get("run") for s in test_steps]
    setup = next(s for s in test_steps if "setup-python" in s.get("uses", ""))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
    publish = flow["jobs"]["publish"]
    assert "refs/heads/main" in publish["if"]
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert any("upload-pages-artifact" in u for u in uses)
    assert any("deploy-pages" in u for u in uses)
    assert "make book" in [s.get("run") for s in publish["steps"]]
