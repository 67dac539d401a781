"""The command line: usage errors are one line and exit 2; bugs keep their traceback."""

import json
import os
import re
import subprocess
import sys

import pytest

from alphalstm import cli, data

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def _python(*args, timeout=300):
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
    )


@pytest.mark.unit
def test_help_and_usage_errors_do_not_import_tensorflow():
    code = (
        "import sys\nfrom alphalstm import cli\n"
        "for argv in (['--help'], ['train', 'stateful', '--batch-size', '5'],"
        " ['train', 'nope'], ['ceiling', '--sequence', 'ABBA', '--json'],"
        " ['export', 'timestep-window', '--out', 'x.json']):\n"
        "    try:\n        cli.main(argv)\n    except SystemExit:\n        pass\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    proc = _python("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False False"


@pytest.mark.unit
@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "no-such-chapter"], "unknown chapter 'no-such-chapter'; available:"),
        (["train", "stateful", "--epochs", "0"], "expected a positive integer"),
        (["train", "stateful", "--alphabet", "ABA"], "repeated: 'A'"),
        (
            ["train", "stateful", "--batch-size", "5"],
            "stateful training with batch size 5 needs a stream layout: streams "
            "must be one of 'contiguous', 'rotated'",
        ),
        (
            ["train", "stateful-batched", "--batch-size", "4"],
            "a sequence of 25 samples cannot be split into 4 equal streams",
        ),
        (
            ["train", "stateful-batched", "--original"],
            "the original tutorial has no recipe for 'stateful-batched'",
        ),
        (["train", "one-char", "--sequence", "A"], "at least 2 symbols"),
        (["train", "one-char", "--sequence", "AAAA"], "at least 2 distinct symbols"),
        (["train", "timestep-window", "--sequence", "ABA"], "too long"),
        (["train", "one-char", "--set", "colour=red"], "bad setting 'colour=red'"),
        (["sweep", "stateful", "--seeds", "9-1"], "bad seed spec"),
        (["bench", "stateful", "--epochs", "x"], "expected a positive integer"),
        (["ceiling", "--sequence", "Z"], "at least 2 symbols"),
        (["experiment", "nope", "--data", "d"], "unknown experiment 'nope'"),
        (["experiment"], "give an experiment NAME and --data DIR"),
        (["frobnicate"], "invalid choice"),
        (
            ["export", "timestep-window", "--out", "x.json"],
            "'timestep-window' reads 3 symbols per prediction; only recipes",
        ),
        (["bench", "stateful", "--repeats", "0"], "expected a positive integer"),
        (["train", "stateful", "--set", "units=many"], "expected an integer"),
        ([], "required"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv, message):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alphalstm: error:")
    assert message in lines[0]


@pytest.mark.unit
def test_an_internal_error_is_not_a_usage_error(monkeypatch):
    def broken(args):
        raise ValueError("an internal bug")

    monkeypatch.setitem(cli.COMMANDS, "ceiling", broken)
    with pytest.raises(ValueError, match="an internal bug"):
        cli.main(["ceiling", "--sequence", "ABC"])


@pytest.mark.unit
def test_an_internal_error_keeps_its_traceback_in_a_real_process():
    code = (
        "from alphalstm import cli\n"
        "cli.COMMANDS['ceiling'] = lambda args: [][1]\n"
        "raise SystemExit(cli.main(['ceiling', '--sequence', 'ABC']))"
    )
    proc = _python("-c", code)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "IndexError" in proc.stderr


@pytest.mark.unit
def test_usage_error_in_a_real_process():
    proc = _python("-m", "alphalstm", "train", "stateful", "--alphabet", "AB?B")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "alphalstm: error: symbols must be distinct; repeated: 'B' in 'AB?B'"
    ]


@pytest.mark.unit
def test_ceiling_json(capsys):
    assert (
        cli.main(
            ["ceiling", "--sequence", data.bounce(), "--max-context", "3", "--json"]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"sequence", "ceilings", "context_needed"}
    assert result["ceilings"] == [0.52, 1.0, 1.0] and result["context_needed"] == 2


@pytest.mark.unit
def test_ceiling_text(capsys):
    assert cli.main(["ceiling", "--sequence", "ABAC", "--max-context", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "k=1: 2 of 3 right at best (66.67%)",
        "k=2: 3 of 3 right at best (100.00%)",
        "smallest context that reaches 100%: 2 symbol(s)",
    ]


@pytest.mark.slow
def test_train_json_is_the_runs_summary(stateful_run, monkeypatch, capsys):
    """``train --json`` prints the summary of the run it trained (here the session's
    stateful run, so that the recipe is not trained twice)."""
    from alphalstm import runs

    calls = []

    def run(recipe, seed, original=False, progress=None):
        calls.append((recipe.name, seed, original))
        return stateful_run

    monkeypatch.setattr(runs, "run", run)
    assert cli.main(["train", "stateful", "--seed", "0", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert calls == [("stateful", 0, False)]
    assert result["accuracy"] == 1.0 and result["rollout_ok"]
    assert result["rollout"] == data.ALPHABET
    assert result["updates"] == 300 * 25 and result["batch_size"] == 1
    assert result["from_zero"][0] == "B"


@pytest.mark.slow
def test_train_any_sequence(capsys):
    text = "ABCABDABCABD"
    assert (
        cli.main(
            [
                "train",
                "timestep-window",
                "--sequence",
                text,
                "--epochs",
                "50",
                "--set",
                "encoding=onehot",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["text"] == text and result["n_eval"] == len(text) - 3
    assert (
        len(result["rollout"]) == len(text)
        and len(result["predicted"]) == len(text) - 3
    )


@pytest.mark.slow
def test_train_with_another_alphabet(capsys):
    assert (
        cli.main(
            [
                "train",
                "stateful",
                "--epochs",
                "2",
                "--units",
                "4",
                "--alphabet",
                "0123456789",
                "--seed",
                "1",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert (result["epochs"], result["units"], result["seed"]) == (2, 4, 1)
    assert result["updates"] == 2 * 9 and result["rollout"][0] == "0"


@pytest.mark.slow
def test_the_original_variable_length_recipe_as_written(capsys):
    """The tutorial's recipe: its generator, pad 0 and 1,000 updates per epoch (two
    epochs here; chapter 7 runs all 500)."""
    argv = ["train", "variable-length", "--original", "--epochs", "2", "--json"]
    assert cli.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["original"] and result["updates"] == 2 * 1000
    assert result["pad"] == 0.0 and result["pieces"]["generator"] == "original"
    assert result["encoding"] == "scalar" and result["batch_size"] == 1


@pytest.mark.slow
def test_stateful_batch_with_a_stream_layout_trains(capsys):
    assert (
        cli.main(
            [
                "train",
                "stateful",
                "--batch-size",
                "5",
                "--streams",
                "rotated",
                "--epochs",
                "3",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["streams"] == "rotated" and result["updates"] == 3 * 25


@pytest.mark.slow
def test_bench_ends_with_the_median_line(tmp_path, capsys):
    out = tmp_path / "bench.jsonl"
    argv = ["bench", "stateful", "--epochs", "2", "--repeats", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert (
        sum(" round " in line for line in printed) == 2 * 3
    )  # every side, every round
    last = re.fullmatch(
        r"stateful: original [\d.]+ s, keras-tuned [\d.]+ s, alphalstm [\d.]+ s "
        r"\(medians of 2\), speedup [\d.]+x over original, [\d.]+x over keras-tuned, "
        r"accuracy [\d.]+ / [\d.]+ / [\d.]+",
        printed[-1],
    )
    assert last, printed[-1]
    row = json.loads(out.read_text())
    assert row["updates"] == 2 * 25 and row["repeats"] == 2
    assert {side: len(t) for side, t in row["seconds"].items()} == {
        "original": 2,
        "keras-tuned": 2,
        "alphalstm": 2,
    }


@pytest.mark.unit
@pytest.mark.parametrize(
    "text, parsed",
    [
        ("units=50", ("units", 50)),
        ("batch-size=all", ("batch_size", "all")),
        ("shuffle=false", ("shuffle", False)),
        ("adam_epsilon=1e-8", ("adam_epsilon", 1e-8)),
    ],
)
def test_parse_setting(text, parsed):
    assert cli.parse_setting(text) == parsed


@pytest.mark.unit
def test_every_recipe_setting_can_be_set_from_the_command_line():
    from alphalstm import recipes

    assert list(cli.SETTING_TYPES) == list(recipes.CHANGES)
