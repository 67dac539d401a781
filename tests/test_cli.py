"""The command line: usage errors are one line and exit 2; bugs keep their traceback."""

import json
import os
import subprocess
import sys

import pytest

from alphalstm import cli, data

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def _python(*args, timeout=300):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          env=ENV, timeout=timeout)


@pytest.mark.unit
def test_help_and_usage_errors_do_not_import_tensorflow():
    code = ("import sys\nfrom alphalstm import cli\n"
            "for argv in (['--help'], ['train', 'stateful', '--batch-size', '5'],"
            " ['train', 'nope'], ['ceiling', '--sequence', 'ABBA', '--json']):\n"
            "    try:\n        cli.main(argv)\n    except SystemExit:\n        pass\n"
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
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
        (["train", "stateful", "--batch-size", "5"],
         "stateful training with batch size 5 needs a stream layout: streams must be one "
         "of 'contiguous', 'rotated'"),
        (["train", "stateful-batched", "--batch-size", "4"],
         "a sequence of 25 samples cannot be split into 4 equal streams"),
        (["train", "stateful-batched", "--original"],
         "the original tutorial has no recipe for 'stateful-batched'"),
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
    code = ("from alphalstm import cli\n"
            "cli.COMMANDS['ceiling'] = lambda args: [][1]\n"
            "raise SystemExit(cli.main(['ceiling', '--sequence', 'ABC']))")
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
    assert cli.main(["ceiling", "--sequence", data.bounce(), "--max-context", "3",
                     "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"sequence", "ceilings", "context_needed"}
    assert result["ceilings"] == [0.52, 1.0, 1.0] and result["context_needed"] == 2


@pytest.mark.unit
def test_ceiling_text(capsys):
    assert cli.main(["ceiling", "--sequence", "ABAC", "--max-context", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["k=1: 2 of 3 right at best (66.67%)", "k=2: 3 of 3 right at best (100.00%)",
                   "smallest context that reaches 100%: 2 symbol(s)"]


@pytest.mark.slow
def test_train_stateful_json(capsys):
    assert cli.main(["train", "stateful", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["accuracy"] == 1.0 and result["rollout_ok"]
    assert result["rollout"] == data.ALPHABET
    assert result["updates"] == 300 * 25 and result["batch_size"] == 1
    assert result["from_zero"][0] == "B"


@pytest.mark.slow
def test_train_any_sequence(capsys):
    text = "ABCABDABCABD"
    assert cli.main(["train", "timestep-window", "--sequence", text, "--epochs", "50",
                     "--set", "encoding=onehot", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["text"] == text and result["n_eval"] == len(text) - 3
    assert len(result["rollout"]) == len(text) and len(result["predicted"]) == len(text) - 3


@pytest.mark.slow
def test_train_with_another_alphabet(capsys):
    assert cli.main(["train", "stateful", "--epochs", "2", "--units", "4",
                     "--alphabet", "0123456789", "--seed", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["epochs"], result["units"], result["seed"]) == (2, 4, 1)
    assert result["updates"] == 2 * 9 and result["rollout"][0] == "0"


@pytest.mark.slow
def test_the_original_variable_length_recipe_is_fast(capsys):
    assert cli.main(["train", "variable-length", "--original", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["original"] and result["updates"] == 500_000
    assert result["pad"] == 0.0 and result["pieces"]["generator"] == "original"
    assert result["train_seconds"] < 60


@pytest.mark.slow
def test_stateful_batch_with_a_stream_layout_trains(capsys):
    assert cli.main(["train", "stateful", "--batch-size", "5", "--streams", "rotated",
                     "--epochs", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["streams"] == "rotated" and result["updates"] == 3 * 25


@pytest.mark.slow
def test_bench_prints_three_sides_from_the_same_start(tmp_path, capsys):
    out = tmp_path / "bench.jsonl"
    assert cli.main(["bench", "stateful", "--epochs", "2", "--out", str(out)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("stateful: original ") and ", keras-tuned " in last
    assert ", alphalstm " in last and "x over original" in last and "x over keras-tuned" in last
    row = json.loads(out.read_text())
    assert row["updates"] == 2 * 25 and set(row["accuracy"]) == {"original", "keras-tuned",
                                                                   "alphalstm"}
