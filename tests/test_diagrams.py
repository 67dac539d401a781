"""The state diagrams: drawn from the data's own layout, legible at phone width."""

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from alphalstm import data, diagrams
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit

BUILDERS = {
    "one_per_sample": lambda: diagrams.stateful_one_per_sample(),
    "one_per_sample_short": lambda: diagrams.stateful_one_per_sample("ABCD"),
    "windows": lambda: diagrams.stateless_windows(),
    "windows_steps": lambda: diagrams.stateless_windows(show_steps=True),
    "rotated": lambda: diagrams.stream_layout(layout="rotated"),
    "contiguous": lambda: diagrams.stream_layout(layout="contiguous"),
    "rotated_followed": lambda: diagrams.stream_layout(
        layout="rotated", shown=4, show_targets=True, highlight_row=1
    ),
    "chunks": lambda: diagrams.chunks_with_truncation(),
    "chunks_recall": lambda: diagrams.chunks_with_truncation(
        data.recall(2, repeats=2), steps=4, shown=2
    ),
    "long_series": lambda: diagrams.long_series(),
    "long_series_cut": lambda: diagrams.long_series(
        n_batches=3, batch_size=2, steps=5, gradient_cut=True, title="Two streams"
    ),
}


@pytest.fixture(params=sorted(BUILDERS))
def built(request):
    fig, description = BUILDERS[request.param]()
    yield request.param, fig, description
    plt.close(fig)


def by_gid(fig, prefix: str) -> dict[str, object]:
    """Every artist whose gid starts with ``prefix``, by gid."""
    found = {}
    for artist in fig.findobj():
        gid = artist.get_gid()
        if gid and gid.startswith(prefix):
            assert gid not in found, f"duplicate gid {gid}"
            found[gid] = artist
    return found


def columns_of(fig, prefix: str) -> set[int]:
    return {int(re.search(r"-c(\d+)", g).group(1)) for g in by_gid(fig, prefix)}


def texts(fig) -> list[Text]:
    """The figure's visible, non-empty texts (not the hidden axes' tick labels)."""
    hidden = set()
    for ax in fig.axes:
        hidden |= set(ax.xaxis.findobj(Text)) | set(ax.yaxis.findobj(Text))
    return [
        t
        for t in fig.findobj(Text)
        if t not in hidden and t.get_visible() and t.get_text().strip()
    ]


def legend_texts(fig) -> list[str]:
    out = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


def grid_labels(fig) -> dict[tuple[int, int], str]:
    """(row, column) -> the label of that box, read back from the figure."""
    out = {}
    for gid, artist in by_gid(fig, "label-").items():
        m = re.fullmatch(r"label-r(\d+)-c(\d+)", gid)
        if m:
            out[int(m[1]), int(m[2])] = artist.get_text()
    return out


def headers(fig) -> list[Text]:
    """The column labels, left to right."""
    found = by_gid(fig, "column-c")
    return [found[f"column-c{j}"] for j in range(len(found))]


def column_numbers(fig) -> dict[int, str]:
    return {
        int(gid.removeprefix("column-c")): artist.get_text()
        for gid, artist in by_gid(fig, "column-c").items()
    }


# ---- in step with the data ------------------------------------------------------


@pytest.mark.parametrize("layout", data.STREAM_LAYOUTS)
@pytest.mark.parametrize("batch_size, shown", [(5, 5), (5, 3), (1, 4), (25, 2)])
def test_stream_layout_labels_are_stream_order(layout, batch_size, shown):
    if batch_size == 25 and layout == "rotated":
        shown = 3
    fig, _ = diagrams.stream_layout(25, batch_size, layout, shown)
    order = data.stream_order(25, batch_size, layout).reshape(-1, batch_size)
    labels, numbers = grid_labels(fig), column_numbers(fig)
    drawn = [j for j, s in numbers.items() if s != diagrams.ELLIPSIS]
    assert numbers[0] == "1" and numbers[max(numbers)] == str(len(order))
    assert len(drawn) == min(shown, len(order))
    assert len(labels) == len(drawn) * batch_size
    for j in drawn:
        batch = order[int(numbers[j]) - 1]
        for i in range(batch_size):
            assert labels[i, j] == data.ALPHABET[batch[i]], (layout, i, j)
    plt.close(fig)


def test_stream_layout_targets_are_the_next_letters():
    fig, _ = diagrams.stream_layout(layout="rotated", shown=3, show_targets=True)
    order = data.stream_order(25, 5, "rotated").reshape(-1, 5)
    targets = {g: a.get_text() for g, a in by_gid(fig, "target-r").items()}
    numbers = column_numbers(fig)
    for j, number in numbers.items():
        if number == diagrams.ELLIPSIS:
            continue
        for i in range(5):
            k = order[int(number) - 1, i]
            assert targets[f"target-r{i}-c{j}"] == data.ALPHABET[k + 1]
    plt.close(fig)


def test_chunks_are_data_chunks():
    text = data.recall(2, repeats=2)
    fig, _ = diagrams.chunks_with_truncation(text, steps=4, shown=2)
    steps = {}
    for gid, artist in by_gid(fig, "label-r0-c").items():
        column, step = map(int, re.fullmatch(r"label-r0-c(\d+)-s(\d+)", gid).groups())
        steps.setdefault(column, {})[step] = artist.get_text()
    drawn = {j: "".join(s[k] for k in sorted(s)) for j, s in steps.items()}
    numbers = column_numbers(fig)
    assert drawn == {
        j: text[(int(n) - 1) * 4 : int(n) * 4]
        for j, n in numbers.items()
        if n != diagrams.ELLIPSIS
    }
    assert len(by_gid(fig, "step-link-")) == len(drawn) * 3
    plt.close(fig)


def test_one_per_sample_and_windows_follow_the_framings():
    fig, _ = diagrams.stateful_one_per_sample(shown=5)
    assert [grid_labels(fig)[0, j] for j in (0, 1, 2, 3, 5)] == list("ABCDY")
    assert by_gid(fig, "ellipsis-r0-c4")
    plt.close(fig)
    fig, _ = diagrams.stateless_windows(window=3, shown=3)
    assert sorted(grid_labels(fig).values()) == ["ABC", "BCD", "WXY"]
    plt.close(fig)


def test_long_series_rows_continue_each_other():
    fig, _ = diagrams.long_series(n_batches=4, batch_size=3, steps=4, shown=4)
    labels = grid_labels(fig)
    assert [labels[0, j] for j in range(4)] == ["1–4", "5–8", "9–12", "13–16"]
    assert [labels[i, 0] for i in range(3)] == ["1–4", "17–20", "33–36"]
    ticks = [a.get_text() for _, a in sorted(by_gid(fig, "band-tick-").items())]
    assert ticks == ["1", "17", "33", "48"]
    assert len(by_gid(fig, "band-segment-")) == 3
    plt.close(fig)


# ---- what the markers say -------------------------------------------------------

GRID = [["A", "F"], ["B", "G"], ..., ["E", "J"], ["F", "K"]]


@pytest.mark.parametrize("batches", [GRID, [["A"], ["B"], ["C"]], [["ABC"]]])
def test_carried_state_arrows(batches):
    rows, cols = len(batches[0]), len(batches)
    fig = diagrams.samples_and_state(batches, stateful=True)
    assert len(by_gid(fig, "state-arrow-")) == rows * (cols - 1)
    assert not by_gid(fig, "zero-state-")
    plt.close(fig)
    fig = diagrams.samples_and_state(batches, stateful=False)
    assert not by_gid(fig, "state-arrow-")
    boxes = sum(b is not Ellipsis for b in batches)
    assert len(by_gid(fig, "zero-state-")) == rows * boxes
    plt.close(fig)


def test_arrows_go_row_to_row():
    fig = diagrams.samples_and_state(GRID)
    for gid, arrow in by_gid(fig, "state-arrow-").items():
        i = int(re.search(r"-r(\d+)", gid).group(1))
        (x0, y0), (x1, y1) = arrow._posA_posB
        assert y0 == y1 and x1 > x0
        box = by_gid(fig, f"box-r{i}-c0")[f"box-r{i}-c0"]
        assert box.get_y() < y0 < box.get_y() + box.get_height()
    plt.close(fig)


@pytest.mark.parametrize("resets", [set(), {0}, {0, 3}, {1, 2, 3, 4}])
def test_resets_exactly_where_asked(resets):
    fig = diagrams.samples_and_state(GRID, reset_before=resets)
    assert columns_of(fig, "reset-c") == resets
    assert columns_of(fig, "reset-label-c") == resets
    header = {j: t.get_position()[0] for j, t in enumerate(headers(fig))}
    for gid, bar in by_gid(fig, "reset-c").items():
        j = int(gid.removeprefix("reset-c"))
        assert bar.get_xdata()[0] < header[j]
        if j:
            assert bar.get_xdata()[0] > header[j - 1]
    # no state is carried across a reset
    carried = columns_of(fig, "state-arrow-")
    assert carried == set(range(1, len(GRID))) - resets
    assert len(by_gid(fig, "state-arrow-")) == 2 * len(carried)
    if resets:
        assert any("reset" in t.get_text() for t in texts(fig))
    plt.close(fig)


@pytest.mark.parametrize("cut", [True, False])
def test_gradient_cut_at_every_boundary(cut):
    fig = diagrams.samples_and_state(GRID, gradient_cut=cut, reset_before={0, 2})
    assert columns_of(fig, "gradient-cut-c") == (set(range(1, 5)) if cut else set())
    entry = "backpropagation stops at each batch boundary"
    assert (entry in legend_texts(fig)) == cut
    plt.close(fig)


# ---- legible at phone width ------------------------------------------------------


def test_sizes_fonts_and_ratio(built):
    name, fig, _ = built
    width, height = fig.get_size_inches()
    assert width <= diagrams.MAX_WIDTH + 1e-9, name
    assert width / height <= diagrams.MAX_ASPECT + 1e-9, name
    assert fig.dpi == 100
    small = [
        (t.get_text(), t.get_fontsize())
        for t in texts(fig)
        if t.get_fontsize() < diagrams.MIN_FONT_SIZE
    ]
    assert not small, small
    # at 390 px wide the smallest text is still about 6 pt
    assert diagrams.MIN_FONT_SIZE * 390 / (width * fig.dpi) >= 6.0


def test_texts_fit_and_do_not_overlap(built):
    name, fig, _ = built
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = []
    for t in texts(fig):
        box = t.get_window_extent(renderer)
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, (name, t.get_text())
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, (name, t.get_text())
        boxes.append((t.get_text(), box.padded(-1)))
    for a, (ta, ba) in enumerate(boxes):
        for tb, bb in boxes[a + 1 :]:
            assert not ba.overlaps(bb), (name, ta, tb)


def test_meaning_is_named(built):
    """Every colour or line style that carries meaning has a legend entry or a
    direct label."""
    name, fig, _ = built
    legend = " | ".join(legend_texts(fig))
    shown = {t.get_text() for t in texts(fig)}
    needs = {
        "state-arrow-": "state carried",
        "zero-state-": "state starts at 0",
        "step-link-": "inside a sample",
        "gradient-cut-": "backpropagation stops",
    }
    for prefix, words in needs.items():
        if by_gid(fig, prefix):
            assert words in legend, (name, prefix, legend)
    for gid in by_gid(fig, "reset-c"):
        j = gid.removeprefix("reset-c")
        assert (
            "reset" in by_gid(fig, f"reset-label-c{j}")[f"reset-label-c{j}"].get_text()
        )
    if by_gid(fig, "target-r"):
        assert "target" in shown
    if name == "rotated_followed":
        assert "row 1: the stream followed" in legend
    if name.startswith("long_series"):  # stream colours: named by the row labels
        rows = by_gid(fig, "band-row-")
        assert [rows[f"band-row-r{i}"].get_text() for i in range(len(rows))] == [
            f"row {i}" for i in range(len(rows))
        ]
        fills = []
        for i in range(len(rows)):
            assert by_gid(fig, f"row-r{i}")[f"row-r{i}"].get_text() == f"row {i}"
            row = {
                tuple(box.get_facecolor())
                for box in by_gid(fig, f"box-r{i}-c").values()
            }
            assert len(row) == 1  # one colour per row: its stream
            fills += row
        assert len(set(fills)) == len(fills)
    arrows = by_gid(fig, "state-arrow-")
    assert len({tuple(a.get_edgecolor()) for a in arrows.values()}) <= 1


def test_descriptions_state_the_key_facts():
    words = {
        "one_per_sample": ["reset", "row 0", "25 samples", "next letter"],
        "windows": ["zero state", "23 samples", "nothing to reset"],
        "rotated": [
            "row i",
            "reset",
            "rotated",
            "25 batches",
            "row 1 feeds F–Y then A–E",
        ],
        "contiguous": ["row i", "reset", "contiguous", "5 batches", "row 1 feeds F–J;"],
        "chunks": ["reset", "backpropagation stops", "3 samples of 4 steps"],
        "long_series": ["row i", "reset", "72 steps", "3 contiguous streams"],
        "long_series_cut": ["backpropagation stops", "2 contiguous streams"],
    }
    for name, expected in words.items():
        fig, description = BUILDERS[name]()
        plt.close(fig)
        assert isinstance(description, str) and 50 < len(description) < 700
        for word in expected:
            assert word in description, (name, word)


# ---- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(batches=[]), "empty"),
        (dict(batches="ABC"), "list of batches"),
        (dict(batches=[["A", "B"], ["C"]]), "ragged"),
        (dict(batches=[["A"], []]), "empty batch"),
        (dict(batches=[["A"], [""]]), "non-empty string"),
        (dict(batches=[["A"], "B"]), "list of row labels"),
        (dict(batches=[..., ["A"]]), "between two batches"),
        (dict(batches=[["A"], ..., ..., ["B"]]), "two ellipses"),
        (dict(batches=[["A"], ["B"]], reset_before={2}), "out of range"),
        (dict(batches=[["A"], ["B"]], reset_before={-1}), "out of range"),
        (dict(batches=[["A"], ["B"]], reset_before={0}, stateful=False), "stateful"),
        (dict(batches=[["A"], ["B"]], highlight_row=1), "highlight_row"),
        (dict(batches=[["A"], ["B"]], targets=[["B"]]), "shape of batches"),
        (dict(batches=[["AB"]], targets=[["BCD"]], show_steps=True), "per step"),
        (dict(batches=[["A"], ["B"]], row_labels=["x", "y"]), "row_labels"),
        (dict(batches=[["A"], ["B"]], column_labels=["1"]), "column_labels"),
        (dict(batches=[["A"]] * 12), "fewer columns"),
    ],
)
def test_bad_input_to_the_core(kwargs, message):
    with pytest.raises(InputError, match=message):
        diagrams.samples_and_state(**kwargs)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: diagrams.stateful_one_per_sample(shown=1), "shown"),
        (lambda: diagrams.stateful_one_per_sample("A"), "at least 2"),
        (lambda: diagrams.stateless_windows(window=0), "window"),
        (lambda: diagrams.stateless_windows("ABC", window=3), "no next symbol"),
        (lambda: diagrams.stream_layout(25, 4), "equal streams"),
        (lambda: diagrams.stream_layout(layout="shuffled"), "layout"),
        (lambda: diagrams.stream_layout(n=30), "at most 25"),
        (lambda: diagrams.stream_layout(shown=0), "shown"),
        (lambda: diagrams.chunks_with_truncation(steps=5), "chunks of 5"),
        (lambda: diagrams.long_series(batch_size=6), "at most 5"),
        (lambda: diagrams.long_series(n_batches=0), "n_batches"),
        (lambda: diagrams.to_svg("not a figure"), "Figure"),
    ],
)
def test_bad_input_to_the_builders(call, message):
    with pytest.raises(InputError, match=message):
        call()


# ---- output ------------------------------------------------------------------------


def test_svg_text_is_accessible_deterministic_and_leaves_the_figure_open():
    fig, description = diagrams.stream_layout(layout="contiguous")
    svg = diagrams.to_svg(fig, description)
    assert svg.startswith("<?xml") and svg.rstrip().endswith("</svg>")
    assert 'role="img"' in svg and f"<title>{description}</title>" in svg
    assert 'id="label-r1-c0"' in svg and 'id="reset-c0"' in svg
    assert svg == diagrams.to_svg(fig, description)
    assert "<title>" not in diagrams.to_svg(fig)
    assert plt.fignum_exists(fig.number)
    plt.close(fig)


def test_no_tensorflow_and_no_backend_choice():
    source = Path(diagrams.__file__).read_text()
    assert "matplotlib.use(" not in source
    code = (
        "import sys, alphalstm.diagrams as d; d.stream_layout(); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_legend_wider_than_the_grid_stays_inside_the_figure():
    """The grid is centred when the legend makes the figure wider; the legend is
    not moved with it (it ran off the right edge before)."""
    fig = diagrams.samples_and_state([["A", "B", "C"]], stateful=False)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for text in legend_texts_artists(fig):
        box = text.get_window_extent(renderer)
        assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1, text.get_text()
    plt.close(fig)


def legend_texts_artists(fig) -> list[Text]:
    return [
        t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]
