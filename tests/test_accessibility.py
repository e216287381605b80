"""Every reader, every screen: axe-core finds nothing on any page type of the seed and hostile
sites in either colour scheme, nothing a page asks for fails, a phone reaches the listings
from a paper page, and the Nu HTML checker finds no error.

axe-core is the npm package pinned in package.json, injected from node_modules (``npm ci``;
``make test`` runs it). Pages are served as GitHub Pages serves them (``pages_server``): under
the site's path, gzipped, the 404 page for a missing one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jinja2 import ChainableUndefined, Environment, FileSystemLoader

from generator.checks.audit import MISSING_PAGE, VNU, nu_errors, page_file, page_types, site_prefix
from generator.checks.pages_server import pages_served
from generator.site.pages import TEMPLATES, Pagination, environment

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices (Lighthouse scores some:
# a name for every dialog, unique landmarks).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCHEMES = {"light": ("light", "default"), "dark": ("dark", "slate")}


@pytest.fixture(scope="module")
def seed_pages(seed_site: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with pages_served(seed_site, site_prefix()) as base:
        yield base, page_types(seed_site)


@pytest.fixture(scope="module")
def hostile_pages(hostile_site: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with pages_served(hostile_site, site_prefix()) as base:
        yield base, page_types(hostile_site)


def axe_script() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --ignore-scripts` (make test does)")
    return AXE.read_text(encoding="utf-8")


def start(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Start loading ``url``; the list fills with every request that fails or answers 400 or
    more, the missing page's own address apart (it is a 404 on purpose)."""
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url} ({request.failure})"))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.url} ({response.status})")
            if response.status >= 400 and not response.url.endswith(MISSING_PAGE)
            else None
        ),
    )
    page.goto(url, wait_until="commit")
    return failed


def visit(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Load ``url`` until the network is quiet; the requests that failed (``start``)."""
    failed = start(page, url)
    page.wait_for_load_state("networkidle")
    return failed


def axe_violations(page, script: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(content=script)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("site", ["seed_pages", "hostile_pages"])
def test_every_page_type_passes_axe_and_every_request_succeeds(
    browser, request, site: str, scheme: str
) -> None:  # type: ignore[no-untyped-def]
    base, types = request.getfixturevalue(site)
    media, material_scheme = SCHEMES[scheme]
    script = axe_script()
    context = browser.new_context(color_scheme=media)
    problems: dict[str, list[str]] = {}
    fetched_sitemaps: list[str] = []
    # Every page loads at once (their half-second waits for a quiet network overlap), then
    # axe reads them in turn.
    started = {}
    for name, path in types.items():
        page = context.new_page()
        page.on("request", lambda r: fetched_sitemaps.append(r.url) if "sitemap" in r.url else None)
        started[name] = (path, page, start(page, base + path))
    for name, (path, page, failed) in started.items():
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.body.dataset.mdColorScheme") == material_scheme
        found = [f"request failed: {url}" for url in failed] + axe_violations(page, script)
        if found:
            problems[f"{name} (/{path})"] = found
        page.close()
    context.close()
    assert problems == {}
    # Material fetches a sitemap.xml beside every <link rel="alternate">: none is needed here.
    assert fetched_sitemaps == []


@pytest.mark.browser
def test_the_search_dialog_passes_axe_when_open(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    base, _ = seed_pages
    page = browser.new_page()
    visit(page, base)
    page.keyboard.press("/")
    page.keyboard.type("diffusion")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert axe_violations(page, axe_script()) == []
    page.close()


@pytest.mark.browser
def test_a_phone_opens_the_menu_of_a_paper_page_and_reaches_a_listing(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    """Paper pages carry no navigation: their menu button opens the tabs as a drawer."""
    base, types = seed_pages
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    visit(page, base + types["paper"])
    tags_link = page.get_by_role("link", name="Tags", exact=True)
    assert not tags_link.is_visible()
    # The header is a listing's: the menu button where the theme hides the logo.
    assert not page.locator(".md-header__button.md-logo").is_visible()
    page.get_by_role("button", name="Menu").click()
    tags_link.click()
    page.wait_for_url(base + "tags/")
    assert page.title().startswith("Tags")
    context.close()
    # Without JavaScript there is no menu button: the logo is the way home.
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + types["paper"])
    assert page.locator(".md-header__button.md-logo").is_visible()
    context.close()


@pytest.mark.browser
def test_a_wide_paper_page_shows_the_tabs_to_every_listing(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    """palette.js makes a paper page's tabs where the theme puts them, before it is painted."""
    base, types = seed_pages
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    tabs = "() => [...document.querySelectorAll('nav.md-tabs a.md-tabs__link')].map(a => [a.textContent.trim(), a.href])"
    visit(page, base + types["tag"])
    listing_tabs = page.evaluate(tabs)
    # No menu button where the tabs and sidebars show everything it would open.
    assert page.locator(".md-header__button.md-logo").is_visible()
    assert page.get_by_role("button", name="Menu").is_hidden()
    visit(page, base + types["paper"])
    assert page.get_by_role("button", name="Menu").is_hidden()
    assert page.evaluate(tabs) == listing_tabs
    assert listing_tabs[:3] == [["Home", base], ["Papers A to Z", base + "a-z/"], ["Dumps", base + "dumps/"]]
    assert page.locator("nav.md-tabs a.md-tabs__link").nth(2).is_visible()
    assert page.evaluate("document.querySelector('nav.md-tabs').nextElementSibling.tagName") == "MAIN"
    page.close()


@pytest.mark.browser
def test_a_keyboard_opens_the_menu_on_a_narrow_screen(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    """At 390 px (a phone, or a desktop zoomed to 400 %), Tab reaches the menu button and
    Enter opens the drawer on a paper page and on a listing."""
    base, types = seed_pages
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for kind in ("paper", "tag"):
        visit(page, base + types[kind])
        on_screen = """() => [...document.querySelectorAll('.md-tabs__link, .md-nav--primary .md-nav__link')]
            .some(a => a.textContent.trim() === 'Dumps' && a.getClientRects().length
                       && a.getBoundingClientRect().left >= 0)"""
        assert not page.evaluate(on_screen)
        assert not page.locator("#__drawer").is_checked()
        for _ in range(6):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu":
                break
        else:
            raise AssertionError(f"the menu button of the {kind} page is not reached by Tab")
        page.keyboard.press("Enter")
        assert page.locator("#__drawer").is_checked()
        page.wait_for_function(on_screen, timeout=5_000)
    page.close()


@pytest.mark.browser
def test_the_stats_charts_take_the_palette_and_stay_legible_on_a_phone(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    """stats.css (the stats page's own) colours the bars per scheme; on a phone a chart keeps
    560 px, its text 9 px or more, and scrolls sideways in its figure."""
    base, types = seed_pages
    bar = "getComputedStyle(document.querySelector('svg.chart rect[style]')).fill"
    for scheme, colour in (("light", "rgb(64, 81, 181)"), ("dark", "rgb(121, 134, 203)")):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        assert visit(page, base + types["stats"]) == []
        assert page.evaluate(bar) == colour, scheme
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    visit(page, base + types["stats"])
    figure = page.locator("figure.stats-figure").first
    sizes = figure.evaluate(
        "f => [f.clientWidth, f.scrollWidth, f.querySelector('svg').getBoundingClientRect().width]"
    )
    assert sizes[0] < 390 and sizes[1] == sizes[2] == 560, sizes
    assert figure.get_attribute("tabindex") == "0"
    context.close()


@pytest.mark.browser
def test_keyboard_focus_is_always_visible(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    """Tab through the start of a paper page: whatever has focus shows an outline."""
    base, types = seed_pages
    page = browser.new_page()
    visit(page, base + types["paper"])
    unseen = []
    for _ in range(14):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                return [e.outerHTML.slice(0, 80), s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
        )
        html, style, width = focused
        if "md-search__input" in html:
            page.keyboard.press("Escape")  # focus opened search: its field is plainly active
            continue
        if style == "none" or width < 1:
            unseen.append(html)
    assert unseen == []
    page.close()


@pytest.mark.parametrize("template", ["tag.md.j2", "topic.md.j2", "letter.md.j2", "code.md.j2"])
def test_a_listing_of_several_pages_names_its_two_pagers_apart(template: str) -> None:
    """The pager above and the one below a list are two landmarks: each has its own name."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=ChainableUndefined)
    env.filters.update(environment().filters, front_matter=lambda meta: "")
    markdown = env.get_template(template).render(pagination=Pagination(2, 3, "tags/x"), count=900)
    labels = [nav["aria-label"] for nav in BeautifulSoup(markdown, "html.parser").select("nav.pager")]
    assert labels == ["Pages", "Pages, after the list"]


@pytest.mark.parametrize("site", ["seed_site", "hostile_site"])
def test_the_nu_html_checker_finds_no_error_on_any_page_type(request, site: str) -> None:  # type: ignore[no-untyped-def]
    """The Nu HTML checker (vnu-jar, pinned in package.json; on Java, which make test installs)."""
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("the Nu checker needs node_modules (npm ci --ignore-scripts) and Java: run `make test`")
    root = request.getfixturevalue(site)
    assert nu_errors([page_file(root, path) for path in page_types(root).values()]) == []


@pytest.mark.browser
def test_a_phone_reads_a_tags_description_and_topics_across_the_screen(browser, seed_pages) -> None:  # type: ignore[no-untyped-def]
    """The tags index's About column was a fifth of a phone's width, its topic lists a column
    of two words a line: on a phone each tag's description and topics take the row's width,
    under its name and count, and the table is still a table to a screen reader."""
    base, types = seed_pages
    page = browser.new_page(viewport={"width": 390, "height": 844})
    visit(page, base + types["tag index"])
    table = page.locator("table.tag-table")
    cells = table.locator("tbody tr").first.locator("td")
    name, count, about = (cells.nth(n).bounding_box() for n in range(3))
    assert about["width"] >= 0.95 * table.bounding_box()["width"]
    assert about["y"] >= name["y"] + name["height"] - 1
    assert count["y"] == name["y"]
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert page.get_by_role("columnheader", name="About").count() == 1
    page.close()
