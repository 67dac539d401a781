"""The book's stored experiments: which recipe variants run on which seeds.

Each experiment answers one question a chapter asks. ``make sweeps`` runs
them all (``python -m alphalstm experiment NAME --data notebooks/data``) and
stores one JSON line per (variant, seed) run; the chapters plot and count
the stored lines, and ``tests/test_experiments.py`` checks that every
stored line still matches the recipe it claims to come from.

Every chapter's own recipe is an experiment named after the chapter, run on
the calibration seeds 0-9 and the held-out seeds 10-19.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import recipes
from .claims import CALIBRATION_SEEDS, HELD_OUT_SEEDS, SECOND_LIVE_SEED
from .data import recall
from .errors import InputError
from .recipes import Recipe

BOTH = CALIBRATION_SEEDS + HELD_OUT_SEEDS
RECALL_GAPS = (2, 6, 14, 30)


def _recall_text(gap: int, start: int = 0) -> str:
    """The recall task with 1,024 transitions, whatever the gap."""
    return recall(gap, repeats=1024 // (2 * (gap + 2)), start=start)


@dataclass(frozen=True)
class Variant:
    """One recipe to run: a chapter's (or the original's), some settings changed."""

    label: str
    chapter: str
    changes: tuple[tuple[str, object], ...] = ()
    original: bool = False
    seeds: tuple[int, ...] | None = None  # None: the experiment's seeds

    def recipe(self) -> Recipe:
        return recipes.customise(
            recipes.get(self.chapter, self.original), **dict(self.changes)
        )

    def argv(self, seed: int) -> list[str]:
        """The ``python -m alphalstm`` arguments that train this variant on ``seed``."""
        args = ["train", self.chapter, "--seed", str(seed), "--json"]
        if self.original:
            args.append("--original")
        for key, value in self.changes:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            args.append(f"--set={key}={text}")
        return args


@dataclass(frozen=True)
class Experiment:
    """A question, the variants that answer it, and the seeds each runs on."""

    name: str
    question: str
    variants: tuple[Variant, ...]
    seeds: tuple[int, ...]

    def runs(self, labels: tuple[str, ...] | None = None) -> list[tuple[Variant, int]]:
        """Every (variant, seed) to run, in order; only ``labels``, if given."""
        if labels is not None:
            unknown = sorted(set(labels) - {v.label for v in self.variants})
            if unknown:
                raise InputError(
                    f"experiment {self.name!r} has no variant {unknown[0]!r}; "
                    "its variants: " + "; ".join(v.label for v in self.variants)
                )
        return [
            (v, s)
            for v in self.variants
            if labels is None or v.label in labels
            for s in (v.seeds or self.seeds)
        ]


def _chapter(name: str) -> Experiment:
    return Experiment(
        name,
        f"What does the {name} recipe reach on many seeds?",
        (Variant("recipe", name),),
        BOTH,
    )


def _grid() -> list[Experiment]:
    factorial = tuple(
        Variant(
            f"units {u}, batch {b}, shuffle {'on' if s else 'off'}, {e} epochs",
            "batch-state",
            (("units", u), ("batch_size", b), ("shuffle", s), ("epochs", e)),
        )
        for u in (32, 16)
        for b in (1, "all")
        for s in (True, False)
        for e in (500, 5000)
    )
    return [
        *(_chapter(name) for name in recipes.CHAPTERS),
        Experiment(
            "one-char-onehot",
            "Does one letter in, stateless, learn the alphabet when it is one-hot?",
            (Variant("one-hot input", "one-char", (("encoding", "onehot"),)),),
            BOTH,
        ),
        Experiment(
            "batch-state-factorial",
            "Which of chapter 4's four differences from chapter 1 gives 100 %?",
            factorial,
            tuple(range(5)),
        ),
        Experiment(
            "stateful-72",
            "Which candidate cause reproduces the seed notebook's 72 %?",
            (
                Variant("LSTM(50), the 2018 recipe", "stateful", original=True),
                Variant(
                    "Keras 2 hard sigmoid",
                    "stateful",
                    (("recurrent_activation", "keras2_hard_sigmoid"),),
                ),
                Variant("Adam epsilon 1e-8", "stateful", (("adam_epsilon", 1e-8),)),
                Variant(
                    "hard sigmoid and epsilon 1e-8",
                    "stateful",
                    (
                        ("recurrent_activation", "keras2_hard_sigmoid"),
                        ("adam_epsilon", 1e-8),
                    ),
                ),
                Variant("100 epochs", "stateful", (("epochs", 100),)),
                Variant("150 epochs", "stateful", (("epochs", 150),)),
                Variant("200 epochs", "stateful", (("epochs", 200),)),
                Variant("250 epochs", "stateful", (("epochs", 250),)),
            ),
            CALIBRATION_SEEDS,
        ),
        Experiment(
            "stateful-batched-contiguous",
            "How often does the contiguous stream layout break the rollout?",
            (
                Variant(
                    "contiguous streams",
                    "stateful-batched",
                    (("streams", "contiguous"),),
                ),
            ),
            CALIBRATION_SEEDS,
        ),
        Experiment(
            "variable-length-changes",
            "Which changes to the original variable-length recipe make it better?",
            (
                Variant("the original", "variable-length", original=True, seeds=BOTH),
                Variant("pad -1", "variable-length", (("pad", -1.0),), original=True),
                Variant(
                    "uniform pieces",
                    "variable-length",
                    (("generator", "uniform"),),
                    original=True,
                ),
                Variant(
                    "uniform pieces, pad -1",
                    "variable-length",
                    (("encoding", "scalar"), ("pad", -1.0)),
                ),
                Variant("uniform pieces, one-hot", "variable-length"),
            ),
            CALIBRATION_SEEDS,
        ),
        Experiment(
            "variable-length-second-live",
            "Does the variable-length threshold, rewritten after the first live run, "
            "hold on the second live seed?",
            (Variant("recipe", "variable-length"),),
            (SECOND_LIVE_SEED,),
        ),
        Experiment(
            "bounce-encodings",
            "Scalar or one-hot input for the bounce?",
            tuple(
                Variant(f"{name}, {enc}", name, (("encoding", enc),))
                for name in ("bounce-one-letter", "bounce-window", "bounce-stateful")
                for enc in ("scalar", "onehot")
            ),
            tuple(range(5)),
        ),
        Experiment(
            "recall-reach",
            "How far back can carried state reach, by training sample length T?",
            tuple(
                Variant(
                    f"gap {gap}, T={steps}",
                    "recall-stateful",
                    (("text", _recall_text(gap)), ("steps", steps)),
                )
                for gap in RECALL_GAPS
                for steps in (1, 4, 16, 64)
            )
            + (
                # Controls for two confounds of the grid above. With gap 14 and
                # T=16 every chunk starts with an opening mark, so each
                # dependency lies inside one chunk; starting the text 8 symbols
                # later puts a chunk boundary inside every one. And T=64 makes
                # a quarter of T=16's updates in the same 200 epochs.
                Variant(
                    "gap 14, T=16, chunks cut inside the gap",
                    "recall-stateful",
                    (("text", _recall_text(14, start=8)), ("steps", 16)),
                ),
                Variant(
                    "gap 30, T=64, 800 epochs",
                    "recall-stateful",
                    (("text", _recall_text(30)), ("steps", 64), ("epochs", 800)),
                ),
                Variant(
                    "gap 30, T=16, 800 epochs",
                    "recall-stateful",
                    (("text", _recall_text(30)), ("steps", 16), ("epochs", 800)),
                ),
            ),
            CALIBRATION_SEEDS,
        ),
        Experiment(
            "recall-windows",
            "Does a stateless window that spans the gap learn it, and a shorter one?",
            tuple(
                Variant(
                    f"gap {gap}, window {window}",
                    "recall-window",
                    (("text", _recall_text(gap)), ("window", window)),
                )
                for gap in RECALL_GAPS
                for window in (gap, gap + 1)
            ),
            CALIBRATION_SEEDS,
        ),
    ]


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in _grid()}


def get(name: str) -> Experiment:
    """Experiment ``name``, or an InputError listing them all."""
    if name not in EXPERIMENTS:
        raise InputError(
            f"unknown experiment {name!r}; available: {', '.join(EXPERIMENTS)}"
        )
    return EXPERIMENTS[name]
