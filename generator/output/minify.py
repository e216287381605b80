"""The site's own scripts and stylesheets, minified in the built site as Material's are.

Ours went out as written, comments and all: every page fetched ``shelf.js``, ``search.js``,
``papers.css``, ``palette.js`` and ``katex-init.js``, 24 KB gzipped, about 14 KB once
minified. esbuild (pinned in package.json, installed by ``npm ci`` as Pagefind is) takes out
comments and whitespace and shortens local names; top-level names, which the scripts share
through ``window``, stay. The repository keeps the readable sources; the site gets the
minified bytes, written atomically and only where they changed.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from generator.output.writer import write_if_changed

ROOT = Path(__file__).resolve().parents[2]
"""The repository, where ``npm ci`` installs esbuild into ``node_modules/``."""

OURS = {"assets/javascripts": "*.js", "assets/stylesheets": "*.css"}
"""Where the site's own scripts and stylesheets are, under ``docs/``."""

RENDERED = ("assets/javascripts/palette.js",)
"""Ours too, but rendered by MkDocs from a template (``theme.static_templates``) into the
site, so minified where MkDocs wrote them, with their names kept: what a serve renders
differently (the search box's note) then differs in its own statement only."""

FULL = ("--minify",)
KEEP_NAMES = ("--minify-whitespace", "--minify-syntax")

_ARCHES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


class MinifyError(RuntimeError):
    """esbuild is missing, or refused one of the site's files (its message names the file)."""


def esbuild_binary() -> Path:
    """esbuild's binary from its npm platform package (``@esbuild/linux-x64/bin/esbuild``);
    ``ESBUILD_BINARY_PATH`` names another, as it does for esbuild's own npm runner."""
    chosen = os.environ.get("ESBUILD_BINARY_PATH")
    if chosen:
        if not Path(chosen).is_file():
            raise MinifyError(f"ESBUILD_BINARY_PATH is {chosen}, which is not a file")
        return Path(chosen)
    system = sys.platform
    package = f"@esbuild/{system}-{_ARCHES.get(platform.machine().lower(), platform.machine().lower())}"
    binary = ROOT / "node_modules" / package / "bin" / "esbuild"
    if not binary.is_file():
        raise MinifyError(
            f"esbuild is not installed (no {package} in {ROOT / 'node_modules'}): "
            f"run `npm ci` in {ROOT} (needs Node.js and npm), or `make site`, which runs it"
        )
    return binary


def site_sources(docs: Path, site: Path) -> dict[str, Path]:
    """Each of the site's own scripts and stylesheets (its path in the site) and the file it
    is made from: the source under ``docs`` or, for a rendered one, the site's own copy."""
    sources = {
        f"{folder}/{path.name}": path
        for folder, pattern in OURS.items()
        for path in sorted((docs / folder).glob(pattern))
    }
    sources.update({path: site / path for path in RENDERED if (site / path).is_file()})
    return sources


def minified(source: Path, name: str) -> bytes:
    """``source`` minified by esbuild (its loader from ``name``'s suffix), UTF-8 kept as is."""
    loader = "css" if name.endswith(".css") else "js"
    how = KEEP_NAMES if name in RENDERED else FULL
    result = subprocess.run(
        [str(esbuild_binary()), *how, f"--loader={loader}", "--charset=utf8", "--log-level=error"],
        input=source.read_bytes(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").replace("<stdin>", str(source))
        raise MinifyError(f"esbuild could not minify {source}:\n{message.strip()}")
    return result.stdout


def minify_site(site: Path, sources: Mapping[str, Path]) -> int:
    """Write each of ``sources`` minified to its path in ``site`` where that changed; the
    number of files written."""
    return sum(write_if_changed(site / name, minified(path, name)) for name, path in sources.items())
