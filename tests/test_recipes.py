"""Recipes: checks, variations, the threshold rule (no training)."""

import pytest

from alphalstm import data, experiments, recipes
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit


def test_every_variant_of_every_experiment_is_a_valid_recipe():
    for experiment in experiments.EXPERIMENTS.values():
        for variant in experiment.variants:
            variant.recipe()  # raises if a variant is not a valid recipe


def test_a_stateful_batch_needs_a_stream_layout():
    stateful = recipes.get("stateful")
    with pytest.raises(
        InputError,
        match="needs a stream layout: streams must be one of 'contiguous', 'rotated'",
    ):
        recipes.customise(stateful, batch_size=5)
    ok = recipes.customise(stateful, batch_size=5, streams="rotated")
    assert ok.batch_size == 5 and ok.streams == "rotated"
    with pytest.raises(InputError, match="needs a stream layout"):
        recipes.customise(stateful, batch_size="all")


def test_other_impossible_recipes_are_refused():
    with pytest.raises(InputError, match="cannot shuffle"):
        recipes.customise(recipes.get("stateful"), shuffle=True)
    with pytest.raises(InputError, match="streams are for stateful recipes only"):
        recipes.customise(recipes.get("one-char"), streams="rotated")
    with pytest.raises(InputError, match="does not apply to the Padded framing"):
        recipes.customise(recipes.get("variable-length"), window=3)
    with pytest.raises(InputError, match="does not train on pieces"):
        recipes.customise(recipes.get("one-char"), generator="original")


def test_customise_drops_the_claim_and_changes_only_what_was_asked():
    base = recipes.get("timestep-window")
    changed = recipes.customise(base, window=4, encoding="onehot", epochs=None)
    assert changed.framing == data.Window(4, "timesteps", "onehot")
    assert changed.epochs == base.epochs and changed.claim is None
    assert recipes.customise(base) is base


def test_originals():
    assert recipes.get("stateful", original=True).units == 50
    vl = recipes.get("variable-length", original=True)
    assert vl.framing.pad == 0.0 and vl.pieces.generator == "original"
    assert (vl.batch_size, vl.epochs, vl.units) == (1, 500, 32)
    with pytest.raises(InputError, match="no recipe for 'stateful-batched'"):
        recipes.get("stateful-batched", original=True)


def test_unknown_chapter():
    with pytest.raises(InputError, match="unknown chapter 'x'; available: one-char"):
        recipes.get("x")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"framing": "nope"}, "framing must be one of Window, Padded, Chunks"),
        ({"claim": 7.0}, r"claim must be a number in \[0, 1\]"),
        ({"claim": True}, r"claim must be a number in \[0, 1\]"),
        ({"bench_epochs": 0}, "bench_epochs must be a positive integer"),
        ({"stateful": "yes"}, "stateful must be True or False"),
        ({"adam_epsilon": 0.0}, "adam_epsilon must be > 0"),
        ({"reported": (0.84, 32)}, "reported must be a Reported"),
        ({"name": ""}, "a recipe needs a name"),
    ],
)
def test_a_recipe_checks_every_field(change, message):
    from dataclasses import replace

    with pytest.raises(InputError, match=message):
        replace(recipes.get("one-char"), **change)


def test_a_published_figure_needs_a_source_and_a_fraction():
    with pytest.raises(InputError, match="needs the key of its source"):
        recipes.Figure(0.84, 32, "")
    with pytest.raises(InputError, match=r"accuracy must be a number in \[0, 1\]"):
        recipes.Figure(84.0, 32, recipes.TUTORIAL)


def _bib_keys() -> set[str]:
    import re

    from conftest import ROOT

    text = (ROOT / "book" / "references.bib").read_text()
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M))


def test_every_published_figure_names_a_source_the_book_defines():
    keys = _bib_keys()
    figures = [
        f
        for r in recipes.RECIPES.values()
        if r.reported is not None
        for f in r.reported.figures()
    ]
    assert len(figures) == 6 * 5  # the tutorial and four re-runs, six recipes
    assert all(
        o.reported is recipes.RECIPES[name].reported
        for name, o in recipes.ORIGINALS.items()
    )
    missing = sorted({f.source for f in figures} - keys)
    assert not missing, f"sources not in book/references.bib: {missing}"
