"""A reader's library as a reader uses it, in Chromium: stars, read marks, hidden tags, the
Library page's recommendations, export and import, a store it cannot read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.output.downloads import read_download
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SWEETDREAMER = "sweetdreamer-aligning-geometric-priors-in-2d-diffusion-for-consistent-text-to-3d"
STABLEDREAMER = "stabledreamer-taming-noisy-score-distillation-sampling-for-text-to-3d"
LIGHT_SB = "light-schrodinger-bridge"
DUMP_WITH_3D = "003_c4391410718c9974"  # two of its papers are "3D vision & graphics"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
KEY = "/.library"  # shelf.js: the site root's path, then ".library"


@pytest.fixture
def context(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser profile: an empty localStorage."""
    context = browser.new_context(accept_downloads=True)
    yield context
    context.close()


def open_page(context, url: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, errors


def slug_of(seed_site: Path, prefix: str) -> str:
    return next(p.name for p in (seed_site / "papers").iterdir() if p.name.startswith(prefix))


def library(page) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(page.evaluate(f"localStorage.getItem('{KEY}')") or "null")


def open_library(context, seed_server: str):  # type: ignore[no-untyped-def]
    page, errors = open_page(context, f"{seed_server}library/")
    page.locator(".library h2#saved").wait_for()
    page.wait_for_function("document.querySelector('.library').getAttribute('aria-busy') === 'false'")
    return page, errors


def save_from_paper_page(context, seed_server: str, slug: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_page(context, f"{seed_server}papers/{slug}/")
    page.locator(".shelf-bar .shelf-star").click()
    assert page.locator(".shelf-bar .shelf-star").get_attribute("aria-pressed") == "true"
    assert errors == []
    page.close()


def test_saving_two_text_to_3d_papers_recommends_the_rest_of_their_group(
    context, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    sweet, stable = slug_of(seed_site, "sweetdreamer-"), slug_of(seed_site, "stabledreamer-")
    for slug in (sweet, stable):
        save_from_paper_page(context, seed_server, slug)
    page, errors = open_library(context, seed_server)
    items = page.locator(".library-recommended > li")
    titles = [item.locator("a").first.inner_text() for item in items.all()]
    assert len(titles) == 10
    for title in ("GeoDream", "Direct2.5", "HumanNorm"):
        assert any(t.startswith(title) for t in titles), (title, titles)
    # Each says why, naming the saved papers it is related to.
    why = items.first.locator(".library-why").inner_text()
    assert why.startswith("related to ") and "of your saved papers: “" in why
    # Saved and opened (read) papers are not recommended.
    assert not any(t.startswith(("SweetDreamer", "StableDreamer")) for t in titles)
    assert errors == []


def test_a_saved_papers_closest_papers_beyond_the_graph_are_recommended(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """The graph in data.json holds a paper's closest few; the page fetches a saved paper's
    ten closest (library/near/) and recommends those too, before anything found by a path."""
    from bench.bench_library import enriched
    from generator.site.library import TITLE_CHUNK, graph
    from tests.conftest import SEED

    catalogue, index, _ = enriched(SEED)
    links = graph(catalogue.papers)
    number = {paper.slug: n for n, paper in enumerate(catalogue.papers)}
    further = [catalogue.further[paper.slug] for paper in catalogue.papers]
    saved, beyond = next(
        (n, [number[rel.slug] for rel in further[n] if number[rel.slug] not in links[n]])
        for n in range(len(catalogue.papers))
        if len(set(links[n]) | {number[rel.slug] for rel in further[n]}) <= 10
        and any(number[rel.slug] not in links[n] for rel in further[n])
    )
    save_from_paper_page(context, seed_server, catalogue.papers[saved].slug)
    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(request.url))
    page, errors = open_library(context, seed_server)
    assert any(f"library/near/{saved // TITLE_CHUNK}.json.gz" in url for url in fetched)
    items = page.locator(".library-recommended > li").all()
    why = {item.locator("a").first.inner_text(): item.locator(".library-why").inner_text() for item in items}
    saved_title = index.views[catalogue.papers[saved].slug].title
    for j in beyond:
        title = index.views[catalogue.papers[j].slug].title
        assert title in why
        # Neither page lists the other as related, so the reason says what links them.
        assert why[title].startswith(f"among the closest papers to your saved “{saved_title}”"), why[title]
    assert errors == []


def test_opening_a_paper_marks_it_read_in_listings_and_by_hand(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = open_page(context, f"{seed_server}papers/{LIGHT_SB}/")
    # The paper's bar says so beside "Save", in the same kind of button.
    mark = page.locator(".shelf-bar .shelf-read.md-button")
    assert mark.text_content() == "✓ Read: Light Schrödinger Bridge"  # the title for screen readers only
    assert mark.get_attribute("aria-pressed") == "true"
    assert mark.bounding_box()["height"] == page.locator(".shelf-bar .shelf-star").bounding_box()["height"]
    page.goto(f"{seed_server}tags/diffusion-flow-models/")
    row = page.locator(f"ol.paper-list > li:has(a[href$='papers/{LIGHT_SB}/'])")
    assert "shelf-is-read" in row.get_attribute("class")
    row.locator(".shelf-read").click()
    assert "shelf-is-read" not in row.get_attribute("class")
    assert library(page)["read"] == []
    page.goto(f"{seed_server}papers/{LIGHT_SB}/")
    page.locator(".shelf-bar .shelf-read").click()  # opened again, marked read again: unmark
    assert mark.text_content() == "Mark read: Light Schrödinger Bridge"


def test_mark_this_dump_read(context, seed_server: str, seed_site: Path) -> None:  # type: ignore[no-untyped-def]
    dump = sorted(p.name for p in (seed_site / "dumps").iterdir() if p.is_dir())[0]
    page, errors = open_page(context, f"{seed_server}dumps/{dump}/")
    rows = page.locator("ol.paper-list > li")
    page.get_by_role("button", name="Mark this dump read").click()
    assert len(library(page)["read"]) == rows.count()
    assert page.locator("ol.paper-list > li.shelf-is-read").count() == rows.count()
    assert page.get_by_role("button", name="Mark this dump unread").is_visible()
    assert errors == []


def listed_slugs(page, rows: str = "li") -> set[str]:  # type: ignore[no-untyped-def]
    hrefs = page.locator(f"ol.paper-list > {rows} > a[href*='papers/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return {href.rstrip("/").rsplit("/", 1)[1] for href in hrefs}


def search_hiding(page, query: str):  # type: ignore[no-untyped-def]
    """Search ``query`` from the keyboard; the note that says how many results are hidden."""
    page.keyboard.press("/")
    page.keyboard.type(query)
    note = page.locator("[data-pagefind-hidden]")
    note.locator("button").wait_for(timeout=15_000)
    return note


def hidden_slugs(page) -> set[str]:  # type: ignore[no-untyped-def]
    return listed_slugs(page, "li[hidden]")


def test_hiding_a_tag_drops_its_papers_from_listings_and_search(
    context, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    three_d = {paper["slug"] for paper in papers if "3D vision & graphics" in paper["tags"]}
    page, errors = open_page(context, f"{seed_server}tags/3d-vision-graphics/")
    page.get_by_role("button", name="Not interested: hide “3D vision & graphics” elsewhere").click()
    # The tag's own page keeps its papers; the home page's and other listings lose them, those
    # whose rows show the areas as chips (dumps) and those that name them by number (a tag's, A to Z).
    assert page.locator("ol.paper-list > li[hidden]").count() == 0
    for path in ("a-z/s/", f"dumps/{DUMP_WITH_3D}/"):
        page.goto(seed_server + path)
        assert hidden_slugs(page) == listed_slugs(page) & three_d != set(), path
    page.goto(f"{seed_server}tags/diffusion-flow-models/")
    hidden = page.locator("ol.paper-list > li[hidden]")
    count = hidden.count()
    assert count > 0 and hidden_slugs(page) <= three_d
    note = page.locator(".shelf-hidden-note")
    assert note.inner_text().startswith(f"{count} papers hidden (not interested: 3D vision & graphics).")
    note.get_by_role("button", name="Show them").click()
    assert page.locator("ol.paper-list > li[hidden]").count() == 0
    assert note.inner_text().startswith(f"{count} papers shown although hidden")

    note = search_hiding(page, "diffusion")
    hidden = int(note.inner_text().split()[0])
    assert note.inner_text().startswith(f"{hidden} papers hidden (not interested: 3D vision & graphics). ")
    shown = int(page.locator("[data-pagefind-meta-line]").inner_text().split()[0])
    results = page.locator(".md-search-result__item")
    for item in results.all():
        assert "3D vision & graphics" not in item.locator(".md-tag").all_inner_texts()
    note.get_by_role("button", name="Show them").click()
    page.locator("[data-pagefind-meta-line]", has_text=f"{shown + hidden} matching papers").wait_for(
        timeout=15_000
    )
    assert note.inner_text().startswith(f"{hidden} papers shown although hidden")
    assert errors == []


FAST_SAMPLERS = "Fast samplers & ODE solvers"  # a topic of "Diffusion & flow models"
FAST_SAMPLERS_PAGE = "tags/diffusion-flow-models/fast-samplers-ode-solvers/"


def topic_papers(seed_site: Path, topic: str) -> set[str]:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    return {paper["slug"] for paper in papers if topic in paper["topics"]}


def goto_listing(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open a listing and wait until the hidden topics' pages have come (shelf.js fetches them)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


def assert_topic_hidden(page, seed_server: str, path: str, papers: set[str], topic: str) -> None:  # type: ignore[no-untyped-def]
    goto_listing(page, seed_server + path)
    hidden = hidden_slugs(page)
    assert hidden == listed_slugs(page) & papers != set(), path
    note = page.locator(".shelf-hidden-note")
    n = len(hidden)
    assert note.inner_text().startswith(
        f"{n} paper{'s' if n > 1 else ''} hidden (not interested: {topic})."
    ), path


def test_hiding_a_topic_drops_its_papers_from_listings_but_not_its_own_page(
    context, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    fast = topic_papers(seed_site, FAST_SAMPLERS)
    page, errors = open_page(context, seed_server + FAST_SAMPLERS_PAGE)
    page.get_by_role("button", name=f"Not interested: hide “{FAST_SAMPLERS}” elsewhere").click()
    assert library(page)["hidden"] == {
        "areas": [],
        "topics": [FAST_SAMPLERS],
        "topicPages": {FAST_SAMPLERS: FAST_SAMPLERS_PAGE},
    }
    # The topic's own page keeps its papers: the reader went there on purpose.
    goto_listing(page, seed_server + FAST_SAMPLERS_PAGE)
    assert listed_slugs(page) == fast and page.locator("ol.paper-list > li[hidden]").count() == 0
    assert page.locator(".shelf-hidden-note").is_hidden()
    # The home page, a dump's page, its area's page, another area's page and A to Z lose them.
    for path in (
        "",
        f"dumps/{DUMP_WITH_3D}/",
        "tags/diffusion-flow-models/",
        "tags/image-generation-editing/",
        "a-z/d/",
    ):
        assert_topic_hidden(page, seed_server, path, fast, FAST_SAMPLERS)
    note = page.locator(".shelf-hidden-note")
    count = page.locator("ol.paper-list > li[hidden]").count()
    note.get_by_role("button", name="Show them").click()
    assert page.locator("ol.paper-list > li[hidden]").count() == 0
    assert note.inner_text().startswith(f"{count} paper{'s' if count > 1 else ''} shown although hidden")
    # Search leaves them out too, with the same note.
    search_note = search_hiding(page, "sampling")
    assert (
        search_note.inner_text()
        .split(" ", 1)[1]
        .startswith(f"papers hidden (not interested: {FAST_SAMPLERS}). ")
    )
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)  # drawn after the note
    found = page.locator(".md-search-result__item a[href*='papers/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert found and not {href.rstrip("/").rsplit("/", 1)[1] for href in found} & fast
    page.keyboard.press("Escape")
    # Shown again from its page, the topic's papers come back.
    goto_listing(page, seed_server + FAST_SAMPLERS_PAGE)
    page.get_by_role("button", name=f"Hidden elsewhere: show “{FAST_SAMPLERS}” again").click()
    assert library(page)["hidden"] == {"areas": [], "topics": [], "topicPages": {}}
    goto_listing(page, seed_server)
    assert page.locator("ol.paper-list > li[hidden]").count() == 0
    assert errors == []


def test_a_topic_hidden_before_its_page_was_kept_is_found_and_hidden(
    context, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    """A library stored by the first release names hidden topics without their pages: the
    listing finds the page in the tags index, which lists every topic (no area page fetched),
    and keeps it."""
    fast = topic_papers(seed_site, FAST_SAMPLERS)
    page, _ = open_page(context, f"{seed_server}contributing/")
    older = {
        "format": "hf-papers-atlas-library",
        "version": 1,
        "saved": [],
        "hidden": {"areas": [], "topics": [FAST_SAMPLERS]},
    }
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, json.dumps(older)])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.removeprefix(seed_server)))
    assert_topic_hidden(page, seed_server, f"dumps/{DUMP_WITH_3D}/", fast, FAST_SAMPLERS)
    assert library(page)["hidden"]["topicPages"] == {FAST_SAMPLERS: FAST_SAMPLERS_PAGE}
    assert "tags/" in fetched
    assert not [url for url in fetched if re.fullmatch(r"tags/[a-z0-9-]+/", url)]
    assert errors == []


def test_a_topic_page_that_cannot_be_fetched_hides_nothing_and_breaks_nothing(
    context, seed_server: str
) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"{seed_server}tags/**", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(f"{seed_server}contributing/")
    stored = {
        "format": "hf-papers-atlas-library",
        "version": 1,
        "hidden": {"topics": [FAST_SAMPLERS], "topicPages": {FAST_SAMPLERS: FAST_SAMPLERS_PAGE}},
    }
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, json.dumps(stored)])
    goto_listing(page, seed_server)
    assert page.locator("ol.paper-list > li").count() > 0
    assert page.locator("ol.paper-list > li[hidden]").count() == 0
    assert page.locator(".shelf-hidden-note").is_hidden()
    assert errors == []


def serve_html(body: str):  # type: ignore[no-untyped-def]
    """A route handler that answers with this HTML."""
    return lambda route: route.fulfill(body=body, content_type="text/html")


def test_a_hidden_topic_of_two_pages_hides_the_papers_of_both(
    context, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    """A topic of more than 400 papers has more pages: shelf.js follows its pager."""
    mrs = slug_of(seed_site, "mrs-a-fast-sampler")
    page = context.new_page()
    for path, slug, pager in (("", LIGHT_SB, '<a href="2/">2</a>'), ("2/", mrs, '<a href="../">1</a>')):
        body = f'<nav class="pager">{pager}</nav><ol class="paper-list"><li><a href="../../../{"../" if path else ""}papers/{slug}/">{slug}</a></li></ol>'
        page.route(seed_server + FAST_SAMPLERS_PAGE + path, serve_html(body))
    page.goto(f"{seed_server}contributing/")
    stored = {
        "format": "hf-papers-atlas-library",
        "version": 1,
        "hidden": {"topics": [FAST_SAMPLERS], "topicPages": {FAST_SAMPLERS: FAST_SAMPLERS_PAGE}},
    }
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, json.dumps(stored)])
    goto_listing(page, f"{seed_server}dumps/{DUMP_WITH_3D}/")
    assert hidden_slugs(page) == {LIGHT_SB, mrs}


def test_hiding_a_topic_on_the_library_page_keeps_its_page(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_library(context, seed_server)
    page.get_by_label("A tag to hide").select_option(f"topics:{FAST_SAMPLERS}")
    page.get_by_role("button", name="Hide this tag").click()
    page.wait_for_function(
        f"JSON.parse(localStorage.getItem('{KEY}')).hidden.topicPages[{json.dumps(FAST_SAMPLERS)}]"
    )
    assert library(page)["hidden"]["topicPages"] == {FAST_SAMPLERS: FAST_SAMPLERS_PAGE}
    assert errors == []


def test_an_empty_library_fetches_no_topic_page(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.resource_type == "fetch" else None)
    for path in ("", f"dumps/{DUMP_WITH_3D}/", "tags/diffusion-flow-models/", "a-z/d/"):
        goto_listing(page, seed_server + path)
    assert not any("/tags/" in url for url in fetched), fetched


def test_search_filters_leave_a_tag_out_and_keep_a_range_of_years(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_page(context, seed_server)
    page.keyboard.press("/")
    page.keyboard.type("diffusion")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    before = page.locator("[data-pagefind-meta-line]").inner_text()
    leave_out = page.locator("[data-pagefind-not]")
    leave_out.focus()
    leave_out.locator("option[value='Diffusion & flow models']").wait_for(state="attached", timeout=15_000)
    leave_out.select_option("Diffusion & flow models")
    page.wait_for_function(
        "before => document.querySelector('[data-pagefind-meta-line]').textContent !== before", arg=before
    )
    for item in page.locator(".md-search-result__item").all():
        assert "Diffusion & flow models" not in item.locator(".md-tag").all_inner_texts()
    # The seed dumps' dates have no year: a range of years leaves no paper.
    assert page.locator("[data-pagefind-from] option").count() == 1
    assert errors == []


def test_export_clear_import_gives_the_same_library_back(context, seed_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    save_from_paper_page(context, seed_server, LIGHT_SB)
    page, errors = open_library(context, seed_server)
    page.get_by_placeholder("Name of a new list").fill("Bridges")
    page.get_by_role("button", name="Create list").click()
    page.get_by_label("Add “Light Schrödinger Bridge” to a list").select_option("Bridges")
    page.locator("h4", has_text="Bridges (1)").wait_for()
    page.locator(".library select[aria-label='A tag to hide']").select_option("areas:Video")
    page.get_by_role("button", name="Hide this tag").click()
    page.locator(".library li", has_text="Video").first.wait_for()
    before = library(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    exported = tmp_path / "library.json"
    download.value.save_as(exported)
    assert json.loads(exported.read_text())["saved"] == before["saved"]

    page.get_by_role("button", name="Clear the library").click()
    page.get_by_role("button", name="Yes, clear the library").click()
    page.locator(".library-message", has_text="The library was cleared.").wait_for()
    assert library(page)["saved"] == [] and library(page)["lists"] == []

    page.locator("#library-import").set_input_files(str(exported))
    page.locator(".library-message", has_text="Imported “library.json”: 1 saved paper added").wait_for()
    after = library(page)
    assert {k: after[k] for k in ("saved", "lists", "read", "hidden")} == {
        k: before[k] for k in ("saved", "lists", "read", "hidden")
    }
    assert page.locator("h4", has_text="Bridges (1)").count() == 1
    assert errors == []


def test_markdown_and_bibtex_exports_say_what_they_hold(context, seed_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    save_from_paper_page(context, seed_server, LIGHT_SB)
    page, _ = open_library(context, seed_server)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export Markdown").click()
    markdown = Path(download.value.path()).read_text()
    assert f"- [Light Schrödinger Bridge]({seed_server}papers/{LIGHT_SB}/)" in markdown
    with page.expect_download() as download:
        page.get_by_role("button", name="Export BibTeX").click()
    bibtex = Path(download.value.path()).read_text()
    assert "% No authors: the site's data" in bibtex
    assert f"@misc{{{LIGHT_SB}," in bibtex
    assert "title = {{Light Schrödinger Bridge}}," in bibtex
    assert f"url = {{{seed_server}papers/{LIGHT_SB}/}}," in bibtex
    assert "year =" not in bibtex  # the seed dumps' dates have no year


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("garbage.json", "this is not json {", "“garbage.json” is not JSON"),
        (
            "foreign.json",
            json.dumps({"saved": [{"slug": "x", "title": "X"}]}),
            "“foreign.json” is not a library this page can read: it is not a library of this site",
        ),
        (
            "future.json",
            json.dumps({"format": "hf-papers-atlas-library", "version": 99}),
            "it was made by a newer version of this site (library version 99; this page reads up to 1)",
        ),
        (
            "bad-slug.json",
            json.dumps(
                {"format": "hf-papers-atlas-library", "version": 1, "saved": [{"slug": "<b>", "title": "x"}]}
            ),
            'saved paper 1 has no valid "slug"',
        ),
    ],
)
def test_an_import_it_cannot_read_says_why_and_changes_nothing(
    context, seed_server: str, tmp_path: Path, name: str, content: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    save_from_paper_page(context, seed_server, LIGHT_SB)
    page, errors = open_library(context, seed_server)
    before = page.evaluate(f"localStorage.getItem('{KEY}')")
    path = tmp_path / name
    path.write_text(content)
    page.locator("#library-import").set_input_files(str(path))
    alert = page.locator(".library-message[role=alert]")
    alert.wait_for()
    assert alert.inner_text().startswith("Nothing was imported: ")
    assert message in alert.inner_text()
    assert alert.inner_text().endswith("Your library is unchanged.")
    assert page.evaluate(f"localStorage.getItem('{KEY}')") == before
    assert errors == []


def test_a_corrupted_store_is_kept_aside_and_reported(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = open_page(context, seed_server)
    broken = '{"format": "hf-papers-atlas-library", "version": 1, "saved": [{"slug": '
    page.evaluate(f"localStorage.setItem('{KEY}', {json.dumps(broken)})")
    # Any page that reads it keeps it aside before writing (a paper page marks itself read).
    page.goto(f"{seed_server}papers/{LIGHT_SB}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(f"localStorage.getItem('{KEY}.unreadable')") == broken
    page, errors = open_library(context, seed_server)
    alert = page.locator(".library-message[role=alert]").first
    assert alert.inner_text().startswith(
        f"A library stored in this browser could not be read, so it was kept as it was, under the storage key “{KEY}.unreadable”"
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the unreadable copy").click()
    assert Path(download.value.path()).read_text() == broken
    assert errors == []


def test_keyboard_only(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_page(context, f"{seed_server}tags/diffusion-flow-models/")
    star = page.locator("ol.paper-list > li .shelf-star").first
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('shelf-star')"):
            break
    assert page.evaluate("document.activeElement.closest('ol.paper-list') !== null")
    page.keyboard.press("Enter")
    assert star.get_attribute("aria-pressed") == "true"
    title = page.evaluate("document.activeElement.getAttribute('aria-label')").removeprefix("Saved: ")

    # The Library page: a recommendation saved from the keyboard; the keyboard follows its
    # star to the saved papers, where Space unsaves it again.
    page.goto(f"{seed_server}library/")
    page.locator(".library-recommended").wait_for()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.library-recommended') !== null"):
            break
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("Save: ")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "label => document.activeElement.getAttribute('aria-label') === label.replace('Save: ', 'Saved: ')"
        " && document.activeElement.closest('.library-recommended') === null",
        arg=label,
    )
    assert [paper["title"] for paper in library(page)["saved"]] == [title, label.removeprefix("Save: ")]
    page.keyboard.press(" ")
    page.wait_for_function("() => document.querySelector('.library').contains(document.activeElement)")
    page.wait_for_function(
        "label => document.activeElement.getAttribute('aria-label') !== label.replace('Save: ', 'Saved: ')",
        arg=label,
    )
    assert [paper["title"] for paper in library(page)["saved"]] == [title]
    assert errors == []


def test_without_javascript_pages_have_no_library_buttons(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in ("", f"papers/{LIGHT_SB}/", "tags/diffusion-flow-models/"):
        page.goto(seed_server + path)
        assert page.locator(".shelf-star, .shelf-read, .shelf-bar, .shelf-hide-area").count() == 0
        assert page.locator("a[href$='library/']").count() == 0
    page.goto(f"{seed_server}library/")
    assert "The library needs JavaScript" in page.locator("article").inner_text()
    context.close()


def test_the_library_page_asks_no_other_host(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    save_from_paper_page(context, seed_server, LIGHT_SB)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(seed_server) else outside.append(r.url))
    page.goto(f"{seed_server}library/")
    page.locator(".library-recommended").wait_for()
    page.wait_for_load_state("networkidle")
    assert outside == []
    assert page.context.cookies() == []


def test_only_the_library_page_fetches_its_data(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    for path in ("", f"papers/{LIGHT_SB}/", "tags/diffusion-flow-models/"):
        page.goto(seed_server + path)
        page.wait_for_load_state("networkidle")
    assert not any("library" in url for url in fetched)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_library_page(browser, seed_server: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=scheme)
    save_from_paper_page(context, seed_server, LIGHT_SB)
    page, errors = open_library(context, seed_server)
    page.locator(".library-recommended").wait_for()
    assert axe_violations(page) == []
    # A listing's stars and read marks too (its tags' own size is the accessibility tests').
    page.goto(f"{seed_server}tags/diffusion-flow-models/")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page, ".shelf-row .shelf-star, .shelf-row .shelf-read, .shelf-hide-area") == []
    assert errors == []
    context.close()


# WCAG 2.0 to 2.2, levels A and AA, and axe's best practices: what tests/test_accessibility.py
# (branch a11y) runs on every page type.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page, include: str = "article") -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's violations within ``include``: the page's own content, not the theme's
    header and tabs, which the accessibility tests check on every page."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate(
        "([include, options]) => axe.run({ include: [include] }, options)", [include, options]
    )
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def test_the_page_reads_the_graph_the_build_wrote(context, seed_server: str, seed_site: Path) -> None:  # type: ignore[no-untyped-def]
    """library.js decodes library/data.json (Rice-coded gaps, hashes, the tags' and topics'
    symbols) to the links, tags and topics the build made."""
    from bench.bench_library import enriched
    from generator.site.library import graph, slug_hash
    from tests.conftest import SEED

    catalogue, _, _ = enriched(SEED)
    expected = [sorted([j, s] for j, s in links.items()) for links in graph(catalogue.papers)]
    page, _ = open_library(context, seed_server)
    decoded = page.evaluate(
        """async () => {
          const model = paperLibrary.decode(await (await fetch("data.json")).json());
          return model.links.map((links) => links.map(([j, s]) => [j, s]).sort((a, b) => a[0] - b[0]));
        }"""
    )
    assert decoded == expected
    tags = page.evaluate(
        """async () => {
          const model = paperLibrary.decode(await (await fetch("data.json")).json());
          return model.areas.map((areas, i) => [
            areas.map((a) => model.areaNames[a]),
            model.topics[i].map((t) => model.topicNames[t]).sort(),
          ]);
        }"""
    )
    assert tags == [[list(paper.tags), sorted(paper.topics)] for paper in catalogue.papers]
    assert any(topics for _, topics in tags)
    slugs = [paper.slug for paper in catalogue.papers]
    assert page.evaluate("(slugs) => slugs.map(paperLibrary.slugHash)", slugs) == [
        slug_hash(s) for s in slugs
    ]


def test_recommendations_are_spread_over_papers_saved_on_several_subjects(context, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """Two saved papers, the first with eight close papers ranked above the second's four: each
    gets at most half of the ten places while the other has candidates, ranks keep their order,
    and a paper not shown (read) takes no place of its saved paper's share."""
    page, errors = open_library(context, seed_server)
    order = page.evaluate(
        """() => {
          const rec = (name, source, how = "via") => ({ name, via: how === "via" ? [source] : [], close: how === "close" ? [source] : [] });
          const ranked = [
            ...[1, 2, 3, 4, 5, 6, 7, 8].map((k) => rec(`a${k}`, 0, k % 2 ? "via" : "close")),
            ...[1, 2, 3, 4].map((k) => rec(`b${k}`, 1)),
          ];
          const run = (unread) => {
            const order = paperLibrary.spread(ranked, 2, 10);
            const shown = [];
            let ok = false;
            while (shown.length < 10) {
              const next = order.next(ok);
              if (next.done) break;
              ok = unread(next.value.name);
              if (ok) shown.push(next.value.name);
            }
            return shown;
          };
          return [run(() => true), run((name) => name !== "a2"), [...paperLibrary.spread(ranked, 1, 10)].map((r) => r.name)];
        }"""
    )
    assert order[0] == ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "a6"]
    assert order[1] == ["a1", "a3", "a4", "a5", "a6", "b1", "b2", "b3", "b4", "a7"]
    assert order[2] == [f"a{k}" for k in range(1, 9)] + [f"b{k}" for k in range(1, 5)]  # one saved: as ranked
    assert errors == []


def test_a_title_with_math_is_saved_as_written_and_shown_in_unicode(context, hostile_server: str) -> None:  # type: ignore[no-untyped-def]
    """A listing's math is typeset by KaTeX, whose text holds each formula twice: the star
    saves the title as the dump writes it, and the Library shows its math in Unicode (as the
    tab does); a title whose dollars are not math stays as it is."""
    page, errors = open_page(context, f"{hostile_server}dumps/tex_and_dollars/")
    page.locator("li .katex").first.wait_for()
    for row in page.locator("li:has(a[href*='papers/'])").all():
        row.locator(".shelf-star").click()
    saved = {paper["slug"]: paper["title"] for paper in library(page)["saved"]}
    assert saved == {
        "scaling-o-n-2-attention-to-alpha-beta-with-textbf-bold-tex": r"Scaling $O(n^2)$ Attention to $\alpha < \beta$ with Bold TeX",
        "unbalanced-dollars-and-delimiters": r"Unbalanced $ Dollars and \( Delimiters",
    }
    # A screen reader names the buttons by the title as read, not by its TeX.
    names = page.locator("li .shelf-star").evaluate_all(
        "stars => stars.map(s => s.getAttribute('aria-label'))"
    )
    assert "Saved: Scaling O(n²) Attention to α < β with Bold TeX" in names, names
    # Saved from a search result, the same title is kept the same way.
    page.keyboard.press("/")
    page.keyboard.type("Scaling Attention Bold")
    result = page.locator(".md-search-result__item", has_text="Scaling O(n²) Attention").first
    result.wait_for(timeout=15_000)
    star = result.locator(".shelf-star")
    assert star.get_attribute("aria-label") == "Saved: Scaling O(n²) Attention to α < β with Bold TeX"
    star.click()
    star.click()
    saved = {paper["slug"]: paper["title"] for paper in library(page)["saved"]}
    assert (
        saved["scaling-o-n-2-attention-to-alpha-beta-with-textbf-bold-tex"]
        == r"Scaling $O(n^2)$ Attention to $\alpha < \beta$ with Bold TeX"
    )
    page.goto(f"{hostile_server}papers/scaling-o-n-2-attention-to-alpha-beta-with-textbf-bold-tex/")
    star = page.locator(".shelf-bar .shelf-star")
    assert star.get_attribute("aria-label") == "Saved: Scaling O(n²) Attention to α < β with Bold TeX"
    page, more = open_library(context, hostile_server)
    readable = "Scaling O(n²) Attention to α < β with Bold TeX"
    assert page.get_by_role("button", name=f"Saved: {readable}").count() >= 1
    why = " ".join(page.locator(".library-why").all_inner_texts())
    assert f"“{readable}”" in why and "$O(n^2)$" not in why
    shown = page.locator("#saved ~ ul a[href*='papers/']").all_inner_texts()
    assert sorted(set(shown)) == [
        "Scaling O(n²) Attention to α < β with Bold TeX",
        r"Unbalanced $ Dollars and \( Delimiters",
    ]
    assert errors + more == []


def test_the_library_page_fits_a_phone(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """The select of tags to hide was as wide as its longest topic's name, wider than a phone."""
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    page, errors = open_library(context, seed_server)
    page.locator(".library select").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    assert errors == []
    context.close()
