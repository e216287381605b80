"""Atom feeds: the newest papers of the site, and the newest papers of each tag.

"Newest" follows the dumps, never the clock: the newest dump first, the dump's own order within
it, each paper placed by its last sighting. Every date comes from a dump header (``dump_dates``):
a header without a year continues the years of the dumps before it, starting at
``FALLBACK_YEAR``, so dates never run backwards in dump order; a dump without a date takes the
previous dump's. The same dumps always give byte-identical feeds. feedgen stamps ``updated``
with the current time unless told otherwise, so every ``updated`` here is set explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from generator.enrich import clean
from generator.ingest.catalogue import Catalogue
from generator.model import Dump, DumpDate, Paper
from generator.enrich.taxonomy import Tag

FEED_SIZE = 50
FALLBACK_YEAR = 2000
"""Year of yearless dump dates before any dated dump (no file name carried a year)."""
FALLBACK_DATE = datetime(FALLBACK_YEAR, 1, 1, tzinfo=UTC)
"""Date of dumps without a date line before any dated dump, and of feeds when there is no dump."""
SITE_FEED = "feed.xml"
FEED_AUTHOR = "Hugging Face daily papers"
"""Atom wants an author per feed; the dumps name no paper authors, so the feed credits its source."""

# Characters XML 1.0 cannot carry even escaped; lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_path(tag: Tag | None = None) -> str:
    """Where a feed lives, relative to the site root."""
    return SITE_FEED if tag is None else f"tags/{tag.slug}/{SITE_FEED}"


def dump_dates(dumps: Sequence[Dump]) -> dict[str, datetime]:
    """A date for every dump, in dump order, never earlier than the dump before when guessed.

    A yearless ``Mar 11`` after ``May 28, 2023`` is ``2024-03-11``: the year turned between them.
    """
    dates: dict[str, datetime] = {}
    previous = FALLBACK_DATE
    for dump in dumps:
        date = dump.date
        if date is None:
            found = previous
        elif date.year is not None:
            found = _datetime(date.year, date)
        else:
            year = previous.year
            while (found := _datetime(year, date)) < previous:
                year += 1
        dates[dump.name] = previous = found
    return dates


def _datetime(year: int, date: DumpDate) -> datetime:
    """Midnight UTC of ``date`` in ``year``; Feb 29 moves to the next leap year."""
    while True:
        try:
            return datetime(year, date.month, date.day, tzinfo=UTC)
        except ValueError:
            year += 1


def newest_first(catalogue: Catalogue) -> list[Paper]:
    """Papers by their last sighting: newest dump first, then the order within that dump."""
    position = {dump.name: index for index, dump in enumerate(catalogue.dumps)}

    def key(paper: Paper) -> tuple[int, int]:
        last = paper.sources[-1].dump
        line = min(source.line for source in paper.sources if source.dump == last)
        return (-position.get(last, -1), line)

    return sorted(catalogue.papers, key=key)


def _xml(value: str) -> str:
    return _NOT_XML.sub("", value)


class FeedWriter:
    """Builds one Atom document per feed from papers already in newest-first order."""

    def __init__(self, tags: Sequence[Tag], dates: dict[str, datetime], site_url: str = "") -> None:
        self.dates = dates
        self.tags = {tag.name: tag for tag in tags}
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""

    def href(self, path: str, feed: str) -> str:
        """``path`` (relative to the site root) as the feed at ``feed`` links to it."""
        if self.site_url:
            return self.site_url + path
        return "../" * feed.count("/") + path

    def paper_id(self, paper: Paper) -> str:
        """The paper's URL when the site has one; otherwise a ``urn`` from the slug, stable either way."""
        return self.site_url + paper.url if self.site_url else f"urn:papers-atlas:paper:{paper.slug}"

    def render(self, papers: Sequence[Paper], title: str, subtitle: str, tag: Tag | None = None) -> str:
        path = feed_path(tag)
        page = f"tags/{tag.slug}/" if tag else ""
        shown = list(papers[:FEED_SIZE])
        feed = FeedGenerator()
        feed.id(
            self.site_url + path if self.site_url else f"urn:papers-atlas:feed:{tag.slug if tag else 'all'}"
        )
        feed.title(_xml(title))
        feed.subtitle(_xml(subtitle))
        feed.link(href=self.href(page, path), rel="alternate", type="text/html")
        feed.link(href=self.href(path, path), rel="self", type="application/atom+xml")
        feed.author({"name": FEED_AUTHOR})
        feed.generator("hf-papers-site")  # no version: an upgrade should not change every feed
        # An empty feed (a tag no paper has yet) is as new as the newest dump.
        feed.updated(
            self.dates[shown[0].sources[-1].dump]
            if shown
            else max(self.dates.values(), default=FALLBACK_DATE)
        )
        for paper in shown:
            self.add_entry(feed, paper, path)
        return feed.atom_str(pretty=True).decode("utf-8")

    def add_entry(self, feed: FeedGenerator, paper: Paper, path: str) -> None:
        entry = feed.add_entry(order="append")
        entry.id(self.paper_id(paper))
        entry.title(_xml(clean.title_text(paper.title)))
        entry.link(href=self.href(paper.url, path), rel="alternate", type="text/html")
        entry.summary(_xml(clean.plain_text(paper.abstract)), type="text")
        entry.published(self.dates[paper.sources[0].dump])
        entry.updated(self.dates[paper.sources[-1].dump])
        for name in paper.tags:
            tag = self.tags.get(name)
            if tag is not None:
                scheme = {"scheme": self.site_url + "tags/"} if self.site_url else {}
                entry.category(term=tag.slug, label=_xml(tag.name), **scheme)


def feed_files(catalogue: Catalogue, tags: Sequence[Tag], site_url: str = "") -> dict[str, str]:
    """``feed.xml`` for the whole site and ``tags/<slug>/feed.xml`` for every tag."""
    writer = FeedWriter(tags, dump_dates(catalogue.dumps), site_url)
    papers = newest_first(catalogue)
    files = {feed_path(): writer.render(papers, "Newest papers", "The newest papers of the site's dumps.")}
    for tag in tags:
        tagged = [paper for paper in papers if tag.name in paper.tags]
        files[feed_path(tag)] = writer.render(tagged, f"Newest papers: {tag.name}", tag.description, tag)
    return files
