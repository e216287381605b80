"""Two builds of the seed dumps into two folders are the same site, byte for byte, search
index included.

Pagefind 1.5.2 wrote its filter and page-list files in hash-map order (upstream
Pagefind/pagefind#638), so they and the hash naming them in ``pagefind-entry.json`` changed
from build to build; 1.6.0, installed from npm (``pagefind.pagefind_binary``), writes the
same bytes every time.

MkDocs writes the build date into ``sitemap.xml`` (``<lastmod>``) and the gzip header of
``sitemap.xml.gz``; the papers plugin sets ``SOURCE_DATE_EPOCH`` to the newest dump's full date, so
builds on different days agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEED, build_site


def files_of(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    found = [f"only in the first: {name}" for name in sorted(a.keys() - b.keys())]
    found += [f"only in the second: {name}" for name in sorted(b.keys() - a.keys())]
    found += [f"differs: {name}" for name in sorted(a.keys() & b.keys()) if a[name] != b[name]]
    return found


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    sites = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name) / "site"
        result = build_site(SEED, out)
        assert result.returncode == 0, result.stderr
        sites.append(files_of(out))
    return sites[0], sites[1]


def test_two_builds_into_two_folders_are_byte_identical(two_builds: tuple) -> None:
    first, second = two_builds
    assert {"index.html", "papers/light-schrodinger-bridge/index.html", "feed.xml", "papers.json.gz"} <= set(
        first
    )
    assert differences(first, second) == []


def test_the_pagefind_index_is_byte_identical(two_builds: tuple) -> None:
    """The files 1.5.2 wrote in hash-map order: the page list, the tag filter, the entry."""
    first, second = two_builds
    index = {name for name in first if name.startswith("pagefind/")}
    assert "pagefind/pagefind-entry.json" in index
    assert [name for name in index if name.endswith(".pf_meta")] != []
    assert [name for name in index if name.startswith("pagefind/filter/")] != []
    assert [name for name in sorted(index) if first[name] != second.get(name)] == []


def test_no_build_folder_leaks_into_the_site(
    two_builds: tuple, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first, _ = two_builds
    base = str(tmp_path_factory.getbasetemp()).encode()
    assert [name for name, data in first.items() if base in data] == []


def test_the_build_date_is_the_newest_dumps_not_the_clocks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "site"
    result = build_site(FIXTURES / "golden", out)
    assert result.returncode == 0, result.stderr
    sitemap = (out / "sitemap.xml").read_text()
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {"2025-06-02"}
    assert (out / "sitemap.xml.gz").read_bytes()[4:8] == (1748822400).to_bytes(4, "little")
