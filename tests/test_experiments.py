"""The stored experiments match the code that claims to have produced them.

Regenerate with ``make sweeps`` whenever a recipe changes. These tests read
stored data only; they check that it is complete, that every run used the
recipe it names, and that every chapter's threshold follows from its
calibration seeds by the rule in ``claims.claim_rule``.
"""

import pytest
from conftest import DATA

from alphalstm import claims, experiments, recipes, store

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", sorted(experiments.EXPERIMENTS))
def test_stored_runs_match_the_registry_and_the_recipes(name):
    experiment = experiments.get(name)
    rows = store.load_experiment(DATA, name)
    assert not [r for r in rows if "error" in r], "a stored run failed"
    assert [(r["variant"], r["seed"]) for r in rows] == [
        (v.label, s) for v, s in experiment.runs()
    ], "every (variant, seed), once, in order"
    by_label = {v.label: v for v in experiment.variants}
    for row in rows:
        variant = by_label[row["variant"]]
        expected = variant.recipe().describe()
        assert {k: row[k] for k in expected} == expected, (row["variant"], row["seed"])
        assert row["original"] == variant.original


@pytest.mark.parametrize("name", recipes.CHAPTERS)
def test_every_claim_follows_from_its_calibration_seeds(name):
    """Each claim is what its rule gives on the stored calibration seeds; a rule other
    than the default (one answer forgiven per seed) is explained in the recipe."""
    recipe = recipes.get(name)
    rows = store.load_experiment(DATA, name)
    calibration = claims.calibration(rows)
    assert len(calibration) == len(claims.CALIBRATION_SEEDS)
    slack = [recipes.claim_slack(recipe, s) for s in claims.CALIBRATION_SEEDS]
    rule = claims.claim_rule(calibration, rows[0]["n_eval"], slack)
    assert recipe.claim == pytest.approx(rule)
    assert (recipe.claim_slack != "one answer") == bool(recipe.claim_note)


def test_the_one_distinct_piece_rule_forgives_the_most_frequent_piece():
    recipe = recipes.get("variable-length")
    slack = [recipes.claim_slack(recipe, s) for s in claims.CALIBRATION_SEEDS]
    assert min(slack) == 15 and max(slack) == 20
    assert claims.claim_rule([1.0] * 10, 1000, slack) == 0.980
