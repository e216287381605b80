"""Pagefind beside the build: started as soon as papers are tagged, waited for after MkDocs."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from generator.output.writer import write_if_changed
from generator.search.pagefind import (
    PART_PAPERS,
    SearchIndexError,
    finish_search_index,
    pagefind_binary,
    part_path,
    parts_of,
    parts_on_disk,
    recompress_first_fetch,
    remove_unused_files,
    start_search_index,
    start_writing_and_indexing,
)

log = get_plugin_logger("papers")


class SearchIndexing:
    """One Pagefind process per build, indexing the papers' search documents into the site,
    in ``parts`` of at most ``part_papers`` papers (``pagefind.PART_PAPERS``)."""

    def __init__(self, output: Path, part_papers: int = PART_PAPERS) -> None:
        self.output = output
        self.part_papers = part_papers
        self.parts: int | None = None  # known once started
        self.process: subprocess.Popen[str] | None = None
        self.started = 0.0

    def check_installed(self) -> None:
        """Raise ``PluginError`` naming ``npm ci`` when Pagefind's binary is not installed."""
        try:
            pagefind_binary()
        except SearchIndexError as err:
            raise PluginError(str(err)) from None

    def start(self, folder: Path, documents: dict[str, str] | None) -> None:
        """Index ``folder``; given the documents, Pagefind's process writes them there first."""
        self.started = time.perf_counter()
        if documents is None:
            self.parts = parts_on_disk(folder)
            self.process = start_search_index(folder, self.output)
        else:
            self.parts = parts_of(len(documents), self.part_papers)
            self.process = start_writing_and_indexing(documents, folder, self.output, self.part_papers)

    def parts_for(self, folder: Path) -> int:
        """How many parts the site's index has: this build's, or the last build's on disk."""
        return self.parts or parts_on_disk(folder)

    def finish(self) -> None:
        """Wait for the index, then remove what no page loads and re-gzip what every first query fetches."""
        if self.process is None:
            return
        waited = time.perf_counter()
        try:
            index = finish_search_index(self.process)
        except SearchIndexError as err:
            raise PluginError(str(err)) from None
        finally:
            self.process = None
        if index.documents:
            log.info(index.documents)
        sizes = []
        for part in range(1, (self.parts or 1) + 1):
            remove_unused_files(part_path(self.output, part))
            sizes.append(recompress_first_fetch(part_path(self.output, part)))
        before, after = (sum(pair) for pair in zip(*sizes, strict=True))
        log.info(
            f"search index: {index.pages} papers in {self.parts} part(s), {index.words} words "
            f"({waited - self.started:.2f} s "
            f"beside the build, {time.perf_counter() - waited:.2f} s after it); its page list and "
            f"WebAssembly re-gzipped from {before / 1000:.0f} to {after / 1000:.0f} KB"
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


SEARCH_STATUS = "search-status.json"
"""Written into the site by ``mkdocs serve`` only: how many papers the search index lacks.
The search box (``assets/javascripts/search.js``) says so when any."""


class ServedSearch:
    """Search while serving. Without ``--dirty`` every build re-indexes, as a build does.
    With it, Pagefind indexes the first build only (every paper again took 45 s on the
    corpus) and later builds keep that index; the papers added since are counted in
    ``SEARCH_STATUS``. Their pages are new, and a page a result names stays on disk."""

    def __init__(self, dirty: bool) -> None:
        self.dirty = dirty
        self.indexed: frozenset[str] | None = None

    def index_again(self) -> bool:
        return not self.dirty or self.indexed is None

    def report(self, files: Iterable[str], site: Path) -> None:
        """After a build: the papers the index lacks, into the site."""
        papers = frozenset(name for name in files if name.startswith("papers/"))
        if self.index_again():
            self.indexed = papers
        assert self.indexed is not None
        missing = len(papers - self.indexed)
        write_if_changed(site / SEARCH_STATUS, json.dumps({"missing": missing}).encode())
