"""Recipes: checks, variations, the threshold rule (no training)."""

import pytest

from alphalstm import data, experiments, recipes
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit


def test_every_chapter_has_a_recipe_and_every_variant_is_valid():
    assert set(recipes.CHAPTERS) == set(recipes.RECIPES)
    for experiment in experiments.EXPERIMENTS.values():
        for variant in experiment.variants:
            variant.recipe()  # raises if a variant is not a valid recipe


def test_a_stateful_batch_needs_a_stream_layout():
    stateful = recipes.get("stateful")
    with pytest.raises(InputError, match="needs a stream layout: streams must be one of "
                                         "'contiguous', 'rotated'"):
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


def test_parse_change():
    assert recipes.parse_change("units=50") == ("units", 50)
    assert recipes.parse_change("batch-size=all") == ("batch_size", "all")
    assert recipes.parse_change("shuffle=false") == ("shuffle", False)
    with pytest.raises(InputError, match="bad setting 'colour=red'; use KEY=VALUE"):
        recipes.parse_change("colour=red")
    with pytest.raises(InputError, match="expected an integer"):
        recipes.parse_change("units=many")


def test_originals():
    assert recipes.get("stateful", original=True).units == 50
    vl = recipes.get("variable-length", original=True)
    assert vl.framing.pad == 0.0 and vl.pieces.generator == "original"
    assert (vl.batch_size, vl.epochs, vl.units) == (1, 500, 32)
    with pytest.raises(InputError, match="no recipe for 'stateful-batched'"):
        recipes.get("stateful-batched", original=True)


@pytest.mark.parametrize(
    "accuracies, n, claim",
    [([0.84, 0.76, 0.88], 25, 0.72), ([1.0] * 10, 25, 0.96), ([0.0], 4, 0.0),
     ([0.9565, 1.0], 23, 21 / 23)],
)
def test_claim_rule(accuracies, n, claim):
    assert recipes.claim_rule(accuracies, n) == pytest.approx(claim)


def test_unknown_chapter():
    with pytest.raises(InputError, match="unknown chapter 'x'; available: one-char"):
        recipes.get("x")
