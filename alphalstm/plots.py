"""Figures: training curves and the softmax output as a heatmap."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np

from .data import Framing, Vocabulary
from .evaluate import probabilities
from .training import History


def training_curves(history: History, title: str = "", original_epochs: int | None = None):
    """Loss and training accuracy per epoch, side by side. Returns the figure."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 2.8), dpi=100)
    epochs = np.arange(1, history.epochs + 1)
    ax_loss.plot(epochs, history.loss, color="tab:blue")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_acc.plot(epochs, history.accuracy, color="tab:green")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("training accuracy")
    ax_acc.set_ylim(-0.02, 1.02)
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        if original_epochs:
            ax.axvline(original_epochs, color="grey", linestyle=":", linewidth=1)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def softmax_heatmap(
    model: keras.Model, vocab: Vocabulary, framing: Framing, title: str = ""
):
    """The predicted distribution for every training input, one row each."""
    X, y = framing.dataset(vocab)
    probs = probabilities(model, X)
    k = framing.window
    labels = [vocab.symbols[i : i + k] for i in range(len(X))]
    fig, ax = plt.subplots(figsize=(6.5, 5.5), dpi=100)
    image = ax.imshow(probs, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(vocab)), list(vocab.symbols), fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted next symbol")
    ax.set_ylabel("input")
    # Mark the correct answer of each row.
    ax.scatter(np.argmax(y, axis=-1), range(len(X)), marker="s", s=30,
               facecolors="none", edgecolors="white", linewidths=0.8)
    fig.colorbar(image, ax=ax, label="softmax probability")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
