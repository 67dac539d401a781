"""The book builds with warnings as errors and shows the chapter's outputs."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_notebook_is_in_the_toc():
    listed = set(_toc_files())
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"notebooks/{nb.stem}" in listed, f"{nb.name} is missing from _toc.yml"


def test_book_builds_without_warnings(tmp_path):
    jb = Path(sys.executable).with_name("jupyter-book")
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = out / "_build" / "html"
    for page in _toc_files():
        assert (html / f"{page}.html").is_file(), page
    chapter = (html / "notebooks" / "05_stateful.html").read_text()
    assert "rollout from A: ABCDEFGHIJKLMNOPQRSTUVWXYZ" in chapter
    assert "<img" in chapter  # the figures were rendered
    shutil.rmtree(out, ignore_errors=True)
