"""Many runs at once: failures are reported, and the runs really overlap."""

import json
import os
import subprocess

import pytest

from alphalstm import cli, experiments, sweeps
from alphalstm.errors import InputError


@pytest.mark.unit
@pytest.mark.parametrize(
    "spec, seeds",
    [
        ("0-9", list(range(10))),
        ("3,5,8", [3, 5, 8]),
        ("0-2,7", [0, 1, 2, 7]),
        ("4", [4]),
    ],
)
def test_parse_seeds(spec, seeds):
    assert cli.parse_seeds(spec) == seeds


@pytest.mark.unit
@pytest.mark.parametrize("spec", ["", "a", "5-2", "-1", "1,,2", "0-x"])
def test_bad_seed_spec(spec):
    with pytest.raises(InputError, match="bad seed spec"):
        cli.parse_seeds(spec)


@pytest.mark.unit
def test_a_failing_run_is_reported_not_hidden(monkeypatch, capsys):
    def fake(argv, timeout=0, env=None):
        seed = int(argv[argv.index("--seed") + 1])
        if seed == 2:
            return {"error": "exit status 1: boom"}
        return {"accuracy": 1.0, "rollout_ok": True, "train_seconds": 0.1}

    monkeypatch.setattr(sweeps, "run_in_subprocess", fake)
    assert cli.main(["sweep", "stateful", "--seeds", "0-3", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [r["seed"] for r in result["runs"]] == [0, 1, 2, 3]
    assert result["summary"]["failed"] == 1 and result["summary"]["rollout_ok"] == 3
    assert "boom" in result["runs"][2]["error"]


class _Probe(experiments.Variant):
    """A variant whose process is quick and imports no TensorFlow (no training)."""

    def argv(self, seed):
        return ["ceiling", "--sequence", "ABAB", "--json"]


@pytest.mark.unit
@pytest.mark.parametrize("jobs", [2, 1])
def test_runs_overlap_in_time_only_when_parallel(jobs):
    runs = sweeps.run_many(
        [(_Probe("probe", "stateful"), s) for s in (0, 1)], jobs=jobs
    )
    assert [r["seed"] for r in runs] == [0, 1] and not any("error" in r for r in runs)
    overlap = max(r["launched"] for r in runs) < min(r["returned"] for r in runs)
    assert overlap == (jobs == 2)


@pytest.mark.unit
@pytest.mark.parametrize("jobs, cores, share", [(1, 2, "2"), (2, 2, "1"), (4, 2, "1")])
def test_each_parallel_run_gets_its_share_of_the_cores(jobs, cores, share):
    assert sweeps.thread_limits(jobs, cores) == {
        "TF_NUM_INTRAOP_THREADS": share,
        "TF_NUM_INTEROP_THREADS": share,
    }


@pytest.mark.unit
def test_the_thread_limits_reach_the_subprocess(monkeypatch):
    seen = []

    def fake_run(cmd, **kwargs):
        seen.append(kwargs["env"])
        return subprocess.CompletedProcess(cmd, 0, stdout='{"accuracy": 1.0}\n')

    monkeypatch.setattr(subprocess, "run", fake_run)
    sweeps.run_many([(_Probe("probe", "stateful"), s) for s in (0, 1)], jobs=2)
    assert len(seen) == 2
    share = str(max(1, (os.cpu_count() or 1) // 2))
    assert all(env["TF_NUM_INTRAOP_THREADS"] == share for env in seen)


@pytest.mark.unit
def test_merge_replaces_one_variant_and_keeps_registry_order():
    experiment = experiments.get("stateful-batched-contiguous")
    stored = [
        {"variant": v.label, "seed": s, "accuracy": 0.2} for v, s in experiment.runs()
    ]
    fresh = [{"variant": "contiguous streams", "seed": 3, "accuracy": 0.5}]
    merged = sweeps.merge(experiment, stored, fresh)
    assert [(r["variant"], r["seed"]) for r in merged] == [
        (v.label, s) for v, s in experiment.runs()
    ]
    assert merged[3]["accuracy"] == 0.5 and merged[2]["accuracy"] == 0.2
    with pytest.raises(InputError, match="no stored run for variant"):
        sweeps.merge(experiment, stored[:-1], [])
