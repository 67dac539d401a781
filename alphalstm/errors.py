"""Errors that mean "the caller asked for something impossible".

Every argument check in the package raises :class:`InputError`, a
``ValueError`` whose message names the problem and the allowed values.
The command line reports an ``InputError`` (or a :class:`BackendError`, a
Keras configured for another backend) as one line with exit status 2; any
other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable


class InputError(ValueError):
    """Bad input from the caller: a value outside what is allowed."""


class BackendError(ImportError):
    """Keras is configured for a backend this package cannot use."""


def check_int(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` if it is an int (not a bool) >= ``minimum``; else raise."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        if minimum == 1:
            kind = "a positive integer"
        elif minimum == 0:
            kind = "a non-negative integer"
        else:
            kind = f"an integer >= {minimum}"
        raise InputError(f"{name} must be {kind}, got {value!r}")
    return value


def check_choice(name: str, value, allowed: Iterable):
    """Return ``value`` if it is one of ``allowed``; else raise, listing them."""
    allowed = tuple(allowed)
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise InputError(f"{name} must be one of {choices}; got {value!r}")
    return value
