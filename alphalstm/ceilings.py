"""Exact ceilings: the best accuracy any predictor can reach from limited context.

Read a text from its start and predict every symbol after the first. A
predictor that sees only the last ``k`` symbols (fewer at the very start,
where fewer exist) cannot tell apart two positions with the same context.
For each distinct context the best it can do is answer the symbol that most
often follows it, so the best accuracy over the whole text is

    sum over contexts c of (count of the most frequent next symbol after c)
    / number of predictions.

No model, stateless or not, trained or not, that sees only ``k`` symbols can
beat this number on this text. It is computed from the text alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from .data import check_text
from .errors import InputError, check_int


def best_correct(contexts: list[str], nexts: str) -> int:
    """How many of the ``nexts`` the best context -> symbol table gets right."""
    if len(contexts) != len(nexts):
        raise InputError(f"{len(contexts)} contexts but {len(nexts)} next symbols")
    best: dict[str, int] = {}  # context -> count of its most frequent next symbol
    for (context, _), count in Counter(zip(contexts, nexts)).items():
        if count > best.get(context, 0):
            best[context] = count
    return sum(best.values())


def of_samples(contexts: list[str], nexts: str) -> Fraction:
    """The ceiling over given samples: the best any context -> symbol table can do."""
    if not nexts:
        raise InputError("no samples: need at least one (context, next symbol) pair")
    return Fraction(best_correct(contexts, nexts), len(nexts))


def ceiling(text: str, k: int) -> Fraction:
    """The best accuracy with the last ``k`` symbols as context (an exact fraction)."""
    check_text(text)
    check_int("k", k)
    contexts = [text[max(0, i - k) : i] for i in range(1, len(text))]
    return Fraction(best_correct(contexts, text[1:]), len(text) - 1)


def ceilings(text: str, max_context: int) -> list[Fraction]:
    """Ceilings for k = 1 .. ``max_context``."""
    check_int("max_context", max_context)
    return [ceiling(text, k) for k in range(1, max_context + 1)]


def context_needed(text: str) -> int:
    """The smallest k whose ceiling is 100 %.

    Always exists: with k = len(text) - 1 every position has its own context.
    """
    check_text(text)
    for k in range(1, len(text)):
        if ceiling(text, k) == 1:
            return k
    raise AssertionError("unreachable: the full prefix identifies every position")


def undecided(text: str, k: int) -> list[int]:
    """The positions of ``text`` whose symbol the last ``k`` symbols do not decide.

    Position j (1 <= j < len(text)) is undecided when its context of up to
    ``k`` symbols is followed, somewhere in the text, by more than one
    distinct symbol. Those are the steps where a predictor with ``k``
    symbols of context must guess; the others it can get right.
    """
    check_text(text)
    check_int("k", k)
    contexts = [text[max(0, j - k) : j] for j in range(1, len(text))]
    followers: dict[str, set[str]] = defaultdict(set)
    for context, nxt in zip(contexts, text[1:]):
        followers[context].add(nxt)
    return [j for j, c in enumerate(contexts, start=1) if len(followers[c]) > 1]


def accuracy_at(text: str, predicted: str, positions: list[int]) -> float:
    """The share of ``positions`` of ``text`` that ``predicted`` gets right.

    ``predicted`` holds one prediction per position up to the end of the
    text: for a model that needs ``w`` symbols before its first prediction it
    is ``len(text) - w`` long, and positions before its first one are skipped.
    """
    check_text(text)
    if not isinstance(predicted, str):
        raise InputError(f"predicted must be a string of symbols, got {predicted!r}")
    first = len(text) - len(predicted)
    if not 1 <= first < len(text):
        raise InputError(
            f"{len(predicted)} predictions do not fit a text of {len(text)} symbols; "
            f"allowed: 1..{len(text) - 1}"
        )
    scored = [j for j in positions if j >= first]
    if not scored:
        raise InputError("none of the positions has a prediction")
    if any(not 1 <= j < len(text) for j in scored):
        raise InputError(f"positions must be in 1..{len(text) - 1}")
    return sum(predicted[j - first] == text[j] for j in scored) / len(scored)
