"""The stats page and its SVG charts, the papers-with-code listing and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from generator.enrich.clean import extract_links
from generator.enrich.taxonomy import Tag
from generator.ingest.catalogue import build_catalogue
from generator.model import Dump, DumpDate, Entry, Link
from generator.output.downloads import read_download
from generator.site import charts
from generator.site.exports import CSV_FIELDS, papers_csv, papers_json
from generator.site.index import SiteIndex
from generator.site.pages import environment
from generator.site.stats import stats_page
from generator.site.views import PaperViews

SVG = "{http://www.w3.org/2000/svg}"


def svg_tree(markup: str) -> etree._Element:
    return etree.fromstring(markup.encode("utf-8"))


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "lxml")


def test_the_stats_page_has_accessible_charts_with_numbers(seed_site: Path) -> None:
    page = soup(seed_site, "stats")
    figures = page.select("svg.chart")
    assert [svg["id"] for svg in figures] == ["chart-dumps", "chart-tags"]
    for svg in figures:
        assert svg["role"] == "img"
        title = svg.find("title", recursive=False)
        assert title is not None and title.get_text(strip=True)
        assert svg["aria-labelledby"] == title["id"]
        assert "currentColor" in str(svg)
    # Each chart has its numbers in a table under a <details>; so do the trends not drawn.
    assert len(page.select("details.stats-numbers table")) == 4


def test_the_seed_stats_say_why_no_trend_is_drawn_for_two_dumps(seed_site: Path) -> None:
    notes = [p.get_text() for p in soup(seed_site, "stats").select("p.stats-note")]
    too_few = (
        "A trend needs at least 3 dumps; the site has 2 dumps so far, so no chart is drawn. "
        "The numbers are in the table below."
    )
    assert notes == [too_few, f"Over all dumps, 23.8% of the papers link a code repository. {too_few}"]


def stats_of(dumps: int) -> str:
    """The stats page of ``dumps`` dumps of two papers each, one of each dump with code."""
    made = []
    for n in range(dumps):
        entries = (
            Entry(f"Paper {n} a", f"Code at https://github.com/a/p{n} for all.", 10, 12),
            Entry(f"Paper {n} b", "No code here.", 14, 16),
        )
        made.append(Dump(f"{n:03d}_2024-05-{n + 1:02d}.txt", "dumps/x", DumpDate(2024, 5, n + 1), entries))
    catalogue = build_catalogue(made)
    tags = ("Video",)
    papers = tuple(replace(p, tags=tags, links=extract_links(p.abstract)) for p in catalogue.papers)
    index = SiteIndex(
        replace(catalogue, papers=papers), PaperViews(papers, {"Video": Tag("Video", "video", "Video.")})
    )
    return stats_page(index, environment())


@pytest.mark.parametrize(
    ("dumps", "charts"), [(1, []), (2, ["chart-dumps"]), (3, ["chart-dumps", "chart-trend", "chart-code"])]
)
def test_a_chart_is_drawn_only_where_the_site_has_enough_dumps(dumps: int, charts: list[str]) -> None:
    page = BeautifulSoup(stats_of(dumps), "lxml")
    assert [svg["id"] for svg in page.select("svg.chart")] == charts
    notes = [p.get_text() for p in page.select("p.stats-note")]
    too_few = (
        f"A trend needs at least 3 dumps; the site has {dumps} dump{'s' if dumps > 1 else ''} so far, "
        "so no chart is drawn. The numbers are in the table below."
    )
    one_tag = "One tag is in use so far: Video, on {} papers (100.0%). All tags."
    expected = {
        1: [
            "The site has one dump so far, 2024-05-01, with 2 papers. A chart compares dumps once there are 2.",
            one_tag.format(2),
            too_few,
            f"Over all dumps, 50.0% of the papers link a code repository. {too_few}",
        ],
        2: [
            one_tag.format(4),
            too_few,
            f"Over all dumps, 50.0% of the papers link a code repository. {too_few}",
        ],
        3: [one_tag.format(6)],
    }
    assert notes == expected[dumps]


def test_the_charts_are_well_formed_xml(seed_site: Path) -> None:
    html = (seed_site / "stats" / "index.html").read_text(encoding="utf-8")
    chunks = html.split('<svg class="chart"')[1:]
    assert len(chunks) == 2
    for chunk in chunks:
        root = svg_tree('<svg class="chart"' + chunk[: chunk.index("</svg>") + 6])
        assert root.find(f"{SVG}title") is not None


def test_tag_names_are_escaped_in_chart_labels() -> None:
    markup = charts.horizontal_bars("t", "Largest <tags>", [("Speech & <audio>", 3), ("{{ braces }}", 1)])
    root = svg_tree(markup)
    assert "<audio>" not in markup and "{{" not in markup
    assert root.findtext(f"{SVG}title") == "Largest <tags>"
    assert [t.text for t in root.iter(f"{SVG}text")][:1] == ["Speech & <audio>"]


@pytest.mark.parametrize("points", [1, 2, 5, 60])
def test_line_charts_work_with_any_number_of_dumps(points: int) -> None:
    labels = [f"May {i + 1}" for i in range(points)]
    series = [("A & B", [0.1 * (i % 5) for i in range(points)]), ("C", [0.2] * points)]
    root = svg_tree(charts.line_chart("c", "Shares", labels, series))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == (2 if points > 1 else 0)
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == (2 * points if points <= 40 else 0)
    for circle in circles:
        assert 0 <= float(circle.get("cx")) <= charts.WIDTH


def test_stacked_bars_stay_inside_the_chart() -> None:
    labels = [f"d{i}" for i in range(414)]
    root = svg_tree(
        charts.stacked_bars("s", "Per dump", labels, [(60, i % 7) for i in range(414)], ("a", "b"))
    )
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("width") != "12"]  # not the legend swatches
    assert len(rects) == 2 * 414
    assert all(float(r.get("x")) + float(r.get("width")) <= charts.WIDTH for r in rects)
    assert len([t for t in root.iter(f"{SVG}text") if t.text.startswith("d")]) == 7  # x labels thinned


def test_nice_ceiling() -> None:
    assert charts.nice_ceiling(57) == (60, 20)
    assert charts.nice_ceiling(0.37) == pytest.approx((0.4, 0.1))
    assert charts.nice_ceiling(0) == (1.0, 1.0)


def test_the_code_listing_holds_exactly_the_papers_with_code(seed_site: Path) -> None:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    with_code = {p["slug"] for p in papers if any(link["kind"] == "code" for link in p["links"])}
    listed = {
        a["href"].split("/")[-2] for a in soup(seed_site, "code").select("ol.paper-list li > a:first-child")
    }
    assert with_code and listed == with_code


def test_the_home_page_links_the_extras(seed_site: Path) -> None:
    hrefs = {a["href"] for a in soup(seed_site, ".").select("article a[href]")}
    assert {"stats/", "map/", "code/", "feed.xml", "papers.json.gz", "papers.csv.gz"} <= hrefs


def test_the_seed_csv_matches_papers_json(seed_site: Path) -> None:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    rows = list(
        csv.DictReader(io.StringIO(read_download(seed_site, "papers.csv").decode("utf-8"), newline=""))
    )
    assert [row["slug"] for row in rows] == [p["slug"] for p in papers]
    assert [row["title"] for row in rows] == [p["title"] for p in papers]
    assert [row["tags"].split(";") if row["tags"] else [] for row in rows] == [p["tags"] for p in papers]
    assert [row["topics"].split(";") if row["topics"] else [] for row in rows] == [
        p["topics"] for p in papers
    ]


def test_csv_quotes_commas_quotes_and_newlines() -> None:
    title = 'Commas, "quotes" and; semicolons'
    entry = Entry(title, "See https://github.com/a/b for code.", 10, 12)
    catalogue = build_catalogue([Dump("001_x.txt", "dumps/001_x.txt", DumpDate(2024, 5, 28), (entry,))])
    paper = replace(
        catalogue.papers[0],
        tags=("A & B", "C"),
        topics=("A, one", "C two"),
        links=(Link("https://github.com/a/b", "code", "a/b"),),
    )
    catalogue = replace(catalogue, papers=(paper,))
    data = papers_csv(PaperViews(catalogue.papers, {}), "https://example.org/site")
    assert data.startswith(",".join(CSV_FIELDS) + "\r\n")
    (row,) = list(csv.DictReader(io.StringIO(data, newline="")))
    assert row == {
        "slug": paper.slug,
        "title": title,
        "url": f"https://example.org/site/papers/{paper.slug}/",
        "tags": "A & B;C",
        "first_dump": "001_x.txt",
        "first_date": "2024-05-28",
        "last_dump": "001_x.txt",
        "last_date": "2024-05-28",
        "code_url": "https://github.com/a/b",
        "first_seen": "2024-05-28",
        "topics": "A, one;C two",
    }


@pytest.mark.parametrize("title", ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_titles_that_a_spreadsheet_would_run_as_a_formula_are_kept_as_text(title: str) -> None:
    """A dump's title opening with = + - or @ would be a formula in Excel or LibreOffice; the
    CSV quotes it with a leading apostrophe (OWASP's advice), papers.json keeps it as it is."""
    entry = Entry(title, "An abstract.", 10, 12)
    catalogue = build_catalogue([Dump("001_x.txt", "dumps/001_x.txt", DumpDate(2024, 5, 28), (entry,))])
    (row,) = list(csv.DictReader(io.StringIO(papers_csv(PaperViews(catalogue.papers, {})), newline="")))
    assert row["title"] == "'" + title
    assert json.loads(papers_json(PaperViews(catalogue.papers, {})))["papers"][0]["title"] == title


def test_csv_leaves_ordinary_titles_alone() -> None:
    title = "Q-Former: 3D-aware = better"
    entry = Entry(title, "An abstract.", 10, 12)
    catalogue = build_catalogue([Dump("001_x.txt", "dumps/001_x.txt", DumpDate(2024, 5, 28), (entry,))])
    (row,) = list(csv.DictReader(io.StringIO(papers_csv(PaperViews(catalogue.papers, {})), newline="")))
    assert row["title"] == title


def test_counts_of_thousands_read_with_their_thousands_grouped() -> None:
    """The corpus's home page said "28228 papers" and its charts "9227": a reader counts digits."""
    home = (
        environment()
        .get_template("home.md.j2")
        .render(
            meta={},
            root="",
            site_name="Atlas",
            papers=28228,
            dumps=414,
            tags=55,
            topics=1200,
            with_code=4053,
            newest=None,
            newest_listing="",
            top_tags=[],
        )
    )
    assert "<strong>28,228</strong> papers" in home
    assert '<strong>4,053</strong> <a href="code/">papers with code</a>' in home
    assert "1,200 topics" in home
    bars = svg_tree(charts.horizontal_bars("c", "Papers by tag", [("Large language models", 9227)]))
    assert [t.text for t in bars.iter(f"{SVG}text")] == ["Large language models", "9,227"]
    assert bars.find(f"{SVG}g/{SVG}title").text == "Large language models: 9,227"
