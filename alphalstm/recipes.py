"""Every chapter's recipe, defined once.

The notebooks, the CLI (``train``, ``bench``) and the tests all read these
records, so a chapter's hyperparameters cannot drift between them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import keras
import numpy as np

from . import data, evaluate, models
from ._validate import check_int
from .training import FastTrainer, History, set_seed, textbook_fit, updates_per_epoch

HELD_OUT_SEED = 1_000_003  # offset for evaluation samples, far from any training seed

CHAPTERS = (
    "one-char",
    "feature-window",
    "timestep-window",
    "batch-state",
    "stateful",
    "variable-length",
    "stateful-batched",
)


@dataclass(frozen=True)
class Recipe:
    """A chapter's model, framing and training schedule.

    ``batch_size=None`` means "the whole training set in one batch".
    ``claim`` is the accuracy the chapter asserts on every seed it checks.
    """

    name: str
    notebook: str
    title: str
    window: int
    layout: str
    units: int
    epochs: int
    batch_size: int | None
    stateful: bool
    shuffle: bool
    claim: float
    original_accuracy: float | None
    original_units: int | None
    samples: int = 0
    streams: str = ""
    reproduced: tuple[float, ...] = ()  # public reproductions' single runs (Keras 2 era)

    def framing(self) -> data.Framing | data.Padded:
        """``layout="padded"``: sequences of 1..window symbols, left-padded."""
        if self.layout == "padded":
            return data.Padded(maxlen=self.window)
        return data.Framing(self.window, self.layout)

    def training_data(
        self, vocab: data.Vocabulary, seed: int = 7
    ) -> tuple[np.ndarray, np.ndarray]:
        """X and y in the order training feeds them."""
        framing = self.framing()
        if self.samples:
            texts = data.random_substrings(vocab, self.samples, self.window, seed=seed)
            return framing.dataset(vocab, texts)
        X, y = framing.dataset(vocab)
        if self.streams:
            order = data.stream_order(len(X), self.resolved_batch_size(len(X)), self.streams)
            return X[order], y[order]
        return X, y

    def evaluation_data(
        self, vocab: data.Vocabulary, seed: int = 7
    ) -> tuple[np.ndarray, np.ndarray]:
        """What accuracy is measured on: fresh random substrings, or the pairs in order."""
        if self.samples:
            texts = data.random_substrings(
                vocab, self.samples, self.window, seed=HELD_OUT_SEED + seed
            )
            return self.framing().dataset(vocab, texts)
        return self.framing().dataset(vocab)

    def predictor(self, model: keras.Model) -> keras.Model:
        """The model used to predict: a batch-1 copy for stateful batches > 1."""
        if self.stateful and models.fixed_batch_size(model) != 1:
            return models.with_batch_size(model, 1)
        return model

    def resolved_batch_size(self, n_samples: int) -> int:
        return n_samples if self.batch_size is None else self.batch_size

    def build(self, vocab: data.Vocabulary, n_samples: int) -> keras.Model:
        """A fresh compiled model for this recipe."""
        shape = self.framing().sample_shape
        if self.stateful:
            bs = self.resolved_batch_size(n_samples)
            return models.stateful_lstm(bs, shape, self.units, len(vocab))
        return models.stateless_lstm(shape, self.units, len(vocab))


RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in [
        Recipe(
            name="one-char",
            notebook="01_one_char",
            title="Naive LSTM, one char to one char",
            window=1,
            layout="timesteps",
            units=32,
            epochs=500,
            batch_size=1,
            stateful=False,
            shuffle=True,
            claim=0.76,
            original_accuracy=0.84,
            original_units=32,
            reproduced=(0.84, 0.84, 0.92, 0.88),
        ),
        Recipe(
            name="feature-window",
            notebook="02_feature_window",
            title="Naive LSTM, three-char window as features",
            window=3,
            layout="features",
            units=32,
            epochs=500,
            batch_size=1,
            stateful=False,
            shuffle=True,
            claim=0.78,
            original_accuracy=0.8696,
            original_units=32,
            reproduced=(0.8696, 0.8261, 0.8696, 0.8696),
        ),
        Recipe(
            name="timestep-window",
            notebook="03_timestep_window",
            title="Naive LSTM, three-char window as time steps",
            window=3,
            layout="timesteps",
            units=32,
            epochs=500,
            batch_size=1,
            stateful=False,
            shuffle=True,
            claim=0.95,
            original_accuracy=1.0,
            original_units=32,
            reproduced=(0.9565, 0.9565, 1.0, 1.0),
        ),
        Recipe(
            name="batch-state",
            notebook="04_batch_state",
            title="'State within a batch': the whole set as one batch",
            window=1,
            layout="timesteps",
            units=16,
            epochs=5000,
            batch_size=None,
            stateful=False,
            shuffle=False,
            claim=1.0,
            original_accuracy=1.0,
            original_units=16,
            reproduced=(1.0, 1.0, 1.0, 1.0),
        ),
        Recipe(
            name="stateful",
            notebook="05_stateful",
            title="Stateful LSTM, one char at a time",
            window=1,
            layout="timesteps",
            units=16,
            epochs=300,
            batch_size=1,
            stateful=True,
            shuffle=False,
            claim=1.0,
            original_accuracy=1.0,
            original_units=50,
            reproduced=(1.0, 1.0, 0.72, 0.40),
        ),
        Recipe(
            name="variable-length",
            notebook="06_variable_length",
            title="Variable-length input, left-padded with a distinct value",
            window=5,
            layout="padded",
            units=32,
            epochs=3000,
            batch_size=8,
            stateful=False,
            shuffle=True,
            claim=0.989,
            original_accuracy=0.989,
            original_units=32,
            samples=1000,
            reproduced=(0.996, 0.984, 0.985, 0.762),
        ),
        Recipe(
            name="stateful-batched",
            notebook="07_stateful_batched",
            title="Stateful LSTM trained with batch size 5, predicting with batch size 1",
            window=1,
            layout="timesteps",
            units=32,
            epochs=500,
            batch_size=5,
            stateful=True,
            shuffle=False,
            claim=1.0,
            original_accuracy=None,
            original_units=None,
            streams="rotated",
        ),
    ]
}


def get(name: str) -> Recipe:
    """The recipe for chapter ``name``, or a ValueError listing the choices."""
    if name in RECIPES:
        return RECIPES[name]
    available = ", ".join(n for n in CHAPTERS if n in RECIPES)
    if name in CHAPTERS:
        raise ValueError(
            f"chapter {name!r} has no recipe yet; available: {available}"
        )
    raise ValueError(f"unknown chapter {name!r}; available: {available}")


def customise(
    recipe: Recipe,
    epochs: int | None = None,
    units: int | None = None,
    batch_size: int | None = None,
) -> Recipe:
    """A copy of ``recipe`` with some hyperparameters overridden."""
    changes = {
        k: v
        for k, v in (("epochs", epochs), ("units", units), ("batch_size", batch_size))
        if v is not None
    }
    for label, value in changes.items():
        check_int(label, value)
    return replace(recipe, **changes)


@dataclass
class Run:
    """The outcome of training one recipe on one seed."""

    recipe: Recipe
    seed: int
    vocab: data.Vocabulary
    model: keras.Model
    X: np.ndarray
    y: np.ndarray
    history: History

    @property
    def batch_size(self) -> int:
        return self.recipe.resolved_batch_size(len(self.X))

    def predictor(self) -> keras.Model:
        if not hasattr(self, "_predictor"):
            self._predictor = self.recipe.predictor(self.model)
        return self._predictor

    def accuracy(self) -> float:
        X, y = self.recipe.evaluation_data(self.vocab, self.seed)
        return evaluate.accuracy(self.predictor(), X, y)

    def rollout(self) -> str | None:
        return evaluate.rollout(self.predictor(), self.vocab, self.recipe.framing())

    def summary(self) -> dict:
        """The fields that ``python -m alphalstm train --json`` prints."""
        return {
            "chapter": self.recipe.name,
            "seed": self.seed,
            "alphabet": self.vocab.symbols,
            "units": self.recipe.units,
            "epochs": self.recipe.epochs,
            "batch_size": self.batch_size,
            "updates": self.history.updates,
            "accuracy": round(self.accuracy(), 6),
            "rollout": self.rollout(),
            "train_seconds": round(self.history.seconds, 3),
        }


def prepare(
    recipe: Recipe, seed: int = 7, alphabet: str = data.ALPHABET
) -> tuple[data.Vocabulary, np.ndarray, np.ndarray, keras.Model]:
    """Seed everything, build the data and a fresh model for ``recipe``."""
    vocab = data.Vocabulary(alphabet)
    X, y = recipe.training_data(vocab, seed)
    batch_size = recipe.resolved_batch_size(len(X))
    if recipe.stateful and len(X) % batch_size:
        raise ValueError(
            f"{len(X)} training pairs cannot be split into batches of {batch_size}"
        )
    set_seed(seed)
    return vocab, X, y, recipe.build(vocab, len(X))


def trainer(recipe: Recipe, model: keras.Model, X, y, seed: int = 7) -> FastTrainer:
    """The fast trainer set up with ``recipe``'s batch size and shuffling."""
    return FastTrainer(
        model,
        X,
        y,
        batch_size=recipe.resolved_batch_size(len(X)),
        shuffle=recipe.shuffle,
        seed=seed,
    )


def run(
    recipe: Recipe,
    seed: int = 7,
    alphabet: str = data.ALPHABET,
    progress: bool | None = None,
) -> Run:
    """Train ``recipe`` on ``seed`` with the fast trainer."""
    vocab, X, y, model = prepare(recipe, seed, alphabet)
    history = trainer(recipe, model, X, y, seed).fit(recipe.epochs, progress=progress)
    return Run(recipe, seed, vocab, model, X, y, history)


def run_original(recipe: Recipe, seed: int = 7, model: keras.Model | None = None) -> Run:
    """Train ``recipe`` as the original tutorial does, with Keras ``fit``.

    Stateful recipes use the fit-one-epoch-then-reset loop; the others one
    call to ``fit``. Pass ``model`` to start from given initial weights.
    """
    vocab, X, y, fresh = prepare(recipe, seed)
    model = model or fresh
    bs = recipe.resolved_batch_size(len(X))
    if recipe.stateful:
        history = textbook_fit(model, X, y, recipe.epochs, bs)
    else:
        start = time.perf_counter()
        logs = model.fit(
            X, y, epochs=recipe.epochs, batch_size=bs, shuffle=recipe.shuffle, verbose=0
        ).history
        history = History(
            loss=[float(v) for v in logs["loss"]],
            accuracy=[float(v) for v in logs["accuracy"]],
            updates=recipe.epochs * updates_per_epoch(len(X), bs),
            seconds=time.perf_counter() - start,
        )
    return Run(recipe, seed, vocab, model, X, y, history)
