"""Generation as one MkDocs build sees it: regenerate the pages, add them to MkDocs' files,
hand MkDocs each page from memory, and finish what was still being made after the pages."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from generator.enrich.taxonomy import TaxonomyError
from generator.incremental import enrichments
from generator.ingest.dates import full_dates
from generator.ingest.parse import date_from_name, dump_files
from generator.memo import Memo
from generator.mkdocs.pages import ListingPage, PaperPage
from generator.model import Problem
from generator.output.downloads import DOWNLOADS
from generator.output.writer import write_if_changed
from generator.pipeline import Settings, Timer
from generator.rebuild import Handoff, Manifest, SearchReady, regenerate, search_dir
from generator.site.pages import url_of
from generator.site.papers import PAPER_FOLDER
from generator.workers import give_back_freed_memory

log = get_plugin_logger("papers")


def dump_of_page(src: str) -> str | None:
    """The dump file a dump's page (``dumps/<stem>.md``) lists, or None for any other page."""
    folder, _, name = src.partition("/")
    if folder != "dumps" or "/" in name or name == "index.md" or not name.endswith(".md"):
        return None
    return name.removesuffix(".md") + ".txt"


CALLER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")
"""A build date the caller chose (reproducible-builds' variable), kept over the dumps' own."""


def newest_dump_epoch(dumps_dir: Path) -> int:
    """The newest of the dumps' full dates (``ingest/dates.py``: a file name's date, else when
    git added the file, else its modification time), or 0 when there is no dump."""
    paths = dump_files(dumps_dir) if dumps_dir.is_dir() else []
    dates = full_dates({path: date_from_name(path.name) for path in paths})
    return int(max(dates.values()).timestamp()) if dates else 0


def nav_sources(nav: object) -> frozenset[str]:
    """Every source path the ``nav`` setting names."""
    if isinstance(nav, str):
        return frozenset({nav})
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else ()
    return frozenset().union(*(nav_sources(item) for item in items))


class Generation:
    """The generated folder of one build, and what MkDocs takes from it."""

    def __init__(
        self,
        base: Path,
        dumps_dir: Path,
        taxonomy: Path,
        generated_dir: Path,
        serving: bool,
        memo: Memo | None = None,
    ) -> None:
        self.base = base
        self.dumps_dir = dumps_dir
        self.taxonomy = taxonomy
        self.generated_dir = generated_dir
        self.serving = serving
        # The build's date is the newest dump's full date, so two builds of the same dumps are
        # identical (MkDocs puts it in the sitemap's lastmod and the sitemap.xml.gz header); set
        # on every build, as ``serve`` rebuilds when a dump is added, unless the caller set it.
        newest = newest_dump_epoch(dumps_dir)
        os.environ["SOURCE_DATE_EPOCH"] = CALLER_EPOCH or str(newest)
        self.dated = newest > 0  # undated dumps: the sitemap names no date rather than 1970
        self.handoff = Handoff()
        self.manifest: Manifest | None = None
        self.memo = memo

    def run(
        self,
        config: MkDocsConfig,
        search_ready: SearchReady | None,
        search: bool = True,
        first_step: bool = False,
    ) -> Manifest:
        """Regenerate if an input changed; while serving, a broken dump keeps the last good site.

        With a memo (serving), the run builds on the last one, and MkDocs takes the files it
        changed from memory while they are written (``add_files``); ``first_step``: only what
        shows the changed dumps, when a dump changed (``Manifest.first_step``)."""
        self.handoff = Handoff()
        settings = Settings(config.site_name, config.site_url or "")
        memo = self.memo
        if memo is not None:
            memo.fresh = frozenset()  # until this run writes something
        grown = (
            {"memo": memo, "enrichments": enrichments(memo), "search": search, "first_step": first_step}
            if memo
            else {}
        )
        try:
            manifest, problems = regenerate(
                self.dumps_dir, self.generated_dir, self.taxonomy, settings=settings, root=self.base,
                timer=Timer(report=log.info), search_ready=search_ready,
                handoff=self.handoff, **grown,
            )  # fmt: skip
        except TaxonomyError as err:
            raise PluginError(str(err)) from None
        give_back_freed_memory()  # generation's catalogue and texts are garbage now
        for problem in problems:
            if problem.severity != "error":
                log.warning(str(problem))
        self.manifest = manifest or self.last_good(problems, search_ready)
        return self.manifest

    def last_good(self, problems: tuple[Problem, ...], search_ready: SearchReady | None) -> Manifest:
        errors = [problem for problem in problems if problem.severity == "error"]
        lines = "\n".join(str(problem) for problem in errors)
        last_good = Manifest.load(self.generated_dir) if self.serving else None
        if last_good is None or not last_good.complete(self.generated_dir):
            raise PluginError(f"{len(errors)} problem(s) in the dumps:\n{lines}")
        log.error(f"{len(errors)} problem(s) in the dumps; serving the last good site:\n{lines}")
        if search_ready is not None:
            search_ready(search_dir(self.generated_dir), None)
        return last_good

    def changed(self, names: Iterable[str]) -> dict[str, bytes]:
        """Those of ``names`` this run changed, with their bytes (serving; else none)."""
        sources = self.handoff.sources if self.memo is not None else {}
        return {name: sources[name] for name in names if name in sources}

    def add_files(self, files: Files, config: MkDocsConfig, changed_only: bool = False) -> Files:
        """The generated files, each dump's page with its edit link to the dump in the repository
        (a paper page's "Seen in" leads there: its own link was 260 bytes of each of 28,000 pages).

        ``changed_only`` (a dirty serve's rebuild): only the files this run changed, and the
        pages the nav names. The others are in the site already; MkDocs would only find
        each of 29,000 unchanged by its modification time. The downloads go into a built
        site gzipped only (``downloads.gzip_beside``); a served one has the plain files too."""
        assert self.manifest is not None
        dumps = None
        if self.dumps_dir.is_relative_to(self.base):
            dumps = Path(os.path.relpath(self.dumps_dir, config.docs_dir)).as_posix()
        wanted, named = None, nav_sources(config.nav)
        if changed_only and self.memo is not None:
            wanted = self.memo.fresh | named
        for src in self.manifest.files:
            if src in self.handoff.pending or (wanted is not None and src not in wanted):
                continue
            if src in DOWNLOADS and not self.serving:
                continue
            file = File(src, str(self.generated_dir), config.site_dir, config.use_directory_urls)
            file.edit_uri = f"{dumps}/{edited}" if dumps and (edited := dump_of_page(src)) else None
            if self.memo is not None and src in self.handoff.sources:  # changed: MkDocs takes it from memory
                file.content_bytes = self.handoff.sources[src]
            files.append(file)
            if src.startswith(PAPER_FOLDER):
                PaperPage(None, file, config)  # MkDocs uses a file's page when it has one
            elif src.endswith(".md") and src not in named:  # the nav makes its own pages
                ListingPage(None, file, config)
        return files

    def page_locations(self, files: Files, config: MkDocsConfig) -> list[str]:
        """Every page's address in the order MkDocs' sitemap lists them (the docs' pages, then
        the generated ones), when ``files`` has only the changed generated pages (a dirty
        serve's rebuild): the others' from their source paths, as MkDocs makes them."""
        assert self.manifest is not None
        generated = frozenset(self.manifest.files)
        base = config.site_url or ""
        base = base if not base or base.endswith("/") else base + "/"
        docs = [file.url for file in files.documentation_pages() if file.src_uri not in generated] + [
            url_of(src) for src in self.manifest.files if src.endswith(".md")
        ]
        # As MkDocs joins them (``urljoin``): every URL here is relative, without "..".
        return [(base or "/") + ("" if url in (".", "./") else url) for url in docs]

    def source(self, src_uri: str) -> str | None:
        """A generated page's source as generation made it; None: MkDocs reads the file."""
        source = self.handoff.sources.pop(src_uri, None)
        return None if source is None else source.decode()

    def finish_pending(self, site_dir: Path) -> None:
        """Put the files still being made (the map's points) in the site."""
        for path, finish in self.handoff.pending.items():
            waited = time.perf_counter()
            write_if_changed(site_dir / path, finish())
            log.info(f"finished after the pages: {path} ({time.perf_counter() - waited:.2f} s waited)")

    def finish(self) -> None:
        """Last: the manifest says the generated folder is complete."""
        handoff, self.handoff = self.handoff, Handoff()
        handoff.finish()
