"""The data types every stage shares: frozen records, no behaviour beyond formatting.

The pipeline reads in one direction: parse (Dump, Entry) -> catalogue (Paper) ->
enrich (tags, related, mentions) -> render -> write. Each stage returns new records
(``dataclasses.replace``) instead of mutating old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input file, located by path and 1-based line."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True, order=True)
class DumpDate:
    """The date a dump's header shows. The header has no year; the file name may."""

    year: int | None
    month: int
    day: int

    @property
    def iso(self) -> str | None:
        """``YYYY-MM-DD`` when the year is known, else None."""
        if self.year is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def label(self) -> str:
        """What a reader sees: ``May 28, 2024`` or ``May 28`` without a year."""
        text = f"{MONTHS[self.month - 1]} {self.day}"
        return f"{text}, {self.year}" if self.year is not None else text


@dataclass(frozen=True, slots=True)
class Entry:
    """One title and its abstract as written in one dump."""

    title: str
    abstract: str
    line: int  # line of the title
    abstract_line: int


@dataclass(frozen=True, slots=True)
class Dump:
    """One parsed dump file."""

    name: str  # file name, e.g. ``0414_2026-08-21.txt``; unique within dumps/
    path: str  # path as given, for messages
    date: DumpDate | None
    entries: tuple[Entry, ...]
    full_date: datetime | None = None
    """For formats that need a year (Atom, the sitemap): true, never guessed (``ingest/dates.py``)."""

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def heading(self) -> str:
        """What its page is called: the day of the papers page it copies (``Papers of Aug 21,
        2026``), or the file's name when its header gave no date."""
        return f"Papers of {self.date.label}" if self.date else f"Dump {self.stem}"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a paper was seen: a dump and the line of its title there."""

    dump: str
    line: int
    date: DumpDate | None


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found in an abstract."""

    url: str
    kind: str  # "code" (a GitHub repository) or "project"
    label: str


@dataclass(frozen=True, slots=True)
class Related:
    """A paper similar to another, with the terms that make it so."""

    slug: str
    score: float
    shared: tuple[str, ...]
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        """Computed once, as ``Paper``'s: a serve's keys hold each paper's related list."""
        if not self._hash:
            object.__setattr__(self, "_hash", hash((self.slug, self.score, self.shared)) or 1)
        return self._hash

    def __reduce__(self) -> tuple[type[Related], tuple[str, float, tuple[str, ...]]]:
        """Pickled as its three fields: the worker sends some 215,000 of them, and a slotted
        dataclass's own pickling looks its fields up for each, several times slower; and
        without the hash it kept, as the worker's process hashes strings differently."""
        return (Related, (self.slug, self.score, self.shared))


class RelatedLists(NamedTuple):
    """Each paper's closest papers, by slug: its related list (``Paper.related``) and the
    next of them (``Catalogue.further``), as the related lists' worker answers them."""

    related: dict[str, tuple[Related, ...]]
    further: dict[str, tuple[Related, ...]]


@dataclass(frozen=True, slots=True)
class Mention:
    """A distinctive method name in an abstract that names another paper."""

    name: str  # as written in the abstract
    target: str  # slug of the paper the name belongs to
    start: int  # character offsets in the abstract as rendered (after clean-up)
    end: int


@dataclass(frozen=True, slots=True)
class Paper:
    """One distinct paper of the catalogue, merged over every dump that lists it."""

    key: str  # identity: the normalised title
    slug: str
    title: str  # latest spelling, raw dump text
    abstract: str  # latest abstract, raw dump text
    sources: tuple[Source, ...]
    tags: tuple[str, ...] = ()  # its areas, by name
    topics: tuple[str, ...] = ()  # its topics (each under one of its areas), by name
    links: tuple[Link, ...] = ()
    related: tuple[Related, ...] = ()  # shown on its page, each with the terms it shares
    mentions: tuple[Mention, ...] = ()
    mentioned_by: tuple[str, ...] = field(default=())
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        """The fields' hash, computed once: ``mkdocs serve``'s memo keys hold each paper several
        times a rebuild, and hashing a paper hashes every source, link and related entry."""
        if not self._hash:
            fields = (self.key, self.slug, self.title, self.abstract, self.sources, self.tags, self.topics)
            value = hash((*fields, self.links, self.related, self.mentions, self.mentioned_by)) or 1
            object.__setattr__(self, "_hash", value)
        return self._hash

    def __reduce__(self) -> tuple:
        """Pickled without its hash: another process hashes strings differently."""
        fields = (self.key, self.slug, self.title, self.abstract, self.sources, self.tags, self.topics)
        return Paper, (*fields, self.links, self.related, self.mentions, self.mentioned_by)

    @property
    def year(self) -> int | None:
        """The year of the first dump that lists the paper, when its date has one."""
        date = self.sources[0].date if self.sources else None
        return date.year if date else None

    @property
    def url(self) -> str:
        """URL relative to the site root."""
        return f"papers/{self.slug}/"
