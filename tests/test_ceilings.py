"""Exact ceilings, checked against cases worked out by hand."""

from fractions import Fraction

import pytest

from alphalstm import ceilings, data
from alphalstm.errors import InputError

pytestmark = pytest.mark.unit


def test_the_alphabet_needs_one_symbol():
    assert ceilings.ceiling(data.ALPHABET, 1) == 1
    assert ceilings.context_needed(data.ALPHABET) == 1


def test_the_bounce_by_hand():
    # 50 predictions. After A: B (once). After Z: Y (once). Each of B..Y occurs
    # twice as an input with two different next letters: 1 of 2 at best.
    text = data.bounce()
    assert ceilings.ceiling(text, 1) == Fraction(1 + 1 + 24, 50)
    assert ceilings.ceiling(text, 2) == 1
    assert ceilings.context_needed(text) == 2


def test_a_small_case_by_hand():
    # "ABAC": after A comes B then C (1 of 2); after B comes A. With 2 symbols,
    # contexts A, AB, BA are all distinct.
    assert ceilings.ceilings("ABAC", 2) == [Fraction(2, 3), Fraction(1)]


def test_the_start_of_the_text_counts_as_context():
    # "AAB": from the start, "A" -> A; then "AA" -> B. With k=1 the two
    # predictions share context "A": 1 of 2. With k=2 they differ.
    assert ceilings.ceiling("AAB", 1) == Fraction(1, 2)
    assert ceilings.ceiling("AAB", 2) == 1


def test_recall_needs_the_opening_mark():
    for gap in (1, 3):
        text = data.recall(gap)
        assert ceilings.context_needed(text) == gap + 1
        assert ceilings.ceiling(text, gap) < 1


def test_of_samples():
    assert ceilings.of_samples(["A", "A", "B"], "BCA") == Fraction(2, 3)


def test_bad_input():
    with pytest.raises(InputError, match="at least 2 symbols"):
        ceilings.ceiling("A", 1)
    with pytest.raises(InputError, match="k must be a positive integer"):
        ceilings.ceiling("AB", 0)


def test_undecided_positions_by_hand():
    # "xABxyAByx": with 2 symbols of context, "AB" is followed by x (position
    # 3) and by y (position 7); every other context has one follower.
    text = data.recall(2, repeats=1)
    assert text == "xABxyAByx"
    assert ceilings.undecided(text, 2) == [3, 7]
    assert ceilings.undecided(text, 3) == []
    # With one symbol: "x" is followed by A, y and A; "B" by x and y; "y" by A, x.
    assert ceilings.undecided(text, 1) == [1, 3, 4, 5, 7, 8]


def test_accuracy_at_aligns_predictions_to_the_end_of_the_text():
    text = "xABxyAByx"
    # a window of 2 predicts positions 2..8: 7 predictions
    assert ceilings.accuracy_at(text, "BxyAByx", [3, 7]) == 1.0
    assert ceilings.accuracy_at(text, "BxyABxx", [3, 7]) == 0.5
    # positions before the first prediction are skipped
    assert ceilings.accuracy_at(text, "x", [3, 8]) == 1.0
    with pytest.raises(InputError, match="do not fit"):
        ceilings.accuracy_at(text, "", [3])
    with pytest.raises(InputError, match="none of the positions"):
        ceilings.accuracy_at(text, "x", [3])


def test_recall_shifted_start_is_the_same_cycle():
    text = data.recall(2, repeats=2, start=3)
    assert text == "xyAByxABxyAByxABx"
    assert len(text) - 1 == 2 * 2 * (2 + 2)
    with pytest.raises(InputError, match="start must be in 0..7"):
        data.recall(2, start=8)
