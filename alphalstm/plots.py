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


def seed_accuracies(rows: list[dict], claim: float, original: float | None = None,
                    title: str = ""):
    """Accuracy of each seed of a stored sweep, with the claim and the original's number."""
    seeds = [r["seed"] for r in rows]
    accs = [r["accuracy"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=100)
    colors = ["tab:green" if a >= claim else "tab:red" for a in accs]
    ax.scatter(seeds, accs, c=colors, zorder=3, label="this book, one run per seed")
    ax.axhline(claim, color="tab:green", linestyle="--", linewidth=1,
               label=f"checked threshold {claim:.2f}")
    if original is not None:
        ax.axhline(original, color="tab:orange", linestyle=":", linewidth=1.5,
                   label=f"original tutorial {original:.2%}")
    ax.set_xticks(seeds)
    ax.set_xlabel("seed")
    ax.set_ylabel("accuracy")
    low = min(accs + [claim] + ([original] if original is not None else []))
    ax.set_ylim(max(0.0, low - 0.08), 1.03)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def state_map(paths: dict[str, tuple[str, np.ndarray]], basis, title: str = "",
              unconnected: tuple[str, ...] = ()):
    """Draw state trajectories projected on a 2-D PCA basis.

    ``paths`` maps a label to (the symbols fed, their states); ``basis`` is
    the (mean, axes, share) triple from :func:`alphalstm.evaluate.pca_basis`.
    Labels in ``unconnected`` are drawn as separate points, not a path.
    """
    mean, axes, share = basis
    fig, ax = plt.subplots(figsize=(6.5, 4.8), dpi=100)
    colors = ["tab:blue", "tab:red", "tab:green", "tab:purple"]
    for (label, (symbols, states)), color in zip(paths.items(), colors):
        xy = (states - mean) @ axes.T
        style = "o" if label in unconnected else "-o"
        ax.plot(xy[:, 0], xy[:, 1], style, color=color, markersize=3, linewidth=1,
                alpha=0.8, label=label)
        for (x, y), s in zip(xy, symbols):
            ax.annotate(s, (x, y), fontsize=8, color=color,
                        xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(f"PC 1 ({share[0]:.0%} of variance)")
    ax.set_ylabel(f"PC 2 ({share[1]:.0%} of variance)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
