"""Hostile dumps (``tests/fixtures/hostile/``) build into a site where dump text is only ever text.

One site is built from every hostile fixture; ``generator.checks.safety.check_site`` must find nothing
on it or on the seed site, and must find each injection planted into a copy of a built page.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import lxml.html
import pytest

from generator.checks.safety import Violation, check_feed, check_site
from generator.enrich import clean
from generator.ingest.parse import parse_dump
from generator.output.downloads import read_download
from tests.conftest import HOSTILE, SEED

CASES = sorted(path.name for path in HOSTILE.glob("*.txt"))


def slugs_of(site: Path, case: str) -> list[str]:
    """The slugs of the papers of one fixture, by their titles in ``papers.json``."""
    titles = {clean.title_text(entry.title) for entry in parse_dump(HOSTILE / case).dump.entries}
    papers = json.loads(read_download(site, "papers.json"))["papers"]
    found = [paper["slug"] for paper in papers if paper["title"] in titles]
    assert len(found) == len(titles)
    return found


def test_every_hostile_fixture_parses_without_problems() -> None:
    assert len(CASES) >= 6
    for case in CASES:
        result = parse_dump(HOSTILE / case)
        assert result.problems == (), case
        assert result.dump.entries, case


def test_the_hostile_site_is_safe(hostile_site: Path) -> None:
    assert [str(v) for v in check_site(hostile_site, dumps_dir=HOSTILE)] == []


@pytest.mark.parametrize("case", CASES)
def test_each_hostile_case_shows_its_text_and_nothing_else(hostile_site: Path, case: str) -> None:
    slugs = slugs_of(hostile_site, case)
    assert [str(v) for v in check_site(hostile_site, slugs=slugs)] == []


def test_the_seed_site_is_safe(seed_site: Path) -> None:
    assert [str(v) for v in check_site(seed_site, dumps_dir=SEED)] == []


def page(site: Path, title_start: str) -> lxml.html.HtmlElement:
    papers = json.loads(read_download(site, "papers.json"))["papers"]
    (slug,) = [p["slug"] for p in papers if p["title"].startswith(title_start)]
    return lxml.html.fromstring((site / "papers" / slug / "index.html").read_bytes())


def test_script_tags_from_a_title_are_visible_text(hostile_site: Path) -> None:
    tree = page(hostile_site, '<script>alert("title")')
    heading = tree.xpath("//h1")[0]
    assert len(heading) == 0
    assert heading.text_content().startswith('<script>alert("title")</script> Attention Is <img src=x')
    assert tree.xpath("//title")[0].text.startswith('<script>alert("title")</script>')
    assert not [s for s in tree.iter("script") if "alert" in (s.text or "")]


def test_a_tab_and_a_feed_show_a_titles_math_in_unicode(hostile_site: Path) -> None:
    """No KaTeX draws a tab's title or a feed reader's: "$O(n^2)$" reads "O(n²)" there, as
    text (the "<" escaped), while papers.json keeps the source."""
    readable = "Scaling O(n²) Attention to α < β with Bold TeX"
    tree = page(hostile_site, "Scaling $O(n^2)$ Attention")
    assert tree.xpath("//head/title")[0].text == f"{readable} - HF Papers Atlas"
    feed = (hostile_site / "feed.xml").read_text(encoding="utf-8")
    assert "<title>Scaling O(n²) Attention to α &lt; β with Bold TeX</title>" in feed


def test_breaking_out_of_the_title_element_fails(hostile_site: Path) -> None:
    tree = page(hostile_site, "</title><script>")
    (title,) = tree.xpath("//head/title")
    assert title.text.startswith('</title><script>alert("t")</script><title> Breaking Out')


def test_a_quote_in_a_title_stays_inside_the_attributes(hostile_site: Path) -> None:
    tree = page(hostile_site, '" onmouseover=')
    assert not [node for node in tree.iter() if "onmouseover" in node.attrib]
    searches = tree.xpath(
        "//nav[@class='paper-links']/a[text()='Hugging Face papers' or text()='arXiv (PDF)']/@href"
    )
    assert searches and all(href.startswith("https://") and '"' not in href for href in searches)


def test_markdown_links_and_images_stay_text(hostile_site: Path) -> None:
    tree = page(hostile_site, "**Bold** _Claims_")
    abstract = tree.xpath("//*[contains(@class, 'paper-abstract')]")[0]
    links = abstract.xpath(".//a")
    # Only bare URLs become links, each showing itself; nothing links to javascript: or shows an image.
    assert links and all(a.text == a.get("href") and a.get("href").startswith("https://") for a in links)
    assert "[click me](javascript:alert(1))" in abstract.text_content()
    assert "![an image](https://evil.example/x.png)" in abstract.text_content()
    assert not tree.xpath("//article//img | //article//strong | //article//em | //article//code")


def test_jinja_and_critic_markup_stay_text(hostile_site: Path) -> None:
    tree = page(hostile_site, "{{ config.site_name }}")
    assert tree.xpath("//h1")[0].text_content().startswith("{{ config.site_name }} and {% raw %}")
    abstract = tree.xpath("//*[contains(@class, 'paper-abstract')]")[0].text_content()
    assert "{++ added ++}" in abstract and "{{ 7*7 }}" in abstract
    assert not tree.xpath("//article//ins | //article//del | //article//mark")


def test_markup_inside_math_stays_tex(hostile_site: Path) -> None:
    tree = page(hostile_site, "Scaling $O(n^2)$")
    spans = tree.xpath("//*[contains(@class, 'paper-abstract')]//span[@class='arithmatex']")
    assert "\\(x</span><script>alert(1)</script>\\)" in [s.text for s in spans]
    assert all(len(span) == 0 for span in spans)


def test_url_links_cannot_carry_attributes(hostile_site: Path) -> None:
    tree = page(hostile_site, "Links That Fight Back")
    links = tree.xpath("//*[contains(@class, 'paper-abstract')]//a")
    assert [a.get("href") for a in links][:2] == [
        "https://github.com/evil/repo",
        "https://example.org/?q=",
    ]
    assert all(set(a.attrib) == {"href", "rel"} for a in links)


# --- the checker finds what it is for ----------------------------------------------------------

PLANTED = {
    "script": ('<div class="paper-abstract"><p>', '<div class="paper-abstract"><p><script>alert(1)</script>'),
    "handler": (
        '<h1 class="paper-title" id="title">',
        '<h1 class="paper-title" id="title" onclick="alert(1)">',
    ),
    "image": ('<div class="paper-abstract"><p>', '<div class="paper-abstract"><p><img src="x.png">'),
    "live markdown link": (
        '<div class="paper-abstract"><p>',
        '<div class="paper-abstract"><p><a href="https://e.x/">x</a>',
    ),
    "javascript link": (
        '<div class="paper-abstract"><p>',
        '<div class="paper-abstract"><p><a href="javascript:x">x</a>',
    ),
    "title markup": ('<h1 class="paper-title" id="title">', '<h1 class="paper-title" id="title"><em>x</em>'),
    "description": ('<meta name="description" content="', '<meta name="description" content="x'),
    "mention of no paper": (
        '<div class="paper-abstract"><p>',
        '<div class="paper-abstract"><p><a class="paper-mention" href="../no-such-paper/">X</a> ',
    ),
    "lost abstract": ('<div class="paper-abstract"><p>', '<div class="paper-abstract"><p hidden>'),
    "repository shown, elsewhere linked": (
        '<div class="paper-abstract"><p>',
        '<div class="paper-abstract"><p><a href="https://e.x/github.com/o/r" rel="nofollow">github.com/o/r</a>',
    ),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_the_checker_finds_a_planted_injection(hostile_site: Path, tmp_path: Path, case: str) -> None:
    site = tmp_path / "site"
    shutil.copytree(hostile_site, site)
    slug = slugs_of(site, "crlf_and_trailing_spaces.txt")[0]
    path = site / "papers" / slug / "index.html"
    before, after = PLANTED[case]
    html = path.read_text(encoding="utf-8")
    assert before in html
    path.write_text(html.replace(before, after, 1), encoding="utf-8")
    found = check_site(site, slugs=[slug])
    assert found and all(isinstance(v, Violation) for v in found)
    assert {v.where for v in found} == {f"papers/{slug}/index.html"}


def test_the_checker_finds_a_missing_page_and_a_changed_papers_json(
    hostile_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(hostile_site, site)
    slug = slugs_of(site, "crlf_and_trailing_spaces.txt")[0]
    shutil.rmtree(site / "papers" / slug)
    papers = json.loads(read_download(site, "papers.json"))
    papers["papers"][0]["abstract"] = "<b>changed</b>"
    (site / "papers.json.gz").write_bytes(gzip.compress(json.dumps(papers).encode()))
    found = [str(v) for v in check_site(site, dumps_dir=HOSTILE)]
    assert f"papers/{slug}/index.html: page is missing" in found
    first = papers["papers"][0]["slug"]
    assert f"papers.json: {first}: abstract is not plain_text of the dump" in found


def test_feeds_hold_text_and_the_checker_finds_html_in_them(hostile_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    feed = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lt;b&gt;x&lt;/b&gt;</title>{}</entry></feed>'
    (site / "feed.xml").write_text(feed.format('<summary type="text">&lt;script&gt;</summary>'))
    assert check_feed(site) == []
    (site / "feed.xml").write_text(
        feed.format('<summary type="html">&lt;img src=x onerror=alert(1)&gt;</summary>')
    )
    assert [str(v) for v in check_feed(site)] == ["feed.xml: a <summary> holds a <img> element"]
    assert check_feed(hostile_site) == []


def test_a_repository_written_without_its_scheme_is_linked_as_written(
    hostile_site: Path, tmp_path: Path
) -> None:
    """``github.com/o/r`` in an abstract links ``https://github.com/o/r`` and shows as written:
    the checker takes it as a URL of its text."""
    site = tmp_path / "site"
    shutil.copytree(hostile_site, site)
    slug = slugs_of(site, "crlf_and_trailing_spaces.txt")[0]
    path = site / "papers" / slug / "index.html"
    html = path.read_text(encoding="utf-8")
    link = clean.abstract_html("Code: github.com/o/r.")
    assert link == 'Code: <a href="https://github.com/o/r" rel="nofollow">github.com/o/r</a>.'
    path.write_text(
        html.replace('<div class="paper-abstract"><p>', '<div class="paper-abstract"><p>' + link, 1)
    )
    assert check_site(site, slugs=[slug]) == []


def test_a_mention_link_to_a_paper_of_the_site_is_the_generator_s_own(
    hostile_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(hostile_site, site)
    slug, other = slugs_of(site, "crlf_and_trailing_spaces.txt")[0], slugs_of(site, "jinja_braces.txt")[0]
    path = site / "papers" / slug / "index.html"
    html = path.read_text(encoding="utf-8")
    mention = f'<a class="paper-mention" href="../{other}/">Braces</a> '
    path.write_text(
        html.replace('<div class="paper-abstract"><p>', '<div class="paper-abstract"><p>' + mention, 1)
    )
    assert check_site(site, slugs=[slug, other]) == []
