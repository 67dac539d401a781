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
