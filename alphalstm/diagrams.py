"""Diagrams of samples, batches and the LSTM state that flows between them.

One drawing style for every chapter, computed from the same code that lays
out the data, so a figure cannot drift from what it shows:

* columns are successive batches (time goes right), rows are the rows of a
  batch (row *i*); each box is labelled with what that sample feeds and,
  optionally, its target(s) beneath in grey;
* a solid blue arrow from row *i* to row *i* of the next batch: the state
  carried by a stateful layer; a circled 0 entering a box: a stateless layer,
  whose every sample starts from a zero state;
* a black bar labelled "reset": the state set to 0 before that column;
* a dashed vermillion line at a batch boundary: backpropagation stops there
  (the state's value crosses, its gradient does not);
* a "…" column elides the middle of a long sequence.

:func:`samples_and_state` draws the general picture; the builders
(:func:`stateful_one_per_sample`, :func:`stateless_windows`,
:func:`stream_layout`, :func:`chunks_with_truncation`, :func:`long_series`)
return ``(figure, description)``, the description being a short text
alternative for the page. :func:`to_svg` turns a figure into SVG text.

The figures are sized for a page: at most 7 inches wide at 100 dpi, no wider
than 2.6 times their height, with no text under 11 pt, so that shrunk to a
phone's 390 pixels the smallest text is still about 6 pt. Colours are from
the Okabe-Ito palette (safe for colour-blind readers) and every colour or
line style that means something is named in a legend or by a direct label.

Every artist that stands for something has a ``gid`` (``label-r{i}-c{j}``,
``state-arrow-r{i}-c{j}``, ``reset-c{j}``, ``gradient-cut-c{j}``, ...), which
the tests read back and which SVG output keeps as element ids. This module
uses matplotlib and NumPy only (no TensorFlow) and never chooses a backend.
"""

from __future__ import annotations

import functools
import html
import io
import re
import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from types import EllipsisType

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.text import Text
from matplotlib.textpath import text_to_path

from . import data
from .errors import InputError, check_int

__all__ = [
    "ELLIPSIS",
    "MAX_ASPECT",
    "MAX_WIDTH",
    "MIN_FONT_SIZE",
    "chunks_with_truncation",
    "long_series",
    "samples_and_state",
    "stateful_one_per_sample",
    "stateless_windows",
    "stream_layout",
    "to_svg",
]

Column = Sequence[str] | EllipsisType
"""One column of a diagram: a batch (its rows' labels) or ``...`` (elided)."""

# ---- style -------------------------------------------------------------------

# Okabe & Ito, "Color Universal Design" (2008): distinguishable with any
# common form of colour blindness.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"

STATE_COLOR = BLUE  # the carried state
CUT_COLOR = VERMILLION  # where backpropagation stops
ZERO_COLOR = "#333333"  # a zero state entering a sample
LINK_COLOR = "#333333"  # step to step inside a sample
TARGET_COLOR = "#595959"  # 7:1 contrast on white
BOX_FILL = "#EDEDED"
BOX_EDGE = "#404040"
HIGHLIGHT_EDGE = "#9A6A00"  # a dark orange: the highlighted row's outline
STREAM_COLORS = (ORANGE, SKY_BLUE, GREEN, YELLOW, PURPLE)

ELLIPSIS = "…"
MIN_FONT_SIZE = 11.0  # points, at 100 dpi and at most MAX_WIDTH inches wide
MAX_WIDTH = 7.0  # inches
MAX_ASPECT = 2.6  # width / height
DPI = 100

_SIZE = {
    "label": 15.0,  # a box's label, one symbol
    "label_long": 14.0,  # a box's label, several symbols
    "step": 14.0,  # one time step inside a sample
    "target": 13.0,
    "header": 12.0,
    "gutter": 12.0,
    "title": 13.0,
    "ellipsis": 16.0,
    "small": MIN_FONT_SIZE,  # legend, "reset", the 0 of a zero state
}

# Geometry, in inches (the axes' data units are inches).
_MARGIN = 0.12
_GAP = 0.42  # between two columns, and before the first one
_BOX_H = 0.44
_BOX_PAD = 0.22  # horizontal room around a box's label
_MIN_BOX_W = 0.44
_STEP_W = 0.27  # one time step inside a sample
_STEP_H = 0.32
_STEP_LINK = 0.11  # the arrow between two steps
_STEP_PAD = 0.06  # between a sample's outline and its steps
_ELLIPSIS_W = 0.32
_TARGET_H = 0.3
_ROW_GAP = 0.16
_HEADER_H = 0.34
_TITLE_LINE = 0.27
_RESET_LABEL_H = 0.3
_LEGEND_LINE = 0.25
_LEGEND_HANDLE = 0.5  # handle and the pad after it, at the legend's font size
_BAND_H = 0.95  # long_series: the series bar, its labels and ticks


@functools.lru_cache(maxsize=1024)
def _text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` points, in inches (from the font's
    metrics, as the renderer lays it out)."""
    if not text:
        return 0.0
    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72.0


def _tint(color: str, amount: float = 0.45) -> tuple[float, float, float]:
    """``color`` mixed with white: ``amount`` of the colour."""
    rgb = np.array(to_rgb(color))
    return tuple(float(c) for c in 1.0 - amount * (1.0 - rgb))


# ---- legend keys ---------------------------------------------------------------


@dataclass(frozen=True)
class _ArrowKey:
    """A legend entry drawn as an arrow."""

    color: str
    width: float = 1.8


@dataclass(frozen=True)
class _ZeroKey:
    """A legend entry drawn as the circled 0 of a zero state."""


class _ArrowHandler(HandlerBase):
    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        y = height / 2 - ydescent
        arrow = FancyArrowPatch(
            (-xdescent, y),
            (width - xdescent, y),
            arrowstyle="-|>",
            mutation_scale=14,
            color=orig_handle.color,
            linewidth=orig_handle.width,
            shrinkA=0,
            shrinkB=0,
            transform=trans,
        )
        return [arrow]


class _ZeroHandler(HandlerBase):
    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        x, y = width / 2 - xdescent, height / 2 - ydescent
        r = 0.75 * fontsize
        circle = Circle(
            (x, y), r, facecolor="white", edgecolor=ZERO_COLOR, lw=1.3, transform=trans
        )
        zero = Text(
            x,
            y,
            "0",
            ha="center",
            va="center",
            fontsize=_SIZE["small"],
            color=ZERO_COLOR,
            transform=trans,
        )
        return [circle, zero]


_HANDLERS = {_ArrowKey: _ArrowHandler(), _ZeroKey: _ZeroHandler()}


# ---- checks --------------------------------------------------------------------


def _check_columns(name: str, columns) -> tuple[int, list[bool]]:
    """Check a list of columns; return (rows, which columns are ``...``)."""
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise InputError(
            f"{name} must be a list of batches (each a list of row labels), "
            f"got {columns!r}"
        )
    if len(columns) == 0:
        raise InputError(
            f"{name} is empty: need at least one batch (a list of row labels)"
        )
    elided = [c is Ellipsis for c in columns]
    if elided[0] or elided[-1]:
        raise InputError(
            f"{name}: an ellipsis (...) must sit between two batches, not first or last"
        )
    if any(a and b for a, b in zip(elided, elided[1:])):
        raise InputError(f"{name}: two ellipses (...) in a row; use one")
    rows = None
    for j, column in enumerate(columns):
        if elided[j]:
            continue
        if isinstance(column, str) or not isinstance(column, Sequence):
            raise InputError(
                f"{name}[{j}] must be a list of row labels (strings) or ..., "
                f"got {column!r}"
            )
        if len(column) == 0:
            raise InputError(f"{name}[{j}] is an empty batch: it needs 1+ rows")
        for i, label in enumerate(column):
            if not isinstance(label, str) or not label:
                raise InputError(
                    f"{name}[{j}][{i}] must be a non-empty string, got {label!r}"
                )
        if rows is None:
            rows, first = len(column), j
        elif len(column) != rows:
            raise InputError(
                f"ragged {name}: column {first} has {rows} rows but column {j} "
                f"has {len(column)}; every batch needs the same number of rows"
            )
    return rows, elided


def _check_labels(name: str, labels, count: int, what: str) -> list[str]:
    labels = list(labels)
    if len(labels) != count or not all(isinstance(s, str) for s in labels):
        raise InputError(
            f"{name} must be {count} string(s), one per {what}; got {labels!r}"
        )
    return labels


def _elide(n: int, shown: int) -> list[int | None]:
    """Indices of the items to draw out of ``n``: all of them if they fit in
    ``shown``, else the first ``shown - 1``, None (for "…"), and the last."""
    check_int("shown", shown, minimum=2)
    if n <= shown:
        return list(range(n))
    return [*range(shown - 1), None, n - 1]


# ---- layout --------------------------------------------------------------------


@dataclass
class _Layout:
    """Where everything goes, in inches from the bottom left."""

    width: float
    height: float
    gutter_x: float  # left edge of the row labels
    left: list[float]  # each column's left edge
    widths: list[float]
    header_y: float  # centre line of the column numbers
    box_top: list[float]  # each row's box top
    grid_top: float
    grid_bottom: float
    reset_label_y: float
    legend_top: float
    band_top: float  # top of the extra band (long_series), if any
    title_top: float

    def center(self, j: int) -> float:
        return self.left[j] + self.widths[j] / 2

    def right(self, j: int) -> float:
        return self.left[j] + self.widths[j]

    def box_y(self, i: int) -> float:
        """The centre line of row ``i``'s boxes."""
        return self.box_top[i] - _BOX_H / 2

    def target_y(self, i: int) -> float:
        return self.box_top[i] - _BOX_H - _TARGET_H / 2


def _column_width(
    labels: Sequence[str],
    targets: Sequence[str] | None,
    header: str,
    show_steps: bool,
) -> float:
    if show_steps:
        steps = max(len(s) for s in labels)
        width = steps * _STEP_W + (steps - 1) * _STEP_LINK + 2 * _STEP_PAD
    else:
        size = max(_label_size(s) for s in labels)
        width = max(_text_width(s, size) for s in labels) + _BOX_PAD
        if targets is not None:
            width = max(
                width, max(_text_width(t, _SIZE["target"]) for t in targets) + 0.1
            )
    width = max(width, _text_width(header, _SIZE["header"]) + 0.08)
    return max(width, _MIN_BOX_W)


def _label_size(label: str) -> float:
    return _SIZE["label"] if len(label) == 1 else _SIZE["label_long"]


def _wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` inches at ``size`` points."""
    for chars in range(max(len(text), 1), 0, -1):
        lines = textwrap.wrap(text, chars) or [""]
        if all(_text_width(line, size) <= width for line in lines):
            return lines
    return textwrap.wrap(text, 1)


# ---- the core picture ----------------------------------------------------------


def samples_and_state(
    batches: Sequence[Column],
    *,
    stateful: bool = True,
    reset_before: Collection[int] = (),
    gradient_cut: bool = False,
    targets: Sequence[Column] | None = None,
    show_steps: bool = False,
    highlight_row: int | None = None,
    row_colors: Sequence[str] | None = None,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
    column_title: str = "batch",
    title: str = "",
    band_height: float = 0.0,
) -> Figure:
    """Draw samples as boxes, batch after batch, and the state between them.

    Args:
        batches: one entry per column (time goes right): the labels of the
            batch's rows (row ``i`` is drawn in row ``i``), or ``...`` for a
            "…" column that elides the middle of a long sequence.
        stateful: True: a solid arrow carries the state from row ``i`` of a
            column to row ``i`` of the next (except across a reset). False:
            no arrows, a circled 0 enters every box (a zero state).
        reset_before: column indices before which the state is reset to 0
            (a bar labelled "reset"); stateful only.
        gradient_cut: mark every boundary between two columns as the place
            where backpropagation stops (a dashed line, with a legend entry).
        targets: the target(s) of each box, same shape as ``batches``, drawn
            beneath in grey; None draws none. With ``show_steps`` a target
            has one symbol per step, or one symbol (drawn under the last step).
        show_steps: draw each character of a label as one time step, a small
            box, linked to the next step by an arrow (state and gradient flow
            inside a sample).
        highlight_row: a row to follow (filled orange, with a legend entry).
        row_colors: one fill colour per row (named by the row labels).
        row_labels: one per row; default "row 0", "row 1", ... (or "input"
            for a single row with targets).
        column_labels: one per column, drawn above it; default 1, 2, ...
            for batches and "…" for an ellipsis.
        column_title: what a column is, written before the column labels.
        title: drawn above everything when given.
        band_height: inches of empty room kept above the column labels, for
            a caller that draws more there (see :func:`long_series`).

    Returns:
        The figure (at most 7 inches wide, 100 dpi). Raises
        :class:`~alphalstm.errors.InputError` for input it cannot draw,
        including more columns than fit legibly in 7 inches.
    """
    fig, _, _ = _draw(
        batches,
        stateful=stateful,
        reset_before=reset_before,
        gradient_cut=gradient_cut,
        targets=targets,
        show_steps=show_steps,
        highlight_row=highlight_row,
        row_colors=row_colors,
        row_labels=row_labels,
        column_labels=column_labels,
        column_title=column_title,
        title=title,
        band_height=band_height,
    )
    return fig


def _draw(
    batches,
    *,
    stateful,
    reset_before,
    gradient_cut,
    targets,
    show_steps,
    highlight_row,
    row_colors,
    row_labels,
    column_labels,
    column_title,
    title,
    band_height,
):
    """:func:`samples_and_state`, also returning the axes and the layout."""
    n_rows, elided = _check_columns("batches", batches)
    n_cols = len(batches)
    if targets is not None:
        t_rows, t_elided = _check_columns("targets", targets)
        if len(targets) != n_cols or t_elided != elided or t_rows != n_rows:
            raise InputError(
                "targets must have the shape of batches: the same columns, "
                "ellipses and rows"
            )
        if show_steps:
            for j in range(n_cols):
                if elided[j]:
                    continue
                for i in range(n_rows):
                    if len(targets[j][i]) not in (1, len(batches[j][i])):
                        raise InputError(
                            f"with show_steps, targets[{j}][{i}] "
                            f"({targets[j][i]!r}) needs one symbol per step "
                            f"of {batches[j][i]!r}, or one for the last step"
                        )
    if not isinstance(stateful, bool):
        raise InputError(f"stateful must be True or False, got {stateful!r}")
    resets = set()
    for j in reset_before:
        if not isinstance(j, int) or isinstance(j, bool) or not 0 <= j < n_cols:
            raise InputError(
                f"reset index {j!r} is out of range: columns are 0..{n_cols - 1}"
            )
        resets.add(j)
    if resets and not stateful:
        raise InputError(
            "reset_before needs stateful=True: a stateless layer starts every "
            "sample from 0, there is nothing to reset"
        )
    if highlight_row is not None and (
        not isinstance(highlight_row, int)
        or isinstance(highlight_row, bool)
        or not 0 <= highlight_row < n_rows
    ):
        raise InputError(
            f"highlight_row must be a row index 0..{n_rows - 1}, got {highlight_row!r}"
        )
    if row_colors is not None:
        row_colors = _check_labels("row_colors", row_colors, n_rows, "row")
    if row_labels is None:
        if n_rows == 1:
            row_labels = ["input" if targets is not None else ""]
        else:
            row_labels = [f"row {i}" for i in range(n_rows)]
    row_labels = _check_labels("row_labels", row_labels, n_rows, "row")
    if column_labels is None:
        column_labels, k = [], 0
        for e in elided:
            k += not e
            column_labels.append(ELLIPSIS if e else str(k))
    column_labels = _check_labels("column_labels", column_labels, n_cols, "column")
    if not isinstance(band_height, int | float) or band_height < 0:
        raise InputError(f"band_height must be >= 0 inches, got {band_height!r}")

    # -- legend entries, in the order they are explained
    legend: list[tuple[object, str]] = []
    if highlight_row is not None:
        legend.append(
            (
                Patch(facecolor=_tint(ORANGE), edgecolor=HIGHLIGHT_EDGE, linewidth=2),
                f"{row_labels[highlight_row]}: the stream followed",
            )
        )
    if stateful and n_cols > 1 and len(resets - {0}) < n_cols - 1:
        what = (
            f"next {column_title}" if n_rows == 1 else f"same row, next {column_title}"
        )
        legend.append((_ArrowKey(STATE_COLOR), f"state carried to the {what}"))
    if not stateful:
        legend.append((_ZeroKey(), "state starts at 0 for every sample"))
    if show_steps:
        legend.append(
            (
                _ArrowKey(LINK_COLOR, 1.3),
                "inside a sample: state and gradient flow step to step",
            )
        )
    if gradient_cut and n_cols > 1:
        legend.append(
            (
                Line2D([], [], color=CUT_COLOR, linestyle=(0, (4, 2.5)), lw=2.2),
                "backpropagation stops at each batch boundary",
            )
        )

    # -- widths
    gutter_labels = [*row_labels, column_title]
    if targets is not None:
        gutter_labels.append("target")
    gutter = max(_text_width(s, _SIZE["gutter"], bold=True) for s in gutter_labels)
    gutter += 0.12 if gutter else 0.0
    widths = []
    for j in range(n_cols):
        if elided[j]:
            widths.append(_ELLIPSIS_W)
        else:
            widths.append(
                _column_width(
                    batches[j],
                    None if targets is None else targets[j],
                    column_labels[j],
                    show_steps,
                )
            )
    left, x = [], _MARGIN + gutter
    for w in widths:
        x += _GAP
        left.append(x)
        x += w
    content_w = x + _MARGIN
    legend_w = max(
        (_LEGEND_HANDLE + _text_width(s, _SIZE["small"]) for _, s in legend),
        default=0.0,
    )
    width = max(content_w, legend_w + 2 * _MARGIN)
    if width > MAX_WIDTH + 1e-9:
        raise InputError(
            f"{n_cols} columns need {width:.1f} inches, more than the "
            f"{MAX_WIDTH:g} that stay legible on a phone; show fewer columns "
            "(elide the middle with ...) or shorter labels"
        )
    # centre the grid if the legend made the figure wider
    shift = (width - content_w) / 2
    left = [v + shift for v in left]

    # -- heights, top down
    title_lines = _wrap(title, _SIZE["title"], width - 2 * _MARGIN) if title else []
    row_pitch = _BOX_H + (_TARGET_H if targets is not None else 0.0) + _ROW_GAP
    below = 0.0
    below += _RESET_LABEL_H if resets else 0.06
    below += len(legend) * _LEGEND_LINE + (0.08 if legend else 0.0)
    height = (
        _MARGIN
        + len(title_lines) * _TITLE_LINE
        + band_height
        + _HEADER_H
        + n_rows * row_pitch
        - _ROW_GAP
        + below
        + _MARGIN
    )
    pad = max(0.0, width / MAX_ASPECT - height) / 2  # keep width:height <= 2.6
    height += 2 * pad
    y = height - _MARGIN - pad
    title_top = y
    y -= len(title_lines) * _TITLE_LINE
    band_top = y
    y -= band_height
    header_y = y - _HEADER_H / 2
    y -= _HEADER_H
    grid_top = y
    box_top = [grid_top - i * row_pitch for i in range(n_rows)]
    grid_bottom = box_top[-1] - row_pitch + _ROW_GAP
    reset_label_y = grid_bottom - _RESET_LABEL_H / 2
    legend_top = grid_bottom - (_RESET_LABEL_H if resets else 0.06) - 0.04
    lay = _Layout(
        width=width,
        height=height,
        gutter_x=_MARGIN + shift,
        left=left,
        widths=widths,
        header_y=header_y,
        box_top=box_top,
        grid_top=grid_top,
        grid_bottom=grid_bottom,
        reset_label_y=reset_label_y,
        legend_top=legend_top,
        band_top=band_top,
        title_top=title_top,
    )

    fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()

    # -- title, header, gutter
    for k, line in enumerate(title_lines):
        ax.text(
            width / 2,
            title_top - (k + 0.5) * _TITLE_LINE,
            line,
            ha="center",
            va="center",
            fontsize=_SIZE["title"],
            fontweight="bold",
            gid=f"title-{k}",
        )
    ax.text(
        lay.gutter_x,
        header_y,
        column_title,
        ha="left",
        va="center",
        fontsize=_SIZE["header"],
        fontstyle="italic",
        gid="column-title",
    )
    for j, label in enumerate(column_labels):
        ax.text(
            lay.center(j),
            header_y,
            label,
            ha="center",
            va="center",
            fontsize=_SIZE["header"],
            gid=f"column-c{j}",
        )
    for i, label in enumerate(row_labels):
        highlighted = i == highlight_row
        if label:
            ax.text(
                lay.gutter_x,
                lay.box_y(i),
                label,
                ha="left",
                va="center",
                fontsize=_SIZE["gutter"],
                fontweight="bold" if highlighted else "normal",
                color=HIGHLIGHT_EDGE if highlighted else "black",
                gid=f"row-r{i}",
            )
        if targets is not None:
            ax.text(
                lay.gutter_x,
                lay.target_y(i),
                "target",
                ha="left",
                va="center",
                fontsize=_SIZE["gutter"],
                color=TARGET_COLOR,
                gid=f"target-label-r{i}",
            )

    # -- boxes
    for j in range(n_cols):
        for i in range(n_rows):
            if elided[j]:
                ax.text(
                    lay.center(j),
                    lay.box_y(i),
                    ELLIPSIS,
                    ha="center",
                    va="center",
                    fontsize=_SIZE["ellipsis"],
                    gid=f"ellipsis-r{i}-c{j}",
                )
                continue
            if i == highlight_row:
                fill, edge, lw = _tint(ORANGE), HIGHLIGHT_EDGE, 2.2
            elif row_colors is not None:
                fill, edge, lw = _tint(row_colors[i]), BOX_EDGE, 1.2
            else:
                fill, edge, lw = BOX_FILL, BOX_EDGE, 1.2
            target = None if targets is None else targets[j][i]
            _box(ax, lay, i, j, batches[j][i], target, show_steps, fill, edge, lw)

    # -- state between columns
    arrow_kw = dict(
        arrowstyle="-|>",
        mutation_scale=15,
        color=STATE_COLOR,
        linewidth=1.8,
        shrinkA=0,
        shrinkB=0,
        zorder=3,
    )
    for j in range(n_cols):
        gap_x = lay.left[j] - _GAP / 2
        if stateful and j > 0 and j not in resets:
            for i in range(n_rows):
                x0 = lay.right(j - 1) + (0.0 if elided[j - 1] else 0.03)
                x1 = lay.left[j] - (0.0 if elided[j] else 0.03)
                ax.add_patch(
                    FancyArrowPatch(
                        (x0, lay.box_y(i)),
                        (x1, lay.box_y(i)),
                        gid=f"state-arrow-r{i}-c{j}",
                        **arrow_kw,
                    )
                )
        if not stateful and not elided[j]:
            for i in range(n_rows):
                _zero_state(ax, lay, i, j)
        both = j in resets and gradient_cut and j > 0
        if j in resets:
            bx = gap_x - (0.08 if both else 0.0)
            ax.add_line(
                Line2D(
                    [bx, bx],
                    [grid_top + 0.04, grid_bottom - 0.02],
                    color="black",
                    lw=3.2,
                    solid_capstyle="butt",
                    zorder=2,
                    gid=f"reset-c{j}",
                )
            )
            ax.text(
                bx,
                reset_label_y,
                "reset to 0",
                ha="center",
                va="center",
                fontsize=_SIZE["small"],
                fontweight="bold",
                gid=f"reset-label-c{j}",
            )
        if gradient_cut and j > 0:
            cx = gap_x + (0.08 if both else 0.0)
            ax.add_line(
                Line2D(
                    [cx, cx],
                    [grid_top + 0.04, grid_bottom - 0.02],
                    color=CUT_COLOR,
                    linestyle=(0, (4, 2.5)),
                    lw=2.2,
                    zorder=1,
                    gid=f"gradient-cut-c{j}",
                )
            )

    if legend:
        ax.legend(
            [h for h, _ in legend],
            [s for _, s in legend],
            handler_map=_HANDLERS,
            loc="upper left",
            bbox_to_anchor=(_MARGIN - 0.02, legend_top),  # not shifted with the grid
            bbox_transform=ax.transData,
            frameon=False,
            fontsize=_SIZE["small"],
            handlelength=2.6,
            handleheight=1.2,
            handletextpad=0.7,
            labelspacing=0.45,
            borderpad=0.0,
            borderaxespad=0.0,
        )
    return fig, ax, lay


def _box(ax, lay: _Layout, i, j, label, target, show_steps, fill, edge, lw) -> None:
    """Row ``i`` of column ``j``: a box with its label (and target) inside."""
    y = lay.box_y(i)
    ax.add_patch(
        FancyBboxPatch(
            (lay.left[j], y - _BOX_H / 2),
            lay.widths[j],
            _BOX_H,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=fill if not show_steps else "white",
            edgecolor=edge,
            linewidth=lw,
            zorder=2,
            gid=f"box-r{i}-c{j}",
        )
    )
    if not show_steps:
        ax.text(
            lay.center(j),
            y,
            label,
            ha="center",
            va="center",
            fontsize=_label_size(label),
            zorder=4,
            gid=f"label-r{i}-c{j}",
        )
        if target is not None:
            ax.text(
                lay.center(j),
                lay.target_y(i),
                target,
                ha="center",
                va="center",
                fontsize=_SIZE["target"],
                color=TARGET_COLOR,
                gid=f"target-r{i}-c{j}",
            )
        return
    steps = len(label)
    used = steps * _STEP_W + (steps - 1) * _STEP_LINK
    x0 = lay.center(j) - used / 2
    for k, symbol in enumerate(label):
        sx = x0 + k * (_STEP_W + _STEP_LINK)
        ax.add_patch(
            FancyBboxPatch(
                (sx, y - _STEP_H / 2),
                _STEP_W,
                _STEP_H,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor=fill,
                edgecolor=BOX_EDGE,
                linewidth=1.0,
                zorder=3,
                gid=f"step-r{i}-c{j}-s{k}",
            )
        )
        ax.text(
            sx + _STEP_W / 2,
            y,
            symbol,
            ha="center",
            va="center",
            fontsize=_SIZE["step"],
            zorder=4,
            gid=f"label-r{i}-c{j}-s{k}",
        )
        if target is not None and (len(target) == steps or k == steps - 1):
            ax.text(
                sx + _STEP_W / 2,
                lay.target_y(i),
                target[k] if len(target) == steps else target,
                ha="center",
                va="center",
                fontsize=_SIZE["target"],
                color=TARGET_COLOR,
                gid=f"target-r{i}-c{j}-s{k}",
            )
        if k:
            ax.add_patch(
                FancyArrowPatch(
                    (sx - _STEP_LINK, y),
                    (sx, y),
                    arrowstyle="-|>",
                    mutation_scale=9,
                    color=LINK_COLOR,
                    linewidth=1.3,
                    shrinkA=0,
                    shrinkB=0,
                    zorder=3,
                    gid=f"step-link-r{i}-c{j}-s{k}",
                )
            )


def _zero_state(ax, lay: _Layout, i: int, j: int) -> None:
    """A circled 0 with a short arrow into row ``i`` of column ``j``."""
    y = lay.box_y(i)
    r = 0.105
    cx = lay.left[j] - _GAP + 0.05 + r
    ax.add_patch(
        Circle(
            (cx, y),
            r,
            facecolor="white",
            edgecolor=ZERO_COLOR,
            lw=1.3,
            zorder=3,
            gid=f"zero-state-r{i}-c{j}",
        )
    )
    ax.text(
        cx,
        y,
        "0",
        ha="center",
        va="center",
        fontsize=_SIZE["small"],
        color=ZERO_COLOR,
        zorder=4,
        gid=f"zero-label-r{i}-c{j}",
    )
    ax.add_patch(
        FancyArrowPatch(
            (cx + r, y),
            (lay.left[j] - 0.02, y),
            arrowstyle="-|>",
            mutation_scale=10,
            color=ZERO_COLOR,
            linewidth=1.3,
            shrinkA=0,
            shrinkB=0,
            zorder=3,
        )
    )


# ---- builders ------------------------------------------------------------------


def _pick(items: Sequence, keep: list[int | None]) -> list:
    """``items`` at ``keep``, with ``...`` where ``keep`` has None."""
    return [Ellipsis if k is None else items[k] for k in keep]


def _single_row(items: list) -> list:
    """Each item as a batch of one row (``...`` stays as it is)."""
    return [item if item is Ellipsis else [item] for item in items]


def _numbers(keep: list[int | None]) -> list[str]:
    """1-based column labels for ``keep`` ("…" for None)."""
    return [ELLIPSIS if k is None else str(k + 1) for k in keep]


def _runs(text: str, samples) -> str:
    """The letters a stream feeds, as runs: ``F–Y then A–E``."""
    runs, start = [], 0
    for k in range(1, len(samples) + 1):
        if k == len(samples) or samples[k] != samples[k - 1] + 1:
            a, b = text[samples[start]], text[samples[k - 1]]
            runs.append(a if start == k - 1 else f"{a}–{b}")
            start = k
    return " then ".join(runs)


def _series(items: Sequence[str], keep: list[int | None]) -> str:
    """``A, B, C, …, Y``: the items shown, in words."""
    return ", ".join(ELLIPSIS if k is None else items[k] for k in keep)


def stateful_one_per_sample(
    text: str = data.ALPHABET, shown: int = 5, title: str = ""
) -> tuple[Figure, str]:
    """Chapter 5: batch size 1, one letter per sample, the state carried along.

    The samples are ``data.Window(1)``'s contexts of ``text`` (one letter
    each, its target the next letter); the state is reset before the first
    sample of the epoch and carried from every sample to the next. At most
    ``shown`` samples are drawn: the first ``shown - 1``, "…", and the last.
    """
    data.check_text(text)
    framing = data.Window(1)
    samples = framing.contexts(text)
    nexts = list(text[framing.min_context :])
    keep = _elide(len(samples), shown)
    fig = samples_and_state(
        _single_row(_pick(samples, keep)),
        targets=_single_row(_pick(nexts, keep)),
        stateful=True,
        reset_before={0},
        column_labels=_numbers(keep),
        column_title="sample",
        title=title,
    )
    description = (
        f"A stateful LSTM with batch size 1 reads {len(samples)} samples in order, "
        f"one letter each ({_series(samples, keep)}), each with the next letter "
        f"as its target ({_series(nexts, keep)}). The state is reset to 0 before "
        "the first sample of every epoch, then carried from each sample to the "
        "next: row 0 of one batch starts from the state row 0 of the batch "
        "before left."
    )
    return fig, description


def stateless_windows(
    text: str = data.ALPHABET,
    window: int = 3,
    shown: int | None = None,
    show_steps: bool = False,
    title: str = "",
) -> tuple[Figure, str]:
    """Chapters 1-3: every sample a window of ``window`` letters, from a zero state.

    The windows are ``data.Window(window)``'s contexts of ``text``, each with
    the letter after it as its target. No state passes between samples.
    ``show_steps`` draws each window as ``window`` time steps (chapter 3).
    ``shown`` defaults to 4 samples, or 3 with ``show_steps``.
    """
    if shown is None:
        shown = 3 if show_steps else 4
    data.check_text(text)
    framing = data.Window(window)
    if framing.min_context >= len(text):
        raise InputError(
            f"a window of {window} leaves no next symbol in {text!r}; "
            f"allowed: 1..{len(text) - 1}"
        )
    samples = framing.contexts(text)
    nexts = list(text[framing.min_context :])
    keep = _elide(len(samples), shown)
    fig = samples_and_state(
        _single_row(_pick(samples, keep)),
        targets=_single_row(_pick(nexts, keep)),
        stateful=False,
        show_steps=show_steps,
        column_labels=_numbers(keep),
        column_title="sample",
        title=title,
    )
    pairs = ", ".join(
        ELLIPSIS if k is None else f"{samples[k]} to {nexts[k]}" for k in keep
    )
    inside = (
        " Inside a sample the state passes from step to step." if show_steps else ""
    )
    description = (
        f"A stateless LSTM: {len(samples)} samples, each a window of {window} "
        f"letter(s) with the next letter as its target ({pairs}). Every sample "
        "starts from a zero state (0); no state passes from one sample to the "
        f"next, so there is nothing to reset.{inside}"
    )
    return fig, description


def stream_layout(
    n: int = 25,
    batch_size: int = 5,
    layout: str = "rotated",
    shown: int = 5,
    *,
    text: str = data.ALPHABET,
    show_targets: bool = False,
    highlight_row: int | None = None,
    title: str = "",
) -> tuple[Figure, str]:
    """Chapter 8: the first ``n`` pairs of ``text`` laid out as ``batch_size`` streams.

    Batch ``t`` is ``data.stream_order(n, batch_size, layout)`` cut into
    batches; row ``i`` of each batch is drawn in row ``i`` and labelled with
    the letter it feeds (sample ``k`` feeds ``text[k]``, target
    ``text[k + 1]``). The state is carried row ``i`` to row ``i`` and reset
    before the first batch of the epoch.
    """
    data.check_text(text)
    check_int("n", n)
    if n > len(text) - 1:
        raise InputError(
            f"n must be at most {len(text) - 1} (the pairs of {text!r}), got {n}"
        )
    order = data.stream_order(n, batch_size, layout).reshape(-1, batch_size)
    keep = _elide(len(order), shown)
    batches = [[text[k] for k in order[t]] for t in range(len(order))]
    nexts = [[text[k + 1] for k in order[t]] for t in range(len(order))]
    fig = samples_and_state(
        _pick(batches, keep),
        targets=_pick(nexts, keep) if show_targets else None,
        stateful=True,
        reset_before={0},
        highlight_row=highlight_row,
        column_labels=_numbers(keep),
        column_title="batch",
        title=title,
    )
    streams = "; ".join(
        f"row {i} feeds {_runs(text, order[:, i])}" for i in range(batch_size)
    )
    how = (
        f"the sequence cut into {batch_size} contiguous pieces"
        if layout == "contiguous"
        else f"every row gets the whole sequence, row i starting {n // batch_size}i "
        f"letters in and wrapping around from {text[n - 1]} to {text[0]} "
        "without a reset"
    )
    description = (
        f"{n} samples laid out as {batch_size} streams ({layout} layout: {how}), "
        f"{len(order)} batches of {batch_size} per epoch; {streams}. Row i of "
        "each batch continues row i of the batch before, so a stateful layer "
        "carries the state from row i to row i; it is reset to 0 before the "
        "first batch of every epoch."
    )
    if highlight_row is not None:
        description += f" Row {highlight_row} is highlighted to follow its stream."
    return fig, description


def chunks_with_truncation(
    text: str = data.ALPHABET[:13],
    steps: int = 4,
    shown: int = 3,
    title: str = "",
) -> tuple[Figure, str]:
    """Chapter 9: one stream cut into samples of ``steps`` steps (``data.Chunks``).

    Each sample is drawn as its steps, linked left to right (state and
    gradient flow inside it), with each step's target beneath. The state is
    carried from sample to sample; backpropagation stops at every sample
    (batch) boundary. The samples are decoded from ``data.Chunks(steps)``'s
    own arrays, so ``text`` must cut into whole chunks.
    """
    data.check_text(text)
    vocab = data.Vocabulary.of(text)
    X, y = data.Chunks(steps).dataset(vocab, text)
    inputs = [vocab.decode(x.argmax(-1)) for x in X]
    nexts = [vocab.decode(t.argmax(-1)) for t in y]
    keep = _elide(len(inputs), shown)
    fig = samples_and_state(
        _single_row(_pick(inputs, keep)),
        targets=_single_row(_pick(nexts, keep)),
        stateful=True,
        reset_before={0},
        gradient_cut=True,
        show_steps=True,
        column_labels=_numbers(keep),
        column_title="sample",
        title=title,
    )
    description = (
        f"One stream, batch size 1, cut into {len(inputs)} samples of {steps} "
        f"steps ({_series(inputs, keep)}), with the next symbol as the target of "
        "every step. Inside a sample the state and the gradient flow from step to "
        "step. The state is reset to 0 before the first sample of every epoch and "
        "carried across each sample boundary (row 0 to row 0 of the next batch), "
        "but backpropagation stops at each boundary: the gradient does not cross "
        "it."
    )
    return fig, description


def long_series(
    n_batches: int = 6,
    batch_size: int = 3,
    steps: int = 4,
    shown: int = 4,
    gradient_cut: bool = False,
    title: str = "",
) -> tuple[Figure, str]:
    """One long series cut into ``batch_size`` contiguous streams, in one picture.

    The series has ``n_batches * batch_size * steps`` steps, numbered from 1.
    A bar at the top shows it split into one coloured segment per stream;
    below, ``data.stream_order(..., "contiguous")`` lays the samples (chunks
    of ``steps`` steps, labelled with their step range) out as batches: row
    ``i`` of every batch continues row ``i`` of the batch before.
    """
    check_int("n_batches", n_batches)
    check_int("steps", steps)
    check_int("batch_size", batch_size)
    if batch_size > len(STREAM_COLORS):
        raise InputError(
            f"batch_size must be at most {len(STREAM_COLORS)} to give each stream "
            f"its own colour, got {batch_size}"
        )
    n = n_batches * batch_size
    order = data.stream_order(n, batch_size, "contiguous").reshape(-1, batch_size)
    total = n * steps

    def span(k: int) -> str:
        return f"{k * steps + 1}–{(k + 1) * steps}" if steps > 1 else str(k + 1)

    keep = _elide(len(order), shown)
    batches = [[span(k) for k in order[t]] for t in range(len(order))]
    colors = list(STREAM_COLORS[:batch_size])
    fig, ax, lay = _draw(
        _pick(batches, keep),
        stateful=True,
        reset_before={0},
        gradient_cut=gradient_cut,
        targets=None,
        show_steps=False,
        highlight_row=None,
        row_colors=colors,
        row_labels=None,
        column_labels=_numbers(keep),
        column_title="batch",
        title=title,
        band_height=_BAND_H,
    )
    # the series as a bar, one segment per stream
    x0, x1 = lay.left[0], lay.right(len(keep) - 1)
    bar_h = 0.38
    bar_y = lay.band_top - 0.1 - bar_h / 2
    tick_y = bar_y - bar_h / 2 - 0.17
    ax.text(
        lay.gutter_x,
        bar_y,
        "series",
        ha="left",
        va="center",
        fontsize=_SIZE["gutter"],
        gid="band-label",
    )
    ax.text(
        lay.gutter_x,
        tick_y,
        "step",
        ha="left",
        va="center",
        fontsize=_SIZE["small"],
        fontstyle="italic",
        gid="band-step-label",
    )
    seg = (x1 - x0) / batch_size
    per_stream = total // batch_size
    for i, color in enumerate(colors):
        ax.add_patch(
            FancyBboxPatch(
                (x0 + i * seg, bar_y - bar_h / 2),
                seg,
                bar_h,
                boxstyle="square,pad=0",
                facecolor=_tint(color, 0.75),
                edgecolor=BOX_EDGE,
                linewidth=1.2,
                zorder=2,
                gid=f"band-segment-r{i}",
            )
        )
        for k in range(1, n_batches):  # the samples of the stream
            sx = x0 + i * seg + k * seg / n_batches
            ax.add_line(
                Line2D(
                    [sx, sx],
                    [bar_y - bar_h / 2, bar_y - bar_h / 2 + 0.1],
                    color=BOX_EDGE,
                    lw=1.0,
                    zorder=3,
                    gid=f"band-sample-r{i}-{k}",
                )
            )
        ax.text(
            x0 + (i + 0.5) * seg,
            bar_y,
            f"row {i}",
            ha="center",
            va="center",
            fontsize=_SIZE["gutter"],
            fontweight="bold",
            zorder=4,
            gid=f"band-row-r{i}",
        )
        ax.text(
            x0 + i * seg,
            tick_y,
            str(i * per_stream + 1),
            ha="left",
            va="center",
            fontsize=_SIZE["small"],
            gid=f"band-tick-{i}",
        )
    ax.text(
        x1,
        tick_y,
        str(total),
        ha="right",
        va="center",
        fontsize=_SIZE["small"],
        gid=f"band-tick-{batch_size}",
    )
    streams = "; ".join(
        f"row {i}: steps {i * per_stream + 1}–{(i + 1) * per_stream}"
        for i in range(batch_size)
    )
    description = (
        f"One long series of {total} steps cut into {batch_size} contiguous "
        f"streams, one per batch row ({streams}). Each of the {len(order)} "
        f"batches per epoch holds one sample of {steps} steps per row, and row i "
        "of every batch continues row i of the batch before, so a stateful layer "
        "carries the state from row i to row i; it is reset to 0 before the first "
        "batch of every epoch."
    )
    if gradient_cut:
        description = description[:-1] + (
            ", and backpropagation stops at each batch boundary."
        )
    return fig, description


# ---- output --------------------------------------------------------------------


def to_svg(fig: Figure, description: str = "") -> str:
    """The figure as SVG text, for embedding in a page.

    With a ``description``, the ``<svg>`` element gets ``role="img"``, an
    ``aria-label`` and a ``<title>``, so a screen reader reads it. The output
    is deterministic (no date, fixed ids). The figure is left open.
    """
    if not isinstance(fig, Figure):
        raise InputError(f"to_svg needs a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": "alphalstm", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue().decode("utf-8")
    if description:
        text = html.escape(description, quote=True)
        svg = re.sub(
            r"<svg\b([^>]*)>",
            lambda m: (
                f'<svg role="img" aria-label="{text}"{m.group(1)}>'
                f"\n <title>{text}</title>"
            ),
            svg,
            count=1,
        )
    return svg
