"""The MkDocs side, kept thin: each hook guards and hands off to one collaborator.

Registered as the ``papers`` plugin (see pyproject.toml). ``Generation`` runs the pipeline and
hands its pages to MkDocs; ``SearchIndexing`` runs Pagefind beside the build; the paper shell
renders paper pages from Material's chrome rendered once per page shape.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date, get_relative_url

from generator.enrich.taxonomy import default_path
from generator.memo import Memo, PausedCollector
from generator.mkdocs.generation import Generation
from generator.mkdocs.indexing import SEARCH_STATUS, SearchIndexing, ServedSearch
from generator.mkdocs.pages import ListingPage, PaperPage, TagLink
from generator.mkdocs.shell import ICONS, CompiledTemplates, IconSprite, compact, join_blocks
from generator.mkdocs.shell import install as install_shell
from generator.mkdocs.valid_html import mend
from generator.output.downloads import DOWNLOADS, gzip_beside
from generator.output.minify import MinifyError, esbuild_binary, minify_site, site_sources
from generator.output.writer import make_folders, write_if_changed
from generator.rebuild import SECOND_STEP, search_dir, serve_dir
from generator.search.pagefind import PART_PAPERS
from generator.site.sitemap import sitemap_parts


class PapersConfig(Config):
    dumps_dir = c.Type(str, default="dumps")
    """Folder of ``*.txt`` dumps, relative to mkdocs.yml."""
    taxonomy = c.Optional(c.Type(str))
    """Taxonomy YAML; the generator's own ``enrich/taxonomy.yml`` when unset."""
    generated_dir = c.Type(str, default="build/generated")
    """Where generated Markdown is written, relative to mkdocs.yml."""
    page_shell = c.Type(bool, default=True)
    """Render paper pages from Material's chrome rendered once per page shape (shell.py)."""
    search = c.Type(bool, default=True)
    """Build the Pagefind index into ``site/pagefind/`` while pages are written."""
    search_part_papers = c.Optional(c.Type(int))
    """Papers per part of the Pagefind index; ``pagefind.PART_PAPERS`` when unset."""


log = get_plugin_logger("papers")
UNREAD = ("assets/javascripts/lunr/", "assets/javascripts/workers/", "assets/screenshots/")
"""Files no reader's browser asks for: Material's own search (lunr and its worker; Pagefind
searches here) and the README's screenshots; and every source map (``*.map``). 3.5 MB at
any size of the catalogue, where the site at three times the corpus is near GitHub Pages' 1 GB."""


def without_unread(files: Files) -> Files:
    """``files`` less the ``UNREAD`` ones."""
    for file in [f for f in files if f.src_uri.startswith(UNREAD) or f.src_uri.endswith(".map")]:
        files.remove(file)
    return files


@contextmanager
def minify_errors() -> Iterator[None]:
    """esbuild's refusals as MkDocs reports a plugin's: the message alone, no traceback."""
    try:
        yield
    except MinifyError as err:
        raise PluginError(str(err)) from None


class PapersPlugin(BasePlugin[PapersConfig]):
    serving = False
    partial = False  # a dirty serve's rebuild, MkDocs handed only the changed pages
    second_step_due = False  # the last rebuild was a first step: the next one is complete
    memo: Memo | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """MkDocs keeps this object for the whole of ``mkdocs serve``: so does what it remembers."""
        self.serving = command == "serve"
        self.collector = PausedCollector()
        if self.serving:
            self.memo = Memo()
            self.served = ServedSearch(dirty)
            self.icons = IconSprite()
            self.templates = CompiledTemplates()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.serving and self.memo is not None and self.memo.incremental:
            self.collector.pause()  # a rebuild: resumed after it (on_post_build, on_build_error)
        base = Path(config.config_file_path).parent
        taxonomy = (base / self.config.taxonomy).resolve() if self.config.taxonomy else default_path()
        self.generation = Generation(
            base,
            (base / self.config.dumps_dir).resolve(),
            taxonomy,
            (base / self.config.generated_dir).resolve(),
            self.serving,
            self.memo,
        )
        self.search = SearchIndexing(
            Path(config.site_dir) / "pagefind", self.config.search_part_papers or PART_PAPERS
        )
        if self.config.search:
            self.search.check_installed()  # before generation: say how to install Pagefind
        with minify_errors():
            esbuild_binary()  # likewise esbuild, which minifies our scripts at the end
        self.bodies: dict[str, str] = {}  # listing bodies kept out of Markdown
        return config

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        """Reload when a dump or the taxonomy changes, wherever ``dumps_dir`` points, and when
        a first step asks for the rest (``SECOND_STEP``)."""
        server.watch(str(self.generation.dumps_dir))
        server.watch(str(self.generation.taxonomy))
        steps = serve_dir(self.generation.generated_dir)
        steps.mkdir(parents=True, exist_ok=True)
        server.watch(str(steps))
        return server

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        index = self.config.search and (not self.serving or self.served.index_again())
        self.partial = self.serving and self.served.dirty and not self.served.index_again()
        first = self.partial and not self.second_step_due  # a dirty rebuild shows the new dump first
        manifest = self.generation.run(
            config, self.search.start if index else None, search=index, first_step=first
        )
        self.second_step_due = manifest.first_step
        site = Path(config.site_dir)
        # Gzipped beside MkDocs' rendering, on the core Pagefind leaves free.
        self.packing = gzip_beside(self.generation.generated_dir, site, self.generation.changed(DOWNLOADS))
        files = self.generation.add_files(without_unread(files), config, changed_only=self.partial)
        pages = files.documentation_pages()
        self.folders = make_folders({Path(file.abs_dest_path).parent for file in pages} - {site})
        return files

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.serving:  # before any template is loaded
            env.bytecode_cache = self.templates
        self.shell = install_shell(
            env, reuse=self.config.page_shell, icons=self.icons if self.serving else None
        )
        env.globals["search_status"] = SEARCH_STATUS if self.serving and self.config.search else ""
        env.globals["search_parts"] = self.search.parts_for(search_dir(self.generation.generated_dir))
        # What MkDocs' own sitemap.xml would list, split into parts (overrides/sitemap.xml).
        date = get_build_date() if self.generation.dated else ""
        if self.partial:  # MkDocs has only the changed pages: the others' addresses from their sources
            pages = [(location, date) for location in self.generation.page_locations(files, config)]
        else:
            pages = [
                (page.canonical_url or page.abs_url or "", date)
                for page in (file.page for file in files.documentation_pages())
                if page is not None and not page.is_link and (page.canonical_url or page.abs_url)
            ]
        self.sitemap = sitemap_parts(pages, config.site_url or "")
        env.globals["sitemap_parts"] = self.sitemap
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return self.generation.source(page.file.src_uri)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A listing's body is already HTML: keep it out of Markdown (``on_page_content`` puts it in)."""
        if page.meta.get("html") is not True:
            return markdown
        if self.config.page_shell and isinstance(page, ListingPage):  # rendered by ListingShell
            page.meta["template"] = "listing.html"
        self.bodies[page.file.src_uri] = markdown
        return ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.bodies.pop(page.file.src_uri, html)

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):  # type: ignore[no-untyped-def]
        """A paper's areas, then its topics, for the theme's ``partials/tags.html``, linked to their pages."""
        names = page.meta.get("tags") or []
        manifest = self.generation.manifest
        if names and manifest is not None:
            context["tags"] = [
                TagLink(name, f"tags/{manifest.tags[name]}/") for name in names if name in manifest.tags
            ] + [
                TagLink(name, f"{manifest.topics[name]}/")
                for name in page.meta.get("topics") or []
                if name in manifest.topics
            ]
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Every page valid HTML (``valid_html.mend``); a listing's icons in the sprite and its
        whitespace compacted, as a paper page's are (``shell``)."""
        output = mend(output)
        if isinstance(page, PaperPage):  # rendered: its body need not stay to the build's end
            page.markdown = page.content = None
        if page.meta.get("html") is not True:
            return output
        return join_blocks(compact(self.shell.icons.replace(output, get_relative_url(".", page.url))))

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return mend(output_content)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        self.generation.finish_pending(site)
        with minify_errors():
            minify_site(site, site_sources(Path(config.docs_dir), site))
        if self.shell.icons.symbols:
            write_if_changed(site / ICONS, self.shell.icons.document().encode())
        for part in self.sitemap:
            write_if_changed(site / part.path, part.data)
        self.packing.result()
        self.folders.result()
        self.search.finish()
        self.generation.finish()  # last: the manifest says the generated folder is complete
        if self.serving and self.config.search and self.generation.manifest is not None:
            self.served.report(self.generation.manifest.files, site)
        if self.second_step_due:  # the server's watcher starts the rest once the browser reloaded
            write_if_changed(
                serve_dir(self.generation.generated_dir) / SECOND_STEP, str(time.time_ns()).encode()
            )
            log.info("shown first: the new dump's pages; the rest follows")
        self.collector.resume(later=self.serving)

    def on_build_error(self, *, error: Exception) -> None:
        self.collector.resume()
        self.search.stop()
