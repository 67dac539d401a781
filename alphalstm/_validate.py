"""The one integer check shared by every module's argument validation."""

from __future__ import annotations


def check_int(name: str, value, minimum: int = 1) -> None:
    """Raise ValueError unless ``value`` is an int (not a bool) >= ``minimum``."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        if minimum == 0:
            kind = "a non-negative integer"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
