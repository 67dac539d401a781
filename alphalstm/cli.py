"""Command line: ``python -m alphalstm COMMAND ...``.

Usage errors (bad arguments, bad input) end with exit status 2 and one line
on stderr. Any other error is a bug: it keeps its traceback (exit status 1).
TensorFlow is imported only by the commands that train or load a model, so
``--help`` and argument errors answer at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import ceilings, claims, data, experiments, recipes, store
from .errors import BackendError, InputError, check_int

# TensorFlow reads these when it is first imported: they keep its start-up
# notices off the terminal. Set (unless already set) by the commands that
# import it, so every subprocess a sweep starts inherits the same behaviour.
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


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
            return check_int("value", int(text), minimum)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {wanted}, got {text!r}"
            ) from None

    return parse


_positive = _int_at_least(1)
_non_negative = _int_at_least(0)


def parse_seeds(spec: str) -> list[int]:
    """``"0-9"`` or ``"3,5,8"`` (or a mix, ``"0-2,7"``) as a sorted list."""
    seeds: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                if lo > hi or lo < 0:
                    raise ValueError
                seeds.update(range(lo, hi + 1))
            else:
                value = int(part)
                if value < 0:
                    raise ValueError
                seeds.add(value)
        except ValueError:
            raise InputError(
                f"bad seed spec {spec!r}; use a range like 0-9 or a list like 3,5,8"
            ) from None
    return sorted(seeds)


# ---- --set KEY=VALUE -------------------------------------------------------


def _bool(text: str) -> bool:
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise InputError(f"expected true or false, got {text!r}")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"expected an integer, got {text!r}") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"expected a number, got {text!r}") from None


def _whole_set_or_int(text: str) -> int | str:
    return "all" if text == "all" else _int(text)


# How the command line reads each setting that recipes.customise can change.
SETTING_TYPES = {
    "epochs": _int,
    "units": _int,
    "batch_size": _whole_set_or_int,  # "all": the whole set
    "shuffle": _bool,
    "streams": str,
    "text": str,
    "recurrent_activation": str,
    "adam_epsilon": _float,
    "window": _int,
    "layout": str,
    "encoding": str,
    "steps": _int,
    "maxlen": _int,
    "pad": _float,
    "pieces": _int,
    "generator": str,
}


def parse_setting(assignment: str) -> tuple[str, object]:
    """``"units=50"`` -> ``("units", 50)``, for a setting in :data:`SETTING_TYPES`."""
    key, sep, text = assignment.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or key not in SETTING_TYPES:
        raise InputError(
            f"bad setting {assignment!r}; use KEY=VALUE with KEY one of: "
            f"{', '.join(SETTING_TYPES)}"
        )
    return key, SETTING_TYPES[key](text.strip())


def _chapter_options(p: argparse.ArgumentParser) -> None:
    """The options that choose and change a recipe (train and sweep)."""
    p.add_argument("chapter", help=f"one of: {', '.join(recipes.CHAPTERS)}")
    p.add_argument(
        "--original",
        action="store_true",
        help="the original tutorial's recipe for this chapter, as written",
    )
    p.add_argument("--epochs", type=_positive)
    p.add_argument("--units", type=_positive)
    p.add_argument("--batch-size", type=_positive)
    p.add_argument(
        "--streams",
        choices=data.STREAM_LAYOUTS,
        help="stream layout for stateful batches larger than 1",
    )
    text = p.add_mutually_exclusive_group()
    text.add_argument("--alphabet", help="train on these distinct symbols, in order")
    text.add_argument("--sequence", help="train on this text (symbols may repeat)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"change a setting; KEY one of: {', '.join(SETTING_TYPES)}",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m alphalstm",
        description="Train, sweep and benchmark the recipes of 'LSTM state in Keras 3'",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train one chapter's recipe on one seed")
    _chapter_options(train)
    train.add_argument("--seed", type=_non_negative, default=7)
    train.add_argument("--json", action="store_true", help="print one JSON object")

    sweep = sub.add_parser("sweep", help="train one recipe on many seeds, in parallel")
    _chapter_options(sweep)
    sweep.add_argument("--seeds", required=True, help="a range or list: 0-9 or 3,5,8")
    sweep.add_argument(
        "--jobs", type=_positive, help="parallel runs (default: CPU cores)"
    )
    sweep.add_argument("--json", action="store_true", help="print one JSON object")
    sweep.add_argument("--out", help="also store the runs as JSON Lines at this path")

    exp = sub.add_parser("experiment", help="run one of the book's stored experiments")
    exp.add_argument(
        "name", nargs="?", help=f"one of: {', '.join(experiments.EXPERIMENTS)}"
    )
    exp.add_argument(
        "--list", action="store_true", help="list the experiments and stop"
    )
    exp.add_argument("--names", action="store_true", help="print their names only")
    exp.add_argument(
        "--data", help="the data folder to store the runs in (notebooks/data)"
    )
    exp.add_argument(
        "--jobs", type=_positive, help="parallel runs (default: CPU cores)"
    )
    exp.add_argument(
        "--variant",
        action="append",
        metavar="LABEL",
        help="rerun only this variant and keep the other stored runs (repeatable)",
    )

    bench = sub.add_parser(
        "bench", help="time fit, Keras' tuned fit and alphalstm side by side"
    )
    bench.add_argument("chapter", help=f"one of: {', '.join(recipes.CHAPTERS)}")
    bench.add_argument(
        "--original",
        action="store_true",
        help="benchmark the original tutorial's recipe",
    )
    bench.add_argument(
        "--epochs",
        type=_positive,
        help="epochs for all three runs (default: the recipe's, or its "
        "bench_epochs where fit would take many minutes)",
    )
    bench.add_argument("--seed", type=_non_negative, default=7)
    bench.add_argument(
        "--repeats",
        type=_positive,
        default=3,
        help="rounds of the three sides, in rotating order (default 3)",
    )
    bench.add_argument("--out", help="also record the result in this JSON Lines file")
    bench.add_argument(
        "--profile",
        action="store_true",
        help="instead: split the fast sides' time into compilation and time per update",
    )

    ceil = sub.add_parser(
        "ceiling",
        help="the best accuracy any predictor with k symbols "
        "of context can reach on a text",
    )
    ceil.add_argument("--sequence", required=True, help="the text")
    ceil.add_argument("--max-context", type=_positive, default=4, metavar="K")
    ceil.add_argument("--json", action="store_true", help="print one JSON object")

    export = sub.add_parser(
        "export",
        help="train a recipe and write its model as JSON for the in-browser explorer",
    )
    export.add_argument("chapter", help=f"one of: {', '.join(recipes.CHAPTERS)}")
    export.add_argument("--seed", type=_non_negative, default=claims.LIVE_SEED)
    export.add_argument("--out", required=True, help="the JSON file to write")

    grid = sub.add_parser(
        "stream-grid",
        help="run chapter 10's stored experiment: LSTM sides and k-grams on one "
        "long text",
    )
    grid.add_argument("--data", required=True, help="the data folder (notebooks/data)")
    grid.add_argument(
        "--seeds", default="0-9", help="a range or list of seeds (default 0-9)"
    )
    grid.add_argument(
        "--jobs",
        type=_positive,
        default=2,
        help="parallel runs, one thread each (default 2)",
    )
    grid.add_argument(
        "--only",
        action="append",
        metavar="LABEL",
        help="rerun only this side, e.g. 'stateful T=32', and keep the other "
        "stored runs (repeatable)",
    )
    grid.add_argument(
        "--resume",
        action="store_true",
        help="keep the runs an interrupted call already finished",
    )
    grid.add_argument("--run", metavar="LABEL", help=argparse.SUPPRESS)
    grid.add_argument("--seed", type=_non_negative, help=argparse.SUPPRESS)

    fp = sub.add_parser(
        "fingerprint", help="print the fingerprint of the package's sources"
    )
    fp.add_argument(
        "--stamp",
        nargs="+",
        metavar="NOTEBOOK",
        help="record it in these notebooks' metadata instead",
    )
    return parser


def _changes(args: argparse.Namespace) -> tuple[tuple[str, object], ...]:
    """The recipe settings the train/sweep options change, in a fixed order."""
    if args.alphabet is not None:
        data.Vocabulary(args.alphabet)  # must be distinct symbols
    changes = dict(parse_setting(s) for s in args.set)
    for key in ("epochs", "units", "batch_size", "streams"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    text = args.sequence if args.sequence is not None else args.alphabet
    if text is not None:
        changes["text"] = text
    return tuple(changes.items())


def _recipe(args: argparse.Namespace) -> recipes.Recipe:
    """The recipe the train/sweep options describe, checked before any training."""
    return recipes.customise(
        recipes.get(args.chapter, original=args.original), **dict(_changes(args))
    )


def _quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up lines off the terminal (before it is imported)."""
    for key, value in QUIET_TF.items():
        os.environ.setdefault(key, value)


def cmd_train(args: argparse.Namespace) -> int:
    recipe = _recipe(args)
    _quiet_tensorflow()
    from . import runs

    result = runs.run(recipe, args.seed, original=args.original).summary()
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{recipe.name}{' (original)' if args.original else ''}: seed {args.seed}, "
        f"{result['updates']} updates in {result['train_seconds']:.2f} s"
    )
    print(f"accuracy: {result['accuracy']:.4f}")
    print(
        f"rollout: {result['rollout']} "
        f"({'whole text' if result['rollout_ok'] else 'broken'})"
    )
    return 0


def _progress(result: dict, done: int, total: int) -> None:
    verdict = (
        ("FAILED: " + result["error"])
        if "error" in result
        else f"accuracy {result['accuracy']:.4f}"
    )
    print(
        f"  [{done}/{total}] {result['variant']}, seed {result['seed']}: {verdict}",
        file=sys.stderr,
        flush=True,
    )


def cmd_sweep(args: argparse.Namespace) -> int:
    from . import sweeps

    recipe = _recipe(args)
    seeds = parse_seeds(args.seeds)
    variant = experiments.Variant("sweep", args.chapter, _changes(args), args.original)
    rows = sweeps.run_many(
        [(variant, s) for s in seeds], jobs=args.jobs, on_done=_progress
    )
    summary = claims.summarise(rows, recipe.claim)
    if args.out:
        store.write_jsonl(Path(args.out), rows)
    if args.json:
        print(json.dumps({"chapter": recipe.name, "runs": rows, "summary": summary}))
    else:
        for r in rows:
            if "error" in r:
                print(f"seed {r['seed']:>4}: FAILED: {r['error']}")
            else:
                print(
                    f"seed {r['seed']:>4}: accuracy {r['accuracy']:.4f}, rollout "
                    f"{'ok' if r['rollout_ok'] else 'broken'}, "
                    f"{r['train_seconds']:.2f} s"
                )
        if summary["accuracy_min"] is not None:
            print(
                f"accuracy min {summary['accuracy_min']:.4f}, median "
                f"{summary['accuracy_median']:.4f}, max {summary['accuracy_max']:.4f}; "
                f"{summary['failed']} failed"
            )
    return 1 if summary["failed"] else 0


def cmd_experiment(args: argparse.Namespace) -> int:
    if args.names:
        print(*experiments.EXPERIMENTS)
        return 0
    if args.list:
        for name, e in experiments.EXPERIMENTS.items():
            print(f"{name}: {len(e.variants)} variant(s) x {len(e.seeds)} seeds")
        return 0
    if args.name is None or args.data is None:
        raise UsageError("give an experiment NAME and --data DIR (or --list)")
    from . import sweeps

    experiment = experiments.get(args.name)
    for variant in experiment.variants:
        variant.recipe()  # check every variant before any training
    labels = tuple(args.variant) if args.variant else None
    path = store.experiment_path(args.data, experiment.name)
    stored = store.read_jsonl(path) if labels else []
    if labels:
        experiment.runs(labels)  # unknown labels are refused before any training
    rows = sweeps.run_experiment(
        experiment, jobs=args.jobs, on_done=_progress, labels=labels
    )
    failed = [r for r in rows if "error" in r]
    if failed:
        print(
            f"{len(failed)} of {len(rows)} runs failed; nothing stored", file=sys.stderr
        )
        return 1
    if labels:
        rows = sweeps.merge(experiment, stored, rows)
    store.write_jsonl(path, rows)
    print(f"{experiment.name}: {len(rows)} runs stored in {path}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    recipe = recipes.get(args.chapter, args.original)
    recipe = recipes.customise(recipe, epochs=args.epochs or recipe.bench_epochs)
    _quiet_tensorflow()
    from . import bench

    if args.profile:
        rows = bench.profile(recipe, args.seed, repeats=args.repeats)
        for r in rows:
            print(bench.profile_line(r))
        if args.out:
            store.record_profile(Path(args.out), rows)
        return 0
    print(
        f"{recipe.name}{' (original)' if args.original else ''}: "
        f"{recipe.epochs} epochs, "
        f"seed {args.seed}; three sides from the same initial weights, "
        f"{args.repeats} round(s) in rotating order",
        flush=True,
    )
    row = bench.benchmark(
        recipe,
        args.seed,
        args.original,
        repeats=args.repeats,
        log=lambda m: print(m, flush=True),
    )
    print(f"  updates: {row['updates']} each")
    print(bench.line(row))
    if args.out:
        store.record_bench(Path(args.out), row)
    return 0


def cmd_ceiling(args: argparse.Namespace) -> int:
    text = data.check_text(args.sequence)
    k_max = min(args.max_context, len(text) - 1)
    values = ceilings.ceilings(text, k_max)
    needed = ceilings.context_needed(text)
    if args.json:
        print(
            json.dumps(
                {
                    "sequence": text,
                    "ceilings": [float(v) for v in values],
                    "context_needed": needed,
                }
            )
        )
        return 0
    n = len(text) - 1
    for k, v in enumerate(values, start=1):
        print(
            f"k={k}: {v.numerator * n // v.denominator} of {n} right at best "
            f"({float(v):.2%})"
        )
    print(f"smallest context that reaches 100%: {needed} symbol(s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from . import export  # TensorFlow loads only when training starts

    recipe = recipes.get(args.chapter)
    export.check_exportable(recipe)
    _quiet_tensorflow()
    path = export.export_recipe(recipe, args.seed, Path(args.out))
    print(f"wrote {path}")
    return 0


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from .fingerprint import source_fingerprint, stamp

    if args.stamp:
        missing = [p for p in args.stamp if not Path(p).is_file()]
        if missing:
            raise InputError(f"no such notebook: {missing[0]}")
        stamp(args.stamp)
        print(f"stamped {len(args.stamp)} notebook(s) with {source_fingerprint()}")
    else:
        print(source_fingerprint())
    return 0


def cmd_stream_grid(args: argparse.Namespace) -> int:
    """Chapter 10's experiment: every LSTM side on every seed, in ``--jobs``
    parallel processes, then the k-grams; stored as two experiments."""
    import time
    from concurrent.futures import ThreadPoolExecutor, as_completed

    if args.run is not None:  # one run, in this process (what the workers call)
        if args.seed is None:
            raise UsageError("--run needs --seed")
        _quiet_tensorflow()
        from . import stream

        row = stream.train_run(stream.Run.of(args.run), args.seed, args.data)
        print(json.dumps(row))
        return 0
    seeds = parse_seeds(args.seeds)
    if not (Path(args.data) / "stream").is_dir():
        raise InputError(f"no folder {Path(args.data) / 'stream'} (the chapter's text)")
    _quiet_tensorflow()
    from . import stream, sweeps

    labels = [run.label for run in stream.plan()]
    for label in args.only or ():
        if label not in labels:
            raise InputError(f"no run {label!r}; the runs: {', '.join(labels)}")
    path = store.experiment_path(args.data, stream.EXPERIMENT)
    partial = path.with_suffix(".partial.jsonl")
    if args.resume and partial.is_file():
        done = [r for r in store.read_jsonl(partial) if "error" not in r]
    else:
        done = []
        partial.unlink(missing_ok=True)
    finished = {(r["variant"], r["seed"]) for r in done}
    todo = [
        (label, seed)
        for seed in seeds
        for label in labels
        if (not args.only or label in args.only) and (label, seed) not in finished
    ]
    # One thread per run, whatever the machine: TensorFlow's sums then run in
    # the same order everywhere, and the stored runs were made that way.
    env = sweeps.thread_limits(args.jobs, cores=args.jobs)
    partial.parent.mkdir(parents=True, exist_ok=True)

    def one(label: str, seed: int) -> dict:
        launched = time.time()
        argv = ["stream-grid", "--data", str(args.data), "--run", label]
        row = sweeps.run_in_subprocess([*argv, "--seed", str(seed)], env=env)
        row.update(experiment=stream.EXPERIMENT, variant=label, seed=seed)
        row.update(jobs=args.jobs, launched=round(launched, 1))
        row["returned"] = round(time.time(), 1)
        return row

    fresh = list(done)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(one, label, seed) for label, seed in todo]
        for future in as_completed(futures):
            row = future.result()
            fresh.append(row)
            with open(partial, "a") as fh:
                fh.write(json.dumps(row, sort_keys=True) + "\n")
            verdict = row.get("error") or ", ".join(
                f"{name} {ev['bits']:.3f}" for name, ev in row["evals"].items()
            )
            print(
                f"  [{len(fresh)}/{len(todo) + len(done)}] {row['variant']}, "
                f"seed {row['seed']}: {verdict}",
                file=sys.stderr,
                flush=True,
            )
    failed = [r for r in fresh if "error" in r]
    if failed:
        print(f"{len(failed)} runs failed; rerun with --resume", file=sys.stderr)
        return 1
    if args.only:  # keep every stored run that was not rerun
        rerun = {(r["variant"], r["seed"]) for r in fresh}
        stored = store.read_jsonl(path) if path.is_file() else []
        fresh += [r for r in stored if (r["variant"], r["seed"]) not in rerun]
    every_seed = sorted({r["seed"] for r in fresh})
    position = {
        (lab, s): i
        for i, (s, lab) in enumerate((s, lab) for s in every_seed for lab in labels)
    }
    rows = sorted(fresh, key=lambda r: position[(r["variant"], r["seed"])])
    store.write_jsonl(path, rows)
    partial.unlink(missing_ok=True)
    kgram_path = store.experiment_path(args.data, stream.KGRAM_EXPERIMENT)
    store.write_jsonl(kgram_path, stream.kgram_rows(args.data))
    print(f"{stream.EXPERIMENT}: {len(rows)} runs stored in {path}")
    print(f"{stream.KGRAM_EXPERIMENT}: k = 0..{stream.K_MAX} stored in {kgram_path}")
    return 0


COMMANDS = {
    "train": cmd_train,
    "sweep": cmd_sweep,
    "experiment": cmd_experiment,
    "bench": cmd_bench,
    "ceiling": cmd_ceiling,
    "export": cmd_export,
    "stream-grid": cmd_stream_grid,
    "fingerprint": cmd_fingerprint,
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, InputError, BackendError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        print(f"alphalstm: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alphalstm: interrupted", file=sys.stderr)
        return 130
