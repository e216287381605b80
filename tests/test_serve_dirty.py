"""``mkdocs serve --dirty`` (``make serve``) adding a dump to the seed dumps.

A rebuild renders only the pages whose generated source changed, and the new dump's papers
show on their own pages, the dump's page, their tags' pages and the home page. Search keeps
the first build's index and the search box says how many papers it lacks.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from generator.output.downloads import DOWNLOADS
from generator.rebuild import MANIFEST
from generator.site.pages import url_of
from tests.conftest import build_site
from tests.test_serve import (
    CHANGE_TIMEOUT,
    COMPLETE,
    CUT_TITLE,
    DONE_TITLE,
    NEW_DUMP,
    Served,
    fetch,
    serve,
    wait_for,
)
from tests.test_serve import watching_config as config_for

BUILT = "Documentation built"
RELOADED = "Reloading browsers"
SHOWN_FIRST = "shown first: the new dump's pages; the rest follows"
NEW_PAPER = "papers/quokka-a-cheerful-language-model-for-small-devices/"


@pytest.fixture
def dirty(tmp_path: Path) -> Iterator[Served]:
    """``make serve``'s command on a copy of the seed dumps; MkDocs' site folder (a temporary
    folder of its own) is the one folder in ``tmp_path/tmp``."""
    (tmp_path / "tmp").mkdir()
    yield from serve(tmp_path, config_for(tmp_path), "--dirty", TMPDIR=str(tmp_path / "tmp"))


def contents(folder: Path, suffix: str) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*" + suffix)}


def written(site: Path) -> dict[str, int]:
    """Each HTML page of the site and when it was last written."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def save_new_dump(served: Served) -> None:
    """Write the new dump as an editor saves it: whole, then moved in."""
    whole = served.dumps.parent / NEW_DUMP
    whole.write_text(COMPLETE, encoding="utf-8")
    whole.replace(served.dumps / NEW_DUMP)


def served_settings(served: Served, tmp_path: Path) -> Path:
    """The server's config with its address as ``site_url``, as serve sets it: a build with
    the same settings as the server's rebuilds."""
    config = tmp_path / "served.yml"
    config.write_text(
        config_for(tmp_path).read_text(encoding="utf-8") + f"site_url: {served.url}\n", encoding="utf-8"
    )
    return config


def site_files(site: Path, leave_out: Collection[str] = ()) -> dict[str, bytes]:
    """A built site's files by path, but those a serve and a build may differ in by design
    (``NOT_COMPARED``) and ``leave_out``."""
    return {
        path: p.read_bytes()
        for p in site.rglob("*")
        if p.is_file()
        and (path := p.relative_to(site).as_posix()) not in leave_out
        and not path.startswith(NOT_COMPARED)
    }


def add_dump(served: Served) -> None:
    """Write the new dump as an editor saves it (whole, then moved in); wait for the rebuild,
    and for the second when the first showed only the new dump (``SHOWN_FIRST``). Counted by
    the server's reloads: MkDocs logs "Documentation built in 0.18 seconds" once a session."""
    mark, before = len(served.output()), served.output().count(RELOADED)
    save_new_dump(served)
    wait_for(lambda: served.output().count(RELOADED) > before, CHANGE_TIMEOUT, "the rebuild", served.log)
    if SHOWN_FIRST in served.output()[mark:]:
        wait_for(lambda: served.output().count(RELOADED) > before + 1, CHANGE_TIMEOUT, "the rest", served.log)


def test_a_dirty_rebuild_renders_only_the_pages_whose_source_changed(dirty: Served, tmp_path: Path) -> None:
    (site,) = (tmp_path / "tmp").glob("mkdocs_*")
    sources, pages = contents(tmp_path / "generated", ".md"), written(site)
    add_dump(dirty)
    changed = {
        src for src, text in contents(tmp_path / "generated", ".md").items() if sources.get(src) != text
    }
    rendered = {page for page, when in written(site).items() if pages.get(page) != when}
    assert rendered - {"404.html"} == {url_of(src) + "index.html" for src in changed}  # 404: the theme's
    assert {"index.html", "dumps/004_2024-06-02/index.html", NEW_PAPER + "index.html"} <= rendered
    assert len(rendered) < len(pages) / 2


def test_a_new_dump_shows_on_its_pages_its_tags_and_the_home_page(dirty: Served) -> None:
    add_dump(dirty)
    status, page = fetch(dirty.url + NEW_PAPER)
    assert status == 200 and CUT_TITLE in page
    tags = re.findall(r'href="\.\./\.\./tags/([a-z0-9-]+)/"', page)
    assert tags, "the new paper has no tag link"
    for url in ("", "dumps/004_2024-06-02/"):
        status, listing = fetch(dirty.url + url)
        assert status == 200 and CUT_TITLE in listing and DONE_TITLE in listing, url
    status, listing = fetch(dirty.url + f"tags/{tags[0]}/")
    assert status == 200 and CUT_TITLE in listing


def test_search_keeps_the_first_index_and_the_box_says_what_it_lacks(dirty: Served, browser) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(fetch(dirty.url + "search-status.json")[1]) == {"missing": 0}
    add_dump(dirty)
    assert json.loads(fetch(dirty.url + "search-status.json")[1]) == {"missing": 2}
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(dirty.url + NEW_PAPER)  # not "networkidle": live reload keeps a request open
    page.keyboard.press("/")
    page.keyboard.type("language model")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    note = page.locator("[data-pagefind-stale]")
    assert note.inner_text() == (
        "Search uses the index of the server's first build: 2 papers added since the server "
        "started are not in it until the next full build (make site) or a restart."
    )
    for href in page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.href)"):
        assert fetch(href)[0] == 200, href
    page.close()
    assert errors == []


SERVE_ONLY = {"search-status.json", *DOWNLOADS}
"""Files only ``mkdocs serve`` writes: the search box's note, and the plain downloads MkDocs
copies beside their gzips (a build keeps only the gzips)."""
NOT_COMPARED = ("pagefind/", "map/points.json")
"""Search keeps the first build's index until a full build; a new paper's place on the map
is the mean of its related papers' places, where a build lays the map out with openTSNE."""
SEARCH_STATUS = re.compile(r' data-status="[^"]*search-status\.json"')
SEARCH_STATUS_SCRIPT = re.compile(
    r',[\w$]+\.dataset\.status=new URL\("[^"]*search-status\.json",__md_scope\)\.href'
)
"""The statement of the minified ``palette.js`` that points the search box at it."""
RELATED = re.compile(r'<ul class="paper-related">.*?</ul>', re.DOTALL)
LIBRARY_LINKS = ("linkCounts", "linkRice", "linkGaps", "strengths")


def comparable(path: str, data: bytes) -> object:
    """A site's file as the comparison sees it: the related lists (and closest papers) left out wherever they show
    (a serve relates new papers against the kept terms; a build computes every list afresh),
    and the search box's pointer to ``search-status.json``, which only a serve writes."""
    if path.endswith(".html"):
        return RELATED.sub("", SEARCH_STATUS.sub("", data.decode()))
    if path == "assets/javascripts/palette.js":  # where the search box is made
        return SEARCH_STATUS_SCRIPT.sub("", data.decode())
    if path == "papers.json.gz":
        return [{**paper, "related": None} for paper in json.loads(gzip.decompress(data))["papers"]]
    if path == "library/data.json":
        return {key: value for key, value in json.loads(data).items() if key not in LIBRARY_LINKS}
    if path.startswith("library/near/"):  # each paper's closest: its row, not what it holds
        return len(json.loads(gzip.decompress(data)))
    return data


def test_the_served_site_after_a_new_dump_is_a_clean_build_of_the_same_dumps(
    dirty: Served, tmp_path: Path
) -> None:
    add_dump(dirty)
    (served,) = (tmp_path / "tmp").glob("mkdocs_*")
    clean = tmp_path / "clean"
    result = build_site(dirty.dumps, clean, "-f", str(served_settings(dirty, tmp_path)))
    assert result.returncode == 0, result.stderr
    built, shown = site_files(clean, SERVE_ONLY), site_files(served, SERVE_ONLY)
    assert sorted(shown.keys() - built.keys()) == [] and sorted(built.keys() - shown.keys()) == []
    differ = [
        path for path in sorted(built) if comparable(path, built[path]) != comparable(path, shown[path])
    ]
    assert differ == []


def test_a_new_dump_is_shown_first_and_the_rest_follows_in_a_second_rebuild(dirty: Served) -> None:
    """The first rebuild makes only what shows the new dump (its papers' pages, the dumps',
    tags' and topics' pages, the home page), saves no manifest and asks for the rest; the
    second is complete (the test above: then the site is a clean build's)."""
    mark = len(dirty.output())
    add_dump(dirty)
    first, _, rest = dirty.output()[mark:].partition(SHOWN_FIRST)
    assert "files first: home, dumps, tags and topics" in first and "2 paper pages first" in first
    assert "written first" in first and RELOADED not in first
    assert "paper pages and papers.json" in rest and "removed" in rest and rest.count(RELOADED) == 2
    assert "shown first" not in rest


def test_a_server_killed_after_its_first_step_leaves_nothing_a_build_takes_for_done(
    dirty: Served, tmp_path: Path
) -> None:
    """The first step writes only the new dump's pages and saves no manifest: killed then (or
    at any moment of the second step), the server leaves a generated folder that the next
    ``mkdocs build`` with the same settings must not reuse as complete. That build's site is
    a clean build's, byte for byte (but the map's points, whose layout the serve kept)."""
    mark = len(dirty.output())
    save_new_dump(dirty)
    # Polled often, so the server is killed before the second step starts.
    wait_for(
        lambda: SHOWN_FIRST in dirty.output()[mark:], CHANGE_TIMEOUT, "the first step", dirty.log, every=0.02
    )
    os.killpg(dirty.process.pid, signal.SIGKILL)
    dirty.process.wait(timeout=15)
    complete = (tmp_path / "generated" / MANIFEST).exists()  # only if the second step had ended

    config = served_settings(dirty, tmp_path)  # the server's settings: its fingerprint
    after, clean = tmp_path / "after", tmp_path / "clean"
    rebuilt = build_site(dirty.dumps, after, "-f", str(config), generated=tmp_path / "generated", quiet=False)
    assert rebuilt.returncode == 0, rebuilt.stderr
    if not complete:
        assert "papers: inputs: changed" in rebuilt.stderr, rebuilt.stderr
    result = build_site(dirty.dumps, clean, "-f", str(config))
    assert result.returncode == 0, result.stderr
    built, shown = site_files(clean), site_files(after)
    assert sorted(shown.keys() ^ built.keys()) == []
    assert [path for path in sorted(built) if built[path] != shown[path]] == []
