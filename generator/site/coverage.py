"""Which taxonomy entries have papers, and so a page, a feed and links: the one place that decides.

A taxonomy entry (a tag today; an area or a topic as the taxonomy grows) with no paper gets no
page and no feed, and nothing links to one. Everything that would name an entry's page asks
its ``Coverage``: the tag pages and feeds are made for ``Coverage.shown`` only, and links come
from ``Coverage.href``, None for an entry without papers. The reference page (the tags index)
lists every entry with its description and count, linked where ``href`` gives a link.

An entry's page is always at ``<folder>/<slug>/`` (its slug comes from the taxonomy, not from
its papers): when a dump brings its first paper the page appears there, and when its last paper
goes the page and every link to it go with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from generator.model import Paper


class Entry(Protocol):
    """What coverage needs of a taxonomy entry: its name (what papers carry) and its slug."""

    @property
    def name(self) -> str: ...

    @property
    def slug(self) -> str: ...


E = TypeVar("E", bound=Entry)


@dataclass(frozen=True)
class Coverage(Generic[E]):
    """The entries of one level of the taxonomy, in taxonomy order, and each one's papers."""

    folder: str  # where the entries' pages live: ``tags``
    entries: tuple[E, ...]
    papers: Mapping[str, Sequence[str]]  # entry name -> its papers' slugs, newest first

    @classmethod
    def of(
        cls,
        folder: str,
        entries: Iterable[E],
        papers: Sequence[Paper],
        names: Callable[[Paper], Iterable[str]],
    ) -> Coverage[E]:
        """Coverage of ``entries`` by ``papers`` (catalogue order, oldest first), where
        ``names(paper)`` are the entries a paper carries (for tags: ``paper.tags``)."""
        entries = tuple(entries)
        found: dict[str, list[str]] = {entry.name: [] for entry in entries}
        for paper in reversed(papers):
            for name in names(paper):
                if name in found:
                    found[name].append(paper.slug)
        return cls(folder, entries, found)

    def count(self, name: str) -> int:
        return len(self.papers.get(name, ()))

    def has_page(self, name: str) -> bool:
        return self.count(name) > 0

    @property
    def shown(self) -> tuple[E, ...]:
        """The entries with at least one paper, in taxonomy order: those with a page and a feed."""
        return tuple(entry for entry in self.entries if self.has_page(entry.name))

    @property
    def empty(self) -> tuple[E, ...]:
        """The entries no paper carries yet: listed on the reference page, linked nowhere."""
        return tuple(entry for entry in self.entries if not self.has_page(entry.name))

    def base(self, entry: E) -> str:
        """The source folder of an entry's pages: ``tags/speech-audio``."""
        return f"{self.folder}/{entry.slug}"

    def href(self, entry: E, root: str) -> str | None:
        """The link to an entry's page from a page ``root`` below the site root, or None when
        the entry has no paper and so no page."""
        return f"{root}{self.base(entry)}/" if self.has_page(entry.name) else None


def tag_coverage(tags: Iterable[E], papers: Sequence[Paper]) -> Coverage[E]:
    """The tags' coverage: pages under ``tags/``, from each paper's ``tags``."""
    return Coverage.of("tags", tags, papers, lambda paper: paper.tags)


@dataclass(frozen=True)
class TopicCoverage(Coverage[E]):
    """The topics' coverage: each topic's pages nest under its area's, ``tags/<area>/<topic>/``."""

    def base(self, entry: E) -> str:
        return entry.path  # type: ignore[attr-defined]


def topic_coverage(topics: Iterable[E], papers: Sequence[Paper]) -> TopicCoverage[E]:
    """The topics' coverage, from each paper's ``topics``."""
    return TopicCoverage.of("tags", topics, papers, lambda paper: paper.topics)
