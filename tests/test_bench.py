"""The benchmark's bookkeeping: rotating order, medians, ranges and verdicts."""

import pytest

pytestmark = pytest.mark.unit


def test_every_side_leads_one_round_in_three():
    from alphalstm import bench

    rounds = bench.rotation(4)
    assert rounds[0] == ("original", "keras-tuned", "alphalstm")
    assert rounds[1] == ("keras-tuned", "alphalstm", "original")
    assert rounds[2] == ("alphalstm", "original", "keras-tuned")
    assert rounds[3] == rounds[0]
    assert all(sorted(r) == sorted(bench.SIDES) for r in rounds)


@pytest.mark.parametrize(
    "low, high, verdict",
    [(26, 30, "met"), (20, 24.9, "missed"), (24, 26, "within noise")],
)
def test_a_range_that_straddles_the_goal_is_within_noise(low, high, verdict):
    from alphalstm import bench

    assert bench.verdict(low, high, 25.0) == verdict


def test_speedups_come_from_medians_and_ranges_from_extremes():
    from alphalstm import bench

    row = {
        "seconds": {
            "original": [50.0, 60.0, 55.0],
            "keras-tuned": [10.0, 12.0, 11.0],
            "alphalstm": [2.0, 2.5, 2.2],
        },
        "median_seconds": {"original": 55.0, "keras-tuned": 11.0, "alphalstm": 2.2},
    }
    out = bench.speedups(row)
    assert out["speedup_over_original"] == 25.0
    assert out["speedup_range_over_original"] == [20.0, 30.0]
    assert out["goal_over_original"] == "within noise"
    assert out["speedup_over_keras_tuned"] == 5.0
    assert out["speedup_range_over_keras_tuned"] == [4.0, 6.0]
    assert out["goal_over_keras_tuned"] == "within noise"


def test_the_readme_table_is_the_stored_benchmark():
    """The README's table is generated from notebooks/data/bench.jsonl (medians of
    repeated rounds), and every recipe and every differing original has a row."""
    from conftest import DATA, ROOT

    from alphalstm import bench, recipes, store

    rows = store.load_bench(DATA)
    assert bench.markdown_table(rows) in (ROOT / "README.md").read_text()
    differing = {n for n, o in recipes.ORIGINALS.items() if o is not recipes.RECIPES[n]}
    keys = {(r["chapter"], r["original"]) for r in rows}
    assert keys == {(c, False) for c in recipes.CHAPTERS} | {
        (c, True) for c in differing
    }
    assert all(r["repeats"] >= 3 for r in rows)


def test_a_profile_splits_compilation_from_updates_by_hand():
    from alphalstm import bench

    # 100 updates take 2.0 s, 1,000 take 3.8 s: 2 ms an update, 1.8 s compiling
    out = bench.split_profile([2.0, 2.05, 1.98], [3.8, 3.78, 3.83], 100, 1000)
    assert out == {
        "compile_seconds": 1.8,
        "per_update_ms": 2.0,
        "per_update_below_ms": None,
    }


def test_a_difference_within_the_noise_is_not_a_time_per_update():
    from alphalstm import bench

    # the full runs are no slower than the short ones vary: unresolved, bounded
    out = bench.split_profile([0.70, 0.62, 0.66], [0.68, 0.71, 0.69], 750, 7500)
    assert out["per_update_ms"] is None
    assert out["per_update_below_ms"] == 0.0163  # ranges 0.08 + 0.03 s over 6,750
    assert out["compile_seconds"] == 0.66


@pytest.mark.parametrize(
    "short, full, n_short, n_full",
    [([], [1.0], 1, 2), ([1.0], [2.0], 10, 10)],
)
def test_a_profile_refuses_what_it_cannot_split(short, full, n_short, n_full):
    from alphalstm import bench
    from alphalstm.errors import InputError

    with pytest.raises(InputError):
        bench.split_profile(short, full, n_short, n_full)
