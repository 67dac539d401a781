"""Command line: ``python -m alphalstm train|bench ...``.

Bad arguments or bad input end with exit status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

from pathlib import Path

from . import data, recipes
from . import sweep as sweeps
from ._validate import check_int


class UsageError(Exception):
    """A problem with the command line itself."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(message)


def _int_at_least(minimum: int):
    """An argparse type: an integer >= ``minimum``."""
    wanted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"

    def parse(text: str) -> int:
        try:
            check_int("value", int(text), minimum)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        return int(text)

    return parse


_positive = _int_at_least(1)
_non_negative = _int_at_least(0)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m alphalstm",
        description="Train and benchmark the chapters of 'LSTM state in Keras 3'.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chapters = ", ".join(recipes.CHAPTERS)

    train = sub.add_parser("train", help="train one chapter's recipe")
    train.add_argument("chapter", help=f"one of: {chapters}")
    train.add_argument("--seed", type=_non_negative, default=7)
    train.add_argument("--epochs", type=_positive)
    train.add_argument("--units", type=_positive)
    train.add_argument("--batch-size", type=_positive)
    train.add_argument("--alphabet", default=data.ALPHABET)
    train.add_argument("--json", action="store_true", help="print one JSON object")

    bench = sub.add_parser(
        "bench", help="time the original fit recipe against the fast trainer"
    )
    bench.add_argument("chapter", help=f"one of: {chapters}")
    bench.add_argument("--epochs", type=_positive, help="shorten both runs equally")
    bench.add_argument("--seed", type=_non_negative, default=7)
    bench.add_argument("--csv", help="also record the result in this CSV (one row per chapter)")
    sweep = sub.add_parser("sweep", help="train one chapter on many seeds in parallel")
    sweep.add_argument("chapter", help=f"one of: {chapters}")
    sweep.add_argument("--seeds", required=True, help="a range or list: 0-9 or 3,5,8")
    sweep.add_argument("--jobs", type=_positive, help="parallel runs (default: CPU cores)")
    sweep.add_argument("--json", action="store_true", help="print one JSON object")
    sweep.add_argument("--csv", help="also store the runs as CSV at this path")
    return parser


def cmd_sweep(args: argparse.Namespace) -> int:
    recipe = recipes.get(args.chapter)
    seeds = sweeps.parse_seeds(args.seeds)

    def progress(result, done, total):
        verdict = "FAILED" if "error" in result else f"accuracy {result['accuracy']:.4f}"
        print(f"  [{done}/{total}] seed {result['seed']}: {verdict}", file=sys.stderr, flush=True)

    runs = sweeps.sweep(recipe.name, seeds, jobs=args.jobs, on_done=progress)
    summary = sweeps.summarise(recipe, runs)
    if args.csv:
        sweeps.write_csv(Path(args.csv), sweeps.csv_rows(recipe, runs))
    if args.json:
        print(json.dumps({"chapter": recipe.name, "runs": runs, "summary": summary}))
    else:
        print(f"{'seed':>4}  {'accuracy':>8}  {'rollout':>7}  {'seconds':>7}")
        for r in runs:
            if "error" in r:
                print(f"{r['seed']:>4}  FAILED: {r['error']}")
            else:
                print(f"{r['seed']:>4}  {r['accuracy']:>8.4f}  "
                      f"{'ok' if r['rollout_ok'] else 'broken':>7}  {r['train_seconds']:>7.2f}")
        if summary["accuracy_min"] is not None:
            print(f"accuracy min {summary['accuracy_min']:.4f}, median "
                  f"{summary['accuracy_median']:.4f}, max {summary['accuracy_max']:.4f}")
        print(f"{summary['reached_claim']} of {len(runs)} seeds reached the claim "
              f"(accuracy >= {recipe.claim}); {summary['rollout_ok']} rolled out the "
              f"whole alphabet; {summary['failed']} failed")
    return 1 if summary["failed"] else 0


def cmd_train(args: argparse.Namespace) -> int:
    recipe = recipes.customise(
        recipes.get(args.chapter),
        epochs=args.epochs,
        units=args.units,
        batch_size=args.batch_size,
    )
    data.Vocabulary(args.alphabet)  # validate before the slow imports run
    result = recipes.run(recipe, seed=args.seed, alphabet=args.alphabet).summary()
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['chapter']}: seed {result['seed']}, {result['updates']} updates "
            f"in {result['train_seconds']:.2f} s"
        )
        print(f"accuracy: {result['accuracy']:.4f}")
        if result["rollout"] is not None:
            print(f"rollout: {result['rollout']}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    recipe = recipes.customise(recipes.get(args.chapter), epochs=args.epochs)
    print(
        f"{recipe.name}: {recipe.epochs} epochs, seed {args.seed}; "
        "both runs start from the same initial weights",
        flush=True,
    )
    print("  original recipe (Keras fit) ...", flush=True)
    original = recipes.run_original(recipe, seed=args.seed)
    acc_original = original.accuracy()

    print("  alphalstm fast trainer ...", flush=True)
    vocab, X, y, model = recipes.prepare(recipe, seed=args.seed)
    initial = model.get_weights()
    trainer = recipes.trainer(recipe, model, X, y, args.seed)
    fast = trainer.fit(recipe.epochs)
    acc_fast = recipes.Run(recipe, args.seed, vocab, model, X, y, fast).accuracy()

    model.set_weights(initial)
    steady = trainer.fit(recipe.epochs)
    if original.history.updates != fast.updates:
        raise RuntimeError("benchmark runs did not perform the same number of updates")
    print(
        f"  updates: {fast.updates} each; fast trainer steady state "
        f"(second run, compilation excluded): {steady.seconds:.2f} s"
    )
    speedup = original.history.seconds / fast.seconds
    print(
        f"{recipe.name}: original {original.history.seconds:.2f} s, "
        f"alphalstm {fast.seconds:.2f} s, speedup {speedup:.1f}x, "
        f"accuracy {acc_original:.2f} / {acc_fast:.2f}"
    )
    if args.csv:
        sweeps.record_bench(Path(args.csv), {
            "chapter": recipe.name, "seed": args.seed, "epochs": recipe.epochs,
            "updates": fast.updates,
            "original_seconds": round(original.history.seconds, 2),
            "fast_seconds": round(fast.seconds, 2),
            "steady_seconds": round(steady.seconds, 3),
            "speedup": round(speedup, 1),
            "accuracy_original": round(acc_original, 4),
            "accuracy_fast": round(acc_fast, 4),
        })
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        command = {"train": cmd_train, "bench": cmd_bench, "sweep": cmd_sweep}[args.command]
        return command(args)
    except (UsageError, ValueError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        print(f"alphalstm: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alphalstm: interrupted", file=sys.stderr)
        return 130
