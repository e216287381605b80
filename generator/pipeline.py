"""The pipeline, in one direction: parse -> catalogue -> enrich -> render -> write.

``generate`` gathers everything first and writes last; nothing written is read back.
It runs on its own (``python -m generator build``) and from the MkDocs plugin, which takes
the pages from memory and some work still running (``Handoff``).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import io
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.enrich import clean
from generator.enrich.taxonomy import Tag, Taxonomy, default_path, load_taxonomy
from generator.ingest.catalogue import Catalogue, build_catalogue
from generator.ingest.parse import dump_files, read_dumps
from generator.model import Paper, Problem
from generator.output.writer import WriteReport, prune, sync_tree, write_files, write_if_changed
from generator.search import pagefind

if TYPE_CHECKING:  # imported where used: a no-op build should not load numpy
    import numpy as np

    from generator.enrich.related import Related

log = logging.getLogger("mkdocs.plugins.papers")  # what get_plugin_logger("papers") wraps


@dataclass
class Timer:
    """Seconds per stage, and one progress line per stage through the logger."""

    report: Callable[[str], None] = log.info
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[list[str]]:
        note: list[str] = []
        start = time.perf_counter()
        yield note
        elapsed = time.perf_counter() - start
        self.seconds[name] = round(elapsed, 3)
        self.report(f"{name}: {' '.join(note)} ({elapsed:.2f} s)")


@dataclass(frozen=True)
class Generated:
    """What one run produced: the catalogue, every problem, every file (as UTF-8)."""

    catalogue: Catalogue | None
    problems: tuple[Problem, ...]
    files: dict[str, bytes]
    tags: tuple[Tag, ...]
    timings: dict[str, float]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def read_catalogue(dumps_dir: Path, root: Path | None = None) -> tuple[Catalogue, tuple[Problem, ...]]:
    """Parse every dump of a folder and merge them; problems are reported, not raised."""
    results = read_dumps(dump_files(dumps_dir), root)
    problems = tuple(problem for result in results for problem in result.problems)
    if not results:
        problems += (Problem(str(dumps_dir), 1, "no dumps: the folder holds no *.txt file"),)
    return build_catalogue([result.dump for result in results]), problems


def plain_texts(catalogue: Catalogue) -> dict[str, tuple[str, str]]:
    """Each paper's title and abstract as clean plain text, by slug: cleaned once, used by
    tagging, related lists, the map, the pages and ``papers.json``."""
    return {
        paper.slug: (clean.title_text(paper.title), clean.plain_text(paper.abstract))
        for paper in catalogue.papers
    }


def tag(
    catalogue: Catalogue, taxonomy: Taxonomy, timer: Timer, texts: dict[str, tuple[str, str]]
) -> Catalogue:
    """Each paper's tags (from its clean title and abstract) and the links in its abstract."""
    with timer.stage("tags") as note:
        tags = [taxonomy.tags_for(*texts[paper.slug]) for paper in catalogue.papers]
        links = [clean.extract_links(paper.abstract) for paper in catalogue.papers]
        papers = tuple(
            replace(paper, tags=tuple(found), links=found_links)
            for paper, found, found_links in zip(catalogue.papers, tags, links, strict=True)
        )
        note.append(
            f"{sum(1 for found in tags if found)} of {len(papers)} papers tagged, "
            f"{sum(1 for x in links if x)} with links"
        )
    return replace(catalogue, papers=papers)


def mention(catalogue: Catalogue, timer: Timer) -> Catalogue:
    """Each paper's mentions of other papers' method names, and who mentions it."""
    from generator.enrich.mentions import find_mentions, mentioned_by

    with timer.stage("mentions") as note:
        shown = [(p.slug, p.title, clean.clean_tex(p.abstract)) for p in catalogue.papers]
        mentions = find_mentions(shown, {p.slug: p.tags for p in catalogue.papers})
        backlinks = mentioned_by(mentions)
        note.append(f"{sum(len(v) for v in mentions.values())} mentions")
    papers = tuple(
        replace(p, mentions=tuple(mentions.get(p.slug, ())), mentioned_by=tuple(backlinks.get(p.slug, ())))
        for p in catalogue.papers
    )
    return replace(catalogue, papers=papers)


def related_input(catalogue: Catalogue, joined: list[str]) -> list[tuple[str, str]]:
    """What related lists compare: each paper's clean title and abstract (``joined``, as
    ``extras.map_texts`` makes them for the map too), by slug."""
    return list(zip((p.slug for p in catalogue.papers), joined, strict=True))


def relate(catalogue: Catalogue, related: dict[str, list], timer: Timer) -> Catalogue:
    """The catalogue with each paper's related list (``related.related_papers``' answer)."""
    with timer.stage("related") as note:
        papers = tuple(replace(p, related=tuple(related.get(p.slug, ()))) for p in catalogue.papers)
        note.append(f"{sum(len(v) for v in related.values())} links between {len(papers)} papers")
    return replace(catalogue, papers=papers)


def enrich(
    catalogue: Catalogue, taxonomy: Taxonomy, timer: Timer, texts: dict[str, tuple[str, str]] | None = None
) -> Catalogue:
    """Tags, links, related papers and mentions, one after the other (``generate`` runs the
    related lists on the second core instead)."""
    from generator.enrich.related import related_papers
    from generator.site.extras import map_texts

    texts = texts or plain_texts(catalogue)
    catalogue = mention(tag(catalogue, taxonomy, timer, texts), timer)
    return relate(catalogue, related_papers(related_input(catalogue, map_texts(catalogue, texts))), timer)


def utf8(files: dict[str, str]) -> dict[str, bytes]:
    """Generated files as ``Generated`` keeps them: text takes 2 bytes a character in Python
    once it holds one character past Latin-1, as nearly every page does."""
    return {path: text.encode() for path, text in files.items()}


def papers_json(catalogue: Catalogue, texts: dict[str, tuple[str, str]] | None = None) -> bytes:
    """``papers.json`` (UTF-8): the catalogue for machines, in catalogue order.

    Encoded a paper at a time into one growing buffer: one ``json.dumps`` of the whole
    catalogue held the records, its text at 2 bytes a character, then the UTF-8, all at once
    (222 MB at the peak for 49 MB of JSON, before tags and related lists); a list of pieces
    joined at the end held the JSON twice. ``BytesIO.getvalue`` hands over its buffer
    without a copy."""

    texts = texts or plain_texts(catalogue)

    def record(paper: Paper) -> dict:
        return {
            "slug": paper.slug,
            "title": texts[paper.slug][0],
            "abstract": texts[paper.slug][1],
            "url": paper.url,
            "tags": list(paper.tags),
            "links": [{"url": link.url, "kind": link.kind} for link in paper.links],
            "sources": [
                {"dump": s.dump, "date": s.date.iso or s.date.label if s.date else None, "line": s.line}
                for s in paper.sources
            ],
            "related": [rel.slug for rel in paper.related],
        }

    out = io.BytesIO()
    out.write(b'{"papers":[')
    for n, paper in enumerate(catalogue.papers):
        if n:
            out.write(b",")
        out.write(json.dumps(record(paper), ensure_ascii=False, separators=(",", ":")).encode())
    out.write(b"]}\n")
    return out.getvalue()


_kept_texts: list[str] = []
"""In the worker process: the texts of the last related lists, which the map lays out next."""


def related_lists_keeping_texts(docs: list[tuple[str, str]]) -> dict[str, tuple[Related, ...]]:
    """The worker's first job: ``related_papers`` of ``docs``, keeping their texts for
    ``map_of_kept_texts``, its next job (one worker runs the jobs in order). The map's job
    so carries no texts: sent with it, they waited pickled in the build's memory (44 MB on
    the corpus) until the worker took the job, after the related lists."""
    from generator.enrich.related import related_papers

    _kept_texts[:] = [text for _, text in docs]
    return related_papers(docs)


def map_of_kept_texts() -> np.ndarray:
    """The worker's second job: the map's coordinates for the texts ``related_lists_keeping_texts``
    kept (``projection.map_points``, in its two steps). Run anywhere else (another worker, no
    related lists first), it fails rather than lay out no papers.

    The worker runs beside Pagefind, whose index build peaks at 3 GB meanwhile: the texts are
    dropped once TF-IDF has them, and what the related lists and TF-IDF freed is handed back
    (``give_back_freed_memory``). On the corpus, that took the worker from 0.32 to 0.22 to
    0.24 GB during t-SNE."""
    from generator.enrich.layout import layout, tfidf_svd

    if not _kept_texts:
        raise RuntimeError(
            "map_of_kept_texts: no texts kept; related_lists_keeping_texts runs first, in the same process"
        )
    give_back_freed_memory()
    try:
        features = tfidf_svd(_kept_texts)
    finally:
        _kept_texts.clear()
    give_back_freed_memory()
    return layout(features)


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; a no-op where
    there is none). Python and numpy free memory into that heap, which keeps the pages it
    does not need at once: 0.14 GB of the worker's 0.39 after the related lists."""
    with suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def one_thread() -> None:
    """The worker's numeric libraries use one thread: the main process and Pagefind have the
    other cores. On two cores, t-SNE's OpenMP threads only fought them for the CPU (13.7 s of
    CPU for 7.2 s of wall time alone). Runs before the worker imports numpy or scikit-learn."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"


def generate(
    dumps_dir: Path,
    taxonomy_path: Path | None = None,
    *,
    site_name: str = "Papers",
    site_url: str = "",
    root: Path | None = None,
    timer: Timer | None = None,
    on_search_documents: Callable[[dict[str, str]], None] | None = None,
    defer: Callable[[str, Callable[[], str]], None] | None = None,
) -> Generated:
    """Everything the site needs from ``dumps_dir``, as ``{relative path: UTF-8}``.

    On any error in the dumps or the taxonomy nothing is rendered: a site that silently
    lacks a paper of a valid dump is worse than no new site. ``on_search_documents`` gets
    Pagefind's documents as soon as papers are tagged, long before the pages are done.
    With ``defer``, the map's coordinates (``map/points.json``) are not waited for: ``defer``
    gets the path and a function that waits for them and returns the file's text.
    """
    # Imported here, not at the top: scikit-learn and the renderer take about a second to
    # load, which a no-op ``regenerate`` (nothing changed) should not pay.
    from generator.site.extras import extra_files, map_page_files, map_points_payload, map_texts, points_json
    from generator.site.render import SiteRenderer, paper_markup

    timer = timer or Timer()
    with timer.stage("parse") as note:
        catalogue, problems = read_catalogue(dumps_dir, root)
        entries = sum(len(dump.entries) for dump in catalogue.dumps)
        note.append(f"{len(catalogue.dumps)} dumps, {entries} entries, {len(catalogue.papers)} papers")
    # A TaxonomyError names file and key; callers report it.
    taxonomy = load_taxonomy(taxonomy_path or default_path())
    if any(p.severity == "error" for p in problems):
        return Generated(None, problems, {}, taxonomy.tags, timer.seconds)
    with timer.stage("clean") as note:
        texts = plain_texts(catalogue)
        note.append(f"{len(texts)} titles and abstracts")
    # Related lists, then the map's projection, are computed in another process (the
    # second core), while this one tags, marks up titles and abstracts, finds mentions and
    # renders everything that does not list related papers; Pagefind, started by
    # ``on_search_documents``, indexes beside both. Both jobs need only the clean texts, so
    # they are submitted before tagging: the worker's start (a new interpreter importing
    # scikit-learn) overlaps it, and the lists are ready before the pages that show them.
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=one_thread)
    try:
        joined = map_texts(catalogue, texts)
        related = pool.submit(related_lists_keeping_texts, related_input(catalogue, joined))
        layout = pool.submit(map_of_kept_texts) if catalogue.papers else None
        del joined  # the related job holds it until the worker is done with it
        catalogue = tag(catalogue, taxonomy, timer, texts)
        # Pagefind starts as soon as papers are tagged: its documents are the clean texts,
        # not the pages' markup, so it need not wait for that.
        with timer.stage("search") as note:
            search_documents = {
                pagefind.document_path(p.slug): pagefind.document(*texts[p.slug], p.tags)
                for p in catalogue.papers
            }
            note.append(f"{len(search_documents)} documents for Pagefind")
        if on_search_documents is not None:
            on_search_documents(search_documents)
        # Pagefind's process has them now: 60 MB not kept while all three processes hold
        # the catalogue.
        del search_documents
        with timer.stage("markup") as note:
            markup = {paper.slug: paper_markup(paper) for paper in catalogue.papers}
            note.append(f"{len(markup)} titles and abstracts as HTML")
        catalogue = mention(catalogue, timer)
        with timer.stage("listings") as note:
            renderer = SiteRenderer(catalogue, taxonomy.tags, site_name, texts=texts, markup=markup)
            files = renderer.listing_pages()
            files.update(utf8(extra_files(catalogue, taxonomy.tags, site_url, renderer=renderer)))
            note.append(f"{len(files)} files: home, dumps, tags, A to Z, feeds, stats, code listing, CSV")
        with timer.stage("pages") as note:
            parts = renderer.paper_parts()
            note.append(f"{len(parts)} paper pages but their related lists")
        with timer.stage("wait") as note:
            answer = related.result()
            note.append("for related lists from the second core")
        catalogue = relate(catalogue, answer, timer)
        with timer.stage("papers") as note:
            pages = renderer.paper_pages(catalogue.papers, parts)  # empties ``parts``
            files.update(pages)
            files["papers.json"] = papers_json(catalogue, texts)
            note.append(f"{len(pages)} paper pages and papers.json")
        with timer.stage("map") as note:
            files.update(utf8(map_page_files(renderer)))
            payload = map_points_payload(renderer)

            def points() -> str:
                return points_json(payload, layout.result() if layout else [])

            if defer is None:
                files["map/points.json"] = points().encode()
                note.append(f"{len(catalogue.papers)} points")
            else:
                defer("map/points.json", points)
                note.append(f"page and titles; {len(catalogue.papers)} points still being laid out")
    finally:
        # Returns at once; the worker ends when the map's projection is done.
        pool.shutdown(wait=defer is None, cancel_futures=False)
    return Generated(catalogue, problems, files, taxonomy.tags, timer.seconds)


MANIFEST = ".manifest.json"


def search_dir(out_dir: Path) -> Path:
    """Where the search documents of ``out_dir``'s pages live (beside it: MkDocs must not copy them)."""
    return out_dir.with_name(out_dir.name + "-search")


CODE = Path(__file__).parent


def input_fingerprint(dumps_dir: Path, taxonomy_path: Path, settings: dict[str, str]) -> str:
    """A hash of everything generation reads: dumps, taxonomy, the generator's own code, settings."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    inputs = [*dump_files(dumps_dir), taxonomy_path, *sorted(CODE.rglob("*.py")), *sorted(CODE.rglob("*.j2"))]
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What MkDocs needs of a generation run, kept beside its files so a no-op run can skip it."""

    fingerprint: str
    files: tuple[str, ...]
    edit: dict[str, str]  # paper page -> the dump it was last seen in
    tags: dict[str, str]  # tag name -> slug

    @classmethod
    def of(cls, generated: Generated, fingerprint: str, later: Sequence[str] = ()) -> Manifest:
        """``later``: files still being made, written to ``out_dir`` when they are done."""
        assert generated.catalogue is not None
        edit = {f"papers/{p.slug}.md": p.sources[-1].dump for p in generated.catalogue.papers}
        files = (*generated.files, *later)
        return cls(fingerprint, files, edit, {tag.name: tag.slug for tag in generated.tags})

    @classmethod
    def load(cls, out_dir: Path) -> Manifest | None:
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            return cls(data["fingerprint"], tuple(data["files"]), data["edit"], data["tags"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, out_dir: Path) -> None:
        data = {"fingerprint": self.fingerprint, "files": self.files, "edit": self.edit, "tags": self.tags}
        write_if_changed(out_dir / MANIFEST, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def complete(self, out_dir: Path) -> bool:
        return all((out_dir / name).is_file() for name in self.files) and search_dir(out_dir).is_dir()


@dataclass
class Handoff:
    """What a build (the MkDocs plugin) takes from ``regenerate`` instead of waiting for it.

    - ``sources``: every generated page (``*.md``, UTF-8), for MkDocs to take from memory;
      the pages are written to disk meanwhile, in a thread.
    - ``pending``: files whose input the worker is still computing (the map's coordinates),
      by path: each function waits, writes the file into the generated folder and returns
      its text for the site.
    - ``finish``: call it, after ``pending``, before the build ends: it waits for the page
      writes and only then saves the manifest, so an interrupted build regenerates.
    """

    sources: dict[str, bytes] = field(default_factory=dict)
    pending: dict[str, Callable[[], str]] = field(default_factory=dict)
    finish: Callable[[], None] = lambda: None


def regenerate(
    dumps_dir: Path,
    out_dir: Path,
    taxonomy_path: Path | None = None,
    *,
    site_name: str = "Papers",
    site_url: str = "",
    root: Path | None = None,
    timer: Timer | None = None,
    search_ready: Callable[[Path, dict[str, str] | None], None] | None = None,
    handoff: Handoff | None = None,
) -> tuple[Manifest | None, tuple[Problem, ...]]:
    """Generate into ``out_dir`` unless nothing it reads changed since the last run.

    Returns the manifest of the files in ``out_dir``, or None and the problems that
    stopped generation. ``search_ready`` gets the folder of search documents
    (``search_dir``): when generation runs, as soon as papers are tagged and with the
    documents to write there (Pagefind's process does); when nothing changed, at once and
    with None. Without it, the documents are written with the other files. With a
    ``handoff``, generation returns before its pages are on disk and before the map is laid
    out (``Handoff``).
    """
    timer = timer or Timer()
    taxonomy_path = taxonomy_path or default_path()
    with timer.stage("inputs") as note:
        fingerprint = input_fingerprint(
            dumps_dir, taxonomy_path, {"site_name": site_name, "site_url": site_url}
        )
        manifest = Manifest.load(out_dir)
        unchanged = (
            manifest is not None and manifest.fingerprint == fingerprint and manifest.complete(out_dir)
        )
        note.append(f"unchanged, {len(manifest.files)} generated files reused" if unchanged else "changed")
    if unchanged:
        if search_ready is not None:
            search_ready(search_dir(out_dir), None)
        return manifest, ()
    documents: dict[str, str] = {}  # search documents this function writes itself

    def tagged(docs: dict[str, str]) -> None:
        if search_ready is not None:
            search_ready(search_dir(out_dir), docs)
        else:
            documents.update(docs)

    pending: dict[str, Callable[[], str]] = {}
    generated = generate(
        dumps_dir,
        taxonomy_path,
        site_name=site_name,
        site_url=site_url,
        root=root,
        timer=timer,
        on_search_documents=tagged,
        defer=pending.__setitem__ if handoff is not None else None,
    )
    if generated.errors:
        return None, generated.problems
    # Until every file is written, no run may take this folder for a finished generation.
    (out_dir / MANIFEST).unlink(missing_ok=True)
    manifest = Manifest.of(generated, fingerprint, later=tuple(pending))
    if search_ready is None:
        with timer.stage("documents") as note:
            search_dir(out_dir).mkdir(parents=True, exist_ok=True)  # Pagefind wants it, papers or not
            report = sync_tree(search_dir(out_dir), documents)
            note.append(f"{report.written} search documents written, {report.unchanged} unchanged")
    if handoff is None:
        write(generated, out_dir, timer)
        manifest.save(out_dir)
        return manifest, generated.problems

    pages = {path: content for path, content in generated.files.items() if path.endswith(".md")}
    with timer.stage("write") as note:
        # What MkDocs copies as it is (data, feeds) must be on disk before it starts.
        now = write_files(out_dir, {p: t for p, t in generated.files.items() if p not in pages})
        note.append(
            f"{now.written} files written, {now.unchanged} unchanged; {len(pages)} pages beside MkDocs"
        )
    page_writer = ThreadPoolExecutor(1, thread_name_prefix="pages")
    pages_written = page_writer.submit(write_files, out_dir, pages)
    page_writer.shutdown(wait=False)

    def finish() -> None:
        start = time.perf_counter()
        report = pages_written.result()
        removed = prune(out_dir, {*manifest.files, MANIFEST})
        manifest.save(out_dir)
        timer.report(
            f"pages on disk: {report.written} written, {report.unchanged} unchanged, {removed} removed "
            f"(waited {time.perf_counter() - start:.2f} s after MkDocs)"
        )

    handoff.sources.update(pages)
    handoff.pending.update(
        (path, functools.partial(finish_later, out_dir / path, produce)) for path, produce in pending.items()
    )
    handoff.finish = finish
    return manifest, generated.problems


def finish_later(path: Path, produce: Callable[[], str]) -> str:
    """Wait for a file ``regenerate`` left pending, write it and return its text."""
    content = produce()
    write_if_changed(path, content.encode("utf-8"))
    return content


def write(generated: Generated, out_dir: Path, timer: Timer | None = None) -> WriteReport:
    timer = timer or Timer()
    with timer.stage("write") as note:
        report = sync_tree(out_dir, generated.files, keep={MANIFEST})
        note.append(f"{report.written} written, {report.unchanged} unchanged, {report.removed} removed")
    return report
