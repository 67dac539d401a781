"""Every chapter's recipe, defined once, and the original tutorial's.

The notebooks, the command line (``train``, ``bench``, ``sweep``), the stored
experiments and the tests all read these records, so a chapter's
hyperparameters cannot drift between them. This module does not import
TensorFlow: the command line reads it to check its arguments.

**How a chapter's threshold is set.** ``claim`` is computed from the stored
runs on the *calibration* seeds 0-9 by :func:`claim_rule`: the lowest
accuracy among them, less one evaluation sample. It is then verified on the
*held-out* seeds 10-19, which never influence it, and on the chapter's live
seed (:data:`LIVE_SEED`). Where that check failed, the claim was lowered,
never the seed changed, and ``claim_note`` says so.
``tests/test_experiments.py`` recomputes every claim from the stored data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from . import data
from .data import ALPHABET, Chunks, Padded, Window
from .errors import InputError, check_choice, check_int

CALIBRATION_SEEDS = tuple(range(0, 10))
HELD_OUT_SEEDS = tuple(range(10, 20))
LIVE_SEED = 2026  # every chapter's own run; fixed before any run, outside 0-19
FRESH_PIECES_OFFSET = 1_000_003  # seed offset for fresh test pieces

RECURRENT_ACTIVATIONS = ("sigmoid", "keras2_hard_sigmoid")
GENERATORS = ("uniform", "original")


def claim_rule(accuracies: list[float], n_eval: int) -> float:
    """The threshold a chapter claims: its worst calibration seed, less one answer.

    ``n_eval`` is the number of evaluated samples, so one answer is
    ``1 / n_eval``. The result is a multiple of ``1 / n_eval``, never below 0.
    """
    check_int("n_eval", n_eval)
    if not accuracies:
        raise InputError("need at least one calibration accuracy")
    worst = round(min(accuracies) * n_eval)
    return max(worst - 1, 0) / n_eval


def reaches(accuracy: float, claim: float) -> bool:
    """Does ``accuracy`` reach ``claim``? (Stored accuracies are rounded to 6 decimals.)"""
    return accuracy >= claim - 1e-6


@dataclass(frozen=True)
class Pieces:
    """How a variable-length recipe draws pieces of its text.

    ``generator="uniform"`` draws a length, then a start (every piece can
    occur); ``"original"`` is the tutorial's generator (see
    :func:`alphalstm.data.original_pieces`). Test pieces are fresh draws from
    the same generator with another seed.
    """

    n: int = 1000
    max_len: int = 5
    generator: str = "uniform"

    def __post_init__(self) -> None:
        check_int("pieces", self.n)
        check_int("max_len", self.max_len)
        check_choice("generator", self.generator, GENERATORS)

    def draw(self, text: str, seed: int) -> list[tuple[str, str]]:
        """The (piece, next symbol) pairs for ``seed``."""
        draw = data.original_pieces if self.generator == "original" else data.random_pieces
        return draw(text, self.n, self.max_len, seed)


@dataclass(frozen=True)
class Reported:
    """What the original tutorial printed for a chapter, and with which model."""

    accuracy: float
    units: int
    wrong: tuple[str, ...] = ()          # the wrong predictions it listed
    reproductions: tuple[tuple[float, int], ...] = ()  # (accuracy, units) of public re-runs


@dataclass(frozen=True)
class Recipe:
    """A chapter's data, model and training schedule.

    ``batch_size=None`` means "the whole training set in one batch". A
    stateful recipe with a batch larger than 1 must name a stream layout
    (``streams``), because row i of each batch continues row i of the
    previous one.
    """

    name: str
    framing: Window | Padded | Chunks
    units: int
    epochs: int
    batch_size: int | None = 1
    stateful: bool = False
    shuffle: bool = False
    streams: str | None = None
    text: str = ALPHABET
    pieces: Pieces | None = None
    recurrent_activation: str = "sigmoid"
    adam_epsilon: float = 1e-7
    claim: float | None = None
    reported: Reported | None = None
    bench_epochs: int | None = None  # epochs `bench` runs by default (None: all)
    claim_note: str = ""  # why the claim is below the rule's value, if it is

    def __post_init__(self) -> None:
        check_int("units", self.units)
        check_int("epochs", self.epochs)
        if self.batch_size is not None:
            check_int("batch_size", self.batch_size)
        data.check_text(self.text)
        check_choice("recurrent_activation", self.recurrent_activation,
                     RECURRENT_ACTIVATIONS)
        if not self.adam_epsilon > 0:
            raise InputError(f"adam_epsilon must be > 0, got {self.adam_epsilon!r}")
        if self.streams is not None:
            check_choice("streams", self.streams, data.STREAM_LAYOUTS)
        if isinstance(self.framing, Padded) != (self.pieces is not None):
            raise InputError("a padded framing and pieces go together")
        if isinstance(self.framing, Chunks) and not self.stateful:
            raise InputError("chunks of time steps are for stateful training")
        if self.stateful:
            if self.shuffle:
                raise InputError(
                    "a stateful recipe cannot shuffle: the order of samples is the sequence"
                )
            if self.pieces is not None:
                raise InputError("a stateful recipe trains on its text, not on pieces")
            if self.batch_size is None or (self.batch_size > 1 and self.streams is None):
                size = "the whole set" if self.batch_size is None else self.batch_size
                raise InputError(
                    f"stateful training with batch size {size} needs a stream layout: "
                    f"streams must be one of {', '.join(map(repr, data.STREAM_LAYOUTS))} "
                    "(row i of every batch continues row i of the one before)"
                )
        elif self.streams is not None:
            raise InputError("streams are for stateful recipes only")

    def resolved_batch_size(self, n_samples: int) -> int:
        """The batch size in samples (``None`` means all of them)."""
        return n_samples if self.batch_size is None else self.batch_size

    def describe(self) -> dict:
        """The recipe as plain JSON-ready fields (what a stored run records)."""
        f = self.framing
        out = {
            "chapter": self.name,
            "framing": type(f).__name__.lower(),
            "window": getattr(f, "size", getattr(f, "maxlen", getattr(f, "steps", None))),
            "layout": getattr(f, "layout", None),
            "encoding": f.encoding,
            "pad": getattr(f, "pad", None),
            "units": self.units,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "stateful": self.stateful,
            "shuffle": self.shuffle,
            "streams": self.streams,
            "text": self.text,
            "recurrent_activation": self.recurrent_activation,
            "adam_epsilon": self.adam_epsilon,
        }
        if self.pieces is not None:
            out["pieces"] = asdict(self.pieces)
        return out


# ---- the chapters ------------------------------------------------------------

_ALPHABET_ONE_CHAR = Reported(
    0.84, 32, wrong=("U->W", "V->Y", "W->Z", "X->Z"),
    reproductions=((0.84, 32), (0.84, 32), (0.92, 32), (0.88, 32)))

RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in [
        Recipe(
            name="one-char", framing=Window(1), units=32, epochs=500, batch_size=1,
            shuffle=True, claim=18 / 25, reported=_ALPHABET_ONE_CHAR,
        ),
        Recipe(
            name="feature-window", framing=Window(3, "features"), units=32, epochs=500,
            batch_size=1, shuffle=True, claim=17 / 23,
            reported=Reported(0.8696, 32, wrong=("TUV->Y", "UVW->Z", "VWX->Z"),
                              reproductions=((0.8696, 32), (0.8261, 32), (0.8696, 32),
                                             (0.8696, 32))),
        ),
        Recipe(
            name="timestep-window", framing=Window(3, "timesteps"), units=32, epochs=500,
            batch_size=1, shuffle=True, claim=21 / 23,
            reported=Reported(1.0, 32, reproductions=((0.9565, 32), (0.9565, 32),
                                                      (1.0, 32), (1.0, 32))),
        ),
        Recipe(
            name="batch-state", framing=Window(1), units=16, epochs=5000, batch_size=None,
            shuffle=False, claim=24 / 25,
            reported=Reported(1.0, 16, reproductions=((1.0, 16),) * 4),
        ),
        Recipe(
            name="stateful", framing=Window(1), units=16, epochs=300, batch_size=1,
            stateful=True, claim=24 / 25,
            # The reported 100 % is the August 2018 version with LSTM(50); the
            # 2016-17 version and the seed notebook used LSTM(16), as here.
            reported=Reported(1.0, 50, reproductions=((1.0, 50), (1.0, 50),
                                                      (0.72, 16), (0.40, 16))),
        ),
        Recipe(
            name="bounce-one-letter", framing=Window(1, encoding="onehot"), units=32,
            epochs=200, batch_size=1, shuffle=True, text=data.bounce(), claim=25 / 50,
        ),
        Recipe(
            name="bounce-window", framing=Window(2, encoding="onehot"), units=32,
            epochs=200, batch_size=1, shuffle=True, text=data.bounce(), claim=48 / 49,
        ),
        Recipe(
            name="bounce-stateful", framing=Window(1, encoding="onehot"), units=32,
            epochs=500, batch_size=1, stateful=True, text=data.bounce(), claim=49 / 50,
        ),
        Recipe(
            name="variable-length", framing=Padded(maxlen=5, pad=0.0, encoding="onehot"),
            units=32, epochs=500, batch_size=1, shuffle=True,
            pieces=Pieces(1000, 5, "uniform"), claim=990 / 1000,
            claim_note="the rule gives 999 of 1000 (every calibration seed got 1000); "
                       "the live seed 2026 got 994, so the claim is lowered to 990",
            bench_epochs=5,  # the full recipe is about 40 minutes of batch-1 fit here
            reported=Reported(0.989, 32, wrong=("R->T",),
                              reproductions=((0.996, 32), (0.984, 32), (0.985, 32),
                                             (0.762, 32))),
        ),
        Recipe(
            name="stateful-batched", framing=Window(1), units=32, epochs=500, batch_size=5,
            stateful=True, streams="rotated", claim=24 / 25,
        ),
        Recipe(
            name="recall-stateful", framing=Chunks(16), units=32, epochs=200, batch_size=1,
            stateful=True, text=data.recall(14, repeats=32), claim=1023 / 1024,
        ),
        Recipe(
            name="recall-window", framing=Window(15, encoding="onehot"), units=32,
            epochs=100, batch_size=16, shuffle=True, text=data.recall(14, repeats=32),
            claim=1009 / 1010,
        ),
    ]
}

CHAPTERS = tuple(RECIPES)

# The original tutorial's recipes, run as written (with Keras 3's defaults for
# everything it did not set). Chapters 1-4 are reproduced as written already.
ORIGINALS: dict[str, Recipe] = {
    "one-char": RECIPES["one-char"],
    "feature-window": RECIPES["feature-window"],
    "timestep-window": RECIPES["timestep-window"],
    "batch-state": RECIPES["batch-state"],
    "stateful": replace(RECIPES["stateful"], units=50, claim=None),
    "variable-length": replace(
        RECIPES["variable-length"],
        framing=Padded(maxlen=5, pad=0.0, shift=0, allow_collision=True, encoding="scalar"),
        pieces=Pieces(1000, 5, "original"), claim=None,
    ),
}


def get(name: str, original: bool = False) -> Recipe:
    """The recipe for chapter ``name`` (or the original tutorial's), else an InputError."""
    if name not in RECIPES:
        raise InputError(f"unknown chapter {name!r}; available: {', '.join(CHAPTERS)}")
    if not original:
        return RECIPES[name]
    if name not in ORIGINALS:
        raise InputError(
            f"the original tutorial has no recipe for {name!r}; chapters with one: "
            f"{', '.join(ORIGINALS)}"
        )
    return ORIGINALS[name]


# ---- variations ------------------------------------------------------------------

def _framing_change(attr: str):
    def apply(recipe: Recipe, new: dict, value) -> None:
        framing = new.get("framing", recipe.framing)
        if not hasattr(framing, attr):
            raise InputError(
                f"{attr!r} does not apply to the {type(framing).__name__} "
                f"framing of {recipe.name!r}"
            )
        new["framing"] = replace(framing, **{attr: value})
    return apply


def _pieces_change(attr: str):
    def apply(recipe: Recipe, new: dict, value) -> None:
        if recipe.pieces is None:
            raise InputError(f"{recipe.name!r} does not train on pieces")
        new["pieces"] = replace(new.get("pieces", recipe.pieces), **{attr: value})
    return apply


def _encoding(recipe: Recipe, new: dict, value) -> None:
    framing = new.get("framing", recipe.framing)
    changes = {"encoding": value}
    if isinstance(framing, Padded) and value == "onehot":
        changes.update(pad=0.0, shift=0)  # one-hot pieces are padded with zero vectors
    new["framing"] = replace(framing, **changes)


def _padding(recipe: Recipe, new: dict, value) -> None:
    framing = new.get("framing", recipe.framing)
    if not isinstance(framing, Padded):
        raise InputError(f"{recipe.name!r} is not padded")
    # A pad value that collides with a symbol is allowed here on purpose: it
    # is how the experiments reproduce the original's padding.
    new["framing"] = replace(framing, pad=value, allow_collision=True)


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


def _batch_size(recipe: Recipe, new: dict, value) -> None:
    new["batch_size"] = None if value == "all" else value


def _field(name: str):
    def apply(recipe: Recipe, new: dict, value) -> None:
        new[name] = value
    return apply


# name -> (parse a command-line string, turn a value into dataclass changes)
CHANGES = {
    "epochs": (_int, _field("epochs")),
    "units": (_int, _field("units")),
    "batch_size": (_whole_set_or_int, _batch_size),  # "all": the whole set
    "shuffle": (_bool, _field("shuffle")),
    "streams": (str, _field("streams")),
    "text": (str, _field("text")),
    "recurrent_activation": (str, _field("recurrent_activation")),
    "adam_epsilon": (_float, _field("adam_epsilon")),
    "window": (_int, _framing_change("size")),
    "layout": (str, _framing_change("layout")),
    "encoding": (str, _encoding),
    "steps": (_int, _framing_change("steps")),
    "maxlen": (_int, _framing_change("maxlen")),
    "pad": (_float, _padding),
    "pieces": (_int, _pieces_change("n")),
    "generator": (str, _pieces_change("generator")),
}


def parse_change(assignment: str) -> tuple[str, object]:
    """``"units=50"`` -> ``("units", 50)``, checked against :data:`CHANGES`."""
    key, sep, text = assignment.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or key not in CHANGES:
        raise InputError(
            f"bad setting {assignment!r}; use KEY=VALUE with KEY one of: "
            f"{', '.join(CHANGES)}"
        )
    return key, CHANGES[key][0](text.strip())


def customise(recipe: Recipe, **changes) -> Recipe:
    """A copy of ``recipe`` with some settings changed (see :data:`CHANGES`).

    ``None`` leaves a setting as it is; ``batch_size="all"`` means the whole
    training set in one batch. The result is checked like any recipe: a stateful
    recipe given a batch larger than 1 without a stream layout is refused.
    Its claim and reported result no longer apply, so they are dropped.
    """
    new: dict = {}
    for key, value in changes.items():
        if key not in CHANGES:
            raise InputError(f"cannot change {key!r}; allowed: {', '.join(CHANGES)}")
        if value is None:
            continue
        CHANGES[key][1](recipe, new, value)
    if not new:
        return recipe
    return replace(recipe, claim=None, reported=None, **new)


__all__ = [
    "CALIBRATION_SEEDS", "CHANGES", "CHAPTERS", "HELD_OUT_SEEDS", "LIVE_SEED",
    "ORIGINALS", "RECIPES", "Pieces", "Recipe", "Reported", "claim_rule",
    "customise", "get", "parse_change", "reaches",
]
