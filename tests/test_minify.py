"""The site's own scripts and stylesheets reach readers minified; the repository keeps them readable."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from generator.output import minify
from generator.output.minify import MinifyError, minified, site_sources
from tests.conftest import ROOT, SEED, build_site

DOCS = ROOT / "docs"


def test_every_page_fetches_our_scripts_and_styles_minified(seed_site: Path) -> None:
    """shelf.js, search.js, papers.css and palette.js are on every page: gzipped as GitHub
    Pages sends them, they come to at most two thirds of their sources' bytes, with no comment left."""
    sources = site_sources(DOCS, seed_site)
    assert {
        "assets/javascripts/shelf.js",
        "assets/javascripts/library.js",
        "assets/stylesheets/papers.css",
    } <= set(sources)
    every_page = [
        "assets/javascripts/shelf.js",
        "assets/javascripts/search.js",
        "assets/stylesheets/papers.css",
    ]
    for name in every_page:
        shipped, source = (seed_site / name).read_bytes(), (DOCS / name).read_bytes()
        assert len(gzip.compress(shipped)) < 2 / 3 * len(gzip.compress(source)), name
        assert b"\n  //" not in shipped and b"/* " not in shipped, name
    palette = (seed_site / "assets/javascripts/palette.js").read_text()
    assert "\n" not in palette.strip() and "__md_scope" in palette  # names other scripts read stay


def test_a_script_esbuild_cannot_read_fails_the_build_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.js"
    broken.write_text('const shelf = {\n  save() { return "x" \n};\n', encoding="utf-8")
    with pytest.raises(MinifyError) as raised:
        minified(broken, "assets/javascripts/broken.js")
    message = str(raised.value)
    assert message.startswith(f"esbuild could not minify {broken}:")
    assert '[ERROR] Expected "}" but found ";"' in message
    assert f"{broken}:3:1:" in message  # the file, line and column


def test_without_esbuild_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ESBUILD_BINARY_PATH", raising=False)
    monkeypatch.setattr(minify, "ROOT", tmp_path)
    with pytest.raises(
        MinifyError,
        match=r"esbuild is not installed \(no @esbuild/linux-x64 in .*node_modules\): run `npm ci`",
    ):
        minify.esbuild_binary()


def test_a_build_without_esbuild_stops_before_generating_with_that_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "esbuild"
    monkeypatch.setenv("ESBUILD_BINARY_PATH", str(missing))
    result = build_site(SEED, tmp_path / "site")
    assert result.returncode == 1
    assert f"ESBUILD_BINARY_PATH is {missing}, which is not a file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site-generated").exists()  # nothing generated first
