"""Two builds of the seed dumps into two folders are the same site, byte for byte.

One known difference, pinned by a strict xfail so a fix shows up:

* Pagefind (1.5.2) writes its filter and metadata indexes from a Rust HashMap in random order,
  so ``pagefind/filter/*.pf_filter``, ``pagefind/pagefind.*.pf_meta`` and the hash in
  ``pagefind-entry.json`` change from build to build (upstream Pagefind/pagefind#638: only the
  fragments were made stable, in 1.3.0). Search still works; the bytes differ.

MkDocs writes the build date into ``sitemap.xml`` (``<lastmod>``) and the gzip header of
``sitemap.xml.gz``; the papers plugin sets ``SOURCE_DATE_EPOCH`` to the newest dump's full date, so
builds on different days agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEED, build_site

# Pagefind files named after a hash of their (unstable) content, and the entry that names them.
PAGEFIND_UNSTABLE = re.compile(
    r"^pagefind/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$"
)


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


def without_unstable(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not PAGEFIND_UNSTABLE.match(name)}


def test_two_builds_into_two_folders_are_byte_identical(two_builds: tuple) -> None:
    first, second = two_builds
    assert {"index.html", "papers/light-schrodinger-bridge/index.html", "feed.xml", "papers.json"} <= set(
        first
    )
    assert differences(without_unstable(first), without_unstable(second)) == []


def test_no_build_folder_leaks_into_the_site(
    two_builds: tuple, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first, _ = two_builds
    base = str(tmp_path_factory.getbasetemp()).encode()
    assert [name for name, data in first.items() if base in data] == []


@pytest.mark.xfail(
    strict=True,
    reason="Pagefind 1.5.2 writes its filter/meta indexes in HashMap order (Pagefind/pagefind#638)",
)
def test_the_pagefind_index_is_byte_identical(two_builds: tuple) -> None:
    first, second = two_builds
    assert differences(first, second) == []


def test_the_build_date_is_the_newest_dumps_not_the_clocks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "site"
    result = build_site(FIXTURES / "golden", out)
    assert result.returncode == 0, result.stderr
    sitemap = (out / "sitemap.xml").read_text()
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {"2025-06-02"}
    assert (out / "sitemap.xml.gz").read_bytes()[4:8] == (1748822400).to_bytes(4, "little")
