import json
import os
import subprocess
import sys

import pytest

from alphalstm import cli

FIELDS = {
    "chapter", "seed", "alphabet", "units", "epochs", "batch_size",
    "updates", "accuracy", "rollout", "train_seconds",
}


def test_train_stateful_json(capsys):
    assert cli.main(["train", "stateful", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == FIELDS
    assert result["accuracy"] == 1.0
    assert result["rollout"] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert result["updates"] == 300 * 25 and result["batch_size"] == 1


def test_train_overrides(capsys):
    args = ["train", "stateful", "--epochs", "2", "--units", "4",
            "--alphabet", "0123456789", "--seed", "1", "--json"]
    assert cli.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["epochs"] == 2 and result["units"] == 4 and result["seed"] == 1
    assert result["updates"] == 2 * 9
    assert len(result["rollout"]) == 10 and result["rollout"][0] == "0"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "no-such-chapter"], "unknown chapter 'no-such-chapter'; available:"),
        (["train", "stateful", "--epochs", "0"], "expected a positive integer"),
        (["train", "stateful", "--alphabet", "ABA"], "repeated: 'A'"),
        (["train", "stateful", "--batch-size", "2"], "cannot be split into batches of 2"),
        (["bench", "stateful", "--epochs", "x"], "expected a positive integer"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, message):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alphalstm: error:")
    assert message in lines[0]


def test_module_entry_point_exit_status():
    """The real process: exit status 2, one stderr line, no traceback."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, "-m", "alphalstm", "train", "stateful", "--alphabet", "AB?B"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "alphalstm: error: symbols must be distinct; repeated: 'B' in 'AB?B'"
    ]


def test_train_stateful_batched_rolls_out_the_alphabet(capsys):
    assert cli.main(["train", "stateful-batched", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["batch_size"] == 5 and result["updates"] == 500 * 25
    assert result["accuracy"] == 1.0
    assert result["rollout"] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_stream_count_that_does_not_divide_is_refused(capsys):
    assert cli.main(["train", "stateful-batched", "--batch-size", "4"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alphalstm: error: a sequence of 25 pairs cannot be split into 4")
