"""Stored results: JSON Lines files of runs and benchmarks.

Every function takes the data folder (or file) it works on; nothing is
derived from where the package is installed. The book keeps its stored
results in ``notebooks/data/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError


def read_jsonl(path: Path | str) -> list[dict]:
    """Every JSON object in a JSON Lines file, in order."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no stored results at {path}")
    with open(path) as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path | str, rows: list[dict]) -> None:
    """Write ``rows`` as JSON Lines (one object per line), replacing the file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        for row in rows:
            fh.write(json.dumps(row, sort_keys=True) + "\n")


def experiment_path(data_dir: Path | str, name: str) -> Path:
    """Where experiment ``name`` is stored inside ``data_dir``."""
    return Path(data_dir) / "experiments" / f"{name}.jsonl"


def load_experiment(data_dir: Path | str, name: str) -> list[dict]:
    """The stored runs of experiment ``name`` (regenerate with ``make sweeps``)."""
    path = experiment_path(data_dir, name)
    if not path.is_file():
        raise InputError(
            f"no stored runs for experiment {name!r} at {path}; regenerate with "
            f"'python -m alphalstm experiment {name} --data {data_dir}'"
        )
    return read_jsonl(path)


def bench_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "bench.jsonl"


def record_bench(path: Path | str, row: dict) -> None:
    """Insert or replace ``row`` (keyed by chapter and original) in a benchmark file."""
    path = Path(path)
    key = (row["chapter"], row.get("original", False))
    rows = read_jsonl(path) if path.is_file() else []
    rows = [r for r in rows if (r["chapter"], r.get("original", False)) != key] + [row]
    write_jsonl(path, rows)


def record_profile(path: Path | str, rows: list[dict]) -> None:
    """Insert or replace profile rows (keyed by chapter and side) in a file."""
    path = Path(path)
    keys = {(r["chapter"], r["side"]) for r in rows}
    kept = [
        r
        for r in (read_jsonl(path) if path.is_file() else [])
        if (r["chapter"], r["side"]) not in keys
    ]
    write_jsonl(path, kept + rows)


def load_bench(data_dir: Path | str) -> list[dict]:
    """The stored benchmark rows (``make bench``)."""
    return read_jsonl(bench_path(data_dir))
