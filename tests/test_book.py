"""The book builds with warnings as errors and shows the chapters' outputs."""

import pytest
from conftest import ROOT, toc_pages


@pytest.mark.unit
def test_every_notebook_and_page_is_in_the_toc():
    listed = set(toc_pages())
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"notebooks/{nb.stem}" in listed, f"{nb.name} is missing from _toc.yml"
    for md in (ROOT / "book").glob("*.md"):
        assert f"book/{md.stem}" in listed, f"{md.name} is missing from _toc.yml"


@pytest.mark.slow
def test_book_builds_without_warnings(built_book):
    for page in toc_pages():
        assert (built_book / f"{page}.html").is_file(), page
    chapter = (built_book / "notebooks" / "05_stateful.html").read_text()
    assert "rollout from A: ABCDEFGHIJKLMNOPQRSTUVWXYZ" in chapter
    assert "<img" in chapter  # the figures were rendered


@pytest.mark.slow
def test_citations_resolve(built_book):
    refs = (built_book / "book" / "references.html").read_text()
    for author in ("Hochreiter", "Gers", "Brownlee", "Williams", "Keras", "TensorFlow"):
        assert author in refs
    intro = (built_book / "book" / "intro.html").read_text()
    assert "references.html#id" in intro
