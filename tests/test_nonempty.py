"""No empty pages: a tag without papers has no page, no feed and no link, at any size of site.

The seed site and a one-dump, one-paper site (``fixtures/one_paper``) show nothing empty and
link nothing missing. One folder of dumps is built three times into one site folder, as a
repository grows and shrinks: the one paper; then with a dump that brings a new tag's first
paper (``fixtures/new_tag_first_paper``); then without that dump again.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.checks.linkcheck import check_links
from generator.checks.nonempty import check_site, feed_gaps, page_gaps
from generator.enrich.taxonomy import Tag
from generator.ingest.catalogue import build_catalogue
from generator.model import Dump, DumpDate, Entry
from generator.output.downloads import read_download
from generator.site.coverage import tag_coverage
from tests.conftest import FIXTURES, build_site
from tests.test_determinism import differences, files_of

ONE_PAPER = FIXTURES / "one_paper"
NEW_TAG = FIXTURES / "new_tag_first_paper"
SPEECH = "speech-audio"
ROBOTICS = "robotics-embodied-ai"
FIRST = "listening-through-noise-robust-speech-recognition-on-small-devices"
SECOND = "grasping-cups-with-a-robot-arm-from-one-video"
SPEECH_TOPIC = f"{SPEECH}/speech-recognition"  # the first paper's topic, under its area
GRASPING = f"{ROBOTICS}/grasping-pick-and-place"  # the second paper's


def problems(site: Path) -> tuple[list[str], list[str]]:
    """What shows nothing, and which links lead nowhere."""
    empty, _, _ = check_site(site)
    broken, _, _ = check_links(site, processes=1)
    return [str(item) for item in empty], [str(link) for link in broken]


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "lxml")


def pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def feeds(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("feed.xml")}


@pytest.fixture(scope="module")
def growing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The site after each of the three builds, copied aside: ``one``, ``two``, ``one_again``."""
    base = tmp_path_factory.mktemp("growing")
    dumps, out = base / "dumps", base / "site"
    dumps.mkdir()
    shutil.copy2(ONE_PAPER / "0001_2025-05-28.txt", dumps)
    steps = {}
    for step in ("one", "two", "one_again"):
        if step == "two":
            shutil.copy2(NEW_TAG / "0002_2025-06-02.txt", dumps)
        if step == "one_again":
            (dumps / "0002_2025-06-02.txt").unlink()
        result = build_site(dumps, out)
        assert result.returncode == 0, result.stderr
        steps[step] = shutil.copytree(out, base / step)
    return steps


@pytest.mark.parametrize("site", ["seed_site", "hostile_site"])
def test_the_seed_and_hostile_sites_show_nothing_empty_and_link_nothing_missing(
    site: str, request: pytest.FixtureRequest
) -> None:
    assert problems(request.getfixturevalue(site)) == ([], [])


def test_the_seed_site_has_a_page_and_a_feed_for_each_tag_with_papers_only(seed_site: Path) -> None:
    tag_pages = {path.parent.name for path in (seed_site / "tags").glob("*/index.html")}
    assert {path.parent.name for path in (seed_site / "tags").glob("*/feed.xml")} == tag_pages
    assert len(tag_pages) == 21  # of the taxonomy's 55 tags, those the seed's papers carry


def test_a_one_paper_site_builds_strict_and_every_page_shows_something(growing: dict[str, Path]) -> None:
    site = growing["one"]
    assert problems(site) == ([], [])
    assert pages(site) == {
        "404.html",
        "index.html",
        "a-z/index.html",
        "a-z/l/index.html",
        "contributing/index.html",
        "dumps/index.html",
        "dumps/0001_2025-05-28/index.html",
        "library/index.html",
        "map/index.html",
        f"papers/{FIRST}/index.html",
        "stats/index.html",
        "tags/index.html",
        f"tags/{SPEECH}/index.html",
        f"tags/{SPEECH_TOPIC}/index.html",
    }
    assert feeds(site) == {"feed.xml", f"tags/{SPEECH}/feed.xml", f"tags/{SPEECH_TOPIC}/feed.xml"}


def test_a_one_paper_site_reads_right(growing: dict[str, Path]) -> None:
    site = growing["one"]
    home = soup(site, ".")
    assert [div.get_text(" ", strip=True) for div in home.select(".home-counts > div")] == [
        "1 paper",
        "1 dump",
        "1 tag , 1 topic",
    ]
    assert home.select_one(".home-counts a")["href"] == "tags/"
    assert "code/" not in {a["href"] for a in home.select("article a[href]")}
    assert soup(site, "a-z").select_one("article p").get_text() == "The one paper by title. Pick a letter:"
    dump = soup(site, "dumps/0001_2025-05-28")
    assert dump.select_one("h1").get_text() == "Papers of May 28, 2025"
    assert dump.select_one("p.dump-facts").get_text() == (
        "1 paper. Copied from the Hugging Face papers page of that day into dumps/0001_2025-05-28.txt."
    )
    assert soup(site, f"tags/{SPEECH}").select_one("p.tag-facts").get_text() == (
        "Speech recognition and synthesis, spoken language, audio and music. 1 paper."
    )
    stats = soup(site, "stats")
    assert stats.select("svg.chart") == []
    too_few = (
        "A trend needs at least 3 dumps; the site has 1 dump so far, so no chart is drawn. "
        "The numbers are in the table below."
    )
    assert [p.get_text() for p in stats.select("p.stats-note")] == [
        "The site has one dump so far, 2025-05-28, with 1 paper. A chart compares dumps once there are 2.",
        "One tag is in use so far: Speech & audio, on 1 paper (100.0%). All tags.",
        too_few,
        "No paper links a code repository yet.",
    ]


def test_the_tags_index_lists_every_tag_and_links_those_with_papers(growing: dict[str, Path]) -> None:
    index = soup(growing["one"], "tags")
    assert index.select("article p")[1].get_text() == (
        "Every tag of the taxonomy is listed here, with its topics that have papers, most papers "
        "first. 1 of 55 has papers and a page of its own; a tag "
        "without papers gets its page, at the address it will always have, with its first paper."
    )
    rows = {row.select("td")[0].get_text(): row for row in index.select("table.tag-table tbody tr")}
    assert len(rows) == 55
    assert [a["href"] for a in index.select("table.tag-table td:first-child a")] == [f"../tags/{SPEECH}/"]
    robotics = rows["Robotics & embodied AI"]
    assert [td.get_text() for td in robotics.select("td")] == [
        "Robotics & embodied AI",
        "0",
        "Robots and embodied agents that perceive, plan and manipulate in the physical world.",
    ]
    assert robotics.select("a") == []


def test_a_dump_bringing_a_tags_first_paper_creates_its_page_and_links_it(growing: dict[str, Path]) -> None:
    site = growing["two"]
    assert problems(site) == ([], [])
    assert pages(site) - pages(growing["one"]) == {
        "a-z/g/index.html",
        "code/index.html",
        "dumps/0002_2025-06-02/index.html",
        f"papers/{SECOND}/index.html",
        f"tags/{ROBOTICS}/index.html",
        f"tags/{GRASPING}/index.html",
        "tags/video/index.html",
    }
    assert feeds(site) - feeds(growing["one"]) == {
        f"tags/{ROBOTICS}/feed.xml",
        f"tags/{GRASPING}/feed.xml",
        "tags/video/feed.xml",
    }
    # Linked from the tags index, at the address it always had, from the paper, and from home.
    assert f"../tags/{ROBOTICS}/" in {a["href"] for a in soup(site, "tags").select("table.tag-table a")}
    chips = [a["href"] for a in soup(site, f"papers/{SECOND}").select("nav.md-tags a")]
    assert chips == ["../../tags/video/", f"../../tags/{ROBOTICS}/", f"../../tags/{GRASPING}/"]
    home = {a["href"] for a in soup(site, ".").select("article a[href]")}
    assert {f"tags/{ROBOTICS}/", "code/"} <= home
    listed = soup(site, f"tags/{ROBOTICS}").select("ol.paper-list li > a:first-child")
    assert [a["href"] for a in listed] == [f"../../papers/{SECOND}/"]


def test_when_a_tags_last_paper_goes_its_page_goes_and_no_link_dangles(growing: dict[str, Path]) -> None:
    site = growing["one_again"]
    assert problems(site) == ([], [])
    assert not (site / "tags" / ROBOTICS).exists()
    assert not (site / "code").exists()
    # The map keeps a paper where the layout kept beside the site put it (enrich/layout.py), so
    # its point stays where it was beside the paper that went: only the map's points differ.
    again, first = (files_of(s) for s in (site, growing["one"]))
    assert differences(again, first) == ["differs: map/points.json.gz"]
    points = json.loads(gzip.decompress(again["map/points.json.gz"]))
    assert points["xy"] == json.loads(read_download(growing["two"] / "map", "points.json"))["xy"][:2]


# -- the pieces ---------------------------------------------------------------------------------


def test_coverage_links_only_entries_with_papers() -> None:
    entry = Entry("A paper", "An abstract.", 10, 12)
    catalogue = build_catalogue([Dump("001.txt", "dumps/001.txt", DumpDate(2024, 1, 2), (entry,))])
    papers = tuple(replace(paper, tags=("B",)) for paper in catalogue.papers)
    tags = [Tag("A", "a", "First."), Tag("B", "b", "Second."), Tag("C", "c", "Third.")]
    coverage = tag_coverage(tags, papers)
    assert coverage.shown == (tags[1],)
    assert coverage.empty == (tags[0], tags[2])
    assert [coverage.href(tag, "../") for tag in tags] == [None, "../tags/b/", None]
    assert (coverage.count("A"), coverage.count("B")) == (0, 1)


def test_the_checker_names_what_shows_nothing() -> None:
    page = (
        '<nav class="md-nav"><ul></ul></nav><article class="md-content__inner md-typeset">'
        '<h1>Agents</h1><p class="tag-facts">0 papers.</p><ol class="paper-list">\n</ol>'
        '<h2 id="a">Related papers</h2>\n<h2 id="b">Seen in</h2><ul><li>x</li></ul>'
        "<table><tbody></tbody></table></article>"
    )
    assert [str(item) for item in page_gaps(page, "tags/agents/index.html")] == [
        "tags/agents/index.html: empty <ol>",
        "tags/agents/index.html: empty <tbody>",
        "tags/agents/index.html: section 'Related papers' shows nothing",
    ]
    empty_feed = '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    assert [str(item) for item in feed_gaps(empty_feed, "tags/agents/feed.xml")] == [
        "tags/agents/feed.xml: feed without entries"
    ]
