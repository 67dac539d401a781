"""Seed sweeps: the spec parser, failure reporting, and the stored data."""

import json

import pytest

from alphalstm import cli, recipes
from alphalstm import sweep as sweeps


@pytest.mark.parametrize(
    "spec, seeds",
    [("0-9", list(range(10))), ("3,5,8", [3, 5, 8]), ("0-2,7", [0, 1, 2, 7]), ("4", [4])],
)
def test_parse_seeds(spec, seeds):
    assert sweeps.parse_seeds(spec) == seeds


@pytest.mark.parametrize("spec", ["", "a", "5-2", "-1", "1,,2", "0-x"])
def test_bad_seed_spec(spec):
    with pytest.raises(ValueError, match="bad seed spec"):
        sweeps.parse_seeds(spec)


def test_a_failing_seed_is_reported_not_hidden(monkeypatch, capsys):
    def fake_run_one(chapter, seed, timeout=0):
        if seed == 2:
            return {"chapter": chapter, "seed": seed, "error": "exit status 1: boom"}
        return {"chapter": chapter, "seed": seed, "alphabet": "AB", "accuracy": 1.0,
                "rollout": "AB", "batch_size": 1, "updates": 1, "train_seconds": 0.1}

    monkeypatch.setattr(sweeps, "run_one", fake_run_one)
    assert cli.main(["sweep", "stateful", "--seeds", "0-3", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [r["seed"] for r in result["runs"]] == [0, 1, 2, 3]
    assert result["summary"]["failed"] == 1 and result["summary"]["reached_claim"] == 3
    assert "boom" in result["runs"][2]["error"]


def test_real_sweep_runs_in_parallel_processes(capsys):
    assert cli.main(["sweep", "stateful", "--seeds", "0,1", "--jobs", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [r["seed"] for r in result["runs"]] == [0, 1]
    assert result["summary"]["runs"] == 2 and result["summary"]["failed"] == 0
    assert all(r["rollout_ok"] for r in result["runs"])


def test_bad_sweep_arguments(capsys):
    assert cli.main(["sweep", "stateful", "--seeds", "9-1"]) == 2
    assert "bad seed spec" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(recipes.RECIPES))
def test_stored_sweep_matches_the_current_recipe(name, vocab):
    """Regenerate with `make sweeps` whenever a recipe changes."""
    recipe = recipes.get(name)
    rows = sweeps.stored(name)
    assert [r["seed"] for r in rows] == list(range(10)), "seeds 0-9, once each"
    n = len(recipe.training_data(vocab, 0)[0])
    bs = recipe.resolved_batch_size(n)
    for r in rows:
        assert r["chapter"] == name
        assert (r["units"], r["epochs"], r["batch_size"]) == (recipe.units, recipe.epochs, bs)
        assert (r["window"], r["layout"]) == (recipe.window, recipe.layout)
        assert (r["stateful"], r["shuffle"]) == (recipe.stateful, recipe.shuffle)
        assert r["updates"] == recipe.epochs * -(-n // bs)
    # The chapter's checked threshold is at or below what every stored seed reached.
    assert min(r["accuracy"] for r in rows) >= recipe.claim
