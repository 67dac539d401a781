"""Figures: training curves, the softmax as a heatmap, seeds, state maps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._backend import keras
from .data import ContextFraming, Vocabulary
from .evaluate import probabilities
from .training import History


def training_curves(history: History, title: str = ""):
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
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def softmax_heatmap(
    model: keras.Model,
    vocab: Vocabulary,
    framing: ContextFraming,
    text: str,
    title: str = "",
):
    """The predicted distribution for every context of ``text``, one row each.

    The outlined square in each row marks the right answer, the red dot the
    most probable one (the prediction).
    """
    X, y = framing.dataset(vocab, text)
    probs = probabilities(model, X).reshape(len(X), -1)
    labels = framing.contexts(text)
    fig, ax = plt.subplots(figsize=(6.5, max(3.0, 0.21 * len(X) + 1.0)), dpi=100)
    image = ax.imshow(probs, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(vocab)), list(vocab.symbols), fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted next symbol")
    ax.set_ylabel("input (context)")
    ax.scatter(
        np.argmax(y, axis=-1),
        range(len(X)),
        marker="s",
        s=30,
        facecolors="none",
        edgecolors="white",
        linewidths=0.8,
    )
    ax.scatter(
        np.argmax(probs, axis=-1), range(len(X)), marker="o", s=8, color="tab:red"
    )
    fig.colorbar(image, ax=ax, label="softmax probability")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def seed_accuracies(
    rows: list[dict],
    claim: float,
    calibration: tuple[int, ...],
    reference: tuple[str, float] | None = None,
    ceiling: tuple[str, float] | None = None,
    live: tuple[int, float] | None = None,
    title: str = "",
    key: str = "accuracy",
):
    """One dot per stored seed: calibration seeds hollow, held-out seeds filled.

    ``claim`` is the threshold set from the calibration seeds; ``reference``
    a labelled number to compare with (the original tutorial's); ``ceiling``
    a labelled bound no model of this kind can beat; ``live`` the chapter's
    own run (seed, accuracy), drawn as a star.
    """
    fig, ax = plt.subplots(figsize=(8, 2.8), dpi=100)
    cal = [r for r in rows if r["seed"] in calibration]
    held = [r for r in rows if r["seed"] not in calibration]
    ax.scatter(
        [r["seed"] for r in cal],
        [r[key] for r in cal],
        facecolors="none",
        edgecolors="tab:blue",
        zorder=3,
        label="calibration seeds (set the threshold)",
    )
    ax.scatter(
        [r["seed"] for r in held],
        [r[key] for r in held],
        color="tab:blue",
        zorder=3,
        label="held-out seeds (verify it)",
    )
    ax.axhline(
        claim,
        color="tab:green",
        linestyle="--",
        linewidth=1,
        label=f"threshold {claim:.2%}",
    )
    values = [r[key] for r in rows] + [claim]
    if reference is not None:
        ax.axhline(
            reference[1],
            color="tab:orange",
            linestyle=":",
            linewidth=1.5,
            label=reference[0],
        )
        values.append(reference[1])
    if ceiling is not None:
        ax.axhline(
            ceiling[1], color="tab:red", linestyle="-.", linewidth=1.2, label=ceiling[0]
        )
        values.append(ceiling[1])
    seeds = sorted(r["seed"] for r in rows)
    ticks, labels = seeds[::2], [str(s) for s in seeds[::2]]
    if live is not None:
        x = seeds[-1] + 2
        ax.scatter(
            [x],
            [live[1]],
            marker="*",
            s=90,
            color="tab:purple",
            zorder=4,
            label=f"this page's run (seed {live[0]})",
        )
        values.append(live[1])
        ticks, labels = ticks + [x], labels + [str(live[0])]
    ax.set_xticks(ticks, labels)
    ax.set_xlabel("seed")
    ax.set_ylabel(key.replace("_", " "))
    ax.set_ylim(max(0.0, min(values) - 0.08), 1.03)
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def state_map(
    paths: dict[str, tuple[str, np.ndarray]],
    basis,
    title: str = "",
    unconnected: tuple[str, ...] = (),
):
    """Draw state trajectories projected on a 2-D PCA basis.

    ``paths`` maps a label to (the symbols fed, their states); ``basis`` is
    the (mean, axes, share) triple from :func:`alphalstm.evaluate.pca_basis`.
    Labels in ``unconnected`` are drawn as separate, unlabelled points, not a path.
    """
    mean, axes, share = basis
    fig, ax = plt.subplots(figsize=(6.5, 4.8), dpi=100)
    colors = ["tab:blue", "tab:red", "tab:green", "tab:purple"]
    for (label, (symbols, states)), color in zip(paths.items(), colors):
        xy = (states - mean) @ axes.T
        style = "o" if label in unconnected else "-o"
        ax.plot(
            xy[:, 0],
            xy[:, 1],
            style,
            color=color,
            markersize=3,
            linewidth=1,
            alpha=0.8,
            label=label,
        )
        if label in unconnected:
            continue
        for (x, y), s in zip(xy, symbols):
            ax.annotate(
                s,
                (x, y),
                fontsize=8,
                color=color,
                xytext=(3, 3),
                textcoords="offset points",
            )
    ax.set_xlabel(f"PC 1 ({share[0]:.0%} of variance)")
    ax.set_ylabel(f"PC 2 ({share[1]:.0%} of variance)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
