"""The link checker: the seed site has no broken link; a hand-made broken site shows exactly its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.checks.linkcheck import check_links, extract
from tests.conftest import ROOT


def run(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.checks.linkcheck", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_the_seed_site_has_no_broken_link(seed_site: Path) -> None:
    result = run(seed_site)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr.endswith(" 0 broken\n")


def write(site: Path, files: dict[str, str]) -> None:
    for rel, body in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


BROKEN_SITE = {
    "index.html": """<html><head><link rel="stylesheet" href="assets/site.css">
<script src="assets/missing.js"></script>
<script>var x = '<a href="not/a/link/">';</script></head><body>
<a href="papers/one/">fine</a> <a href="papers/one/#abstract">fine anchor</a>
<a href="papers/one/index.html#nowhere">bad anchor</a> <a href="papers/two/">missing page</a>
<a href="#top">own anchor</a> <a href="#gone">own missing anchor</a>
<a href="https://example.org/x">external</a> <a href="mailto:a@b.c">mail</a> <a href="//cdn.example/x.js">cdn</a>
<a href="papers/one?q=1">query on a directory</a> <a href='papers/one/#a&amp;b'>entity in a fragment</a>
<a href="javascript:alert(1)">script</a> <a href="../outside/">outside the site</a>
<!-- <a href="in/a/comment/">commented out</a> -->
<img src="assets/logo%20big.png"> <img src="assets/nope.png">
<h1 id="top">Top</h1></body></html>
""",
    "assets/site.css": "body{}",
    "assets/logo big.png": "png",
    "papers/one/index.html": """<html><body><h1 id="abstract">One</h1><a name="a&b"></a>
<a href="../../">home</a> <a href="../..">home without slash</a> <a href="../../index.html#top">top</a>
<a href="/papers/one/">absolute</a> <a href="/papers/three/">absolute missing</a></body></html>
""",
}


def test_the_site_holds_no_file_a_reader_never_fetches(seed_site: Path) -> None:
    """Material's own search (lunr, its worker), source maps and the README's screenshots
    are left out: 3.5 MB of a site that must fit GitHub Pages' 1 GB at three times the corpus."""
    unread = [
        path.relative_to(seed_site).as_posix()
        for path in seed_site.rglob("*")
        if path.suffix == ".map" or any(part in {"lunr", "workers", "screenshots"} for part in path.parts)
    ]
    assert unread == []
    assert (seed_site / "assets" / "javascripts" / "search.js").is_file()  # ours, kept


def test_a_broken_site_shows_exactly_its_broken_links(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, BROKEN_SITE)
    result = run(site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "index.html: #gone (no anchor #gone in index.html)",
        "index.html: ../outside/ (not a page of the site)",
        "index.html: assets/missing.js (no file assets/missing.js)",
        "index.html: assets/nope.png (no file assets/nope.png)",
        "index.html: javascript:alert(1) (not a page of the site)",
        "index.html: papers/one/index.html#nowhere (no anchor #nowhere in papers/one/index.html)",
        "index.html: papers/two/ (no file papers/two/index.html)",
        "papers/one/index.html: /papers/three/ (no file papers/three/index.html)",
    ]
    assert result.stderr == "2 pages, 22 links, 8 broken\n"


def test_site_absolute_links_follow_the_path_of_the_site_url(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(
        site,
        {
            "sitemap.xml": "<urlset><url><loc>https://x.github.io/atlas/</loc></url>"
            "<url><loc>https://x.github.io/atlas/a/</loc></url></urlset>",
            "404.html": '<a href="/atlas/">home</a> <a href="/atlas/a/">a</a> <a href="/atlas/b/">b</a>',
            "index.html": "",
            "a/index.html": "",
        },
    )
    broken, pages, links = check_links(site, processes=1)
    assert [str(b) for b in broken] == ["404.html: /atlas/b/ (no file b/index.html)"]
    assert (pages, links) == (3, 5)  # the sitemap's two pages are checked too


def test_feeds_and_sitemaps_name_only_pages_that_exist(tmp_path: Path) -> None:
    """A feed or a sitemap that names a page no longer built (a tag whose last paper went)."""
    site = tmp_path / "site"
    write(
        site,
        {
            "sitemap.xml": "<sitemapindex><sitemap><loc>https://x.github.io/atlas/sitemaps/1.xml</loc>"
            "</sitemap></sitemapindex>",
            "sitemaps/1.xml": "<urlset><url><loc>https://x.github.io/atlas/</loc></url>"
            "<url><loc>https://x.github.io/atlas/tags/gone/</loc></url></urlset>",
            "feed.xml": '<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://x.github.io/atlas/" '
            'rel="alternate"/><entry><link href="https://x.github.io/atlas/papers/gone/"/></entry>'
            '<entry><link href="https://example.org/elsewhere/"/></entry></feed>',
            "tags/a/feed.xml": '<feed><link href="../../papers/gone/"/></feed>',
            "index.html": "",
        },
    )
    result = run(site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "feed.xml: /atlas/papers/gone/ (no file papers/gone/index.html)",
        "sitemaps/1.xml: /atlas/tags/gone/ (no file tags/gone/index.html)",
        "tags/a/feed.xml: ../../papers/gone/ (no file papers/gone/index.html)",
    ]


def test_extract_reads_quoted_unquoted_and_entity_values() -> None:
    found = extract(
        """<a href=plain>x</a><img src='single'><a HREF="a&amp;b" id=one><p id="two" name="no">
<a name="three"></a><script>if (a<b) { s = '<a href="no">' }</script><style>a[href="no"]{}</style>""",
        "x.html",
    )
    assert found.links == ("plain", "single", "a&b")
    assert found.anchors == {"one", "two", "three"}


def test_every_icon_a_paper_or_listing_page_uses_is_in_the_sprite(seed_site: Path, tmp_path: Path) -> None:
    """Paper and listing pages draw the theme's icons from assets/icons.svg; a missing symbol is a
    broken link. The other pages (home, stats, map, contributing) keep the theme's inline icons."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    sprite = site / "assets" / "icons.svg"
    assert 'id="i' in sprite.read_text()
    sprite.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')
    broken, _, _ = check_links(site, processes=1)
    assert broken
    assert all(link.url.endswith(".svg#" + link.reason.split("#")[1].split()[0]) for link in broken)
    assert {link.file.split("/")[0] for link in broken} == {
        "papers",
        "tags",
        "dumps",
        "a-z",
        "code",
        "library",
    }
