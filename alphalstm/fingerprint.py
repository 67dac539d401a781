"""A fingerprint of the package's sources, to tell when stored outputs are stale.

``make notebooks`` writes it into every notebook it executes;
``tests/test_fingerprint.py`` fails when the package has changed since.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def source_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) over every ``.py`` file of the package."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:16]


def stamp(paths: list[Path | str]) -> None:
    """Record the fingerprint in each notebook (metadata ``alphalstm.fingerprint``)."""
    import json

    value = source_fingerprint()
    for path in map(Path, paths):
        notebook = json.loads(path.read_text())
        notebook.setdefault("metadata", {})["alphalstm"] = {"fingerprint": value}
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
