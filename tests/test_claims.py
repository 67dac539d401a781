"""Claims and thresholds: the rule, the seed sets, counting stored runs."""

import pytest

from alphalstm import claims
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "accuracies, n, claim",
    [
        ([0.84, 0.76, 0.88], 25, 0.72),
        ([1.0] * 10, 25, 0.96),
        ([0.0], 4, 0.0),
        ([0.9565, 1.0], 23, 21 / 23),
    ],
)
def test_claim_rule(accuracies, n, claim):
    assert claims.claim_rule(accuracies, n) == pytest.approx(claim)


@pytest.mark.parametrize(
    "accuracies, n, message",
    [
        ([], 25, "at least one calibration accuracy"),
        ([0.5], 0, "n_eval must be a positive integer"),
        ([1.5], 25, r"accuracies must lie in \[0, 1\]"),
    ],
)
def test_claim_rule_refuses_bad_input(accuracies, n, message):
    with pytest.raises(InputError, match=message):
        claims.claim_rule(accuracies, n)


def test_seed_sets_are_disjoint_and_the_live_seeds_outside_them():
    calibration, held = set(claims.CALIBRATION_SEEDS), set(claims.HELD_OUT_SEEDS)
    assert not calibration & held
    live = {claims.LIVE_SEED, claims.SECOND_LIVE_SEED}
    assert len(live) == 2 and not live & (calibration | held)


def _rows(values, first_seed=0):
    return [{"seed": first_seed + i, "accuracy": v} for i, v in enumerate(values)]


def test_counts_come_from_the_right_seeds():
    rows = _rows([0.5] * 10) + _rows([1.0] * 9 + [0.5], first_seed=10)
    assert claims.calibration(rows) == [0.5] * 10
    assert claims.held_out(rows, 0.9) == (9, 10)


def test_reaches_allows_only_the_rounding_of_stored_values():
    # 21/23 is stored as 0.913043; it must still reach the claim 21/23
    assert claims.reaches(round(21 / 23, 6), 21 / 23)
    assert not claims.reaches(round(20 / 23, 6), 21 / 23)
    assert not claims.reaches(21 / 23 - 2e-6, 21 / 23)


def test_failed_runs_are_named_not_hidden():
    rows = _rows([1.0] * 10) + [{"variant": "recipe", "seed": 12, "error": "boom"}]
    with pytest.raises(InputError, match="1 stored run.* failed.*seed 12: boom"):
        claims.held_out(rows, 0.9)
    with pytest.raises(InputError, match="failed"):
        claims.calibration(rows)
    summary = claims.summarise(rows, claim=0.9)
    assert summary["failed"] == 1 and summary["runs"] == 11
    assert summary["reached_claim"] == 10
