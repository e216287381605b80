"""Topic pages: each topic's papers under its area, ``tags/<area slug>/<topic slug>/``.

A topic page is a tag page one level down: its description, its count, its area, the topics
most often beside it, then its papers newest first in the listing markup of every other
listing (without the papers' area chips, to keep the pages lean), ``PER_PAGE`` to a page.
A topic no paper has gets no page, no feed and no link: the topics' ``coverage.py``
(``SiteIndex.topic_coverage``, ``topic_papers``) decides, for the topic pages, the area pages'
topic lists and the feeds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.enrich.taxonomy import Topic
from generator.site.index import most_often_together
from generator.site.pages import HTML_LISTING, html_text, newest_first_pages

if TYPE_CHECKING:
    from generator.site.index import SiteIndex
    from generator.site.listings import Listings


def area_topics(index: SiteIndex, area: str) -> list[tuple[Topic, int]]:
    """An area's topics that have papers, with their counts, most papers first."""
    mine = [
        (index.topics[name], len(slugs))
        for name, slugs in index.topic_papers.items()
        if index.topics[name].area.name == area
    ]
    return sorted(mine, key=lambda item: (-item[1], item[0].name))


def often_with(index: SiteIndex) -> dict[str, list[tuple[Topic, int]]]:
    """For each topic with papers, the topics most often on the same papers."""
    together = most_often_together((paper.topics for paper in index.catalogue.papers), index.topic_papers)
    return {name: [(index.topics[other], n) for other, n in found] for name, found in together.items()}


def topic_pages(listings: Listings) -> dict[str, bytes]:
    """Every page of every topic with papers, as UTF-8."""
    index = listings.index
    beside = often_with(index)
    pages: dict[str, bytes] = {}
    for name, slugs in index.topic_papers.items():
        topic = index.topics[name]
        meta = {
            "title": html_text(f"{topic.name} ({topic.area.name})"),
            "description": html_text(topic.description),
            **HTML_LISTING,
        }
        # Without the papers' area chips: some 240 bytes a paper fewer on the corpus's
        # 90,000 topic entries, and a topic page is about one subject.
        pages.update(
            listings.paginated(
                "topic.md.j2", newest_first_pages(slugs, index.topic_coverage.base(topic)), rows="plain",
                first={"count": len(slugs), "often_with": beside[name]}, meta=meta, topic=topic,
            )
        )  # fmt: skip
    return pages
