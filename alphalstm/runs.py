"""Running a recipe: its data, a fresh model, training, and what to report.

``run(recipe, seed)`` is what ``python -m alphalstm train`` and every stored
sweep do; the notebooks do the same steps in plain sight and check that
their inline model is the one :func:`build` makes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import evaluate, models
from ._backend import keras
from .data import ContextFraming, Vocabulary, stream_order
from .recipes import FRESH_PIECES_OFFSET, Recipe
from .training import CompiledLoop, History, set_seed


def vocabulary(recipe: Recipe) -> Vocabulary:
    """The symbols of the recipe's text."""
    return Vocabulary.of(recipe.text)


def training_data(
    recipe: Recipe, vocab: Vocabulary, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """X and y in the order training feeds them (stateful batches: as streams)."""
    if recipe.pieces is not None:
        return recipe.framing.samples(vocab, recipe.pieces.draw(recipe.text, seed))
    X, y = recipe.framing.dataset(vocab, recipe.text)
    if recipe.stateful and recipe.resolved_batch_size(len(X)) > 1:
        order = stream_order(len(X), recipe.resolved_batch_size(len(X)), recipe.streams)
        X, y = X[order], y[order]
    return X, y


def prediction_framing(recipe: Recipe) -> ContextFraming:
    """How the trained model is asked for the next symbol.

    Models trained on chunks of T steps predict one symbol at a time, with
    the state carried, like chapter 5's model.
    """
    return recipe.framing.for_prediction()


def evaluation_data(
    recipe: Recipe, vocab: Vocabulary, seed: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """What accuracy is measured on, and the context of each sample.

    Pieces: fresh draws from the same generator with another seed. Otherwise
    every (context -> next) pair of the text, in order (for a stateful model:
    one pass from a zero state).
    """
    if recipe.pieces is not None:
        fresh = recipe.pieces.draw(recipe.text, FRESH_PIECES_OFFSET + seed)
        X, y = recipe.framing.samples(vocab, fresh)
        return X, y, [p for p, _ in fresh]
    framing = prediction_framing(recipe)
    X, y = framing.dataset(vocab, recipe.text)
    return X, y, framing.contexts(recipe.text)


def build(recipe: Recipe, vocab: Vocabulary, n_samples: int) -> keras.Model:
    """A fresh compiled model for ``recipe`` (weights from the current seed)."""
    shape = recipe.framing.sample_shape(vocab)
    if recipe.stateful:
        return models.stateful_lstm(
            recipe.resolved_batch_size(n_samples),
            shape,
            recipe.units,
            len(vocab),
            return_sequences=recipe.framing.return_sequences,
            recurrent_activation=recipe.recurrent_activation,
            adam_epsilon=recipe.adam_epsilon,
        )
    return models.stateless_lstm(
        shape,
        recipe.units,
        len(vocab),
        recurrent_activation=recipe.recurrent_activation,
        adam_epsilon=recipe.adam_epsilon,
    )


def predictor(recipe: Recipe, model: keras.Model) -> keras.Model:
    """The model used to predict: a batch-1, one-step copy where training used more."""
    if not recipe.stateful:
        return model
    one_step = model.inputs[0].shape[1] == 1 and not recipe.framing.return_sequences
    if models.fixed_batch_size(model) != 1 or not one_step:
        return models.stepper(model)
    return model


def loop(recipe: Recipe, model: keras.Model, X, y, seed: int) -> CompiledLoop:
    """The compiled loop set up with ``recipe``'s batch size, shuffling and resets."""
    return CompiledLoop(
        model,
        X,
        y,
        batch_size=recipe.resolved_batch_size(len(X)),
        shuffle=recipe.shuffle,
        reset_each_epoch=recipe.stateful,
        seed=seed,
    )


@dataclass
class Run:
    """The outcome of training one recipe on one seed."""

    recipe: Recipe
    seed: int
    vocab: Vocabulary
    model: keras.Model
    X: np.ndarray
    y: np.ndarray
    history: History
    original: bool = False
    started: float = 0.0

    def __post_init__(self) -> None:
        self._predictor = None

    def predictor(self) -> keras.Model:
        if self._predictor is None:
            self._predictor = predictor(self.recipe, self.model)
        return self._predictor

    def evaluation(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        return evaluation_data(self.recipe, self.vocab, self.seed)

    def predictions(self) -> str:
        """The predicted symbol for every evaluation sample, in order."""
        X, _, _ = self.evaluation()
        return self.vocab.decode(
            evaluate.predict_indices(self.predictor(), X).reshape(-1)
        )

    def accuracy(self) -> float:
        X, y, _ = self.evaluation()
        return evaluate.accuracy(self.predictor(), X, y)

    def train_accuracy(self) -> float:
        """Accuracy on the training samples, fed as in training, after training."""
        return evaluate.accuracy(self.model, self.X, self.y)

    def rollout(self) -> str:
        """The model's continuation of the text's first symbols, as long as the text."""
        framing = prediction_framing(self.recipe)
        text = self.recipe.text
        return evaluate.rollout(
            self.predictor(),
            self.vocab,
            framing,
            text[: framing.min_context],
            len(text),
        )

    def from_zero(self) -> str | None:
        """Stateful models: the answer to each symbol fed alone from a zero state."""
        framing = prediction_framing(self.recipe)
        if not self.recipe.stateful or framing.min_context != 1:
            return None
        return evaluate.from_zero(self.predictor(), self.vocab, framing)

    def summary(self) -> dict:
        """The fields that ``python -m alphalstm train --json`` prints."""
        X_eval, _, _ = self.evaluation()
        rollout = self.rollout()
        return {
            **self.recipe.describe(),
            "original": self.original,
            "seed": self.seed,
            "n_train": len(self.X),
            "n_eval": int(np.prod(np.asarray(X_eval).shape[:1])),
            "updates": self.history.updates,
            "accuracy": round(self.accuracy(), 6),
            "train_accuracy": round(self.train_accuracy(), 6),
            "predicted": self.predictions(),
            "rollout": rollout,
            "rollout_ok": rollout == self.recipe.text,
            "from_zero": self.from_zero(),
            "first_perfect_epoch": self.history.first_perfect_epoch(),
            "final_loss": round(self.history.loss[-1], 6),
            "train_seconds": round(self.history.seconds, 3),
            "started": round(self.started, 3),
            "finished": round(time.time(), 3),
        }


def prepare(
    recipe: Recipe, seed: int
) -> tuple[Vocabulary, np.ndarray, np.ndarray, keras.Model]:
    """Seed everything, then build the data and a fresh model for ``recipe``."""
    vocab = vocabulary(recipe)
    X, y = training_data(recipe, vocab, seed)
    set_seed(seed)
    return vocab, X, y, build(recipe, vocab, len(X))


def run(
    recipe: Recipe, seed: int, original: bool = False, progress: bool | None = None
) -> Run:
    """Train ``recipe`` on ``seed`` with the compiled loop."""
    started = time.time()
    vocab, X, y, model = prepare(recipe, seed)
    history = loop(recipe, model, X, y, seed).fit(recipe.epochs, progress=progress)
    return Run(recipe, seed, vocab, model, X, y, history, original, started)
