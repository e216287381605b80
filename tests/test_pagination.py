"""Long listings in pages that stay put: a dump adds papers to a listing's first page (newest
first) or to the one A to Z page its title falls on, and every other page keeps its address,
its papers and its rows' numbers, so bookmarks hold and ``make serve`` renders little."""

from __future__ import annotations

import random

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.pages import (
    LEAST_ON_A_PAGE,
    MOST_ON_A_PAGE,
    PER_PAGE,
    content_pages,
    environment,
    newest_first_pages,
)


def older_pages(total: int) -> dict[str, tuple[tuple[int, ...], int]]:
    """``{source: (papers, first row's number)}`` of every page but the first of a newest-first
    listing of ``total`` papers, each paper named by its number counted from the oldest."""
    pages = newest_first_pages(list(range(total, 0, -1)), "tags/x")
    return {
        page.pagination.src(page.pagination.number): (tuple(page.items), page.start) for page in pages[1:]
    }


@settings(max_examples=300, derandomize=True, deadline=None)
@given(total=st.integers(0, 5 * PER_PAGE), added=st.integers(1, 3 * PER_PAGE))
def test_papers_added_to_a_newest_first_listing_leave_its_older_pages_as_they_were(
    total: int, added: int
) -> None:
    before, after = older_pages(total), older_pages(total + added)
    assert {src: after[src] for src in before} == before


@settings(max_examples=300, derandomize=True, deadline=None)
@given(total=st.integers(0, 5 * PER_PAGE))
def test_a_newest_first_listing_shows_every_paper_once_numbered_from_the_oldest(total: int) -> None:
    items = list(range(total, 0, -1))
    pages = newest_first_pages(items, "tags/x")
    assert [item for page in pages for item in page.items] == items
    assert all(page.items[0] == page.start for page in pages if page.items)
    first, *older = pages
    assert min(total, 1) <= len(first.items) <= PER_PAGE
    assert all(len(page.items) == PER_PAGE for page in older)
    assert [page.pagination.number for page in pages] == list(range(1, len(pages) + 1))


def test_the_older_pages_of_a_listing_are_addressed_by_their_block_counted_from_the_oldest() -> None:
    pages = newest_first_pages(list(range(1000, 0, -1)), "tags/x")
    assert [(page.pagination.src(page.pagination.number), page.start) for page in pages] == [
        ("tags/x/index.md", 1000),
        ("tags/x/2.md", 800),
        ("tags/x/1.md", 400),
    ]
    second = pages[1].pagination
    assert [second.href(number) for number in (1, 2, 3)] == ["../", "../2/", "../1/"]


def titles(count: int, seed: int) -> list[str]:
    generator = random.Random(seed)
    return sorted(f"paper-{generator.random():.12f}" for _ in range(count))


def test_an_a_to_z_page_ends_where_its_papers_choose_within_its_bounds() -> None:
    keys = titles(6000, seed=1)
    pages = content_pages(keys, "a-z/s")
    assert [key for page in pages for key in page.items] == keys
    assert all(LEAST_ON_A_PAGE <= len(page.items) <= MOST_ON_A_PAGE for page in pages[:-1])
    assert 0.4 * PER_PAGE < len(keys) / len(pages) < 0.7 * PER_PAGE
    assert [page.pagination.src(page.pagination.number) for page in pages[:3]] == [
        "a-z/s/index.md",
        "a-z/s/2.md",
        "a-z/s/3.md",
    ]


def test_a_paper_added_to_a_letter_changes_the_a_to_z_page_it_falls_on_and_seldom_another() -> None:
    keys = titles(3000, seed=2)
    before = {tuple(page.items) for page in content_pages(keys, "a-z/s")}
    generator = random.Random(3)
    changed = []
    for _ in range(100):
        pages = content_pages(sorted([*keys, f"paper-{generator.random():.12f}"]), "a-z/s")
        changed.append(sum(tuple(page.items) not in before for page in pages))
    assert min(changed) == 1
    assert sum(changed) / len(changed) < 1.4


def rendered(template: str, number: int, pages: int, **first: object) -> str:
    """The reader's text of page ``number`` of ``pages`` of a listing made from ``template``."""
    pagination = newest_first_pages(list(range(pages * PER_PAGE, 0, -1)), "tags/x")[number - 1].pagination
    markdown = (
        environment()
        .get_template(template)
        .render(
            meta={},
            root="../../",
            listing="",
            pagination=pagination,
            tag={"name": "Agents", "slug": "agents", "description": "Tools."},
            **first,
        )
    )
    return " ".join(
        BeautifulSoup(markdown.split("---", 2)[2], "html.parser").select_one(".tag-facts").get_text().split()
    )


def test_a_tag_shows_its_count_on_its_first_page_and_not_on_the_older_ones() -> None:
    assert rendered("tag.md.j2", 1, 3, count=1200, often_with=[], topics=[]) == (
        "Tools. 1,200 papers, newest first, numbered from the oldest. Page 1 of 3."
    )
    assert rendered("tag.md.j2", 2, 3) == "Tools. Older papers, newest first. Page 2 of 3."
