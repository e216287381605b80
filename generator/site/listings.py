"""Listing pages: the home page, a page per dump, per tag, per A to Z section, and papers with code.

Each listing is an ordered list of papers made from ``SiteIndex``; a paper's entry is made
once per page depth and reused by every listing at that depth.

A row shows its paper's areas as chips (``CHIPS``) on the home page and the dumps' pages,
where a reader scans what a day brought. The areas' pages, A to Z and papers with code name
them by number instead (``NUMBERED``: ``<li data-a="3 17">``, numbers into the list's
``data-areas``, the areas its rows name), which ``shelf.js`` reads to hide the areas a reader is not interested in:
the chips were 0.75 KB a paper, a third of the listings. Topic pages show neither (``PLAIN``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from jinja2 import Environment
from markupsafe import Markup, escape

from generator.enrich.taxonomy import Tag
from generator.memo import NoMemo
from generator.site import topic_pages
from generator.site.index import Listed, SiteIndex
from generator.site.pages import (
    HTML_LISTING,
    ListingPage,
    content_pages,
    html_text,
    newest_first_pages,
    root_of,
)

HOME_TOP_TAGS = 12
"""Tags the home page shows."""

Rows = Literal["chips", "numbered", "plain"]
CHIPS: Rows = "chips"
NUMBERED: Rows = "numbered"
PLAIN: Rows = "plain"


def frozen(value: object) -> object:
    """A template value as a memo's key: dicts and lists as tuples, the rest as it is."""
    if isinstance(value, dict):
        return tuple((key, frozen(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    return value


@dataclass(frozen=True, slots=True)
class PaperList:
    """The papers a listing shows, in order, and how: the number of its first row (``start``;
    ``descending`` counts down, the oldest paper of a newest-first listing being its 1, so a
    row's number stays as papers are added above it), the area its rows leave out (``omit``,
    a tag page's own) and its rows' style."""

    slugs: Sequence[str]
    start: int = 1
    descending: bool = False
    omit: str | None = None
    rows: Rows = CHIPS

    def how(self) -> tuple:
        """Everything but the papers: with their entries, what a listing page is made from."""
        return self.start, self.descending, self.omit, self.rows


class Listings:
    """Renders the listing pages of one ``SiteIndex`` into ``{source path: UTF-8}``."""

    def __init__(
        self, index: SiteIndex, env: Environment, site_name: str = "", memo: NoMemo | None = None
    ) -> None:
        self.index = index
        self.env = env
        self.site_name = site_name
        self.memo = memo or NoMemo()  # a listing page is made again only when it changed
        self._items: dict[str, dict[Listed, tuple[str, tuple[tuple[str, str], ...]]]] = {}
        self.area_number = {name: number for number, name in enumerate(index.tags)}

    @cached_property
    def shown(self) -> tuple[str, ...]:
        """The tags that have a page, by name (the taxonomy is the memo's context): part of
        every listing's key, as its entries link them."""
        return tuple(tag.name for tag in self.index.coverage.shown)

    def pages(self) -> dict[str, bytes]:
        """Every listing page, each encoded as it is made."""
        pages = self.first_pages()
        pages.update(self.az_pages())
        pages.update(self.code_pages())
        return pages

    def first_pages(self) -> dict[str, bytes]:
        """The listings where a new dump's papers show: the home page, the dumps', the tags'
        and the topics' (a serve's first step; A to Z and papers with code follow)."""
        pages = {"index.md": self.home_page().encode()}
        pages.update(self.dump_pages())
        pages.update(self.tag_pages())
        pages.update(topic_pages.topic_pages(self))
        return pages

    def render(self, template: str, **context: object) -> bytes:
        return self.env.get_template(template).render(**context).encode()

    def item(self, slug: str, root: str, omit: str | None = None, chips: bool = True) -> str:
        """A paper's ``<li>``, with its areas except ``omit`` (a tag page's own) as chips, or none."""
        cache = self._items.get(root)
        if cache is None:  # with a memo, kept while the same tags have pages
            cache = self._items[root] = self.memo.get("items", (root, self.shown), dict)
        listed = self.index.listed[slug]
        parts = cache.get(listed)
        if parts is None:
            badge = ' <span class="paper-badge">code</span>' if listed.has_code else ""
            tags = tuple((tag.name, self.tag_chip(tag, root)) for tag in listed.tags)
            named = f' data-t="{escape(listed.name)}"' if listed.name else ""
            link = f'<a href="{root}papers/{slug}/"{named}>{listed.title_html}</a>{badge}'
            parts = cache[listed] = (link, tags)
        link, tags = parts
        if not chips:
            return "<li>" + link + "</li>\n"
        return "<li>" + link + "".join(chip for name, chip in tags if name != omit) + "</li>\n"

    def numbered(self, slugs: Sequence[str], root: str, omit: str | None) -> tuple[str, str]:
        """``NUMBERED`` rows and their table: the areas the rows name, in taxonomy order."""
        named = [[tag.name for tag in self.index.listed[slug].tags if tag.name != omit] for slug in slugs]
        table = sorted({name for names in named for name in names}, key=self.area_number.__getitem__)
        number = {name: str(n) for n, name in enumerate(table)}
        rows = []
        for slug, names in zip(slugs, named, strict=True):
            row = self.item(slug, root, chips=False)
            rows.append(
                f'<li data-a="{" ".join(map(number.__getitem__, names))}">{row[4:]}' if names else row
            )
        return "".join(rows), str(escape(json.dumps(table, ensure_ascii=False, separators=(",", ":"))))

    def tag_chip(self, tag: Tag, root: str) -> str:
        """A tag as a listing shows it: a link to its page (a listed paper's tag always has one)."""
        href = self.index.coverage.href(tag, root)
        if href is None:
            return f' <span class="paper-tag">{escape(tag.name)}</span>'
        return f' <a class="paper-tag" href="{href}">{escape(tag.name)}</a>'

    def listing(self, src: str, papers: PaperList) -> Markup:
        """The ordered list of ``papers`` for the page made of ``src``."""
        root = root_of(src)
        attributes = " reversed" if papers.descending else ""
        attributes += f' start="{papers.start}"' if papers.start != 1 else ""
        if papers.rows == NUMBERED:
            body, table = self.numbered(papers.slugs, root, papers.omit)
            attributes += f' data-areas="{table}"'
        else:
            body = "".join(self.item(s, root, papers.omit, papers.rows == CHIPS) for s in papers.slugs)
        return Markup(f'<ol class="paper-list"{attributes}>\n{body}</ol>\n')

    def listed_page(self, template: str, src: str, papers: PaperList, **context) -> bytes:  # type: ignore[no-untyped-def]
        """The page made of ``src``: ``template`` around the listing of ``papers``. With a memo,
        made again only when one of its papers' entries or another of its values changed."""

        def key() -> tuple:
            entries = tuple(map(self.index.listed.__getitem__, papers.slugs))
            return template, src, papers.how(), entries, self.shown, frozen(context)

        def make() -> bytes:
            return self.render(template, root=root_of(src), listing=self.listing(src, papers), **context)

        return self.memo.get_by("listing page", key, make)

    def paginated(  # type: ignore[no-untyped-def]
        self,
        template: str,
        pages: list[ListingPage],
        omit: str | None = None,
        rows: Rows = CHIPS,
        first: dict | None = None,
        **context,
    ):
        """A long listing's ``pages``, each rendered from ``template``. The values in ``first``
        (counts, which change with every dump) are shown on the first page only, so that the
        others stay as they were and are not made again."""
        made: dict[str, bytes] = {}
        for page in pages:
            pagination = page.pagination
            src = pagination.src(pagination.number)
            shown = {**context, **(first or {})} if pagination.number == 1 else context
            papers = PaperList(page.items, page.start, page.descending, omit, rows)
            made[src] = self.listed_page(template, src, papers, pagination=pagination, **shown)
        return made

    def dump_pages(self) -> dict[str, bytes]:
        pages: dict[str, bytes] = {}
        dumps = self.index.catalogue.dumps
        for number, dump in enumerate(dumps):
            src = f"dumps/{dump.stem}.md"
            slugs = self.index.dump_papers[dump.name]
            repeats = sum(1 for slug in slugs if self.index.papers[slug].sources[0].dump != dump.name)
            pages[src] = self.listed_page(
                "dump.md.j2",
                src,
                PaperList(slugs),
                meta={"title": html_text(dump.heading), **HTML_LISTING},
                dump=dump,
                count=len(slugs),
                repeats=repeats,
                previous=dumps[number - 1] if number > 0 else None,
                next=dumps[number + 1] if number + 1 < len(dumps) else None,
            )
        pages["dumps/index.md"] = self.render(
            "dumps_index.md.j2",
            meta={"title": "Dumps"},
            root=root_of("dumps/index.md"),
            dumps=[(dump, len(self.index.dump_papers[dump.name])) for dump in reversed(dumps)],
        )
        return pages

    def tag_pages(self) -> dict[str, bytes]:
        """A page (or pages) for each tag with papers, and the tags index: every tag of the
        taxonomy with its description and count, linked where it has a page, and its topics
        with papers (the whole taxonomy a reader can browse, on one page)."""
        index, coverage = self.index, self.index.coverage
        topics = {tag.name: topic_pages.area_topics(index, tag.name) for tag in coverage.shown}
        pages: dict[str, bytes] = {}
        for tag in coverage.shown:
            slugs = coverage.papers[tag.name]
            meta = {"title": html_text(tag.name), "description": html_text(tag.description), **HTML_LISTING}
            often_with = [  # links from the site root: the template puts each page's root before
                (index.tags[other], n, coverage.href(index.tags[other], ""))
                for other, n in index.often_with[tag.name]
                if coverage.has_page(other)
            ]
            first = {
                "count": len(slugs),
                "often_with": often_with,
                "topics": topics[tag.name],
            }
            pages.update(
                self.paginated(
                    "tag.md.j2", newest_first_pages(slugs, coverage.base(tag)), omit=tag.name, rows=NUMBERED,
                    first=first, meta=meta, tag=tag,
                )
            )  # fmt: skip
        root = root_of("tags/index.md")
        pages["tags/index.md"] = self.render(
            "tags_index.md.j2",
            meta={"title": "Tags"},
            root=root,
            tags=[
                (tag, coverage.count(tag.name), coverage.href(tag, root), topics.get(tag.name, []))
                for tag in coverage.entries
            ],
            used=len(coverage.shown),
            total=len(index.catalogue.papers),
            untagged=sum(1 for paper in index.catalogue.papers if not paper.tags),
        )
        return pages

    def az_pages(self) -> dict[str, bytes]:
        letters = self.index.letters
        pages: dict[str, bytes] = {}
        for letter, slugs in letters.items():
            meta = {"title": f"Papers A to Z: {letter.upper()}", **HTML_LISTING}
            pages.update(
                self.paginated(
                    "letter.md.j2",
                    content_pages(slugs, f"a-z/{letter}"),
                    rows=NUMBERED,
                    first={"count": len(slugs)},
                    meta=meta,
                    letter=letter,
                    letters=tuple(letters),
                )
            )
        pages["a-z/index.md"] = self.render(
            "az_index.md.j2",
            meta={"title": "Papers A to Z"},
            root=root_of("a-z/index.md"),
            letters=tuple(letters),
            total=len(self.index.catalogue.papers),
        )
        return pages

    def code_pages(self) -> dict[str, bytes]:
        """``code/``: papers with a code link, newest dump first, paginated like a tag."""
        papers = self.index.catalogue.papers
        slugs = [paper.slug for paper in reversed(papers) if self.index.listed[paper.slug].has_code]
        if not slugs:  # no page that lists nothing: the home and stats pages then link none
            return {}
        meta = {
            "title": "Papers with code",
            "description": "Papers whose abstract links a code repository.",
            **HTML_LISTING,
        }
        return self.paginated(
            "code.md.j2", newest_first_pages(slugs, "code"), rows=NUMBERED,
            first={"count": len(slugs), "total": len(papers)}, meta=meta,
        )  # fmt: skip

    def home_page(self) -> str:
        index = self.index
        papers = index.catalogue.papers
        coverage = index.coverage
        counts = {tag.name: coverage.count(tag.name) for tag in coverage.shown}
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:HOME_TOP_TAGS]
        newest = index.catalogue.dumps[-1] if index.catalogue.dumps else None
        return self.env.get_template("home.md.j2").render(
            meta={"title": "Home"},
            root="",
            site_name=self.site_name,
            papers=len(papers),
            dumps=len(index.catalogue.dumps),
            tags=len(counts),
            topics=len(index.topic_papers),
            with_code=sum(1 for listed in index.listed.values() if listed.has_code),
            newest=newest,
            newest_listing=self.listing("index.md", PaperList(index.dump_papers[newest.name]))
            if newest
            else Markup(""),
            top_tags=[(index.tags[name], count, coverage.href(index.tags[name], "")) for name, count in top],
        )
