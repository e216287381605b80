"""The lighter paper-page template gives exactly what Material's own main.html gives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.mkdocs.shell import compact
from tests.conftest import SEED, build_site


@pytest.fixture(scope="module")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed site with every page a full render of Material's ``main.html`` (no shell)."""
    out = tmp_path_factory.mktemp("full") / "site"
    os.environ["PAPERS_PAGE_SHELL"] = "false"
    try:
        result = build_site(SEED, out)
    finally:
        del os.environ["PAPERS_PAGE_SHELL"]
    assert result.returncode == 0, result.stderr
    return out


def test_paper_pages_are_byte_identical_to_full_renders(seed_site: Path, full_site: Path) -> None:
    pages = sorted((seed_site / "papers").glob("*/index.html"))
    assert len(pages) == 84
    for page in pages:
        full = full_site / page.relative_to(seed_site)
        assert page.read_bytes() == full.read_bytes(), page.parent.name


def test_every_page_is_byte_identical_to_its_full_render(seed_site: Path, full_site: Path) -> None:
    """Listing pages (tags', topics', dumps', A to Z's, code's) go through ``ListingShell``;
    the nav's pages and the rest through ``main.html``: the same bytes either way."""
    pages = {p.relative_to(seed_site).as_posix() for p in seed_site.rglob("*.html")}
    assert pages == {p.relative_to(full_site).as_posix() for p in full_site.rglob("*.html")}
    shelled = {
        "tags/3d-vision-graphics/index.html",
        "code/index.html",
        "tags/3d-vision-graphics/3d-human-avatars/index.html",
        "a-z/a/index.html",
        "dumps/000_919b48b6701b301b/index.html",  # with its edit link
    }
    assert shelled <= pages
    differ = [
        page for page in sorted(pages) if (seed_site / page).read_bytes() != (full_site / page).read_bytes()
    ]
    assert differ == []


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=" \t\n\r\xa0\u2003ab<>", max_size=60))
def test_compact_is_the_plain_whitespace_rule(html: str) -> None:
    assert compact(html) == re.sub(r"[ \t]*\n\s*", "\n", html)
