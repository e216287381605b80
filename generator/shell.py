"""A lighter template for paper pages: Material's chrome rendered once per page shape.

Every paper page sits at the same depth (``papers/<slug>/``) and outside the nav, so
Material's ``main.html`` renders the same header, nav, tabs, footer and scripts for all of
them; only a few values differ: title, description, canonical URL, edit link, tags, table
of contents and content. Rendering ``main.html`` for each of 28,000 papers costs about
8 ms a page. ``PaperShell`` renders it once per *shape* (which sections the table of
contents holds, how many tags, whether there is an edit link) with a marker in place of
each of those values, and fills the markers for each page. ``tests/test_shell.py`` builds
the seed site both ways and checks every paper page is byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

MARK = "\ue000"  # a private-use character: never in a page the theme renders
SLOT = re.compile(MARK + r"([a-z]+[0-9]*)(?:<h1)?" + MARK)


def marker(name: str) -> str:
    return f"{MARK}{name}{MARK}"


class _MarkedPage:
    """The page as the theme sees it, with markers in place of what differs between papers."""

    def __init__(self, page: Any) -> None:
        self._page = page
        self.meta = {**page.meta, "title": marker("title"), "description": marker("description")}
        self.canonical_url = marker("canonical") if page.canonical_url else None
        self.edit_url = marker("edit") if page.edit_url else None
        # Material adds its own <h1> when the content has none: keep "<h1" in the marker.
        self.content = f"{MARK}content<h1{MARK}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


class _MarkedTag:
    def __init__(self, index: int) -> None:
        self.name = marker(f"tagname{index}")
        self.url = f"tags/{marker(f'tagslug{index}')}/"
        self.hidden = False


class PaperShell:
    """Renders paper pages from Material's ``main.html``, one full render per page shape."""

    def __init__(self, env: Environment, template: str = "main.html") -> None:
        self.env = env
        self.template = template
        self.shapes: dict[tuple, list[str]] = {}

    def shape(self, page: Any, tags: list) -> tuple:
        return (
            tuple((a.id, a.title) for a in page.toc),
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
            parts = self.shapes[key] = SLOT.split(html)
        return parts

    def render(self, context: Mapping[str, Any]) -> str:
        page = context["page"]
        tags = list(context.get("tags") or [])
        values = {
            "title": page.meta.get("title", ""),
            "description": page.meta.get("description", ""),
            "canonical": page.canonical_url or "",
            "edit": page.edit_url or "",
            "content": page.content,
        }
        for index, tag in enumerate(tags):
            values[f"tagname{index}"] = str(tag.name)
            values[f"tagslug{index}"] = tag.url.removeprefix("tags/").removesuffix("/")
        parts = self.parts(context, page, tags)
        return "".join(values[part] if index % 2 else part for index, part in enumerate(parts))


def install(env: Environment, *, reuse: bool = True) -> None:
    """Make ``paper_shell()`` available to templates (``overrides/paper.html`` calls it).

    With ``reuse=False`` every paper page is a full render of ``main.html``: the reference
    the shell is tested against.
    """
    shell = PaperShell(env)

    @pass_context
    def paper_shell(context: Context) -> Markup:
        if not reuse:
            return Markup(env.get_template(shell.template).render(context.get_all()))
        return Markup(shell.render(context.get_all()))

    env.globals["paper_shell"] = paper_shell
