"""The MkDocs side, kept thin: run the generator, hand its pages to MkDocs.

Registered as the ``papers`` plugin (see pyproject.toml). Generated Markdown lives in
``generated_dir`` (not committed, outside ``docs/``), written only where it changed.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import time
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta as front_matter

from generator.enrich.taxonomy import TaxonomyError, default_path
from generator.ingest.parse import date_from_name, dump_files
from generator.mkdocs.shell import ICONS
from generator.mkdocs.shell import install as install_shell
from generator.output.writer import write_if_changed
from generator.pipeline import Handoff, Manifest, Timer, give_back_freed_memory, regenerate, search_dir
from generator.search.pagefind import (
    SearchIndexError,
    finish_search_index,
    recompress_first_fetch,
    start_search_index,
    start_writing_and_indexing,
)
from generator.site.render import PAPER_SECTIONS, TITLE_ANCHOR, read_front_matter
from generator.site.sitemap import sitemap_parts

log = get_plugin_logger("papers")


class PapersConfig(Config):
    dumps_dir = c.Type(str, default="dumps")
    """Folder of ``*.txt`` dumps, relative to mkdocs.yml."""
    taxonomy = c.Optional(c.Type(str))
    """Taxonomy YAML; the generator's own ``taxonomy.yml`` when unset."""
    generated_dir = c.Type(str, default="build/generated")
    """Where generated Markdown is written, relative to mkdocs.yml."""
    page_shell = c.Type(bool, default=True)
    """Render paper pages from Material's chrome rendered once per page shape (shell.py)."""
    search = c.Type(bool, default=True)
    """Build the Pagefind index into ``site/pagefind/`` while pages are written."""


def newest_dump_epoch(dumps_dir: Path) -> int:
    """Midnight UTC of the newest date in the dumps' file names, or 0 when none has one."""
    dates = [date_from_name(path.name) for path in dump_files(dumps_dir)] if dumps_dir.is_dir() else []
    known = [d for d in dates if d is not None and d.year is not None]
    if not known:
        return 0
    newest = max(known)
    return int(datetime.datetime(newest.year, newest.month, newest.day, tzinfo=datetime.UTC).timestamp())


class TagLink:
    """What Material's ``partials/tags.html`` needs of a tag: a name and our tag page's URL."""

    def __init__(self, name: str, url: str) -> None:
        self.name = Markup.escape(name)
        self.url = url
        self.hidden = False


class PaperPage(Page):
    """A paper page: the HTML body the generator wrote, under its own front matter.

    MkDocs would read the front matter with PyYAML and run the body through a new Markdown
    instance with this site's extensions (about 1 ms a page, most of it building the
    instance) to get the same HTML back. Everything else about the page is MkDocs' own:
    its events run, its file, URLs and template.
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
        # The title first: Material's "Skip to content" link leads to the toc's first entry.
        children = [{"level": 2, "id": a, "name": t, "children": []} for a, t in sections]
        self.toc = get_toc([{"level": 1, "id": TITLE_ANCHOR, "name": "Paper", "children": children}])
        self.present_anchor_ids = {TITLE_ANCHOR, *(anchor for anchor, _ in sections)}


class PapersPlugin(BasePlugin[PapersConfig]):
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        """Reload when a dump or the taxonomy changes, wherever ``dumps_dir`` points."""
        server.watch(str(self.dumps_dir))
        server.watch(str(self.taxonomy))
        return server

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path).parent
        self.dumps_dir = (base / self.config.dumps_dir).resolve()
        # The build's date is the newest dump's, so two builds of the same dumps are identical
        # (MkDocs puts the build date in sitemap.xml and the sitemap.xml.gz header).
        newest = newest_dump_epoch(self.dumps_dir)
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(newest))
        self.dated = newest > 0  # undated dumps: the sitemap names no date rather than 1970
        self.taxonomy = (base / self.config.taxonomy).resolve() if self.config.taxonomy else default_path()
        self.generated_dir = (base / self.config.generated_dir).resolve()
        self.base = base
        self.bodies: dict[str, str] = {}
        self.search: subprocess.Popen[str] | None = None
        self.manifest: Manifest | None = None
        self.handoff = Handoff()
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.index_into = Path(config.site_dir) / "pagefind"
        # When generation runs in this build, MkDocs takes each page from memory
        # (on_page_read_source) while the pages are written to disk, and the map's
        # coordinates are put in the site by on_post_build: MkDocs waits for neither.
        self.handoff = Handoff()
        try:
            manifest, problems = regenerate(
                self.dumps_dir,
                self.generated_dir,
                self.taxonomy,
                site_name=config.site_name,
                site_url=config.site_url or "",
                root=self.base,
                timer=Timer(report=log.info),
                search_ready=self.start_search if self.config.search else None,
                handoff=self.handoff,
            )
        except TaxonomyError as err:
            raise PluginError(str(err)) from None
        # Generation's catalogue and texts are garbage now; MkDocs' pages reuse the memory or
        # the system gets it back (0.75 to 0.52 GB on the corpus, while Pagefind still peaks).
        give_back_freed_memory()
        for problem in problems:
            if problem.severity != "error":
                log.warning(str(problem))
        if manifest is None:
            errors = [problem for problem in problems if problem.severity == "error"]
            lines = "\n".join(str(problem) for problem in errors)
            last_good = Manifest.load(self.generated_dir) if getattr(self, "serving", False) else None
            if last_good is None or not last_good.complete(self.generated_dir):
                raise PluginError(f"{len(errors)} problem(s) in the dumps:\n{lines}")
            # While serving, a half-written dump must not take the site away: report it and
            # keep building from the last good generation until the dump is fixed.
            log.error(f"{len(errors)} problem(s) in the dumps; serving the last good site:\n{lines}")
            manifest = last_good
            if self.config.search:
                self.start_search(search_dir(self.generated_dir), None)
        self.manifest = manifest
        # A paper page's "edit" button opens the dump it was last seen in, when the dumps
        # are in the repository; listings have nothing to edit.
        dumps = None
        if self.dumps_dir.is_relative_to(self.base):
            dumps = Path(os.path.relpath(self.dumps_dir, config.docs_dir)).as_posix()
        for src in manifest.files:
            if src in self.handoff.pending:
                continue
            file = File(src, str(self.generated_dir), config.site_dir, config.use_directory_urls)
            dump = manifest.edit.get(src)
            file.edit_uri = f"{dumps}/{dump}" if dump and dumps else None
            files.append(file)
            if dump:
                PaperPage(None, file, config)  # MkDocs uses a file's page when it has one
        return files

    def start_search(self, folder: Path, documents: dict[str, str] | None) -> None:
        """Pagefind indexes the papers on the second core while the site is made; given the
        documents, its process writes them into ``folder`` first."""
        self.search_started = time.perf_counter()
        if documents is None:
            self.search = start_search_index(folder, self.index_into)
        else:
            self.search = start_writing_and_indexing(documents, folder, self.index_into)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.shell = install_shell(env, reuse=self.config.page_shell)
        # What MkDocs' own sitemap.xml would list, split into parts (overrides/sitemap.xml).
        pages = [
            (page.canonical_url or page.abs_url or "", page.update_date if self.dated else "")
            for page in (file.page for file in files.documentation_pages())
            if page is not None and not page.is_link and (page.canonical_url or page.abs_url)
        ]
        self.sitemap = sitemap_parts(pages, config.site_url or "")
        env.globals["sitemap_parts"] = self.sitemap
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A generated page's source as generation made it; None: MkDocs reads the file."""
        source = self.handoff.sources.pop(page.file.src_uri, None)
        return None if source is None else source.decode()

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A listing's body is already HTML: keep it out of Markdown.

        Converting it would parse its raw HTML twice (MkDocs' anchor scan and Markdown's
        HTML block parser) to get the same HTML back; ``on_page_content`` puts it in.
        """
        if page.meta.get("html") is True:
            self.bodies[page.file.src_uri] = markdown
            return ""
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.bodies.pop(page.file.src_uri, html)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        handoff, self.handoff = self.handoff, Handoff()
        for path, finish in handoff.pending.items():
            waited = time.perf_counter()
            write_if_changed(site / path, finish().encode("utf-8"))
            log.info(f"finished after the pages: {path} ({time.perf_counter() - waited:.2f} s waited)")
        if self.shell.icons.symbols:
            write_if_changed(site / ICONS, self.shell.icons.document().encode())
        for part in self.sitemap:
            write_if_changed(site / part.path, part.xml.encode())
        if self.search is not None:
            waited = time.perf_counter()
            try:
                index = finish_search_index(self.search)
            except SearchIndexError as err:
                raise PluginError(str(err)) from None
            finally:
                self.search = None
            if index.documents:
                log.info(index.documents)
            before, after = recompress_first_fetch(self.index_into)
            log.info(
                f"search index: {index.pages} papers, {index.words} words ({waited - self.search_started:.2f} s "
                f"beside the build, {time.perf_counter() - waited:.2f} s after it); its page list and "
                f"WebAssembly re-gzipped from {before / 1000:.0f} to {after / 1000:.0f} KB"
            )
        # Last: the search documents are written by Pagefind's process, and the manifest
        # says the generated folder is complete.
        handoff.finish()

    def on_build_error(self, *, error: Exception) -> None:
        if self.search is not None:
            self.search.kill()
            self.search.wait()
            self.search = None

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):  # type: ignore[no-untyped-def]
        """A paper's tags for the theme's ``partials/tags.html``, linked to our tag pages.

        Material's tags plugin is not used: it would read every page's tags again and build
        tag listings we make ourselves.
        """
        names = page.meta.get("tags") or []
        if names and self.manifest is not None:
            slugs = self.manifest.tags
            context["tags"] = [TagLink(name, f"tags/{slugs[name]}/") for name in names if name in slugs]
        return context
