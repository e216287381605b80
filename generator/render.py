"""Papers, dumps and tags to Markdown pages, through the Jinja templates in ``templates/``.

Dump text never reaches a page as markup: templates autoescape, and the only HTML made
from dump text comes from ``text.py`` (escaped text, math spans, plain links). Pages are
Markdown files whose dump-derived parts are raw HTML blocks, which Markdown passes
through untouched, so asterisks, brackets and braces in a title stay what they are.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote_plus

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import text
from .catalogue import Catalogue, title_key
from .model import Dump, Paper
from .taxonomy import Tag

TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE = 400  # entries per listing page: keeps every listing well under 300 KB
HOME_TOP_TAGS = 12
DESCRIPTION_MAX = 200
UNSEARCHED = {"exclude": True}  # listings: search finds the papers themselves, not lists of them


def url_of(src: str) -> str:
    """The directory URL MkDocs gives a source path: ``a/b.md`` -> ``a/b/``, ``a/index.md`` -> ``a/``."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def root_of(src: str) -> str:
    """The relative prefix from the page made of ``src`` back to the site root."""
    return "../" * url_of(src).count("/")


def front_matter(meta: dict) -> Markup:
    """YAML front matter; values are already HTML-escaped where the theme prints them raw."""
    return Markup(yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9))


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    pass


def html_text(value: str) -> str:
    """Escape for the theme's templates, which print ``page.meta.title`` without escaping."""
    return str(Markup.escape(value))


def shorten(value: str, width: int) -> str:
    if len(value) <= width:
        return value
    cut = value[:width].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


@dataclass(frozen=True, slots=True)
class Listed:
    """What a listing shows of one paper."""

    slug: str
    title_html: Markup
    tags: tuple[Tag, ...]
    has_code: bool


@dataclass(frozen=True, slots=True)
class Pagination:
    """One page of a listing split into pages of ``PER_PAGE`` entries."""

    number: int
    count: int
    base: str  # source folder of the listing, e.g. ``tags/diffusion``

    def src(self, number: int) -> str:
        return f"{self.base}/index.md" if number == 1 else f"{self.base}/{number}.md"

    def href(self, number: int) -> str:
        """Link from this page to page ``number`` of the same listing."""
        here = url_of(self.src(self.number)).count("/")
        base = url_of(self.src(1)).count("/")
        up = "../" * (here - base)
        return up if number == 1 else f"{up}{number}/"


def pages_of(items: Sequence, base: str, per_page: int = PER_PAGE) -> Iterator[tuple[Pagination, Sequence]]:
    count = max(1, math.ceil(len(items) / per_page))
    for number in range(1, count + 1):
        yield Pagination(number, count, base), items[(number - 1) * per_page : number * per_page]


def letter_of(title: str) -> str:
    """The A to Z section of a title: its first Latin letter, ``0-9`` for digits, else ``other``."""
    plain = text.title_text(title).lstrip("\"'“‘([{*_`#$ ")
    head = plain[:1].upper()
    if "A" <= head <= "Z":
        return head.lower()
    if head.isdigit():
        return "0-9"
    decomposed = unicodedata.normalize("NFKD", head)[:1].upper()
    return decomposed.lower() if "A" <= decomposed <= "Z" else "other"


class SiteRenderer:
    """Renders every generated page of a catalogue into ``{source path: Markdown}``."""

    def __init__(self, catalogue: Catalogue, tags: Sequence[Tag], site_name: str = "") -> None:
        self.catalogue = catalogue
        self.tags = {tag.name: tag for tag in tags}
        self.tag_order = [tag.name for tag in tags]
        self.site_name = site_name
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=StrictUndefined,
        )
        self.env.filters["front_matter"] = front_matter
        self.env.globals["quote_plus"] = quote_plus

    # -- derived data, computed once ---------------------------------------------------------

    @cached_property
    def papers(self) -> dict[str, Paper]:
        return self.catalogue.by_slug()

    @cached_property
    def listed(self) -> dict[str, Listed]:
        return {
            paper.slug: Listed(
                paper.slug,
                Markup(text.title_html(paper.title)),
                tuple(self.tags[name] for name in paper.tags if name in self.tags),
                any(link.kind == "code" for link in paper.links),
            )
            for paper in self.catalogue.papers
        }

    @cached_property
    def dumps(self) -> dict[str, Dump]:
        return {dump.name: dump for dump in self.catalogue.dumps}

    @cached_property
    def dump_papers(self) -> dict[str, list[str]]:
        """Each dump's papers in dump order, each once."""
        by_key = {paper.key: paper.slug for paper in self.catalogue.papers}
        result: dict[str, list[str]] = {}
        for dump in self.catalogue.dumps:
            seen: dict[str, None] = {}
            for entry in dump.entries:
                seen.setdefault(by_key[title_key(entry.title)], None)
            result[dump.name] = list(seen)
        return result

    @cached_property
    def tag_papers(self) -> dict[str, list[str]]:
        """Each tag's papers, newest dump first (the order of the catalogue, reversed)."""
        result: dict[str, list[str]] = {name: [] for name in self.tag_order}
        for paper in reversed(self.catalogue.papers):
            for name in paper.tags:
                if name in result:
                    result[name].append(paper.slug)
        return result

    @cached_property
    def alphabetical(self) -> list[str]:
        def sort_key(paper: Paper) -> tuple[str, str]:
            return (text.title_text(paper.title).casefold(), paper.slug)

        return [paper.slug for paper in sorted(self.catalogue.papers, key=sort_key)]

    # -- pages ---------------------------------------------------------------------------------

    def render(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        pages["index.md"] = self.home_page()
        for paper in self.catalogue.papers:
            pages[f"papers/{paper.slug}.md"] = self.paper_page(paper)
        pages.update(self.dump_pages())
        pages.update(self.tag_pages())
        pages.update(self.az_pages())
        return pages

    def paper_page(self, paper: Paper) -> str:
        src = f"papers/{paper.slug}.md"
        plain = text.plain_text(paper.abstract)
        meta = {
            "title": html_text(text.title_text(paper.title)),
            "description": html_text(shorten(plain, DESCRIPTION_MAX)),
            "tags": list(paper.tags),
        }
        sources = [(source, self.dumps[source.dump]) for source in paper.sources]
        return self.env.get_template("paper.md.j2").render(
            meta=meta,
            root=root_of(src),
            paper=paper,
            title_plain=text.title_text(paper.title),
            title_html=self.listed[paper.slug].title_html,
            abstract_html=Markup(text.abstract_html(paper.abstract)),
            tags=self.listed[paper.slug].tags,
            sources=sources,
            related=[(rel, self.listed[rel.slug]) for rel in paper.related if rel.slug in self.listed],
            mentioned_by=[self.listed[slug] for slug in paper.mentioned_by if slug in self.listed],
        )

    def listing(self, src: str, slugs: Sequence[str]) -> Markup:
        return Markup(
            self.env.get_template("listing.md.j2").render(
                root=root_of(src), entries=[self.listed[slug] for slug in slugs]
            )
        )

    def dump_pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        dumps = self.catalogue.dumps
        for index, dump in enumerate(dumps):
            src = f"dumps/{dump.stem}.md"
            slugs = self.dump_papers[dump.name]
            repeats = sum(1 for slug in slugs if self.papers[slug].sources[0].dump != dump.name)
            pages[src] = self.env.get_template("dump.md.j2").render(
                meta={"title": html_text(f"Dump {dump.stem}"), "search": UNSEARCHED},
                root=root_of(src),
                dump=dump,
                count=len(slugs),
                repeats=repeats,
                previous=dumps[index - 1] if index > 0 else None,
                next=dumps[index + 1] if index + 1 < len(dumps) else None,
                listing=self.listing(src, slugs),
            )
        src = "dumps/index.md"
        pages[src] = self.env.get_template("dumps_index.md.j2").render(
            meta={"title": "Dumps", "search": UNSEARCHED},
            root=root_of(src),
            dumps=[(dump, len(self.dump_papers[dump.name])) for dump in reversed(dumps)],
        )
        return pages

    def tag_pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        counts = {name: len(slugs) for name, slugs in self.tag_papers.items()}
        for name, slugs in self.tag_papers.items():
            tag = self.tags[name]
            for pagination, chunk in pages_of(slugs, f"tags/{tag.slug}"):
                src = pagination.src(pagination.number)
                pages[src] = self.env.get_template("tag.md.j2").render(
                    meta={
                        "title": html_text(tag.name),
                        "description": html_text(tag.description),
                        "search": UNSEARCHED,
                    },
                    root=root_of(src),
                    tag=tag,
                    count=counts[name],
                    pagination=pagination,
                    first=(pagination.number - 1) * PER_PAGE + 1,
                    listing=self.listing(src, chunk),
                )
        src = "tags/index.md"
        pages[src] = self.env.get_template("tags_index.md.j2").render(
            meta={"title": "Tags", "search": UNSEARCHED},
            root=root_of(src),
            tags=[(self.tags[name], counts[name]) for name in self.tag_order],
            total=len(self.catalogue.papers),
            untagged=sum(1 for paper in self.catalogue.papers if not paper.tags),
        )
        return pages

    def az_pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        letters: dict[str, list[str]] = {}
        for slug in self.alphabetical:
            letters.setdefault(letter_of(self.papers[slug].title), []).append(slug)
        order = sorted(letters, key=lambda k: (k == "other", k != "0-9", k))
        for letter in order:
            for pagination, chunk in pages_of(letters[letter], f"a-z/{letter}"):
                src = pagination.src(pagination.number)
                pages[src] = self.env.get_template("letter.md.j2").render(
                    meta={"title": f"Papers A to Z: {letter.upper()}", "search": UNSEARCHED},
                    root=root_of(src),
                    letter=letter,
                    letters=[(k, len(letters[k])) for k in order],
                    count=len(letters[letter]),
                    pagination=pagination,
                    listing=self.listing(src, chunk),
                )
        src = "a-z/index.md"
        pages[src] = self.env.get_template("az_index.md.j2").render(
            meta={"title": "Papers A to Z", "search": UNSEARCHED},
            root=root_of(src),
            letters=[(k, len(letters[k])) for k in order],
            total=len(self.catalogue.papers),
        )
        return pages

    def home_page(self) -> str:
        src = "index.md"
        papers = self.catalogue.papers
        counts = Counter(name for paper in papers for name in paper.tags)
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:HOME_TOP_TAGS]
        newest = self.catalogue.dumps[-1] if self.catalogue.dumps else None
        return self.env.get_template("home.md.j2").render(
            meta={"title": "Home", "search": UNSEARCHED},
            root="",
            site_name=self.site_name,
            papers=len(papers),
            dumps=len(self.catalogue.dumps),
            tags=len([name for name in self.tag_order if counts[name]]),
            with_code=sum(1 for listed in self.listed.values() if listed.has_code),
            newest=newest,
            newest_listing=self.listing(src, self.dump_papers[newest.name]) if newest else Markup(""),
            top_tags=[(self.tags[name], count) for name, count in top],
        )
