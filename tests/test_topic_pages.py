"""Topics on the seed site: their pages under their areas, area pages' topic lists, paper chips,
feeds, and no page or link for a topic no paper has."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.enrich.taxonomy import Taxonomy, default_path, load_taxonomy
from generator.output.downloads import read_download
from generator.search import pagefind
from generator.site.feeds import TOPIC_FEED_SIZE

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(default_path())


@pytest.fixture(scope="module")
def papers(seed_site: Path) -> list[dict]:
    return json.loads(read_download(seed_site, "papers.json"))["papers"]


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml")


def listed(soup: BeautifulSoup) -> list[str]:
    """The slugs a listing page lists, in order."""
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select("ol.paper-list li > a:first-child")]


def test_every_topic_with_papers_has_a_page_listing_them_newest_first(
    seed_site: Path, papers: list[dict], taxonomy: Taxonomy
) -> None:
    used = {name for p in papers for name in p["topics"]}
    assert len(used) >= 20  # the seed papers spread over many topics
    for name in used:
        topic = taxonomy.topic_by_name[name]
        soup = page(seed_site, topic.path)
        expected = [p["slug"] for p in reversed(papers) if name in p["topics"]]
        assert listed(soup) == expected, name
        assert soup.select_one("h1").get_text() == name
        facts = soup.select_one("p.tag-facts")
        assert facts.select_one("strong").get_text() == str(len(expected))
        area = facts.select_one("a.paper-tag")
        assert area.get_text() == topic.area.name
        assert area["href"] == f"../../../tags/{topic.area.slug}/"


def test_a_topic_page_shows_the_topics_most_often_beside_it(
    seed_site: Path, papers: list[dict], taxonomy: Taxonomy
) -> None:
    name = next(p["topics"][0] for p in papers if len(p["topics"]) >= 2)
    beside = Counter(other for p in papers if name in p["topics"] for other in p["topics"] if other != name)
    expected = sorted(beside.items(), key=lambda item: (-item[1], item[0]))[:6]
    soup = page(seed_site, taxonomy.topic_by_name[name].path)
    links = soup.select("p.tag-often a")
    assert [(a.contents[0].strip(), int(a.select_one("span").get_text())) for a in links] == expected
    assert [a["href"] for a in links] == [f"../../../{taxonomy.topic_by_name[n].path}/" for n, _ in expected]


def test_a_topic_no_paper_has_gets_no_page_feed_or_link(
    seed_site: Path, papers: list[dict], taxonomy: Taxonomy
) -> None:
    used = {name for p in papers for name in p["topics"]}
    unused = [topic for topic in taxonomy.topics if topic.name not in used]
    assert unused
    html = "".join(path.read_text(encoding="utf-8") for path in (seed_site / "tags").rglob("index.html"))
    for topic in unused:
        assert not (seed_site / topic.path).exists(), topic.name
        assert f"{topic.path.removeprefix('tags/')}/" not in html, topic.name


def test_an_area_page_lists_its_topics_with_counts_before_its_papers(
    seed_site: Path, papers: list[dict], taxonomy: Taxonomy
) -> None:
    area = taxonomy.by_slug()["diffusion-flow-models"]
    soup = page(seed_site, f"tags/{area.slug}")
    topics = soup.select_one("p.tag-topics")
    shown = {a.contents[0].strip(): int(a.select_one("span").get_text()) for a in topics.select("a")}
    counts = {
        topic.name: sum(1 for p in papers if topic.name in p["topics"])
        for topic in taxonomy.topics
        if topic.area == area
    }
    assert shown == {name: n for name, n in counts.items() if n}
    assert str(soup).index("tag-topics") < str(soup).index("paper-list")


def test_paper_pages_show_area_and_topic_chips(
    seed_site: Path, papers: list[dict], taxonomy: Taxonomy
) -> None:
    paper = next(p for p in papers if p["tags"] and p["topics"])
    chips = page(seed_site, paper["url"]).select("nav.md-tags a.md-tag")
    areas = [
        f"../../tags/{taxonomy.by_slug()[s].slug}/"
        for s in [t.slug for t in taxonomy.tags if t.name in paper["tags"]]
    ]
    topics = [f"../../{taxonomy.topic_by_name[name].path}/" for name in paper["topics"]]
    assert [a.get_text() for a in chips] == paper["tags"] + paper["topics"]
    assert [a["href"] for a in chips] == areas + topics


def test_topic_feeds_hold_their_newest_papers(
    seed_site: Path, papers: list[dict], taxonomy: Taxonomy
) -> None:
    from lxml import etree

    name = max({n for p in papers for n in p["topics"]}, key=lambda n: sum(n in p["topics"] for p in papers))
    topic = taxonomy.topic_by_name[name]
    feed = etree.parse(str(seed_site / topic.path / "feed.xml")).getroot()
    count = sum(1 for p in papers if name in p["topics"])
    assert len(feed.findall(f"{ATOM}entry")) == min(count, TOPIC_FEED_SIZE)
    assert feed.findtext(f"{ATOM}title") == f"Newest papers: {name} ({topic.area.name})"


def test_search_documents_carry_areas_and_topics_as_filters() -> None:
    html = pagefind.document("A title", "An abstract.", ["Diffusion & flow models"], 2025, ["Guidance"])
    soup = BeautifulSoup(html, "lxml")
    filters = [
        (span["data-pagefind-filter"], span.get_text()) for span in soup.select("[data-pagefind-filter]")
    ]
    assert filters == [("tag", "Diffusion & flow models"), ("year", "2025"), ("topic", "Guidance")]
