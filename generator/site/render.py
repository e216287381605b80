"""Papers, dumps and tags to Markdown pages, through the Jinja templates in ``templates/``.

Dump text never reaches a page as markup: templates autoescape, and the only HTML made
from dump text comes from ``text.py`` (escaped text, math spans, plain links). Pages are
Markdown files; the bodies of paper pages and listings are HTML that the plugin hands to
MkDocs without a Markdown pass, so asterisks, brackets and braces in a title stay what they are.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote_plus

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.enrich import clean
from generator.ingest.catalogue import Catalogue, title_key
from generator.model import Dump, Mention, Paper
from generator.enrich.taxonomy import Tag

TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE = 400  # entries per listing page: keeps every listing well under 300 KB
HOME_TOP_TAGS = 12
OFTEN_WITH = 6
DESCRIPTION_MAX = 200
# Front matter of pages whose body is already HTML: the plugin keeps them out of Markdown,
# which would parse hundreds of raw HTML entries only to give them back.
HTML_LISTING = {"html": True}


def url_of(src: str) -> str:
    """The directory URL MkDocs gives a source path: ``a/b.md`` -> ``a/b/``, ``a/index.md`` -> ``a/``."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def root_of(src: str) -> str:
    """The relative prefix from the page made of ``src`` back to the site root."""
    return "../" * url_of(src).count("/")


# Characters YAML refuses to read raw (PyYAML's reader) or reads as line breaks (NEL, LS,
# PS, folded into a space), written as escapes instead.
YAML_UNREADABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def yaml_value(value: object) -> str:
    """A YAML flow value: JSON is YAML, once the characters YAML will not read raw are escaped."""
    dumped = json.dumps(value, ensure_ascii=False)
    return YAML_UNREADABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def front_matter(meta: dict) -> Markup:
    """YAML front matter; values are already HTML-escaped where the theme prints them raw."""
    return Markup("".join(f"{key}: {yaml_value(value)}\n" for key, value in meta.items()))


def read_front_matter(source: str) -> tuple[dict, str] | None:
    """``(meta, body)`` of a page whose front matter ``front_matter`` wrote; None for any
    other page. One ``json.loads`` a line, where PyYAML takes about 0.3 ms a paper page."""
    head, sep, body = source.partition("\n---\n")
    if not sep or not head.startswith("---\n"):
        return None
    meta = {}
    for line in head[4:].split("\n"):
        key, sep, value = line.partition(": ")
        if not sep or not key.isidentifier():
            return None
        try:
            meta[key] = json.loads(value)
        except ValueError:
            return None
    return meta, body.lstrip("\n")


def html_text(value: str) -> str:
    """Escape for the theme's templates, which print ``page.meta.title`` without escaping."""
    return str(Markup.escape(value))


PAPER_SECTIONS = {"related-papers": "Related papers", "mentioned-by": "Mentioned by", "seen-in": "Seen in"}


TITLE_ANCHOR = "title"  # the paper's <h1>: where "Skip to content" leads


def heading(anchor: str, title: str) -> str:
    """A paper page's ``<h2>``, with its anchor but without the toc extension's permalink
    (a pilcrow link, 75 bytes a heading in 28,000 pages: the page is the permalink)."""
    return f'<h2 id="{anchor}">{title}</h2>\n'


def shorten(value: str, width: int) -> str:
    if len(value) <= width:
        return value
    cut = value[:width].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def paper_markup(paper: Paper) -> tuple[Markup, Markup]:
    """A paper's title and abstract as HTML fragments (the abstract before mentions are linked).

    ``Markup`` from the start: the pages' views use these objects as they are, where wrapping
    a text in ``Markup`` later would copy it (50 MB of abstracts on the corpus)."""
    return Markup(clean.title_html(paper.title)), Markup(clean.abstract_html(paper.abstract))


@dataclass(frozen=True, slots=True)
class PaperView:
    """Everything a page shows of a paper's dump text, computed once per paper."""

    title_text: str
    title_html: Markup
    plain: str
    abstract_html: Markup


MARKUP_SPLIT = re.compile(r"(<[^>]*>)")


def link_mentions(html: str, mentions: Sequence[Mention], href: Callable[[str], str]) -> str:
    """Link each mentioned method name where it first appears in the abstract's text.

    Works on the escaped HTML: only text outside tags, links and math spans is touched,
    so a name never breaks markup and math stays math.
    """
    targets: dict[str, str] = {}
    for mention in mentions:
        targets.setdefault(str(Markup.escape(mention.name)), mention.target)
    if not targets:
        return html
    names = sorted(targets, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w+-])(" + "|".join(re.escape(name) for name in names) + r")(?![\w+-])")
    done: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in done:
            return name
        done.add(name)
        return f'<a class="paper-mention" href="{href(targets[name])}">{name}</a>'

    parts = MARKUP_SPLIT.split(html)
    depth = 0  # inside <a> or <span>: links and math
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if part.startswith(("<a", "<span")):
                depth += 1
            elif part.startswith(("</a", "</span")):
                depth -= 1
        elif depth == 0 and part:
            parts[index] = pattern.sub(replace, part)
    return "".join(parts)


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
    """The A to Z section of a (clean) title: its first Latin letter, ``0-9`` for digits, else ``other``."""
    plain = title.lstrip("\"'“‘([{*_`#$ ")
    head = plain[:1].upper()
    if "A" <= head <= "Z":
        return head.lower()
    if head.isdigit():
        return "0-9"
    decomposed = unicodedata.normalize("NFKD", head)[:1].upper()
    return decomposed.lower() if "A" <= decomposed <= "Z" else "other"


class SiteRenderer:
    """Renders every generated page of a catalogue into ``{source path: Markdown}``."""

    def __init__(
        self,
        catalogue: Catalogue,
        tags: Sequence[Tag],
        site_name: str = "",
        texts: dict[str, tuple[str, str]] | None = None,
        markup: dict[str, tuple[Markup, Markup]] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.texts = texts or {}  # slug -> (title text, plain abstract), when already cleaned
        self.markup = markup or {}  # slug -> (title HTML, abstract HTML), when already made
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
    def views(self) -> dict[str, PaperView]:
        views = {}
        for paper in self.catalogue.papers:
            title_html, abstract = self.markup.get(paper.slug) or paper_markup(paper)
            if paper.mentions:  # on plain text: Markup's own methods would escape the links
                abstract = Markup(link_mentions(str(abstract), paper.mentions, lambda slug: f"../{slug}/"))
            title, plain = self.texts.get(paper.slug) or (
                clean.title_text(paper.title),
                clean.plain_text(paper.abstract),
            )
            views[paper.slug] = PaperView(title, title_html, plain, abstract)
        return views

    @cached_property
    def listed(self) -> dict[str, Listed]:
        return {
            paper.slug: Listed(
                paper.slug,
                self.views[paper.slug].title_html,
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
    def often_with(self) -> dict[str, list[tuple[str, int]]]:
        """For each tag, the tags most often on the same papers (at most ``OFTEN_WITH``)."""
        pairs: dict[str, Counter[str]] = {name: Counter() for name in self.tag_order}
        for paper in self.catalogue.papers:
            names = [name for name in paper.tags if name in pairs]
            for name in names:
                pairs[name].update(other for other in names if other != name)
        return {
            name: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:OFTEN_WITH]
            for name, counter in pairs.items()
        }

    @cached_property
    def alphabetical(self) -> list[str]:
        def sort_key(paper: Paper) -> tuple[str, str]:
            return (self.views[paper.slug].title_text.casefold(), paper.slug)

        return [paper.slug for paper in sorted(self.catalogue.papers, key=sort_key)]

    # -- pages ---------------------------------------------------------------------------------

    def render_utf8(self, template: str, **context: object) -> bytes:
        """A listing page from its template, as UTF-8 (``listing_pages``)."""
        return self.env.get_template(template).render(**context).encode()

    def listing_pages(self) -> dict[str, bytes]:
        """The home page, dump pages, tag pages and the A to Z list: none shows related lists.
        As UTF-8, each page encoded as it is made (see ``paper_pages``)."""
        pages = {"index.md": self.home_page().encode()}
        pages.update(self.dump_pages())
        pages.update(self.tag_pages())
        pages.update(self.az_pages())
        return pages

    def paper_pages(
        self, papers: Sequence[Paper], parts: dict[str, tuple[bytes, bytes]] | None = None
    ) -> dict[str, bytes]:
        """One page per paper, as UTF-8. ``papers`` are the catalogue's, with their related
        lists; ``parts`` (``paper_parts``), when given, were made while those lists were
        computed, and are emptied as the pages are made.

        Bytes, not text: Python stores a text at 2 bytes a character as soon as it holds one
        character past Latin-1, and every paper page does (the "…" of its description). The
        corpus's 28,228 pages take 269 MB as text, 135 as UTF-8, held while Pagefind indexes.
        """
        parts = parts if parts is not None else {}
        return {
            f"papers/{paper.slug}.md": self.paper_page(
                paper, parts.pop(paper.slug, None) or self.paper_part(paper)
            )
            for paper in papers
        }

    def paper_parts(self) -> dict[str, tuple[bytes, bytes]]:
        """Each paper's page without its related list: what comes before it and after it."""
        return {paper.slug: self.paper_part(paper) for paper in self.catalogue.papers}

    def paper_part(self, paper: Paper) -> tuple[bytes, bytes]:
        """A paper's page around its related list, as UTF-8: front matter, title, links and
        abstract; then who mentions it and where it was seen."""
        head = f"---\n{front_matter(self.paper_meta(paper))}---\n\n{self.paper_head(paper)}\n"
        return head.encode(), self.paper_tail(paper).encode()

    def paper_page(self, paper: Paper, part: tuple[bytes, bytes]) -> bytes:
        head, tail = part
        related = self.related_section(paper)
        return b"".join((head, related.encode(), b"\n", tail)) if related else head + tail

    def paper_meta(self, paper: Paper) -> dict:
        view = self.views[paper.slug]
        return {
            "title": html_text(view.title_text),
            "description": html_text(shorten(view.plain, DESCRIPTION_MAX)),
            "tags": list(paper.tags),
            "paper": True,
            "template": "paper.html",
        }

    # The hot path (one call per paper), so a page is built from pre-escaped fragments rather
    # than a template: autoescaping each of a page's ~80 fields in Jinja made rendering the
    # corpus' pages 3 to 4 times slower.

    def paper_head(self, paper: Paper) -> str:
        view = self.views[paper.slug]
        query = quote_plus(view.title_text)
        links = [
            f'<a class="md-button{" md-button--primary" if link.kind == "code" else ""} paper-link '
            f'paper-link--{link.kind}" href="{escape(link.url)}" rel="nofollow noopener">{escape(link.label)}</a>'
            for link in paper.links
        ]
        links.append(
            f'<a class="md-button paper-link paper-link--search" href="https://huggingface.co/papers?q={query}" '
            'rel="nofollow noopener">Hugging Face papers</a>'
        )
        links.append(
            '<a class="md-button paper-link paper-link--search" '
            f'href="https://arxiv.org/search/?searchtype=title&amp;query={query}" rel="nofollow noopener">arXiv (PDF)</a>'
        )
        return "\n".join(
            [
                f'<h1 class="paper-title" id="{TITLE_ANCHOR}">{view.title_html}</h1>\n',
                '<nav class="paper-links" aria-label="Links">\n' + "\n".join(links) + "\n</nav>\n",
                f'<div class="paper-abstract"><p>{view.abstract_html}</p></div>\n',
            ]
        )

    def related_section(self, paper: Paper) -> str:
        related = [rel for rel in paper.related if rel.slug in self.views]
        if not related:
            return ""
        items = "".join(
            f'<li><a href="../{rel.slug}/">{self.views[rel.slug].title_html}</a> '
            f'<span class="paper-why">shared: {escape(", ".join(rel.shared))}</span></li>\n'
            for rel in related
        )
        return f'{heading("related-papers", "Related papers")}<ul class="paper-related">\n{items}</ul>\n'

    def paper_tail(self, paper: Paper) -> str:
        out = []
        mentioned = [slug for slug in paper.mentioned_by if slug in self.views]
        if mentioned:
            items = "".join(
                f'<li><a href="../{slug}/">{self.views[slug].title_html}</a></li>\n' for slug in mentioned
            )
            out.append(
                f'{heading("mentioned-by", "Mentioned by")}<ul class="paper-mentioned-by">\n{items}</ul>\n'
            )
        items = []
        for source in paper.sources:
            dump = self.dumps[source.dump]
            label = dump.date.label if dump.date else dump.stem
            items.append(
                f'<li><a href="../../dumps/{escape(dump.stem)}/">{escape(label)}</a> '
                f'<span class="paper-source">{escape(dump.name)}, line {source.line}</span></li>\n'
            )
        out.append(f'{heading("seen-in", "Seen in")}<ul class="paper-sources">\n{"".join(items)}</ul>\n')
        return "\n".join(out)

    @cached_property
    def _items(self) -> dict[str, dict[str, tuple[str, tuple[tuple[str, str], ...]]]]:
        return {}

    def listing_item(self, slug: str, root: str, omit: str | None = None) -> str:
        """A paper's ``<li>`` in a listing, with its tags except ``omit`` (a tag page's own
        tag, which every item there has); its parts are made once per paper and depth."""
        cache = self._items.setdefault(root, {})
        parts = cache.get(slug)
        if parts is None:
            listed = self.listed[slug]
            badge = (
                ' <span class="paper-badge" title="Has a code link">code</span>' if listed.has_code else ""
            )
            tags = tuple(
                (tag.name, f' <a class="paper-tag" href="{root}tags/{tag.slug}/">{escape(tag.name)}</a>')
                for tag in listed.tags
            )
            parts = cache[slug] = (f'<li><a href="{root}papers/{slug}/">{listed.title_html}</a>{badge}', tags)
        head, tags = parts
        return head + "".join(link for name, link in tags if name != omit) + "</li>\n"

    def listing(self, src: str, slugs: Sequence[str], start: int = 1, omit: str | None = None) -> Markup:
        root = root_of(src)
        opening = f'<ol class="paper-list" start="{start}">\n' if start != 1 else '<ol class="paper-list">\n'
        return Markup(opening + "".join(self.listing_item(s, root, omit) for s in slugs) + "</ol>\n")

    def dump_pages(self) -> dict[str, bytes]:
        pages: dict[str, bytes] = {}
        dumps = self.catalogue.dumps
        for index, dump in enumerate(dumps):
            src = f"dumps/{dump.stem}.md"
            slugs = self.dump_papers[dump.name]
            repeats = sum(1 for slug in slugs if self.papers[slug].sources[0].dump != dump.name)
            pages[src] = self.render_utf8(
                "dump.md.j2",
                meta={"title": html_text(f"Dump {dump.stem}"), **HTML_LISTING},
                root=root_of(src),
                dump=dump,
                count=len(slugs),
                repeats=repeats,
                previous=dumps[index - 1] if index > 0 else None,
                next=dumps[index + 1] if index + 1 < len(dumps) else None,
                listing=self.listing(src, slugs),
            )
        src = "dumps/index.md"
        pages[src] = self.render_utf8(
            "dumps_index.md.j2",
            meta={"title": "Dumps"},
            root=root_of(src),
            dumps=[(dump, len(self.dump_papers[dump.name])) for dump in reversed(dumps)],
        )
        return pages

    def tag_pages(self) -> dict[str, bytes]:
        pages: dict[str, bytes] = {}
        counts = {name: len(slugs) for name, slugs in self.tag_papers.items()}
        for name, slugs in self.tag_papers.items():
            tag = self.tags[name]
            for pagination, chunk in pages_of(slugs, f"tags/{tag.slug}"):
                src = pagination.src(pagination.number)
                pages[src] = self.render_utf8(
                    "tag.md.j2",
                    meta={
                        "title": html_text(tag.name),
                        "description": html_text(tag.description),
                        **HTML_LISTING,
                    },
                    root=root_of(src),
                    tag=tag,
                    count=counts[name],
                    pagination=pagination,
                    often_with=[(self.tags[other], n) for other, n in self.often_with[name]],
                    listing=self.listing(src, chunk, start=(pagination.number - 1) * PER_PAGE + 1, omit=name),
                )
        src = "tags/index.md"
        pages[src] = self.render_utf8(
            "tags_index.md.j2",
            meta={"title": "Tags"},
            root=root_of(src),
            tags=[(self.tags[name], counts[name]) for name in self.tag_order],
            total=len(self.catalogue.papers),
            untagged=sum(1 for paper in self.catalogue.papers if not paper.tags),
        )
        return pages

    def az_pages(self) -> dict[str, bytes]:
        pages: dict[str, bytes] = {}
        letters: dict[str, list[str]] = {}
        for slug in self.alphabetical:
            letters.setdefault(letter_of(self.views[slug].title_text), []).append(slug)
        order = sorted(letters, key=lambda k: (k == "other", k != "0-9", k))
        for letter in order:
            for pagination, chunk in pages_of(letters[letter], f"a-z/{letter}"):
                src = pagination.src(pagination.number)
                pages[src] = self.render_utf8(
                    "letter.md.j2",
                    meta={"title": f"Papers A to Z: {letter.upper()}", **HTML_LISTING},
                    root=root_of(src),
                    letter=letter,
                    letters=[(k, len(letters[k])) for k in order],
                    count=len(letters[letter]),
                    pagination=pagination,
                    listing=self.listing(src, chunk),
                )
        src = "a-z/index.md"
        pages[src] = self.render_utf8(
            "az_index.md.j2",
            meta={"title": "Papers A to Z"},
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
            meta={"title": "Home"},
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
