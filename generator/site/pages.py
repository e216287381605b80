"""What every generated page shares: its source path and URL, its front matter, the templates
and the pager of a long listing.

Pages are Markdown files whose bodies are HTML; the plugin hands the bodies to MkDocs without a
Markdown pass (``HTML_LISTING``), so asterisks, brackets and braces in a title stay what they are.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE = 400
"""Entries per listing page: keeps every listing well under 300 KB."""
HTML_LISTING = {"html": True}
"""Front matter of pages whose body is already HTML: the plugin keeps them out of Markdown."""


def environment() -> Environment:
    """The Jinja environment of every generated page: autoescaping, strict about missing values."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["front_matter"] = front_matter
    env.filters["counted"] = counted
    env.filters["figure"] = figure
    env.globals["quote_plus"] = quote_plus
    return env


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


JSON = json.JSONEncoder(ensure_ascii=False)


def yaml_value(value: object) -> str:
    """A YAML flow value: JSON is YAML, once the characters YAML will not read raw are escaped."""
    dumped = JSON.encode(value)
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


def figure(number: int) -> str:
    """``28,228``: a count as readers read it, its thousands grouped."""
    return f"{number:,}"


def counted(number: int, noun: str) -> str:
    """``1 paper``, ``2 papers``: a count and its noun (the site's nouns take an ``s``)."""
    return f"{number} {noun}" if number == 1 else f"{figure(number)} {noun}s"


def html_text(value: str) -> str:
    """Escape for the theme's templates, which print ``page.meta.title`` without escaping."""
    return str(Markup.escape(value))


@dataclass(frozen=True, slots=True)
class Pagination:
    """Page ``number`` of ``count`` of a long listing, counted from its first page.

    A newest-first listing keeps its older papers in blocks of ``PER_PAGE`` counted from the
    oldest paper, each at an address named by its block (``tags/x/3/`` holds the third-oldest
    400), so a dump that adds papers at the top changes the first page and no other: a
    bookmarked page keeps its papers, and ``make serve`` renders one page a tag, not all of
    them. ``blocks`` is False for listings whose pages are addressed in reading order (A to Z).
    """

    number: int
    count: int
    base: str  # source folder of the listing, e.g. ``tags/diffusion``
    blocks: bool = True

    def address(self, number: int) -> int:
        """The number in the address of page ``number``: its block counted from the oldest."""
        return self.count - number + 1 if self.blocks else number

    def src(self, number: int) -> str:
        return f"{self.base}/index.md" if number == 1 else f"{self.base}/{self.address(number)}.md"

    def href(self, number: int) -> str:
        """Link from this page to page ``number`` of the same listing."""
        here = url_of(self.src(self.number)).count("/")
        base = url_of(self.src(1)).count("/")
        up = "../" * (here - base)
        return up if number == 1 else f"{up}{self.address(number)}/"


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a paginated listing: where it is, its papers, and the number the list
    gives its first row (newest-first listings count down from the oldest paper's 1)."""

    pagination: Pagination
    items: Sequence
    start: int
    descending: bool


def newest_first_pages(items: Sequence, base: str, per_page: int = PER_PAGE) -> list[ListingPage]:
    """A newest-first listing in pages whose older pages never change as papers are added.

    Blocks of ``per_page`` are cut from the oldest end; the first page holds what is left above
    them, 1 to ``per_page`` papers. (Holding the newest full block too when that rest was under
    half a page made first pages of up to 599 rows, and a phone's Lighthouse score 93 on one
    of 483: its total blocking time 290 ms.)
    """
    total = len(items)
    full, rest = divmod(total, per_page)
    if full and not rest:
        full, rest = full - 1, per_page
    count = full + 1
    pages = [ListingPage(Pagination(1, count, base), items[:rest], total, True)]
    for block in range(full, 0, -1):  # the newest older block first
        chunk = items[total - block * per_page : total - (block - 1) * per_page]
        pages.append(ListingPage(Pagination(count - block + 1, count, base), chunk, block * per_page, True))
    return pages


LEAST_ON_A_PAGE = PER_PAGE // 4
"""An A to Z page ends no sooner than this many papers, where one of its titles chooses to."""
ENDS_ONE_IN = PER_PAGE // 2
"""About one paper in this many may close an A to Z page (``ends_a_page``)."""
MOST_ON_A_PAGE = PER_PAGE
"""An A to Z page ends here if no title chose to end it sooner: no page is longer than a
tag's (a phone's Lighthouse score fell to 93 on a listing of 483 rows)."""


def ends_a_page(key: str) -> bool:
    """Whether the paper of ``key`` may close an A to Z page, decided by the key alone, so a
    new paper moves the boundaries of its own page, and seldom of the next."""
    return zlib.crc32(key.encode()) % ENDS_ONE_IN == 0


def content_pages(keys: Sequence[str], base: str) -> list[ListingPage]:
    """An alphabetical listing in pages whose ends are chosen by its papers (``ends_a_page``),
    not by their positions: a paper added to one page leaves the others as they were, but
    where a page reached ``MOST_ON_A_PAGE``. Pages hold about half of ``PER_PAGE`` papers; a
    last page too short to stand alone joins the one before when that one has room."""
    ends, size = [], 0
    for position, key in enumerate(keys):
        size += 1
        if size >= MOST_ON_A_PAGE or (size >= LEAST_ON_A_PAGE and ends_a_page(key)):
            ends.append(position + 1)
            size = 0
    if not ends or ends[-1] != len(keys):
        before = ends[-1] - (ends[-2] if len(ends) > 1 else 0) if ends else 0
        if (
            ends
            and len(keys) - ends[-1] < LEAST_ON_A_PAGE // 4
            and before + len(keys) - ends[-1] <= MOST_ON_A_PAGE
        ):
            ends[-1] = len(keys)
        else:
            ends.append(len(keys))
    count = len(ends)
    starts = [0, *ends[:-1]]
    return [
        ListingPage(Pagination(number, count, base, blocks=False), keys[start:end], 1, False)
        for number, (start, end) in enumerate(zip(starts, ends, strict=True), 1)
    ]
