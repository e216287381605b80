"""A lighter template for paper pages: Material's chrome rendered once per page shape.

Every paper page sits at the same depth (``papers/<slug>/``) and outside the nav, so
Material's ``main.html`` (through ``overrides/paper-chrome.html``) renders the same header, nav, tabs, footer and scripts for all of
them; only a few values differ: title, description, canonical URL, edit link, tags, table
of contents and content. Rendering ``main.html`` for each of 28,000 papers costs about
8 ms a page. ``PaperShell`` renders it once per *shape* (which sections the table of
contents holds, how many tags, whether there is an edit link) with a marker in place of
each of those values, and fills the markers for each page. ``tests/test_shell.py`` builds
the seed site both ways and checks every paper page is byte-identical.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import BytecodeCache, Environment, pass_context
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.utils import get_relative_url

MARK = "\ue000"  # a private-use character: never in a page the theme renders
SLOT = re.compile(MARK + r"([a-z]+[0-9]*)(?:<h1)?" + MARK)
LINE_BREAK = re.compile(r"\n\s*")


def compact(html: str) -> str:
    """Collapse whitespace around line breaks to one line break: the same page to a browser
    (paper pages hold no ``<pre>``), and a sixth less to store and send.

    The same as replacing ``[ \\t]*\\n\\s*`` with a line break, three times faster: a
    pattern that starts with a literal line break lets the regex engine skip to each one,
    where a leading ``[ \\t]*`` is tried at every space of the text.
    """
    if " \n" in html or "\t\n" in html:
        *lines, last = html.split("\n")
        html = "\n".join([*(line.rstrip(" \t") for line in lines), last])
    return LINE_BREAK.sub("\n", html)


BLOCK = r"(?:html|head|body|meta|link|title|script|template|div|nav|header|main|article|footer|form|ul|ol|h1|h2|p)"
BETWEEN_BLOCKS = re.compile(rf"(</?{BLOCK}\b[^<>]*>)\n(?=</?{BLOCK}\b)")


def join_blocks(html: str) -> str:
    """Drop the line break between two block elements' tags: whitespace a browser never renders
    there (none of them is inline, inline-block or preformatted on these pages)."""
    return BETWEEN_BLOCKS.sub(r"\1", html)


INLINE_ICON = re.compile(
    r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="([0-9 ]+)">((?:<!--[^>]*-->)?<path d="[^"]*"/>)</svg>'
)
ICONS = "assets/icons.svg"


class IconSprite:
    """The theme's inline icons, moved into one file that every paper page references.

    Material inlines each icon's SVG in every page (5.6 KB of a paper page, the
    repository's logo included). Paper pages refer to one ``<symbol>`` per icon in
    ``assets/icons.svg`` instead; the icons inherit ``fill: currentcolor`` from the theme's
    CSS as before, and an icon's licence comment moves with it. The reference is an
    ``xlink:href``, which every browser follows and link checkers know.
    """

    def __init__(self) -> None:
        self.symbols: dict[str, tuple[str, str]] = {}

    def replace(self, html: str, base_url: str) -> str:
        def use(match: re.Match[str]) -> str:
            view_box, body = match.groups()
            name = "i" + hashlib.sha1(f"{view_box}{body}".encode()).hexdigest()[:8]
            self.symbols[name] = (view_box, body)
            return f'<svg viewBox="{view_box}"><use xlink:href="{base_url}/{ICONS}#{name}"/></svg>'

        return INLINE_ICON.sub(use, html)

    def document(self) -> str:
        symbols = "".join(
            f'<symbol id="{name}" viewBox="{view_box}">{body}</symbol>'
            for name, (view_box, body) in sorted(self.symbols.items())
        )
        return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'


UNUSED = (
    '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">\n',
    '<div data-md-component="announce">\n</div>\n',
    '<div class="md-dialog" data-md-component="dialog">\n<div class="md-dialog__inner md-typeset"></div>\n</div>\n',
)
"""Material's ``base.html`` writes these into every page, outside any block: search's toggle
(``palette.js`` makes it with the rest of search, which needs JavaScript), the announcement
bar (the site has none) and the dialog the theme's clipboard messages appear in (a paper page
has no code to copy). Its script mounts the last two only when present."""


def marker(name: str) -> str:
    return f"{MARK}{name}{MARK}"


class _MarkedPage:
    """The page as the theme sees it, with markers in place of what differs between pages of
    one shape (``page_values``): title, description, canonical URL, edit link and content."""

    def __init__(self, page: Any) -> None:
        self._page = page
        self.meta = {**page.meta, "title": marker("title")}
        if "description" in page.meta:
            self.meta["description"] = marker("description")
        self.title = marker("title")
        self.canonical_url = marker("canonical") if page.canonical_url else None
        self.edit_url = marker("edit") if page.edit_url else None
        # Material adds its own <h1> when the content has none: keep "<h1" in the marker.
        self.content = f"{MARK}content<h1{MARK}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


def page_values(page: Any) -> dict[str, str]:
    """What ``_MarkedPage``'s markers stand for in ``page``."""
    return {
        "title": str(page.meta.get("title", "")),
        "description": str(page.meta.get("description", "")),
        "canonical": page.canonical_url or "",
        "edit": page.edit_url or "",
        "content": page.content,
    }


def filled(parts: list[str], values: Mapping[str, str]) -> str:
    """A shape's ``parts`` (text, marker name, text...) with each marker's value."""
    return "".join(values[part] if index % 2 else part for index, part in enumerate(parts))


class _MarkedTag:
    def __init__(self, index: int) -> None:
        self.name = marker(f"tagname{index}")
        self.url = f"tags/{marker(f'tagslug{index}')}/"
        self.hidden = False


class PaperShell:
    """Renders paper pages from Material's ``main.html``, one full render per page shape."""

    def __init__(
        self, env: Environment, template: str = "paper-chrome.html", icons: IconSprite | None = None
    ) -> None:
        self.env = env
        self.template = template
        self.shapes: dict[tuple, list[str]] = {}
        self.icons = icons or IconSprite()

    def chrome(self, html: str, context: Mapping[str, Any]) -> str:
        """What every paper page's output goes through: icons to the sprite, whitespace
        compacted, the theme's empty containers a paper page never fills taken out."""
        html = compact(self.icons.replace(html, context["base_url"]))
        for unused in UNUSED:
            html = html.replace(unused, "", 1)
        return html

    def shape(self, page: Any, tags: list) -> tuple:
        def anchors(items: Any) -> tuple:
            return tuple((a.id, a.title, anchors(a.children)) for a in items)

        return (
            anchors(page.toc),
            len(tags),
            bool(page.edit_url),
            bool(page.canonical_url),
        )

    def parts(self, context: Mapping[str, Any], page: Any, tags: list) -> list[str]:
        key = self.shape(page, tags)
        parts = self.shapes.get(key)
        if parts is None:
            marked = {**context, "page": _MarkedPage(page), "tags": [_MarkedTag(i) for i in range(len(tags))]}
            html = self.env.get_template(self.template).render(marked)
            parts = self.shapes[key] = SLOT.split(self.chrome(html, context))
        return parts

    def render(self, context: Mapping[str, Any]) -> str:
        page = context["page"]
        tags = list(context.get("tags") or [])
        values = page_values(page)
        for index, tag in enumerate(tags):
            values[f"tagname{index}"] = str(tag.name)
            values[f"tagslug{index}"] = tag.url.removeprefix("tags/").removesuffix("/")
        parts = self.parts(context, page, tags)
        # Compacted once more as a whole: whitespace may run across a part and a value.
        return join_blocks(compact(filled(parts, values)))


LISTING_META = frozenset({"title", "description", "html", "feed", "template"})
"""The front matter a listing page may have for ``ListingShell`` to render it: each key's
value is either a marker's (title, description) or part of the page's shape."""


class ListingShell:
    """Renders listing pages (a tag's, a topic's, a dump's, an A to Z letter's, outside the
    nav) from Material's ``main.html``, one full render per page shape, as ``PaperShell``
    does for papers. The nav, tabs and assets a page links are relative to its address,
    which depends only on its first folder and its depth (the nav's pages are all at the
    top); its feed's address is part of the shape. ``shape`` is None for a page it cannot
    render this way (``main.html`` renders it in full)."""

    def __init__(self, env: Environment, template: str = "main.html") -> None:
        self.env = env
        self.template = template
        self.shapes: dict[tuple, list[str]] = {}

    @staticmethod
    def shape(page: Any) -> tuple | None:
        meta = page.meta
        if not LISTING_META.issuperset(meta) or page.toc or page.previous_page or page.next_page:
            return None
        if page.is_homepage or page.parent is not None:
            return None
        url = page.url
        feed = get_relative_url(meta["feed"], url) if "feed" in meta else None
        depth = (url.split("/", 1)[0], url.count("/"))
        return (*depth, tuple(sorted(meta)), feed, bool(page.canonical_url), bool(page.edit_url))

    def render(self, context: Mapping[str, Any]) -> str:
        page = context["page"]
        key = self.shape(page)
        if key is None:
            return self.env.get_template(self.template).render(context)
        parts = self.shapes.get(key)
        if parts is None:
            html = self.env.get_template(self.template).render({**context, "page": _MarkedPage(page)})
            parts = self.shapes[key] = SLOT.split(html)
        return filled(parts, page_values(page))


def install(env: Environment, *, reuse: bool = True, icons: IconSprite | None = None) -> PaperShell:
    """Make ``paper_shell()`` available to templates (``overrides/paper.html`` calls it).

    With ``reuse=False`` every paper page is a full render of ``main.html``: the reference
    the shell is tested against. ``icons``: a sprite kept between builds (a dirty
    ``mkdocs serve`` renders only some pages, and the others still use their icons).
    """
    shell = PaperShell(env, icons=icons)

    @pass_context
    def paper_shell(context: Context) -> Markup:
        if not reuse:
            return Markup(
                join_blocks(shell.chrome(env.get_template(shell.template).render(context.get_all()), context))
            )
        return Markup(shell.render(context.get_all()))

    env.globals["paper_shell"] = paper_shell
    listings = ListingShell(env)

    @pass_context
    def listing_shell(context: Context) -> Markup:
        return Markup(listings.render(context.get_all()))

    env.globals["listing_shell"] = listing_shell
    return shell


class CompiledTemplates(BytecodeCache):
    """The theme's templates as compiled by the last build, kept in memory between the builds
    of one ``mkdocs serve``: MkDocs makes a new Jinja environment for every build, which would
    compile Material's 60 templates again. Jinja checks each template's source against its
    checksum, so a changed template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()
