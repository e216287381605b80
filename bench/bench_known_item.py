"""Known-item search: a reader who remembers a paper's name types it; is that paper first?

    .venv/bin/python bench/bench_known_item.py SITE_DIR SEARCH_DOCUMENTS_DIR [--size N] [--seed S]

A fixed, seeded sample of the papers Pagefind indexed (their search documents, the
generated folder's ``-search`` sibling), and for each up to three queries a reader would type:
the whole title, its first four words (titles of five words or more) and the name before
its colon (titles with one). Each query is typed into the built site's header search box in
Chromium, so the ranking measured is the one a reader sees (Pagefind's, then ``search.js``'s);
a query counts as found first (in the top 5) when the paper is the first result shown (among
the first five). Names are also reported for the subset no other title starts with, as whole
words: "MOSAIC" is unique beside "MosaicMem: ...", not beside "MOSAIC-2: ...".

``make bench`` runs it on the corpus build (``bench_build.py``); alone it writes
``bench/results/known-item-<papers>.json``.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 17
"""The sample's seed: the same papers every run, so runs before and after a change compare."""
SIZE = 300
KINDS = ("whole title", "first four words", "name before the colon", "unique name")
TITLE = re.compile(r"<h1>(.*?)</h1>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class KnownItem:
    slug: str
    title: str
    kind: str
    query: str


def indexed_titles(documents: Path) -> dict[str, str]:
    """Each search document's slug and title, as Pagefind indexed it (``papers/<slug>.html``)."""
    titles = {}
    for path in sorted((documents / "papers").glob("*.html")):
        found = TITLE.search(path.read_text(encoding="utf-8"))
        if found:
            titles[path.stem] = html.unescape(found.group(1)).strip()
    return titles


def folded(text: str) -> str:
    """Case, width and spacing folded away: how two names are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def name_before_colon(title: str) -> str:
    """The name a title gives itself before its first colon ("MOSAIC" of "MOSAIC: ..."), or ""."""
    name, colon, _ = title.partition(":")
    return name.strip() if colon and name.strip() else ""


def starts_with_words(title: str, name: str) -> bool:
    """Whether folded ``title`` starts with folded ``name`` ending at a word's end."""
    title, name = folded(title), folded(name)
    return title.startswith(name) and not title[len(name) : len(name) + 1].isalnum()


def unique_names(titles: dict[str, str], names: dict[str, str]) -> set[str]:
    """The slugs among ``names`` (slug -> name) whose name no other title starts with, as whole words."""
    by_first_word: dict[str, list[str]] = {}
    for slug, title in titles.items():
        first = folded(title).split(" ", 1)[0] if title.strip() else ""
        by_first_word.setdefault(first, []).append(slug)
    unique = set()
    for slug, name in names.items():
        first = folded(name).split(" ", 1)[0]
        # A title starting with the name as whole words starts with its first word, whole or
        # cut short by the name's end ("X" of "X-2"): the folded first word's prefix.
        others = [
            other
            for word, slugs in by_first_word.items()
            if word.startswith(first)
            for other in slugs
            if other != slug and starts_with_words(titles[other], name)
        ]
        if not others:
            unique.add(slug)
    return unique


def known_items(titles: dict[str, str], size: int = SIZE, seed: int = SEED) -> list[KnownItem]:
    """The queries for ``size`` papers drawn with ``seed`` from ``titles`` (slug -> title)."""
    slugs = random.Random(seed).sample(sorted(titles), min(size, len(titles)))
    names = {slug: name_before_colon(titles[slug]) for slug in slugs}
    names = {slug: name for slug, name in names.items() if name}
    unique = unique_names(titles, names)
    items = []
    for slug in slugs:
        title = titles[slug]
        items.append(KnownItem(slug, title, "whole title", title))
        words = title.split()
        if len(words) > 4:
            items.append(KnownItem(slug, title, "first four words", " ".join(words[:4])))
        if slug in names:
            items.append(KnownItem(slug, title, "name before the colon", names[slug]))
            if slug in unique:
                items.append(KnownItem(slug, title, "unique name", names[slug]))
    return items


def distinct_queries(items: Iterable[KnownItem]) -> list[str]:
    return sorted({item.query for item in items})


TYPE_AND_READ = """async (query) => {
  const root = document.querySelector("[data-md-component=pagefind-search]");
  const input = root.querySelector("[data-pagefind-query]");
  const list = root.querySelector(".md-search-result__list");
  const meta = root.querySelector("[data-pagefind-meta-line]");
  root.querySelector("button[type=reset]").click();
  input.value = query;
  input.dispatchEvent(new Event("input"));
  const deadline = Date.now() + 60000;
  while (!list.children.length && meta.textContent !== "No matching papers") {
    if (Date.now() > deadline) throw new Error(`no results shown for ${query}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return [...list.querySelectorAll(".md-search-result__link")].map((link) => link.getAttribute("href"));
}"""
"""Types ``query`` into the header search box as a reader would (after clearing it), waits for
the first page of results and returns their links in the order shown."""


def shown_results(site: Path, queries: list[str]) -> dict[str, list[str]]:
    """Each query's results as the built ``site``'s header search shows them, in Chromium."""
    import os

    from playwright.sync_api import sync_playwright

    from generator.checks.pages_server import pages_served

    shown = {}
    with pages_served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(base)
        page.wait_for_load_state("networkidle")
        page.locator("[data-pagefind-query]").click()
        for query in queries:
            shown[query] = page.evaluate(TYPE_AND_READ, query)
        browser.close()
    return shown


def rank(links: list[str], slug: str) -> int | None:
    """Where the paper ``slug`` is among ``links`` (1 is first), or None."""
    for place, link in enumerate(links, 1):
        if link.rstrip("/").endswith(f"papers/{slug}"):
            return place
    return None


def known_item_figures(site: Path, documents: Path, size: int = SIZE, seed: int = SEED) -> dict:
    """Found first and in the top 5, for each kind of query, on ``size`` papers drawn with ``seed``."""
    titles = indexed_titles(documents)
    items = known_items(titles, size, seed)
    shown = shown_results(site, distinct_queries(items))
    figures: dict = {"papers_indexed": len(titles), "sample": size, "seed": seed, "kinds": {}}
    for kind in KINDS:
        places = [(item, rank(shown[item.query], item.slug)) for item in items if item.kind == kind]
        first = sum(place == 1 for _, place in places)
        top5 = sum(place is not None and place <= 5 for _, place in places)
        figures["kinds"][kind] = {
            "queries": len(places),
            "found_first": round(first / len(places), 3) if places else None,
            "in_top_5": round(top5 / len(places), 3) if places else None,
            "missed_first": [
                {"query": item.query, "slug": item.slug, "place": place}
                for item, place in places
                if place != 1
            ],
        }
    return figures


def summary(figures: dict) -> str:
    lines = [f"known-item search, {figures['sample']} papers (seed {figures['seed']}):"]
    for kind, row in figures["kinds"].items():
        lines.append(
            f"  {kind:<22} found first {row['found_first']:.3f}  in top 5 {row['in_top_5']:.3f}  ({row['queries']} queries)"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE)")
    parser.add_argument(
        "documents", type=Path, help="its search documents (the generated folder's -search sibling)"
    )
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, help="where to write the figures (JSON)")
    args = parser.parse_args()
    figures = known_item_figures(args.site, args.documents, args.size, args.seed)
    out = args.out or ROOT / "bench" / "results" / f"known-item-{figures['papers_indexed']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(summary(figures))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
