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
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from generator.enrich import clean
from generator.enrich.taxonomy import Tag, Topic
from generator.ingest.catalogue import Catalogue
from generator.model import Dump, Paper
from generator.site.coverage import tag_coverage, topic_coverage

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


def feed_files(
    catalogue: Catalogue, tags: Sequence[Tag], site_url: str = "", topics: Sequence[Topic] = ()
) -> dict[str, str]:
    """``feed.xml`` for the whole site, ``tags/<slug>/feed.xml`` for every tag with papers
    (``coverage.py``): a feed without entries would announce nothing; and
    ``tags/<area slug>/<topic slug>/feed.xml`` for every topic with papers."""
    writer = FeedWriter(tags, dump_dates(catalogue.dumps), site_url)
    papers = newest_first(catalogue)
    files = {feed_path(): writer.render(papers, "Newest papers", "The newest papers of the site's dumps.")}
    by_tag: dict[str, list[Paper]] = defaultdict(list)
    by_topic: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:  # newest first, as each feed lists them
        for name in paper.tags:
            by_tag[name].append(paper)
        for name in paper.topics:
            by_topic[name].append(paper)
    for tag in tag_coverage(tags, catalogue.papers).shown:
        tagged = by_tag[tag.name]
        files[feed_path(tag)] = writer.render(tagged, f"Newest papers: {tag.name}", tag.description, tag)
    for topic in topic_coverage(topics, catalogue.papers).shown:
        found = by_topic[topic.name]
        title = f"Newest papers: {topic.name} ({topic.area.name})"
        files[feed_path(topic)] = writer.render(found, title, topic.description, topic, TOPIC_FEED_SIZE)
    return files
