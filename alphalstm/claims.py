"""Claims and thresholds: which seeds set a threshold, which verify it, and the rule.

A chapter's threshold (its recipe's ``claim``) is computed from stored runs
on the *calibration* seeds by :func:`claim_rule`: the lowest accuracy among
them, less one evaluation sample. It is then verified on the *held-out*
seeds, which never influence it, and on the chapter's own run, seeded with
:data:`LIVE_SEED`. Where a claim had to be set otherwise, the rule that set
it is written beside it (``Recipe.claim_note``) and it is checked on
:data:`SECOND_LIVE_SEED`, a seed fixed before that check and used nowhere
else. This module does not import TensorFlow.
"""

from __future__ import annotations

import statistics

from .errors import InputError, check_int

CALIBRATION_SEEDS = tuple(range(0, 10))
HELD_OUT_SEEDS = tuple(range(10, 20))
LIVE_SEED = 2026  # every chapter's own run; fixed before any run, outside 0-19
SECOND_LIVE_SEED = 2027  # a second live check, for claims set after the first one
ROUNDING = 1e-6  # stored accuracies are rounded to 6 decimals


def claim_rule(
    accuracies: list[float], n_eval: int, slack: list[int] | None = None
) -> float:
    """The threshold a chapter claims: its worst calibration seed, less one answer.

    ``n_eval`` is the number of evaluated samples, so one answer is
    ``1 / n_eval``. ``slack`` generalises "one answer": per calibration seed,
    how many answers the rule forgives (default 1 each); the claim is the
    lowest of (right answers - slack) over the seeds. The result is a
    multiple of ``1 / n_eval``, never below 0.
    """
    check_int("n_eval", n_eval)
    if not accuracies:
        raise InputError("need at least one calibration accuracy")
    bad = [a for a in accuracies if not 0.0 <= a <= 1.0]
    if bad:
        raise InputError(f"accuracies must lie in [0, 1], got {bad[0]!r}")
    slack = [1] * len(accuracies) if slack is None else list(slack)
    if len(slack) != len(accuracies):
        raise InputError(f"{len(slack)} slack values for {len(accuracies)} accuracies")
    for s in slack:
        check_int("slack", s, minimum=0)
    right = [round(a * n_eval) - s for a, s in zip(accuracies, slack)]
    return max(min(right), 0) / n_eval


def reaches(accuracy: float, claim: float) -> bool:
    """Does ``accuracy`` reach ``claim``, up to the rounding of stored accuracies?"""
    return accuracy >= claim - ROUNDING


def _succeeded(rows: list[dict]) -> list[dict]:
    """The rows of runs that finished; an InputError names the first failed one."""
    failed = [r for r in rows if "error" in r]
    if failed:
        r = failed[0]
        raise InputError(
            f"{len(failed)} stored run(s) failed, e.g. variant {r.get('variant')!r} "
            f"seed {r.get('seed')}: {r['error']}; rerun them before counting"
        )
    return rows


def _values(rows: list[dict], seeds: tuple[int, ...], key: str) -> list[float]:
    chosen = sorted(
        (r for r in _succeeded(rows) if r["seed"] in seeds), key=lambda r: r["seed"]
    )
    missing = [r["seed"] for r in chosen if key not in r]
    if missing:
        raise InputError(f"stored runs have no field {key!r} (seed {missing[0]})")
    return [r[key] for r in chosen]


def calibration(rows: list[dict], key: str = "accuracy") -> list[float]:
    """The stored values on the calibration seeds, in seed order."""
    return _values(rows, CALIBRATION_SEEDS, key)


def held_out(rows: list[dict], claim: float, key: str = "accuracy") -> tuple[int, int]:
    """(runs that reach ``claim``, runs) among the stored held-out seeds."""
    values = _values(rows, HELD_OUT_SEEDS, key)
    return sum(reaches(v, claim) for v in values), len(values)


def summarise(rows: list[dict], claim: float | None = None) -> dict:
    """min / median / max accuracy, failures, and how many reached ``claim``.

    Failed runs are counted, not hidden: they are left out of the statistics
    and reported under ``failed``.
    """
    good = [r["accuracy"] for r in rows if "error" not in r]
    out = {
        "runs": len(rows),
        "failed": sum("error" in r for r in rows),
        "accuracy_min": min(good) if good else None,
        "accuracy_median": statistics.median(good) if good else None,
        "accuracy_max": max(good) if good else None,
        "rollout_ok": sum(bool(r.get("rollout_ok")) for r in rows),
    }
    if claim is not None:
        out["claim"] = claim
        out["reached_claim"] = sum(reaches(a, claim) for a in good)
    return out


__all__ = [
    "CALIBRATION_SEEDS",
    "HELD_OUT_SEEDS",
    "LIVE_SEED",
    "SECOND_LIVE_SEED",
    "calibration",
    "claim_rule",
    "held_out",
    "reaches",
    "summarise",
]
