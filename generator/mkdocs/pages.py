"""The page types MkDocs is handed: paper pages whose body is already HTML, and tag links."""

from __future__ import annotations

import functools

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents, get_toc
from mkdocs.utils import meta as front_matter

from generator.site.pages import read_front_matter
from generator.site.papers import PAPER_SECTIONS, TITLE_ANCHOR


class TagLink:
    """What Material's ``partials/tags.html`` needs of a tag: a name and our tag page's URL."""

    def __init__(self, name: str, url: str) -> None:
        self.name = Markup.escape(name)
        self.url = url
        self.hidden = False


class PaperPage(Page):
    """A paper page: the HTML body the generator wrote, under its own front matter.

    MkDocs would read the front matter with PyYAML and run the body through Markdown to get
    the same HTML back. Everything else about the page is MkDocs' own: its events run, its
    file, URLs and template.
    """

    def read_source(self, config: MkDocsConfig) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            source = self.file.content_string
        parsed = read_front_matter(source)
        if parsed is None:
            self.markdown, self.meta = front_matter.get_data(source)
        else:
            self.meta, self.markdown = parsed

    def render(self, config: MkDocsConfig, files: Files) -> None:
        body = self.markdown or ""
        sections = [
            (anchor, title) for anchor, title in PAPER_SECTIONS.items() if f'<h2 id="{anchor}">' in body
        ]
        self.content = body
        self.toc = paper_toc(tuple(sections))
        self.present_anchor_ids = {TITLE_ANCHOR, *(anchor for anchor, _ in sections)}


@functools.cache
def paper_toc(sections: tuple[tuple[str, str], ...]) -> TableOfContents:
    """A paper page's table of contents: the title, then its sections. Papers share a few
    shapes, so each is made once (made per page it was a second of a corpus build)."""
    # The title first: Material's "Skip to content" link leads to the toc's first entry.
    children = [{"level": 2, "id": a, "name": t, "children": []} for a, t in sections]
    return get_toc([{"level": 1, "id": TITLE_ANCHOR, "name": "Paper", "children": children}])


class ListingPage(Page):
    """A generated page MkDocs renders through Markdown, unless there is nothing to render: a
    listing's body is kept out of Markdown (the plugin's ``on_page_markdown``), and making a
    Markdown converter with every extension for an empty text was most of such a page's
    reading. An empty text gives what MkDocs' own ``render`` gives it: no content, no toc."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None or self.markdown.strip():
            super().render(config, files)
            return
        self.content = ""
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}
