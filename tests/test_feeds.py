"""Atom feeds: newest papers by dump order, dates from dumps only, valid and escaped XML."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from generator.enrich.taxonomy import Tag
from generator.ingest.catalogue import Catalogue, build_catalogue
from generator.model import Dump, DumpDate, Entry
from generator.pipeline import Settings, generate, read_catalogue
from generator.site.feeds import FEED_SIZE, dump_dates, feed_files, newest_first
from tests.conftest import SEED

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://hf-papers-atlas.github.io/hf-papers-atlas/"


def dump(name: str, date: DumpDate | None, *titles: str) -> Dump:
    entries = tuple(
        Entry(title, f"Abstract of {title}.", 10 + 4 * i, 12 + 4 * i) for i, title in enumerate(titles)
    )
    return Dump(name, f"dumps/{name}", date, entries)


def tagged(catalogue: Catalogue, tags: dict[str, tuple[str, ...]]) -> Catalogue:
    papers = tuple(replace(p, tags=tags.get(p.title, ())) for p in catalogue.papers)
    return replace(catalogue, papers=papers)


def feed_tree(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def entries(root: etree._Element) -> list[etree._Element]:
    return root.findall(f"{ATOM}entry")


def test_newest_dump_first_then_dump_order_by_last_sighting() -> None:
    catalogue = build_catalogue(
        [
            dump("001_a.txt", DumpDate(2024, 1, 1), "Old", "Seen Twice", "Older"),
            dump("002_b.txt", DumpDate(2024, 1, 2), "New One", "Seen Twice", "New Two"),
        ]
    )
    assert [p.title for p in newest_first(catalogue)] == ["New One", "Seen Twice", "New Two", "Old", "Older"]


def test_feed_dates_are_the_dumps_full_dates_and_no_year_is_guessed() -> None:
    added = datetime(2026, 11, 22, 3, 11, 39, tzinfo=UTC)
    dumps = [
        dump("001.txt", DumpDate(None, 5, 28)),  # yearless: its full date, as read_dumps gives it
        dump("002_2030-06-01.txt", DumpDate(2030, 6, 1)),  # a year of its own
    ]
    dumps[0] = replace(dumps[0], full_date=added)
    assert dump_dates(dumps) == {
        "001.txt": added,
        "002_2030-06-01.txt": datetime(2030, 6, 1, tzinfo=UTC),
    }
    with pytest.raises(ValueError, match=r"^dumps/003.txt: no full date; read dumps with read_dumps$"):
        dump_dates([dump("003.txt", DumpDate(None, 3, 11))])


def test_feed_dates_ids_and_categories() -> None:
    catalogue = build_catalogue(
        [
            dump("001.txt", DumpDate(2024, 5, 28), "Alpha Paper", "Beta Paper"),
            dump("002.txt", DumpDate(2024, 5, 29), "Gamma Paper", "Alpha Paper"),
        ]
    )
    tag = Tag("Speech & audio", "speech-audio", "Sound <and> speech.")
    catalogue = tagged(catalogue, {"Alpha Paper": (tag.name,)})
    files = feed_files(catalogue, [tag], SITE_URL)
    assert sorted(files) == ["feed.xml", "tags/speech-audio/feed.xml"]
    root = feed_tree(files["feed.xml"])
    assert root.findtext(f"{ATOM}updated") == "2024-05-29T00:00:00+00:00"
    alpha = entries(root)[1]
    assert alpha.findtext(f"{ATOM}id") == f"{SITE_URL}papers/alpha-paper/"
    assert alpha.findtext(f"{ATOM}published") == "2024-05-28T00:00:00+00:00"
    assert alpha.findtext(f"{ATOM}updated") == "2024-05-29T00:00:00+00:00"
    assert alpha.find(f"{ATOM}category").attrib == {
        "term": "speech-audio",
        "label": "Speech & audio",
        "scheme": f"{SITE_URL}tags/",
    }
    tag_root = feed_tree(files["tags/speech-audio/feed.xml"])
    assert tag_root.findtext(f"{ATOM}title") == "Newest papers: Speech & audio"
    assert tag_root.findtext(f"{ATOM}subtitle") == "Sound <and> speech."
    assert [e.findtext(f"{ATOM}title") for e in entries(tag_root)] == ["Alpha Paper"]


def test_markup_in_titles_and_abstracts_stays_text() -> None:
    title = 'Tags <script>alert("x")</script> & "quotes"'
    entry = Entry(title, "Uses <b>bold</b> & a\x0bcontrol.", 10, 12)
    raw = Dump("001.txt", "dumps/001.txt", None, (entry,), datetime(2026, 1, 2, tzinfo=UTC))
    xml = feed_files(build_catalogue([raw]), [], "")["feed.xml"]
    assert "<script>" not in xml
    entry = entries(feed_tree(xml))[0]
    assert entry.findtext(f"{ATOM}title") == title
    assert entry.findtext(f"{ATOM}summary") == "Uses <b>bold</b> & acontrol."
    # Without a site URL: relative links from the feed's folder, ids from the slug.
    assert entry.find(f"{ATOM}link").get("href") == "papers/tags-script-alert-x-script-quotes/"
    assert entry.findtext(f"{ATOM}id") == "urn:papers-atlas:paper:tags-script-alert-x-script-quotes"


def test_a_feed_holds_at_most_the_newest_fifty() -> None:
    titles = [f"Paper number {i}" for i in range(FEED_SIZE + 7)]
    catalogue = build_catalogue([dump("001.txt", DumpDate(2024, 1, 1), *titles)])
    found = entries(feed_tree(feed_files(catalogue, [], SITE_URL)["feed.xml"]))
    assert [e.findtext(f"{ATOM}title") for e in found] == titles[:FEED_SIZE]


# -- the seed site ------------------------------------------------------------------------------


def site_feeds(site: Path) -> dict[str, etree._Element]:
    paths = [site / "feed.xml", *sorted((site / "tags").glob("*/feed.xml"))]
    return {path.relative_to(site).as_posix(): etree.parse(str(path)).getroot() for path in paths}


def test_every_feed_of_the_seed_site_is_atom_that_links_existing_pages(seed_site: Path) -> None:
    feeds = site_feeds(seed_site)
    tags = list((seed_site / "tags").glob("*/index.html"))
    assert len(feeds) == len(tags) + 1
    assert len(entries(feeds["feed.xml"])) == min(FEED_SIZE, len(list((seed_site / "papers").iterdir())))
    for name, root in feeds.items():
        assert root.tag == f"{ATOM}feed", name
        found = entries(root)
        assert len(found) <= FEED_SIZE
        ids = [e.findtext(f"{ATOM}id") for e in found]
        assert len(set(ids)) == len(ids), name
        for entry in found:
            href = entry.find(f"{ATOM}link").get("href")
            assert href.startswith(SITE_URL), href
            assert (seed_site / href.removeprefix(SITE_URL) / "index.html").is_file(), href


def test_feeds_carry_only_dump_dates(seed_site: Path) -> None:
    """No clock: every date in every feed is the date of a dump of the seed."""
    catalogue, _ = read_catalogue(SEED)
    allowed = {date.isoformat() for date in dump_dates(catalogue.dumps).values()}
    for name, root in site_feeds(seed_site).items():
        stamps = [el.text for el in root.iter(f"{ATOM}updated", f"{ATOM}published")]
        assert stamps and set(stamps) <= allowed, name


def test_feeds_are_the_same_on_a_second_render(seed_site: Path) -> None:
    again = generate(SEED, settings=Settings("HF Papers Atlas", SITE_URL)).files
    for name in site_feeds(seed_site):
        assert (seed_site / name).read_bytes() == again[name], name


@pytest.mark.parametrize("page", ["index.html", "stats/index.html", "papers/index.html"])
def test_every_page_announces_the_site_feed(seed_site: Path, page: str) -> None:
    path = seed_site / page
    if not path.exists():  # papers/ has no index; take any paper
        path = next((seed_site / "papers").glob("*/index.html"))
    html = path.read_text(encoding="utf-8")
    assert 'rel="alternate feed" type="application/atom+xml"' in html
    assert "feed.xml" in html


def test_a_tag_page_announces_its_own_feed(seed_site: Path) -> None:
    html = (seed_site / "tags" / "diffusion-flow-models" / "index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="alternate feed" type="application/atom+xml" title="HF Papers Atlas: Diffusion &amp; flow models" '
        'href="feed.xml">'
    ) in html
    assert 'href="../../feed.xml"' in html
