"""The reader's library buttons (shelf.js) come after a page is shown, and move nothing on it:
its listings' rows, a dump's mark-read button and a paper page's bar keep their room from the
first paint (papers.css). Lighthouse counts any such move as layout shift."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Every layout shift the page makes, with the elements that moved.
RECORD_SHIFTS = """
window.shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    window.shifts.push(...entry.sources.map((source) => source.node).filter(Boolean));
}).observe({ type: "layout-shift", buffered: true });
"""

# shelf.js once the page is painted: the copy search.js asks for is refused, this one comes late.
LATE_SHELF = """() => new Promise((done) => {
  const script = document.createElement("script");
  script.src = new URL("assets/javascripts/shelf.js?late", __md_scope).href;
  script.onload = done;
  requestAnimationFrame(() => requestAnimationFrame(() => document.head.append(script)));
})"""

# The elements inside the page's content that moved (the header is the theme's).
MOVED_IN_CONTENT = """() => window.shifts
  .map((node) => node.nodeType === 1 ? node : node.parentElement)
  .filter((node) => node && node.closest(".md-content"))
  .map((node) => node.tagName + "." + node.className)"""


def pages(seed_site) -> dict[str, str]:  # type: ignore[no-untyped-def]
    dump = sorted(p.name for p in (seed_site / "dumps").iterdir() if (p / "index.html").is_file())[0]
    letter = sorted(p.name for p in (seed_site / "a-z").iterdir() if (p / "index.html").is_file())[0]
    paper = sorted(p.name for p in (seed_site / "papers").iterdir() if (p / "index.html").is_file())[0]
    return {
        f"dumps/{dump}/": ".shelf-dump-read",
        f"a-z/{letter}/": ".shelf-row .shelf-read",
        f"papers/{paper}/": ".shelf-bar",
    }


@pytest.mark.parametrize("width", [390, 1280])
def test_the_library_buttons_move_nothing_when_they_come(
    browser, seed_server: str, seed_site, width: int
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.route(
        "**/assets/javascripts/shelf.js*",
        lambda route: route.continue_() if "late" in route.request.url else route.abort(),
    )
    page.add_init_script(RECORD_SHIFTS)
    for path, button in pages(seed_site).items():
        page.goto(seed_server + path)
        page.wait_for_load_state("load")
        assert page.locator(button).count() == 0
        page.evaluate(LATE_SHELF)
        page.locator(button).first.wait_for()
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert page.evaluate(MOVED_IN_CONTENT) == [], path
    context.close()


MATH_PAPER = "papers/scaling-o-n-2-attention-to-alpha-beta-with-textbf-bold-tex/"

# The moved nodes inside a block that holds math (a title, a paragraph, a list item): its text.
MOVED_AROUND_MATH = """() => {
  const blocks = [...document.querySelectorAll(".arithmatex")]
    .map((math) => math.closest("p, li, h1, h2, h3, td") || math.parentElement);
  return window.shifts
    .map((node) => node.nodeType === 1 ? node : node.parentElement)
    .filter((node) => node && blocks.some((block) => block !== node && block.contains(node)))
    .map((node) => node.tagName + "." + node.className);
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_text_around_math_does_not_jump_when_it_is_typeset(browser, hostile_server: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """KaTeX comes after the page is shown; its math and then its fonts change the text around
    each formula. The blocks holding math stay hidden until both are in, so no text a reader
    sees jumps (a block that grows, with display math, still moves what is below it)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_SHIFTS)
    page.goto(hostile_server + MATH_PAPER)
    title = page.locator("h1.paper-title")
    title.locator(".katex").first.wait_for(timeout=15_000)
    page.wait_for_function("() => document.querySelector('h1.paper-title').style.visibility === ''")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert title.is_visible()
    assert page.evaluate(MOVED_AROUND_MATH) == []
    context.close()
