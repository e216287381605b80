"""The seed site, built as a user builds it: every paper on its page, listings, papers.json."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup

from generator.enrich import clean
from generator.output.downloads import read_download
from generator.pipeline import read_catalogue
from generator.site.sitemap import sitemap_parts
from tests.conftest import DUMPS, ROOT, SEED, build_site


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml")


def shown(soup: BeautifulSoup, selector: str) -> str:
    """An element's text as a reader sees it before KaTeX runs, math delimiters dropped."""
    raw = soup.select_one(selector).get_text()
    for delimiter in ("\\(", "\\)", "\\[", "\\]"):
        raw = raw.replace(delimiter, "")
    return " ".join(raw.split())


def test_seed_site_has_84_papers_each_on_its_page(seed_site: Path) -> None:
    catalogue, problems = read_catalogue(SEED)
    assert problems == ()
    assert sum(len(d.entries) for d in catalogue.dumps) == 99
    assert len(catalogue.papers) == 84
    for paper in catalogue.papers:
        soup = page(seed_site, paper.url)
        assert shown(soup, "h1.paper-title") == " ".join(clean.title_text(paper.title).split()), paper.slug
        assert shown(soup, ".paper-abstract") == " ".join(clean.plain_text(paper.abstract).split()), (
            paper.slug
        )


def test_papers_json_lists_every_paper(seed_site: Path) -> None:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    assert len(papers) == 84
    first = papers[0]
    assert set(first) == {
        "slug",
        "title",
        "abstract",
        "url",
        "tags",
        "links",
        "sources",
        "related",
        "first_seen",
        "topics",
    }
    assert first["url"] == f"papers/{first['slug']}/"
    assert first["sources"] == [{"dump": "000_919b48b6701b301b.txt", "date": "May 28", "line": 11}]
    assert first["first_seen"] == "May 28"  # the seed's file names give no year: none is made up
    assert all((seed_site / p["url"] / "index.html").is_file() for p in papers)
    assert all(set(p["related"]) <= {q["slug"] for q in papers} for p in papers)


def test_a_paper_seen_twice_lists_both_dumps(seed_site: Path) -> None:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    repeats = [p for p in papers if len(p["sources"]) > 1]
    assert len(repeats) == 15
    soup = page(seed_site, repeats[0]["url"])
    sources = [li.get_text(" ", strip=True) for li in soup.select(".paper-sources li")]
    assert sources[0].startswith("May 28 000_919b48b6701b301b.txt, line")
    assert sources[1].startswith("Mar 11 003_c4391410718c9974.txt, line")
    assert soup.select_one("h1.paper-title + p.paper-source").get_text() == "First seen May 28"


def test_code_links_come_first_with_trailing_dot_stripped(seed_site: Path) -> None:
    soup = page(
        seed_site, "papers/score-based-generative-modeling-of-graphs-via-the-system-of-stochastic-equations"
    )
    links = [(a.get_text(strip=True), a["href"]) for a in soup.select(".paper-links a")]
    assert links[0] == ("Code: harryjo97/GDSS", "https://github.com/harryjo97/GDSS")
    assert [label for label, _ in links[1:]] == ["Hugging Face papers", "arXiv (PDF)"]
    assert links[2][1].startswith("https://arxiv.org/search/?searchtype=title&query=Score-based+Generative")


def test_papers_stay_out_of_the_navigation(seed_site: Path) -> None:
    soup = page(seed_site, "tags")
    nav = [a.get_text(strip=True) for a in soup.select("nav.md-tabs a")]
    assert "Contributing" in nav and nav[:4] == ["Home", "Papers A to Z", "Dumps", "Tags"]
    assert not soup.select('nav.md-nav a[href*="papers/"]')


def test_a_paper_page_leaves_its_tabs_to_the_shared_script(seed_site: Path) -> None:
    """The tabs are made by palette.js where the page calls it (test_accessibility.py sees
    them in Chromium)."""
    soup = page(seed_site, "papers/light-schrodinger-bridge")
    assert not soup.select("nav.md-tabs, nav.md-nav")
    assert [s.get_text() for s in soup.select(".md-container > script")] == ["paperTabs()"]


def test_home_page_counts_and_newest_dump(seed_site: Path) -> None:
    soup = page(seed_site, ".")
    counts = [div.get_text(" ", strip=True) for div in soup.select(".home-counts div")]
    assert counts[:2] == ["84 papers", "2 dumps"]
    tags = len(list((seed_site / "tags").glob("*/index.html")))
    topics = sum(
        not p.parent.name.isdigit() for p in (seed_site / "tags").glob("*/*/index.html")
    )  # not later pages
    assert counts[2] == f"{tags} tags , {topics} topics"  # the tags index's link, then the topics
    assert counts[3].endswith("papers with code")
    assert "Newest dump: Mar 11" in soup.get_text()
    assert len(soup.select("ol.paper-list li")) == 43


def test_dump_pages_link_their_neighbours(seed_site: Path) -> None:
    first = page(seed_site, "dumps/000_919b48b6701b301b")
    second = page(seed_site, "dumps/003_c4391410718c9974")
    assert [a["href"] for a in first.select(".dump-nav a")] == ["../", "../003_c4391410718c9974/"]
    assert [a["href"] for a in second.select(".dump-nav a")] == ["../000_919b48b6701b301b/", "../"]
    assert len(first.select("ol.paper-list li")) == 56
    assert "15 of them seen in an earlier dump" in second.get_text()


def test_a_to_z_lists_every_paper_once(seed_site: Path) -> None:
    hrefs = []
    for letter in (seed_site / "a-z").iterdir():
        if letter.is_dir():
            hrefs += [
                a["href"]
                for a in page(seed_site, f"a-z/{letter.name}").select("ol.paper-list li > a:first-child")
            ]
    assert len(hrefs) == len(set(hrefs)) == 84


def test_tag_pages_count_their_papers(seed_site: Path) -> None:
    index = page(seed_site, "tags")
    rows = index.select("table.tag-table tbody tr")
    assert rows
    assert len(rows) == 55  # every tag of the taxonomy, with papers or not
    for row in rows:
        link = row.select_one("a")
        count = int(row.select("td")[1].get_text())
        if count == 0:  # no page, so no link
            assert link is None, row.get_text()
            continue
        assert link["href"].startswith("../tags/"), link["href"]
        listed = page(seed_site, link["href"].removeprefix("../").rstrip("/")).select("ol.paper-list li")
        assert len(listed) == count, link.get_text()
    linked = {a["href"].split("/")[-2] for a in index.select("table.tag-table td:first-child a")}
    assert linked == {path.parent.name for path in (seed_site / "tags").glob("*/index.html")}


def test_the_tags_index_lists_every_topic_with_papers_under_its_area(seed_site: Path) -> None:
    """The whole taxonomy a reader can browse on one page: each area's topics with their
    counts, most papers first, each linked to its page, which lists that many papers."""
    index = page(seed_site, "tags")
    topic_pages = {
        f"tags/{p.parent.parent.name}/{p.parent.name}" for p in (seed_site / "tags").glob("*/*/index.html")
    }
    topic_pages -= {p for p in topic_pages if p.rsplit("/", 1)[1].isdigit()}  # an area's later pages
    listed: set[str] = set()
    for row in index.select("table.tag-table tbody tr"):
        topics = row.select_one(".tag-table-topics")
        if topics is None:
            continue
        area = row.select_one("td a")["href"].removeprefix("../").rstrip("/")
        links = topics.select("a")
        counts = [int(a.find_next_sibling("span").get_text()) for a in links]
        assert topics.get_text().startswith(f"{len(links)} topic"), topics.get_text()
        assert counts == sorted(counts, reverse=True)
        for link, count in zip(links, counts, strict=True):
            path = link["href"].removeprefix("../").rstrip("/")
            assert path.startswith(area + "/"), (area, path)
            shown = page(seed_site, path).select("ol.paper-list li")
            assert len(shown) == count, path
            listed.add(path)
    assert listed and listed == topic_pages


def test_strict_build_fails_on_a_broken_dump_with_the_validate_message(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    shutil.copy(SEED / "000_919b48b6701b301b.txt", dumps)
    shutil.copy(DUMPS / "truncated_paste.txt", dumps / "0004_2026-11-22.txt")
    result = build_site(dumps, tmp_path / "site")
    assert result.returncode == 1
    assert (
        f"{dumps / '0004_2026-11-22.txt'}:19: title 'Third Paper' has no abstract after it (end of file)"
        in (result.stderr)
    )
    assert not (tmp_path / "site" / "index.html").exists()


def test_git_ignores_what_builds_make_and_none_of_the_code() -> None:
    """Generated pages and the built site stay out of commits; the generator's own ``site/``
    package (once hidden by an unanchored ``site/`` pattern) does not."""
    made = ["build/generated/papers/a.md", "site/index.html", ".venv/bin/python"]
    code = ["generator/site/views.py", "generator/site/templates/paper.md.j2", "docs/index.md"]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *made, *code], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.stdout.split() == made


def test_tag_pages_name_the_tags_most_often_beside_them(seed_site: Path) -> None:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    soup = page(seed_site, "tags/3d-vision-graphics")
    shown = [(a.contents[0].strip(), int(a.span.get_text())) for a in soup.select(".tag-often a.paper-tag")]
    assert shown
    counts = [n for _, n in shown]
    assert counts == sorted(counts, reverse=True)
    for name, n in shown:
        both = sum(1 for p in papers if "3D vision & graphics" in p["tags"] and name in p["tags"])
        assert both == n, name


def test_a_dumps_page_edit_button_opens_the_dump_in_the_repository(seed_site: Path) -> None:
    soup = page(seed_site, "dumps/003_c4391410718c9974")
    assert soup.select_one("a[rel=edit]")["href"] == (
        "https://github.com/hf-papers-atlas/hf-papers-atlas/edit/main/dumps/003_c4391410718c9974.txt"
    )


def test_a_paper_page_leads_to_its_dumps_page_and_has_no_edit_button_of_its_own(seed_site: Path) -> None:
    soup = page(seed_site, "papers/light-schrodinger-bridge")
    assert soup.select_one("a[rel=edit]") is None
    seen_in = soup.select_one("ul.paper-sources a")
    assert seen_in["href"] == "../../dumps/003_c4391410718c9974/"
    assert page(seed_site, "dumps").select_one("a[rel=edit]") is None


def site_of(tmp_path: Path, dump: Path) -> Path:
    """The site built from ``dump`` alone, copied into a folder outside the repository."""
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    shutil.copy(dump, dumps)
    result = build_site(dumps, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    return tmp_path / "site"


def test_dumps_outside_the_repository_give_no_edit_button(tmp_path: Path) -> None:
    site = site_of(tmp_path, SEED / "000_919b48b6701b301b.txt")
    soup = page(site, "papers/dreammat-high-quality-pbr-material-generation-with-geometry-and-light-aware")
    assert soup.select_one("h1").get_text().startswith("DreamMat: High-quality PBR Material Generation")
    assert page(site, "dumps/000_919b48b6701b301b").select_one("a[rel=edit]") is None


def test_tag_page_rows_name_the_other_areas_by_number_and_dump_rows_show_chips(seed_site: Path) -> None:
    """A tag's page names each row's other areas by number into the list's table (shelf.js
    hides by them); a dump's page shows them as chips linking their pages."""
    papers = {p["slug"]: p for p in json.loads(read_download(seed_site, "papers.json"))["papers"]}
    listing = page(seed_site, "tags/diffusion-flow-models").select_one("ol.paper-list")
    table = json.loads(listing["data-areas"])
    rows = listing.select("li")
    assert rows and not listing.select(".paper-tag")
    for row in rows:
        slug = row.a["href"].rstrip("/").rsplit("/", 1)[1]
        named = [table[int(number)] for number in row.get("data-a", "").split()]
        assert named == [tag for tag in papers[slug]["tags"] if tag != "Diffusion & flow models"], slug
    assert any(row.get("data-a") for row in rows)  # papers with other tags still name them
    dump = page(seed_site, "dumps/000_919b48b6701b301b").select("ol.paper-list li")
    for row in dump:
        slug = row.a["href"].rstrip("/").rsplit("/", 1)[1]
        assert [a.get_text() for a in row.select("a.paper-tag")] == papers[slug]["tags"], slug


def test_sitemap_is_an_index_of_parts_listing_every_page(seed_site: Path) -> None:
    index = (seed_site / "sitemap.xml").read_text()
    assert "<sitemapindex" in index
    assert re.findall(r"<loc>([^<]*)</loc>", index) == [
        "https://hf-papers-atlas.github.io/hf-papers-atlas/sitemaps/1.xml.gz"
    ]
    part = gzip.decompress((seed_site / "sitemaps" / "1.xml.gz").read_bytes()).decode()
    listed = re.findall(r"<loc>([^<]*)</loc>", part)
    assert len(listed) == len(list(seed_site.rglob("index.html")))  # 404.html is not a page
    assert "https://hf-papers-atlas.github.io/hf-papers-atlas/papers/light-schrodinger-bridge/" in listed
    assert list((seed_site / "sitemaps").iterdir()) == [seed_site / "sitemaps" / "1.xml.gz"]
    # The seed dumps' names hold no year: every page's lastmod is the day git added the newer
    # seed dump (no page claims to date from 1970, or from a guessed year).
    added = [
        subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%cI", "--", f"dumps/{name}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[0]
        for name in ("000_919b48b6701b301b.txt", "003_c4391410718c9974.txt")
    ]
    newest = max(datetime.fromisoformat(stamp).astimezone(UTC) for stamp in added)
    lastmods = re.findall(r"<lastmod>([^<]*)</lastmod>", part)
    assert len(lastmods) == len(listed)
    assert set(lastmods) == {newest.date().isoformat()}


def test_sitemap_parts_hold_at_most_ten_thousand_pages() -> None:
    pages = [(f"https://x.github.io/a/p{n}/?a&b", "2025-01-02") for n in range(25_001)]
    parts = sitemap_parts(pages, "https://x.github.io/a/")
    assert [part.url for part in parts] == [f"https://x.github.io/a/sitemaps/{n}.xml.gz" for n in (1, 2, 3)]
    assert gzip.decompress(parts[2].data).decode() == parts[2].xml
    assert [part.xml.count("<url>") for part in parts] == [10_000, 10_000, 5_001]
    assert "<loc>https://x.github.io/a/p0/?a&amp;b</loc>" in parts[0].xml


def test_the_home_page_alone_names_the_catalogue_for_machines(seed_site: Path) -> None:
    link = (
        '<link rel="alternate describedby" type="application/gzip" title="HF Papers Atlas catalogue (papers.json, gzipped)" '
        'href="papers.json.gz">'
    )
    assert link in (seed_site / "index.html").read_text(encoding="utf-8")
    paper = (seed_site / "papers" / "light-schrodinger-bridge" / "index.html").read_text(encoding="utf-8")
    assert "papers.json" not in paper


def test_skip_to_content_on_a_paper_page_leads_to_its_title(seed_site: Path) -> None:
    html = (seed_site / "papers" / "light-schrodinger-bridge" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("a.md-skip")["href"] == "#title"
    assert soup.select_one("#title").name == "h1"
    assert soup.select_one("#title").get_text() == "Light Schrödinger Bridge"


def test_a_dump_without_a_date_line_is_called_by_its_file_and_shows_no_date(tmp_path: Path) -> None:
    site = site_of(tmp_path, DUMPS / "no_date.txt")
    dump = page(site, "dumps/no_date")
    assert dump.select_one("h1").get_text() == "Dump no_date"
    assert dump.select_one("p.dump-facts").get_text() == (
        "1 paper. Copied from the Hugging Face papers page into dumps/no_date.txt."
    )
    home = page(site, ".")
    assert home.select_one("h2#newest-dump-no_date").get_text().startswith("Newest dump: no_date")


def test_pages_from_memory_equal_pages_read_back_from_disk(tmp_path: Path) -> None:
    """A build that generates hands MkDocs each page's text from memory; the next build,
    with nothing changed, reads the same pages from disk: the sites are identical."""
    site = tmp_path / "site"
    first = build_site(SEED, site)
    assert first.returncode == 0, first.stderr
    shutil.copytree(site, tmp_path / "first")
    manifest = tmp_path / "site-generated" / ".manifest.json"
    saved = manifest.stat().st_mtime_ns  # saved once the pages and search documents are on disk
    again = build_site(SEED, site)  # same generated folder: generation is skipped
    assert again.returncode == 0, again.stderr
    assert manifest.stat().st_mtime_ns == saved  # a regeneration would have written it anew
    for page in ["papers/light-schrodinger-bridge/index.html", "index.html", "tags/index.html"]:
        assert (tmp_path / "first" / page).read_bytes() == (site / page).read_bytes(), page


def test_a_build_whose_search_index_fails_saves_no_manifest(tmp_path: Path) -> None:
    """The manifest says a generated folder is complete; it is saved only after Pagefind's
    process has written and indexed the search documents, so the next build regenerates."""
    env = dict(
        os.environ,
        PAPERS_DUMPS_DIR=str(SEED),
        PAPERS_GENERATED_DIR=str(tmp_path / "generated"),
        PAGEFIND_BINARY_PATH="/bin/false",  # pagefind.pagefind_binary runs this instead
    )
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(ROOT / "mkdocs.yml"),
        "-d",
        str(tmp_path / "site"),
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "pagefind failed" in result.stderr
    assert (tmp_path / "generated" / "papers" / "light-schrodinger-bridge.md").is_file()
    assert not (tmp_path / "generated" / ".manifest.json").exists()


def test_the_downloads_are_gzipped_to_the_bytes_generation_wrote(seed_site: Path) -> None:
    """``papers.json`` and ``papers.csv`` are on the site only gzipped, and unzip to exactly
    what generation wrote: the same fields, a fraction of the bytes."""
    generated = Path(str(seed_site) + "-generated")
    for name in ("papers.json", "papers.csv"):
        assert not (seed_site / name).exists(), name
        packed = (seed_site / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == read_download(seed_site, name) == (generated / name).read_bytes()
        assert len(packed) < (generated / name).stat().st_size / 2
