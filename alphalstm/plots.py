"""Figures: training curves, the softmax as a heatmap, stored seeds, state maps.

Every figure is drawn in one style (:data:`STYLE`): text of at least 10 pt
at the size the book shows it, the colour-blind-safe Okabe-Ito palette
(:data:`COLORS`), and a legend wherever colour or a marker carries meaning.
Figures are at most 7 inches wide at 100 dpi, so the page never scales them
up and a phone scales them down by at most about half.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ._backend import keras
from .data import ContextFraming, Vocabulary
from .evaluate import probabilities
from .training import History

# Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
STYLE = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.dpi": 100,
    "axes.prop_cycle": plt.cycler(color=list(COLORS.values())),
}
MAX_WIDTH = 7.0  # inches


def _figure(width: float, height: float, **kwargs):
    """A new figure in the book's style (call inside ``plt.rc_context(STYLE)``)."""
    return plt.subplots(figsize=(min(width, MAX_WIDTH), height), **kwargs)


def training_curves(history: History, title: str = ""):
    """Loss and training accuracy per epoch, side by side. Returns the figure."""
    with plt.rc_context(STYLE):
        fig, (ax_loss, ax_acc) = _figure(7, 2.9, ncols=2)
        epochs = np.arange(1, history.epochs + 1)
        ax_loss.plot(epochs, history.loss, color=COLORS["blue"])
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("cross-entropy loss")
        ax_acc.plot(epochs, history.accuracy, color=COLORS["green"])
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

    In each row a white square outlines the right answer and an orange cross
    marks the most probable symbol (the prediction); the legend says so.
    Where the two coincide the prediction is right.
    """
    X, y = framing.dataset(vocab, text)
    probs = probabilities(model, X).reshape(len(X), -1)
    labels = framing.contexts(text)
    with plt.rc_context(STYLE):
        fig, ax = _figure(7, max(3.2, 0.24 * len(X) + 1.6))
        image = ax.imshow(probs, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
        ax.set_xticks(range(len(vocab)), list(vocab.symbols))
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("next symbol")
        ax.set_ylabel("input (context)")
        ax.scatter(
            np.argmax(y, axis=-1),
            range(len(X)),
            marker="s",
            s=70,
            facecolors="none",
            edgecolors="white",
            linewidths=1.4,
            label="right answer",
        )
        ax.scatter(
            np.argmax(probs, axis=-1),
            range(len(X)),
            marker="x",
            s=30,
            color=COLORS["orange"],
            linewidths=1.6,
            label="prediction (most probable)",
        )
        fig.colorbar(image, ax=ax, label="softmax probability", pad=0.02)
        # A grey ground, so that the white square of the key stays visible.
        ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=2,
            frameon=True,
            facecolor="#8c8c8c",
            edgecolor="none",
            framealpha=1.0,
            labelcolor="white",
            handletextpad=0.3,
        )
        if title:
            ax.set_title(title, pad=28)
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
    a labelled bound for the model's context; ``live`` the chapter's own run
    (seed, accuracy), drawn as a star.
    """
    with plt.rc_context(STYLE):
        fig, ax = _figure(7, 3.6)
        cal = [r for r in rows if r["seed"] in calibration]
        held = [r for r in rows if r["seed"] not in calibration]
        ax.scatter(
            [r["seed"] for r in cal],
            [r[key] for r in cal],
            facecolors="none",
            edgecolors=COLORS["blue"],
            zorder=3,
            label="calibration seeds (set the threshold)",
        )
        ax.scatter(
            [r["seed"] for r in held],
            [r[key] for r in held],
            color=COLORS["blue"],
            zorder=3,
            label="held-out seeds (verify it)",
        )
        ax.axhline(
            claim,
            color=COLORS["green"],
            linestyle="--",
            linewidth=1.2,
            label=f"threshold {claim:.2%}",
        )
        values = [r[key] for r in rows] + [claim]
        if reference is not None:
            ax.axhline(
                reference[1],
                color=COLORS["orange"],
                linestyle=":",
                linewidth=1.8,
                label=reference[0],
            )
            values.append(reference[1])
        if ceiling is not None:
            ax.axhline(
                ceiling[1],
                color=COLORS["vermillion"],
                linestyle="-.",
                linewidth=1.4,
                label=ceiling[0],
            )
            values.append(ceiling[1])
        seeds = sorted(r["seed"] for r in rows)
        ticks, labels = seeds[::3], [str(s) for s in seeds[::3]]
        if live is not None:
            x = seeds[-1] + 2
            ax.scatter(
                [x],
                [live[1]],
                marker="*",
                s=120,
                color=COLORS["purple"],
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
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=2, frameon=False
        )
        if title:
            ax.set_title(title)
        fig.tight_layout()
    return fig


def seeds_overview(
    groups: Sequence[tuple[str, list[dict], float | None]],
    calibration: tuple[int, ...],
    key: str = "accuracy",
    title: str = "",
):
    """Every recipe's stored seeds in one figure, one row per recipe.

    ``groups`` holds (label, stored rows, threshold or None). Calibration seeds
    are hollow circles, held-out seeds filled; a short vertical bar marks the
    threshold. Accuracy runs along the x axis, so labels stay horizontal.
    """
    with plt.rc_context(STYLE):
        fig, ax = _figure(7, 0.42 * len(groups) + 1.6)
        rng = np.random.default_rng(0)  # vertical jitter, so equal values stay visible
        for i, (_, rows, claim) in enumerate(groups):
            y = i + rng.uniform(-0.18, 0.18, len(rows))
            cal = np.array([r["seed"] in calibration for r in rows])
            x = np.array([r[key] for r in rows])
            ax.scatter(
                x[cal],
                y[cal],
                s=22,
                facecolors="none",
                edgecolors=COLORS["blue"],
                linewidths=1.0,
                label="calibration seed" if i == 0 else None,
            )
            ax.scatter(
                x[~cal],
                y[~cal],
                s=22,
                color=COLORS["blue"],
                alpha=0.8,
                label="held-out seed" if i == 0 else None,
            )
            if claim is not None:
                ax.plot(
                    [claim, claim],
                    [i - 0.32, i + 0.32],
                    color=COLORS["green"],
                    linewidth=2.2,
                    label="threshold" if i == 0 else None,
                )
        ax.set_yticks(range(len(groups)), [g[0] for g in groups])
        ax.invert_yaxis()
        ax.set_xlabel(key.replace("_", " "))
        ax.grid(axis="x", alpha=0.3)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 1.2 / (len(groups) + 4)),
            ncols=3,
            frameon=False,
        )
        if title:
            ax.set_title(title)
        fig.tight_layout()
    return fig


def _label_offsets(xy: np.ndarray, distance: float = 9.0) -> np.ndarray:
    """Offsets (in points) that push each label away from the path, sideways.

    Each label sits on the normal of the path at its point, on the outer side
    of the bend, so that labels along a curve do not sit on each other.
    """
    if len(xy) < 3:
        return np.tile([4.0, 4.0], (len(xy), 1))
    tangent = np.gradient(xy, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    norm = np.linalg.norm(normal, axis=1, keepdims=True)
    normal = np.divide(normal, norm, out=np.zeros_like(normal), where=norm > 0)
    outward = xy - xy.mean(axis=0)
    flip = np.sign(np.sum(normal * outward, axis=1, keepdims=True))
    flip[flip == 0] = 1.0
    return normal * flip * distance


def state_map(
    paths: dict[str, tuple[str, np.ndarray]],
    basis,
    title: str = "",
    unconnected: tuple[str, ...] = (),
):
    """Draw state trajectories projected on a 2-D PCA basis.

    ``paths`` maps a label to (the symbols fed, their states); ``basis`` is
    the (mean, axes, share) triple from :func:`alphalstm.evaluate.pca_basis`.
    Labels in ``unconnected`` are drawn as separate, unlabelled points, not a
    path. Symbol labels are pushed sideways off each path so they do not
    overlap along it.
    """
    mean, axes, share = basis
    colors = [COLORS["blue"], COLORS["vermillion"], COLORS["green"], COLORS["purple"]]
    markers = ["o", "s", "^", "D"]
    with plt.rc_context(STYLE):
        fig, ax = _figure(7, 5.2)
        for (label, (symbols, states)), color, marker in zip(
            paths.items(), colors, markers
        ):
            xy = (states - mean) @ axes.T
            style = marker if label in unconnected else "-" + marker
            ax.plot(
                xy[:, 0],
                xy[:, 1],
                style,
                color=color,
                markersize=4,
                linewidth=1.2,
                alpha=0.85,
                label=label,
            )
            if label in unconnected:
                continue
            for (x, y), s, off in zip(xy, symbols, _label_offsets(xy)):
                ax.annotate(
                    s,
                    (x, y),
                    fontsize=10,
                    color=color,
                    xytext=off,
                    textcoords="offset points",
                    ha="center",
                    va="center",
                )
        ax.set_xlabel(f"PC 1 ({share[0]:.0%} of variance)")
        ax.set_ylabel(f"PC 2 ({share[1]:.0%} of variance)")
        ax.grid(alpha=0.3)
        ax.margins(0.08)
        ax.legend(loc="best")
        if title:
            ax.set_title(title)
        fig.tight_layout()
    return fig
