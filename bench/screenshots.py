"""The README's screenshots, taken in Chromium from a built site (the corpus's, as readers of
the hosted site see it).

    PAPERS_DUMPS_DIR=../shared/corpus/dumps .venv/bin/mkdocs build -d /tmp/corpus-site
    .venv/bin/python bench/screenshots.py --site /tmp/corpus-site

Writes ``docs/assets/screenshots/``: a paper page (light), the stats page (light), the map
(dark), the Library page with three saved papers, one filed in a list (light), and a phone's
search results (dark). The site's plugin leaves the folder out of the built site.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.checks.pages_server import pages_served  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "assets" / "screenshots"
DESKTOP = {"width": 1300, "height": 950}
PHONE = {"width": 390, "height": 844}
PAPER = "papers/bpdq-bit-plane-decomposition-quantization-on-a-variable-grid-for-large-language/"
SAVED = (  # the Library page's: a paper of the shot above, and two on another subject
    PAPER,
    "papers/1000-fps-4d-gaussian-splatting-for-dynamic-scene-rendering/",
    "papers/flashsampling-fast-and-memory-efficient-exact-sampling/",
)
LIST = "Inference"  # the list the first saved paper is filed in
QUERY = "kv cache compression"


def shoot(browser, base: str, path: str, out: str, scheme: str = "light", viewport=DESKTOP) -> None:  # type: ignore[no-untyped-def]
    """One page, the first screenful, once the network is quiet."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    page.screenshot(path=OUT / out)
    context.close()


def library(browser, base: str) -> None:  # type: ignore[no-untyped-def]
    """Three papers saved from their pages, the first filed in a list, then the Library page."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    page = context.new_page()
    for path in SAVED:
        page.goto(base + path)
        page.locator(".shelf-bar .shelf-star").click()
    page.goto(base + SAVED[0])
    page.locator(".shelf-lists summary").click()
    page.get_by_label("Name of a new list").fill(LIST)
    page.get_by_label("Name of a new list").press("Enter")
    page.goto(base + "library/")
    page.wait_for_function("document.querySelector('.library').getAttribute('aria-busy') === 'false'")
    page.wait_for_timeout(500)
    # The whole page down to the saved papers' lists: recommendations, then the library itself.
    bottom = page.locator(".library h2#saved ~ *").last.bounding_box()
    height = min(2400, int(bottom["y"] + bottom["height"]) + 40)
    page.screenshot(
        path=OUT / "library.png",
        clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": height},
        full_page=True,
    )
    context.close()


def phone_search(browser, base: str) -> None:  # type: ignore[no-untyped-def]
    """A phone in the dark scheme: the search button tapped, a query typed, its results."""
    context = browser.new_context(viewport=PHONE, color_scheme="dark", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base)
    page.wait_for_load_state("networkidle")
    page.locator(".md-header__button[for=__search]").tap()
    page.keyboard.type(QUERY)
    page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
    page.wait_for_timeout(1_000)
    page.screenshot(path=OUT / "phone-search.png")
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (mkdocs build -d DIR)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with pages_served(args.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        shoot(browser, base, PAPER, "paper.png")
        shoot(browser, base, "stats/", "stats.png")
        shoot(browser, base, "map/", "map.png", scheme="dark")
        library(browser, base)
        phone_search(browser, base)
        browser.close()
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1000:.0f} KB")


if __name__ == "__main__":
    main()
