"""Search as a reader uses it: Chromium, the header search box, Pagefind behind it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def open_page(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, errors


def test_header_search_finds_light_schrodinger_bridge(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_page(browser, seed_server)
    page.keyboard.press("/")
    page.keyboard.type("Schrödinger")
    first = page.locator(".md-search-result__item h1").first
    first.wait_for(timeout=15_000)
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    assert "Light Schrödinger Bridge" in titles
    assert page.locator(".md-search-result__item mark").first.inner_text() == "Schrödinger"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    # Pagefind indexes papers/<slug>.html; the result opens the paper's page, papers/<slug>/.
    page.wait_for_url(f"{seed_server}papers/*/")
    assert page.locator("h1.paper-title").inner_text() == titles[0]
    assert errors == []
    page.close()


def test_a_tap_on_the_search_button_of_a_phone_puts_the_cursor_in_the_field(
    browser, seed_server: str
) -> None:  # type: ignore[no-untyped-def]
    """The keyboard comes up with the dialog: no second tap on the field, on a listing or a
    paper page; the back arrow closes it and the page keeps its width throughout."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    for path in ("", "papers/light-schrodinger-bridge/"):
        page.goto(seed_server + path)
        page.wait_for_load_state("networkidle")
        page.locator(".md-header__button[for=__search]").tap()
        assert page.evaluate("document.activeElement.matches('[data-pagefind-query]')"), path
        page.keyboard.type("Schrödinger")
        page.locator(".md-search-result__item h1", has_text="Light Schrödinger Bridge").wait_for(
            timeout=15_000
        )
        # The theme locks the page 400 ms after search opens; from then its overlay widens nothing.
        page.wait_for_function("document.body.hasAttribute('data-md-scrolllock')", timeout=5_000)
        assert page.evaluate("document.documentElement.scrollWidth") == 390
        # The filters and a result's star line up with the result's title (the theme's indent here).
        left = "sel => Math.round(document.querySelector(sel).getBoundingClientRect().left)"
        title = page.evaluate(left, ".md-search-result__item h1")
        assert page.evaluate(left, ".md-search-result__item .shelf-star") == title == 16
        assert page.evaluate(left, ".pf-filter label") == title
        page.locator(".md-search__inner label.md-search__icon[for=__search]").tap()
        assert not page.locator("#__search").is_checked()
        assert not page.evaluate("document.activeElement.matches('[data-pagefind-query]')")
    context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_a_search_filter_wraps_with_its_select_on_a_narrow_phone(
    browser, seed_server: str, width: int
) -> None:  # type: ignore[no-untyped-def]
    """Where the four filters do not fit one line, a label wraps with its select: "to" at
    the end of one line and its year on the next read as neither."""
    context = browser.new_context(viewport={"width": width, "height": 700}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(seed_server)
    page.wait_for_load_state("networkidle")
    page.locator(".md-header__button[for=__search]").tap()
    page.keyboard.type("diffusion")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.pf-filter label')].map(l => [l.textContent.trim(), l.getClientRects().length])"
    )
    assert [lines for _, lines in boxes] == [1, 1, 1, 1], boxes
    assert page.evaluate("document.documentElement.scrollWidth") == width
    context.close()


def test_search_opened_by_key_on_a_narrow_screen_keeps_the_page_its_width(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """Below 960 px the theme locks the page's scrolling while search is open (its overlay is
    scaled to cover the screen and would widen the page); "/" and Escape tell it, as a tap on
    the search button does, and the page scrolls back where it was."""
    page = browser.new_page(viewport={"width": 800, "height": 700})
    page.goto(seed_server)
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 300)
    page.wait_for_function("scrollY === 300")
    page.keyboard.press("/")
    page.keyboard.type("diffusion")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    page.wait_for_function("document.body.hasAttribute('data-md-scrolllock')", timeout=5_000)
    assert page.evaluate("document.documentElement.scrollWidth") == 800
    page.keyboard.press("Escape")
    page.wait_for_function("!document.body.hasAttribute('data-md-scrolllock')", timeout=5_000)
    assert page.evaluate("scrollY") == 300
    page.close()


def first_results(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The titles the header search shows for ``query``, pasted into the box, in order."""
    page.locator("[data-pagefind-query]").fill(query)
    page.locator(".md-search-result__item h1").first.wait_for(timeout=15_000)
    return page.locator(".md-search-result__item h1").all_inner_texts()


def test_a_paper_is_found_first_by_its_name_before_the_colon(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """A reader who remembers a paper's name types it. Pagefind alone put this paper fourth,
    under papers whose abstracts say "diffusion" more often; no other title starts with its name."""
    page, errors = open_page(browser, seed_server)
    named = "Diffusion in Diffusion: Cyclic One-Way Diffusion for Text-Vision-Conditioned Generation"
    titles = first_results(page, "Diffusion in Diffusion")
    assert titles[0] == named
    assert len(titles) > 1  # the others still follow
    # Its excerpt is of the abstract: Pagefind's window began in the title, shown just above.
    excerpt = page.locator(".md-search-result__item p").first.inner_text()
    assert excerpt.startswith("Originating from the diffusion phenomenon in physics"), excerpt
    assert excerpt.endswith(" …"), excerpt  # the abstract goes on; it begins where it shows
    # Enter opens the first result: the paper named.
    page.keyboard.press("Enter")
    page.wait_for_url(f"{seed_server}papers/*/")
    assert page.locator("h1.paper-title").inner_text() == named
    assert errors == []
    page.close()


def test_a_results_title_marks_the_words_the_query_asked_for(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """A reader scans results for the words typed, marked in the excerpt by Pagefind and, as
    Material's own search did, in the title: the words Pagefind matched ("bridges" finds
    "Bridge"), not a word the query merely shares a beginning with, nor the others."""
    page, errors = open_page(browser, seed_server)
    assert "Light Schrödinger Bridge" in first_results(page, "Schrödinger bridges")
    assert errors == []
    title = page.locator(".md-search-result__item h1", has_text="Light Schrödinger Bridge").first
    assert title.locator("mark").all_inner_texts() == ["Schrödinger", "Bridge"]
    assert title.inner_text() == "Light Schrödinger Bridge"
    page.close()
    page, errors = open_page(browser, seed_server)
    titles = first_results(page, "Diffusion in Diffusion")
    assert titles[0].startswith("Diffusion in Diffusion: Cyclic One-Way Diffusion")
    first = page.locator(".md-search-result__item h1").first
    assert first.locator("mark").all_inner_texts() == ["Diffusion", "in", "Diffusion", "Diffusion"]
    assert errors == []
    page.close()


def test_a_results_star_areas_and_read_mark_share_one_line(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """As on a listing's row, a result's star, its areas and its read mark sit on one line
    under the excerpt (they took two: the buttons on a line of their own), in that order."""
    page, errors = open_page(browser, seed_server)
    first_results(page, "Schrödinger")
    result = page.locator(".md-search-result__item", has_text="Light Schrödinger Bridge").first
    parts = [".shelf-star", ".md-tag", ".shelf-read"]
    boxes = [result.locator(part).first.bounding_box() for part in parts]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 3, middles
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    excerpt = result.locator("p").bounding_box()
    assert boxes[1]["y"] >= excerpt["y"] + excerpt["height"]
    assert errors == []
    page.close()


def test_an_excerpt_cut_out_of_an_abstract_reads_as_cut(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """Pagefind's excerpt is a window of the text: where the text goes on before or after it,
    the result says so ("…"), as a reader of any search engine expects."""
    page, errors = open_page(browser, seed_server)
    assert first_results(page, "unambiguous")[0].startswith("GeoDream: Disentangling 2D and Geometric Priors")
    excerpt = page.locator(".md-search-result__item p").first.inner_text()
    assert excerpt.startswith("… "), excerpt
    assert excerpt.endswith(" …"), excerpt
    assert "obtaining unambiguous 3D consistent geometric structures" in excerpt
    assert errors == []
    page.close()


def test_a_name_written_in_tex_is_found_by_its_source(browser, hostile_server: str) -> None:  # type: ignore[no-untyped-def]
    """A reader may paste a title's math as TeX (from arXiv, or the paper itself). Pagefind
    indexes "$O(n^2)$" as the word "on2" but kept "$" and "^" in a query, which found nothing.
    The result shows the title readable."""
    page, errors = open_page(browser, hostile_server)
    titles = first_results(page, "$O(n^2)$")
    assert titles[0] == "Scaling O(n²) Attention to α < β with Bold TeX"
    # Its excerpt is of the abstract, not the title again in TeX.
    excerpt = page.locator(".md-search-result__item p").first.inner_text()
    assert excerpt.startswith("Math that carries markup must stay TeX"), excerpt
    assert errors == []
    page.close()


@pytest.mark.parametrize("query", ["Ne₃Mo", "XᴺNet", "Ne$_3$Mo", "X$^\\text{N}$Net"])
def test_a_name_with_math_inside_it_is_found_as_a_result_shows_it_and_by_its_source(
    browser, hostile_server: str, query: str
) -> None:  # type: ignore[no-untyped-def]
    """A title copied from a result or a tab holds its math in Unicode. Pagefind made the
    source's words otherwise ("Ne$_3$Mo" is not "ne3mo"), so "Ne₃Mo" found nothing; the
    readable title is searched too, as the query is made plain; its excerpt does not show the
    title twice over."""
    page, errors = open_page(browser, hostile_server)
    assert first_results(page, query)[0] == "Ne₃Mo and XᴺNet: Math Inside a Name"
    if "$" not in query:  # the name as shown is marked in the title; its TeX source is not
        assert page.locator(".md-search-result__item h1 mark").first.inner_text() == query
    assert page.locator(".md-search-result__item p").first.inner_text().count("Math Inside a Name") <= 1
    assert errors == []
    page.close()


def test_search_narrows_to_a_tag(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_page(browser, seed_server)
    page.locator("[data-pagefind-query]").click()
    page.keyboard.type("diffusion")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    before = page.locator("[data-pagefind-meta-line]").inner_text()
    select = page.locator("[data-pagefind-tag]")
    assert select.locator("option").count() == 1  # the tag list loads only when wanted
    select.focus()
    option = select.locator("option").nth(1)
    option.wait_for(state="attached", timeout=15_000)
    tag = option.get_attribute("value")
    select.select_option(tag)
    page.wait_for_function(
        "before => document.querySelector('[data-pagefind-meta-line]').textContent !== before", arg=before
    )
    for item in page.locator(".md-search-result__item").all():
        assert tag in item.locator(".md-tag").all_inner_texts()
    page.keyboard.press("Escape")
    assert errors == []
    page.close()


def test_search_narrows_to_a_topic(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """A topic is an option of the tag list, under "Topics": it keeps the papers of that topic,
    as many as its count says."""
    page, errors = open_page(browser, seed_server)
    page.locator("[data-pagefind-query]").click()
    select = page.locator("[data-pagefind-tag]")
    select.focus()
    option = select.locator("optgroup[label=Topics] option").first
    option.wait_for(state="attached", timeout=15_000)
    value, label = option.get_attribute("value"), option.inner_text()
    assert value.startswith("topic:")
    assert label.startswith(value.removeprefix("topic:") + " (")
    count = int(label.rsplit("(", 1)[1].rstrip(")"))
    select.select_option(value)
    expected = "1 matching paper" if count == 1 else f"{count} matching papers"
    page.wait_for_function(
        "text => document.querySelector('[data-pagefind-meta-line]').textContent === text", arg=expected
    )
    assert errors == []
    page.close()


def test_site_loads_nothing_from_other_hosts(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(seed_server) else outside.append(request.url),
    )
    page.goto(f"{seed_server}papers/light-schrodinger-bridge/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type("bridge")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert outside == []
    page.close()


def test_a_paper_page_fetches_no_list_of_every_page(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """The theme fetches sitemap.xml for each <link rel="alternate"> (our feeds); it is an index
    of sitemap parts, so a reader never downloads the URL of every page (6 MB at the corpus'
    size)."""
    page = browser.new_page()
    sizes: dict[str, int] = {}

    def finished(request) -> None:  # type: ignore[no-untyped-def]
        sizes[request.url.removeprefix(seed_server)] = request.sizes()["responseBodySize"]

    page.on("requestfinished", finished)
    page.goto(f"{seed_server}papers/light-schrodinger-bridge/")
    page.wait_for_load_state("networkidle")
    assert sizes.get("sitemap.xml", 0) < 500
    assert not [url for url in sizes if url.startswith("sitemaps/")]
    assert {"assets/icons.svg", "assets/javascripts/palette.js"} <= set(sizes)
    # The sprite's icons are drawn: the site's logo is as wide as the theme makes it.
    assert page.locator(".md-header__button.md-logo svg").bounding_box()["width"] > 0
    page.close()


def test_the_header_search_and_a_papers_title_line_come_with_javascript(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """palette.js makes the search button, its dialog and a paper page's header title (the
    theme slides it in once the heading has scrolled away); without JavaScript the page shows
    no search control that would do nothing."""
    url = f"{seed_server}papers/light-schrodinger-bridge/"
    page, errors = open_page(browser, url)
    page.set_viewport_size({"width": 1280, "height": 300})
    topic = page.locator(".md-header__topic[data-md-component=header-topic]")
    assert topic.inner_text() == page.locator("h1.paper-title").inner_text() == "Light Schrödinger Bridge"
    page.mouse.wheel(0, 600)
    page.locator(".md-header__title--active").wait_for()
    assert page.locator(".md-search__input").is_visible()  # the wide header shows the field itself
    assert errors == []
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in ("", "papers/light-schrodinger-bridge/", "tags/"):
        page.goto(seed_server + path)
        assert page.locator("label[for=__search], .md-search").count() == 0, path
    context.close()


def test_search_results_show_hostile_text_as_text(browser, hostile_server: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = open_page(browser, hostile_server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("/")
    page.keyboard.type("onerror")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    page.wait_for_timeout(500)
    results = page.locator(".md-search-result__list")
    # Only the elements search.js and shelf.js (a star and a read mark) make: no <img>,
    # <script>, <iframe> or <a> from dump text.
    tags = set(results.evaluate("list => [...list.querySelectorAll('*')].map(e => e.tagName.toLowerCase())"))
    assert tags <= {"li", "a", "article", "h1", "p", "mark", "span", "div", "button"}
    links = results.evaluate("list => [...list.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(href.startswith("/papers/") for href in links)
    assert "<img src=x onerror" in results.inner_text()
    assert dialogs == [] and errors == []
    page.close()


def test_a_result_shows_a_titles_math_in_unicode_and_is_found_by_its_source(
    browser, hostile_server: str
) -> None:  # type: ignore[no-untyped-def]
    """Results are text, so "$O(n^2)$" would show as TeX: the result's title is the readable
    one, as on the tab; the words around the math find it as before."""
    page, errors = open_page(browser, hostile_server)
    page.keyboard.press("/")
    page.keyboard.type("Scaling Attention Bold")
    first = page.locator(".md-search-result__item h1").first
    first.wait_for(timeout=15_000)
    assert first.inner_text() == "Scaling O(n²) Attention to α < β with Bold TeX"
    assert errors == []
    page.close()


def test_math_renders_and_only_pages_with_math_fetch_katex(browser, hostile_server: str) -> None:  # type: ignore[no-untyped-def]
    """KaTeX (about 300 KB) is fetched by pages that hold math, and renders it there."""
    fetched: list[str] = []
    page = browser.new_page()
    page.on("request", lambda request: fetched.append(request.url.removeprefix(hostile_server)))
    page.goto(f"{hostile_server}papers/crlf-lines-with-trailing-spaces/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "katex" in url and url != "assets/javascripts/katex-init.js"]
    assert not [
        url for url in fetched if url.startswith(("assets/javascripts/map", "assets/stylesheets/map"))
    ]

    page.goto(f"{hostile_server}papers/scaling-o-n-2-attention-to-alpha-beta-with-textbf-bold-tex/")
    page.locator("h1.paper-title .katex").first.wait_for(timeout=15_000)
    assert "assets/katex/katex.min.js" in fetched
    # The title's $\alpha < \beta$ is drawn as math, not shown as TeX source.
    assert "α" in page.locator("h1.paper-title .katex").nth(1).inner_text()
    page.close()


def test_the_palette_toggle_switches_to_dark_and_the_choice_survives_a_reload(
    browser, seed_server: str
) -> None:  # type: ignore[no-untyped-def]
    """The palette form's buttons come from assets/javascripts/palette.js, not the page."""
    page, errors = open_page(browser, f"{seed_server}papers/light-schrodinger-bridge/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator("label[title='Switch to dark mode']").click()
    assert page.evaluate(scheme) == "slate"
    page.goto(f"{seed_server}a-z/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(scheme) == "slate"
    assert page.locator("label[title='Switch to light mode']").is_visible()
    assert errors == []
    page.close()


def test_a_reader_who_never_chose_follows_the_system_until_choosing_by_keyboard(
    browser, seed_server: str
) -> None:  # type: ignore[no-untyped-def]
    """Before any choice the page takes the system's scheme, from its first paint, and follows
    it; Enter on the focused option switches and the choice then holds against the system."""
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{seed_server}tags/", wait_until="commit")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    page.wait_for_selector(".md-header__option input", state="attached")
    assert page.evaluate(scheme) == "slate"
    page.wait_for_load_state("networkidle")
    assert page.locator("label[title='Switch to light mode']").is_visible()
    assert page.locator("meta[name=color-scheme]").get_attribute("content") == "dark"
    dark_header = page.locator("meta[name=theme-color]").get_attribute("content")
    page.emulate_media(color_scheme="light")
    page.wait_for_function(f"{scheme} === 'default'")
    assert page.locator("label[title='Switch to dark mode']").is_visible()
    assert page.locator("meta[name=color-scheme]").get_attribute("content") == "light"
    header = "getComputedStyle(document.querySelector('.md-header')).backgroundColor"
    red, green, blue = page.evaluate(header).removeprefix("rgb(").rstrip(")").split(", ")
    light_header = "#" + "".join(f"{int(part):02x}" for part in (red, green, blue))
    assert page.locator("meta[name=theme-color]").get_attribute("content") == light_header
    assert dark_header.startswith("#") and len(dark_header) == 7
    page.locator(".md-header__option input:checked").focus()
    page.keyboard.press("Enter")
    assert page.evaluate(scheme) == "slate"
    page.emulate_media(color_scheme="light")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(scheme) == "slate"
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def parted_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The seed site with its index in parts of 20 papers (a catalogue past ``PART_PAPERS``)."""
    import os

    from tests.conftest import SEED, build_site, served

    out = tmp_path_factory.mktemp("parted") / "site"
    os.environ["PAPERS_SEARCH_PART_PAPERS"] = "20"
    try:
        result = build_site(SEED, out)
    finally:
        del os.environ["PAPERS_SEARCH_PART_PAPERS"]
    assert result.returncode == 0, result.stderr
    with served(out) as url:
        yield out, url


def test_search_over_an_index_in_parts_finds_papers_of_every_part(browser, parted_server) -> None:  # type: ignore[no-untyped-def]
    import json

    from generator.output.downloads import read_download

    site, url = parted_server
    papers = json.loads(read_download(site, "papers.json"))["papers"]
    parts = -(-len(papers) // 20)
    assert parts >= 3 and (site / f"pagefind-{parts}" / "pagefind.js").is_file()
    page, errors = open_page(browser, url)
    assert page.locator("[data-pagefind-parts]").get_attribute("data-pagefind-parts") == str(parts)
    for paper in (papers[0], papers[-1]):  # the first part's first paper, the last part's last
        field = page.locator("[data-pagefind-query]")
        if not field.is_visible():
            page.keyboard.press("/")
        field.fill(paper["title"])
        page.wait_for_function(
            "title => [...document.querySelectorAll('.md-search-result__item h1')]"
            ".some(h => h.textContent === title)",
            arg=paper["title"],
            timeout=15_000,
        )
    assert errors == []
    page.close()
