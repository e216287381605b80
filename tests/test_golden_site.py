"""The whole built site of the golden fixture dumps, compared file by file with a golden copy.

What a reader receives (every page, feed, sitemap and data file) is kept in
``tests/golden-site/`` (gzipped files unzipped); the theme's own assets and the Pagefind bundle are left out, and the
theme's asset hashes are normalised so a theme upgrade shows only where pages change.
Regenerate after an intended change with ``make golden`` and review the diff.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
from pathlib import Path

from tests.conftest import FIXTURES, ROOT, build_site

GOLDEN_DUMPS = FIXTURES / "golden"
GOLDEN_SITE = ROOT / "tests" / "golden-site"
KEPT = {".html", ".xml", ".json", ".csv", ".svg", ".txt"}
OWN_ASSETS = {"assets/icons.svg"}  # made by the build; the rest of assets/ is copied as it is
ASSET_HASH = re.compile(rb"\.[0-9a-f]{8}(\.min\.(?:js|css))")


def kept(name: str) -> bool:
    if name in OWN_ASSETS:
        return True
    return Path(name).suffix in KEPT and not name.startswith(("assets/", "pagefind/"))


def site_files(site: Path) -> dict[str, bytes]:
    """The kept files of a built site, by path, their theme asset names without hashes; a
    gzipped one (``papers.json.gz``) unzipped, as ``<name>.unzipped``, for a diff one can read."""
    files = {}
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.is_file() and name.endswith(".gz") and kept(name.removesuffix(".gz")):
            files[f"{name}.unzipped"] = gzip.decompress(path.read_bytes())
        elif path.is_file() and kept(name):
            files[name] = ASSET_HASH.sub(rb"\1", path.read_bytes())
    return files


def build(out: Path) -> dict[str, bytes]:
    result = build_site(GOLDEN_DUMPS, out)
    assert result.returncode == 0, result.stderr
    return site_files(out)


def test_the_built_site_matches_the_golden_copy(tmp_path: Path) -> None:
    produced = build(tmp_path / "site")
    golden = {
        path.relative_to(GOLDEN_SITE).as_posix(): path.read_bytes()
        for path in GOLDEN_SITE.rglob("*")
        if path.is_file()
    }
    assert sorted(produced) == sorted(golden), "files differ: run `make golden` and review the diff"
    changed = [name for name, content in produced.items() if content != golden[name]]
    assert changed == [], "pages differ: run `make golden` and review the diff"


def test_the_comparison_sees_a_changed_page(tmp_path: Path) -> None:
    """A copy of the golden site with one changed word is told apart from the original."""
    copy = tmp_path / "copy"
    shutil.copytree(GOLDEN_SITE, copy)
    page = copy / "papers" / "light-schrodinger-bridge" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Seen in", b"Seen on", 1))
    assert site_files(copy) != site_files(GOLDEN_SITE)


if __name__ == "__main__":  # make golden
    with tempfile.TemporaryDirectory() as scratch:
        files = build(Path(scratch) / "site")
    shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
    for name, content in files.items():
        (GOLDEN_SITE / name).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN_SITE / name).write_bytes(content)
    print(f"golden site written to {GOLDEN_SITE.relative_to(ROOT)}: {len(files)} files")
