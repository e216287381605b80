"""Atom feeds: the newest papers of the site, and the newest papers of each tag that has any.

"Newest" follows the dumps, never the clock: the newest dump first, the dump's own order within
it, each paper placed by its last sighting. Atom needs full dates; each is a dump's full date
(``Dump.full_date``, ``ingest/dates.py``): the papers page's date when the file name has the
year, else the date the file was added to the repository, else the file's modification time.
No year is guessed. feedgen stamps ``updated`` with the current time unless told otherwise, so
every ``updated`` here is set explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from generator.enrich.taxonomy import Tag, Topic
from generator.ingest.catalogue import Catalogue
from generator.memo import NoMemo
from generator.model import Dump, Paper
from generator.site.coverage import tag_coverage, topic_coverage
from generator.site.views import PaperViews

FEED_SIZE = 50
TOPIC_FEED_SIZE = 10
"""Entries of a topic's feed: a narrow subject gathers a few papers a dump, and the corpus's
topic feeds weighed 26 MB at 20 entries (each with its whole abstract), 13 MB at 10."""
SITE_FEED = "feed.xml"
FEED_AUTHOR = "Hugging Face daily papers"
"""Atom wants an author per feed; the dumps name no paper authors, so the feed credits its source."""

# Characters XML 1.0 cannot carry even escaped; lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_path(tag: Tag | Topic | None = None) -> str:
    """Where a feed lives, relative to the site root: beside its tag's or topic's page."""
    if tag is None:
        return SITE_FEED
    folder = tag.path if isinstance(tag, Topic) else f"tags/{tag.slug}"
    return f"{folder}/{SITE_FEED}"


def dump_dates(dumps: Sequence[Dump]) -> dict[str, datetime]:
    """Each dump's full date. A dump read from a file has one (``read_dumps``); one made in
    code without it may still have a year of its own."""
    dates = {}
    for dump in dumps:
        date = dump.full_date
        if date is None and dump.date is not None and dump.date.year is not None:
            date = datetime(dump.date.year, dump.date.month, dump.date.day, tzinfo=UTC)
        if date is None:
            raise ValueError(f"{dump.path}: no full date; read dumps with read_dumps")
        dates[dump.name] = date
    return dates


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

    def __init__(
        self,
        views: PaperViews,
        dates: dict[str, datetime],
        site_url: str = "",
        memo: NoMemo | None = None,
    ) -> None:
        self.views = views
        self.dates = dates
        self.memo = memo or NoMemo()
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""

    def href(self, path: str, feed: str) -> str:
        """``path`` (relative to the site root) as the feed at ``feed`` links to it."""
        if self.site_url:
            return self.site_url + path
        return "../" * feed.count("/") + path

    def paper_id(self, paper: Paper) -> str:
        """The paper's URL when the site has one; otherwise a ``urn`` from the slug, stable either way."""
        return self.site_url + paper.url if self.site_url else f"urn:papers-atlas:paper:{paper.slug}"

    def render(
        self,
        papers: Sequence[Paper],
        title: str,
        subtitle: str,
        tag: Tag | Topic | None = None,
        size: int = FEED_SIZE,
    ) -> str:
        path = feed_path(tag)
        page = path.removesuffix(SITE_FEED) if tag else ""
        shown = list(papers[:size])
        feed = FeedGenerator()
        key = (tag.path.removeprefix("tags/") if isinstance(tag, Topic) else tag.slug) if tag else "all"
        feed.id(self.site_url + path if self.site_url else f"urn:papers-atlas:feed:{key}")
        feed.title(_xml(title))
        feed.subtitle(_xml(subtitle))
        feed.link(href=self.href(page, path), rel="alternate", type="text/html")
        feed.link(href=self.href(path, path), rel="self", type="application/atom+xml")
        feed.author({"name": FEED_AUTHOR})
        feed.generator("hf-papers-site")  # no version: an upgrade should not change every feed
        # Dumps' full dates need not grow in dump order (a dated file name, then a file git dates).
        feed.updated(max(self.dates[paper.sources[-1].dump] for paper in shown))
        for paper in shown:
            feed.add_entry(self.entry(paper, path), order="append")
        return feed.atom_str(pretty=True).decode("utf-8")

    def entry_key(self, paper: Paper) -> tuple:
        """Everything a paper's entry shows: a feed's memo key."""
        dates = self.dates[paper.sources[0].dump], self.dates[paper.sources[-1].dump]
        return paper.slug, paper.title, paper.abstract, paper.tags, dates

    def entry(self, paper: Paper, path: str) -> FeedEntry:
        """The paper's entry as the feed at ``path`` links it. With a memo, made once and shared
        by every feed that shows the paper: a new dump changes some 150 feeds of 50 entries."""
        key = self.entry_key(paper), self.href("", path)
        return self.memo.get("feed entry", key, partial(self.new_entry, paper, path))

    def new_entry(self, paper: Paper, path: str) -> FeedEntry:
        """The entry shows what the paper's page does: its title where no KaTeX draws the
        math (``readable_title``), its abstract as plain text, its tags."""
        view = self.views[paper.slug]
        entry = FeedEntry()
        entry.id(self.paper_id(paper))
        entry.title(_xml(view.readable_title))
        entry.link(href=self.href(paper.url, path), rel="alternate", type="text/html")
        entry.summary(_xml(view.abstract), type="text")
        entry.published(self.dates[paper.sources[0].dump])
        entry.updated(self.dates[paper.sources[-1].dump])
        scheme = {"scheme": self.site_url + "tags/"} if self.site_url else {}
        for tag in view.tags:
            entry.category(term=tag.slug, label=_xml(tag.name), **scheme)
        return entry


def feed_files(
    catalogue: Catalogue,
    tags: Sequence[Tag],
    site_url: str = "",
    topics: Sequence[Topic] = (),
    memo: NoMemo | None = None,
    views: PaperViews | None = None,
) -> dict[str, str]:
    """``feed.xml`` for the whole site, ``tags/<slug>/feed.xml`` for every tag with papers
    (``coverage.py``): a feed without entries would announce nothing; and
    ``tags/<area slug>/<topic slug>/feed.xml`` for every topic with papers. With a memo, a
    feed is made again only when its entries changed. ``views``: the pages' views of the
    papers, made here when not given."""
    memo = memo or NoMemo()
    views = views or PaperViews(catalogue.papers, {tag.name: tag for tag in tags})
    writer = FeedWriter(views, dump_dates(catalogue.dumps), site_url, memo)
    papers = newest_first(catalogue)
    shown_tags = tag_coverage(tags, catalogue.papers).shown
    shown_topics = topic_coverage(topics, catalogue.papers).shown
    tagged = newest_of(papers, lambda paper: paper.tags, {tag.name for tag in shown_tags}, FEED_SIZE)
    found = newest_of(
        papers, lambda paper: paper.topics, {topic.name for topic in shown_topics}, TOPIC_FEED_SIZE
    )

    def render(shown: Sequence[Paper], title: str, subtitle: str, tag: Tag | Topic | None = None) -> str:
        key = (title, subtitle, tag, tuple(writer.entry_key(paper) for paper in shown))
        return memo.get("feed", key, partial(writer.render, shown, title, subtitle, tag, len(shown)))

    files = {
        feed_path(): render(papers[:FEED_SIZE], "Newest papers", "The newest papers of the site's dumps.")
    }
    for tag in shown_tags:
        files[feed_path(tag)] = render(tagged[tag.name], f"Newest papers: {tag.name}", tag.description, tag)
    for topic in shown_topics:
        title = f"Newest papers: {topic.name} ({topic.area.name})"
        files[feed_path(topic)] = render(found[topic.name], title, topic.description, topic)
    return files


def newest_of(
    papers: Sequence[Paper], labels: Callable[[Paper], Sequence[str]], names: set[str], size: int
) -> dict[str, list[Paper]]:
    """The first ``size`` of ``papers`` with each of ``names`` among their ``labels``, in one pass."""
    found: dict[str, list[Paper]] = {name: [] for name in names}
    for paper in papers:
        for name in dict.fromkeys(labels(paper)):
            listed = found.get(name)
            if listed is not None and len(listed) < size:
                listed.append(paper)
    return found
