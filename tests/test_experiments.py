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
    recipe = recipes.get(name)
    rows = store.load_experiment(DATA, name)
    calibration = claims.calibration(rows)
    assert len(calibration) == len(claims.CALIBRATION_SEEDS)
    rule = claims.claim_rule(calibration, rows[0]["n_eval"])
    if recipe.claim_note:  # lowered after a failed check, never raised
        assert recipe.claim < rule
    else:
        assert recipe.claim == pytest.approx(rule)
