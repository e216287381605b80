"""Paper pages: one page per paper, rendered from ``templates/paper.md.j2`` and the paper's view."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from urllib.parse import quote_plus

from jinja2 import Environment

from generator.memo import NoMemo
from generator.site.pages import html_text
from generator.site.views import PaperView

PAPER_FOLDER = "papers/"
"""Where each paper's page (``papers/<slug>.md``) is generated, and nothing else."""
TITLE_ANCHOR = "title"
"""The paper's ``<h1>``: where "Skip to content" leads."""
PAPER_SECTIONS = {"related-papers": "Related papers", "mentioned-by": "Mentioned by", "seen-in": "Seen in"}
"""The ``<h2>`` a paper page may hold, by anchor: its table of contents."""


def paper_meta(view: PaperView) -> dict:
    """A paper page's front matter; values are escaped where the theme prints them raw."""
    return {
        "title": html_text(view.readable_title),
        "description": html_text(view.description),
        "tags": list(view.paper.tags),
        "topics": list(view.paper.topics),
        "paper": True,
        "template": "paper.html",
    }


def paper_pages(views: Iterable[PaperView], env: Environment, memo: NoMemo | None = None) -> dict[str, bytes]:
    """``papers/<slug>.md`` for each view, as UTF-8: the pages are held until MkDocs takes them,
    and most hold a character past Latin-1, which Python text stores at 2 bytes each.

    One template context serves every page, its values replaced page by page: a new context
    per page (``Template.render``) was a third of the time of rendering 28,000 pages. With a
    memo, a page is rendered only when its paper or the titles it links changed."""
    template = env.get_template("paper.md.j2")
    values: dict = dict(env.globals)
    context = template.new_context(values, shared=True)
    memo = memo or NoMemo()

    def render(view: PaperView) -> bytes:
        values.update(meta=paper_meta(view), paper=view, query=quote_plus(view.title))
        return env.concat(template.root_render_func(context)).encode()  # type: ignore[attr-defined]

    return {
        f"{PAPER_FOLDER}{view.slug}.md": memo.get_by("page", partial(page_key, view), partial(render, view))
        for view in views
    }


def page_key(view: PaperView) -> tuple:
    """Everything a paper page shows: its paper and the titles of the papers it links."""
    return view.paper, view.linked_titles()
