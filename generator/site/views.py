"""What a reader sees of a paper, declared once: the page, ``papers.json``, ``papers.csv`` and
the search document all read a ``PaperView``.

A view is made from the enriched catalogue and computes each field on first use, so the
search documents can be made from views as soon as papers are tagged, before any markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from generator.enrich import clean
from generator.enrich.documents import as_written
from generator.enrich.taxonomy import Tag
from generator.model import Link, Paper, Source
from generator.site.markup import link_mentions, paper_markup

DESCRIPTION_MAX = 160
"""Characters of the abstract in a page's meta description: about what a search engine shows."""


def abbreviate(value: str, width: int) -> str:
    """``value`` cut at a word boundary to at most ``width`` characters, with "…" when cut."""
    if len(value) <= width:
        return value
    cut = value[:width].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


@dataclass(frozen=True, slots=True)
class SourceView:
    """One dump a paper was seen in, as the page and the exports show it."""

    dump: str  # file name
    stem: str  # the dump page's slug
    label: str  # "May 28, 2024", "May 28" without a year, or the stem without a date
    date: str | None  # ISO date when the year is known, else the label; None without a date
    line: int


@dataclass(frozen=True, slots=True)
class LinkedPaper:
    """Another paper as a paper page links it: related, or mentioning this one."""

    slug: str
    title_html: Markup
    shared: str = ""  # the terms a related paper shares, comma-separated


class PaperView:
    """Everything a reader sees of one paper, each field computed when read."""

    __slots__ = ("paper", "_views")

    def __init__(self, paper: Paper, views: PaperViews) -> None:
        self.paper = paper
        self._views = views

    @property
    def slug(self) -> str:
        return self.paper.slug

    @property
    def url(self) -> str:
        """URL relative to the site root."""
        return self.paper.url

    @property
    def title(self) -> str:
        """The title as plain text, math as its ``$...$`` source: what is searched, exported
        and compared."""
        return self._views.texts[self.paper.slug][0]

    @property
    def readable_title(self) -> str:
        """The title where no KaTeX draws its math (a tab's title, the Library, the map): the
        math in Unicode where it can be (``clean.readable_text``)."""
        return self.readable_math_title or self.title

    @property
    def readable_math_title(self) -> str:
        """``readable_title`` for a title with math, else "": what a listing's link and a paper's
        heading give the reader's buttons to name the paper by (``data-t``; shelf.js)."""
        title = self.title
        return clean.readable_text(self.paper.title) if "$" in title or "\\" in title else ""

    @property
    def abstract(self) -> str:
        """The abstract as plain text (math as its TeX source)."""
        return self._views.texts[self.paper.slug][1]

    @property
    def title_html(self) -> Markup:
        return self._views.markup(self.paper)[0]

    @property
    def abstract_html(self) -> Markup:
        """The abstract as HTML, each mentioned method name linked to its paper."""
        html = self._views.markup(self.paper)[1]
        if not self.paper.mentions:
            return html
        return Markup(link_mentions(str(html), self.paper.mentions, lambda slug: f"../{slug}/"))

    @property
    def description(self) -> str:
        return abbreviate(self.abstract, DESCRIPTION_MAX)

    @property
    def tags(self) -> tuple[Tag, ...]:
        return tuple(self._views.tags[name] for name in self.paper.tags if name in self._views.tags)

    @property
    def links(self) -> tuple[Link, ...]:
        return self.paper.links

    @property
    def code_url(self) -> str:
        return next((link.url for link in self.paper.links if link.kind == "code"), "")

    @property
    def sources(self) -> tuple[SourceView, ...]:
        return tuple(map(self._views.source, self.paper.sources))

    @property
    def first_seen(self) -> SourceView | None:
        """The first dump the paper was seen in, when that dump has a date."""
        first = self._views.source(self.paper.sources[0])
        return first if first.date is not None else None

    @property
    def related(self) -> tuple[LinkedPaper, ...]:
        views = self._views.by_slug
        title, abstract = self._views.texts[self.paper.slug]
        return tuple(
            LinkedPaper(
                rel.slug, views[rel.slug].title_html, ", ".join(as_written(rel.shared, title, abstract))
            )
            for rel in self.paper.related
            if rel.slug in views
        )

    @property
    def mentioned_by(self) -> tuple[LinkedPaper, ...]:
        views = self._views.by_slug
        return tuple(
            LinkedPaper(slug, views[slug].title_html) for slug in self.paper.mentioned_by if slug in views
        )

    def linked_titles(self) -> tuple[str | None, ...]:
        """The titles (as the dumps spell them) of the papers its page links: what, beside
        the paper itself, its page shows of others (a memo's key)."""
        views = self._views.by_slug
        slugs = (*(rel.slug for rel in self.paper.related), *self.paper.mentioned_by)
        return tuple(view.paper.title if (view := views.get(slug)) else None for slug in slugs)

    def record(self) -> dict:
        """The paper in ``papers.json``."""
        return {
            "slug": self.slug,
            "title": self.title,
            "abstract": self.abstract,
            "url": self.url,
            "tags": list(self.paper.tags),
            "topics": list(self.paper.topics),
            "links": [{"url": link.url, "kind": link.kind} for link in self.links],
            "sources": [{"dump": s.dump, "date": s.date, "line": s.line} for s in self.sources],
            "related": [rel.slug for rel in self.paper.related],
            "first_seen": self.first_seen.date if self.first_seen else None,
        }

    CSV_FIELDS = (
        "slug",
        "title",
        "url",
        "tags",
        "first_dump",
        "first_date",
        "last_dump",
        "last_date",
        "code_url",
        "first_seen",
        "topics",
    )

    def csv_row(self, base_url: str) -> list[str]:
        """The paper in ``papers.csv`` (``CSV_FIELDS``); the title as a spreadsheet shows text."""
        first, last = self.sources[0], self.sources[-1]
        return [
            self.slug,
            spreadsheet_text(self.title),
            base_url + self.url,
            ";".join(self.paper.tags),
            first.dump,
            first.date or "",
            last.dump,
            last.date or "",
            self.code_url,
            self.first_seen.date if self.first_seen else "",
            ";".join(self.paper.topics),
        ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, "CSV Injection")."""


def spreadsheet_text(value: str) -> str:
    """``value`` as a spreadsheet shows text: a leading apostrophe where it would be a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class PaperViews:
    """The views of a catalogue's papers, by slug, sharing its clean texts and markup."""

    def __init__(
        self,
        papers: tuple[Paper, ...],
        tags: Mapping[str, Tag],
        texts: Mapping[str, tuple[str, str]] | None = None,
        markup: Mapping[str, tuple[Markup, Markup]] | None = None,
    ) -> None:
        self.tags = tags
        self.texts = texts if texts is not None else clean_texts(papers)
        self._markup = markup or {}
        self.by_slug = {paper.slug: PaperView(paper, self) for paper in papers}

    def __getitem__(self, slug: str) -> PaperView:
        return self.by_slug[slug]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.by_slug.values())

    def markup(self, paper: Paper) -> tuple[Markup, Markup]:
        found = self._markup.get(paper.slug)
        return found if found is not None else paper_markup(paper)

    def source(self, source: Source) -> SourceView:
        stem = source.dump.rsplit(".", 1)[0]
        date = source.date
        label = date.label if date else stem
        return SourceView(source.dump, stem, label, (date.iso or date.label) if date else None, source.line)


def clean_texts(papers: tuple[Paper, ...]) -> dict[str, tuple[str, str]]:
    """Each paper's title and abstract as clean plain text, by slug: cleaned once, used by
    tagging, related lists, the map, the pages and the exports."""
    return {paper.slug: clean_text(paper) for paper in papers}


def clean_text(paper: Paper) -> tuple[str, str]:
    """A paper's title and abstract as clean plain text."""
    return clean.title_text(paper.title), clean.plain_text(paper.abstract)
