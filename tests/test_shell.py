"""The lighter paper-page template gives exactly what Material's own main.html gives."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.mkdocs.shell import compact
from tests.conftest import SEED, build_site


def test_paper_pages_are_byte_identical_to_full_renders(seed_site: Path, tmp_path: Path) -> None:
    os.environ["PAPERS_PAGE_SHELL"] = "false"
    try:
        result = build_site(SEED, tmp_path / "full")
    finally:
        del os.environ["PAPERS_PAGE_SHELL"]
    assert result.returncode == 0, result.stderr
    pages = sorted((seed_site / "papers").glob("*/index.html"))
    assert len(pages) == 84
    for page in pages:
        full = tmp_path / "full" / page.relative_to(seed_site)
        assert page.read_bytes() == full.read_bytes(), page.parent.name


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=" \t\n\r\xa0\u2003ab<>", max_size=60))
def test_compact_is_the_plain_whitespace_rule(html: str) -> None:
    assert compact(html) == re.sub(r"[ \t]*\n\s*", "\n", html)
