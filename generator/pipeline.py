"""The pipeline, in one direction: ingest -> enrich -> site. ``generate`` is all of it.

Everything is gathered first and returned as files; nothing written is read back. The plugin,
the command line, the tests and the benchmarks all call ``generate`` (through ``rebuild`` when
a generated folder is kept between runs). Where the slow enrichments run is ``workers.py``'s.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from generator import workers
from generator.enrich import clean
from generator.enrich.taxonomy import Tag, Taxonomy, Topic, default_path, load_taxonomy
from generator.ingest.catalogue import Catalogue, base_slug, build_catalogue, title_key
from generator.ingest.parse import ParseResult, dump_files, parse_dump, read_dumps
from generator.memo import Memo, NoMemo
from generator.model import Link, Mention, Paper, Problem

T = TypeVar("T")
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
class Settings:
    """What the site's configuration tells generation."""

    site_name: str = "Papers"
    site_url: str = ""


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Generated:
    """What one run produced: the catalogue, every problem, every file (as UTF-8), and the
    files still being made (``pending``: each function waits for its file and returns it)."""

    catalogue: Catalogue | None
    problems: tuple[Problem, ...]
    files: dict[str, bytes]
    tags: tuple[Tag, ...]
    timings: dict[str, float]
    pending: dict[str, Callable[[], bytes]] = field(default_factory=dict)
    topics: tuple[Topic, ...] = ()
    first_step: bool = False  # only what shows the changed dumps: see ``generate``

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


SearchDocuments = Callable[[dict[str, str]], None]
"""Called with Pagefind's documents (path -> HTML) as soon as papers are tagged."""


def generate(
    dumps_dir: Path,
    taxonomy_path: Path | None = None,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    root: Path | None = None,
    timer: Timer | None = None,
    enrichments: Callable[[workers.Docs], workers.Enrichments] = workers.InProcess,
    on_search_documents: SearchDocuments | None = None,
    memo: NoMemo | None = None,
    first_step: bool = False,
) -> Generated:
    """Everything the site needs from ``dumps_dir``. On any error in the dumps nothing is made:
    a site silently short of a paper of a valid dump is worse than no new site.

    ``memo`` answers each per-dump and per-paper step from the last run where its input is
    the same (``mkdocs serve``); by default every one is computed. ``first_step``: a serve's
    rebuild that makes only what shows the changed dumps (``dumps_first``)."""
    from generator import site  # the renderer and its libraries load only when something changed
    from generator.enrich.documents import paper_text

    timer = timer or Timer()
    taxonomy_path = taxonomy_path or default_path()
    memo = memo or NoMemo()
    memo.begin((settings, taxonomy_path.read_bytes()))
    catalogue, problems = parsed(dumps_dir, root, timer, memo)
    taxonomy = memo.keep(
        "taxonomy", partial(load_taxonomy, taxonomy_path)
    )  # a TaxonomyError names file and key
    if any(problem.severity == "error" for problem in problems):
        return Generated(None, problems, {}, taxonomy.tags, timer.seconds)
    texts = shown_texts(catalogue, timer, memo)
    slow = enrichments([(slug, paper_text(*texts[slug])) for slug in texts])
    try:
        catalogue = tag(catalogue, taxonomy, timer, texts, memo)
        if on_search_documents is not None:
            on_search_documents(site.search_documents(catalogue, taxonomy.tags, texts))  # areas and topics
        first = dumps_first(catalogue, memo) if first_step else None
        catalogue = mention(catalogue, timer, memo, first_step=first is not None)
        builder = site.SiteBuilder(catalogue, taxonomy.tags, texts, settings, timer, memo, taxonomy.topics)
        files = builder.listings(first_only=first is not None)
        catalogue = relate(catalogue, slow, timer, memo)
        if first is not None:
            files.update(builder.papers(catalogue, only_dumps=first))
            slow.close()
            return Generated(
                catalogue, problems, files, taxonomy.tags, timer.seconds, {}, taxonomy.topics, True
            )
        files.update(builder.papers(catalogue))
        pending = {"map/points.json.gz": builder.map(files, slow.layout)}
    except BaseException:
        slow.close()
        raise
    finally:
        clean.forget_cleaned()  # the texts' clean-ups, kept for this generation's stages
    remember_complete(catalogue, memo)
    memo.end()
    return Generated(catalogue, problems, files, taxonomy.tags, timer.seconds, pending, taxonomy.topics)


COMPLETE_DUMPS = "complete dumps"
"""The memo's dumps as its last complete run read them, by name."""


def parsed(
    dumps_dir: Path, root: Path | None, timer: Timer, memo: NoMemo
) -> tuple[Catalogue, tuple[Problem, ...]]:
    """The parse stage: every dump read and merged (``read_catalogue``), timed and counted."""
    with timer.stage("parse") as note:
        catalogue, problems = read_catalogue(dumps_dir, root, memo)
        entries = sum(len(dump.entries) for dump in catalogue.dumps)
        note.append(f"{len(catalogue.dumps)} dumps, {entries} entries, {len(catalogue.papers)} papers")
    return catalogue, problems


def remember_complete(catalogue: Catalogue, memo: NoMemo) -> None:
    """The dumps of a complete run, for the next run's ``dumps_first``."""
    kept = memo.keep(COMPLETE_DUMPS, dict)
    kept.clear()
    kept.update((dump.name, dump) for dump in catalogue.dumps)


def shown_texts(catalogue: Catalogue, timer: Timer, memo: NoMemo) -> dict[str, tuple[str, str]]:
    """Each paper's title and abstract as shown, by slug (``site.clean_text``)."""
    from generator.site import clean_text

    with timer.stage("clean") as note:
        texts = {
            p.slug: memo.get("clean", (p.title, p.abstract), partial(clean_text, p)) for p in catalogue.papers
        }
        note.append(f"{len(texts)} titles and abstracts")
    return texts


def dumps_first(catalogue: Catalogue, memo: NoMemo) -> frozenset[str] | None:
    """The names of the dumps a serve's first step shows: those the memo's last complete run
    did not read as they are now. A first step makes only their papers' pages, the dumps'
    pages, the home page, the tags' and topics' pages (``Generated.first_step``), and leaves
    the memo's run open, so the next run, complete, makes the rest from it. None, for a
    complete run, when there was no such run, a dump went away or none changed (a
    taxonomy's edit starts the memo afresh)."""
    last = memo.keep(COMPLETE_DUMPS, dict)
    if not last or not last.keys() <= {dump.name for dump in catalogue.dumps}:
        return None
    return frozenset(dump.name for dump in catalogue.dumps if last.get(dump.name) != dump) or None


def read_catalogue(
    dumps_dir: Path, root: Path | None = None, memo: NoMemo | None = None
) -> tuple[Catalogue, tuple[Problem, ...]]:
    """Parse every dump of a folder and merge them; problems are reported, not raised.
    With a memo, a dump whose bytes did not change is not parsed again, and a paper the same as
    in the last run is the last run's object; so is each stage's paper after it (tagged,
    mentioning, related) where its inputs are the same, and every later key holding a paper
    is found by identity (a paper's hash is computed once)."""
    if not isinstance(memo, Memo):
        return merge(dumps_dir, read_dumps(dump_files(dumps_dir), root))
    results = read_dumps(dump_files(dumps_dir), root, partial(parse_remembered, memo))
    catalogue, problems = merge(
        dumps_dir, results, remembered(memo, "title key", title_key), remembered(memo, "slug", base_slug)
    )
    return replace(
        catalogue, papers=tuple(memo.get("paper", p, partial(same, p)) for p in catalogue.papers)
    ), problems


def same(value: T) -> T:
    return value


def remembered(memo: NoMemo, stage: str, function: Callable[..., T]) -> Callable[..., T]:
    """``function`` answered from the memo where its arguments are the same."""
    return lambda *args: memo.get(stage, args, partial(function, *args))


def merge(
    dumps_dir: Path, results: list[ParseResult], *functions: Callable[..., str]
) -> tuple[Catalogue, tuple[Problem, ...]]:
    """The parsed dumps as one catalogue (``functions``: ``build_catalogue``'s own), and their problems."""
    problems = tuple(problem for result in results for problem in result.problems)
    if not results:
        problems += (Problem(str(dumps_dir), 1, "no dumps: the folder holds no *.txt file"),)
    return build_catalogue([result.dump for result in results], *functions), problems


def parse_remembered(memo: NoMemo, path: Path, shown: str) -> ParseResult:
    """A dump parsed, or its last parse when its bytes are the same."""
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return parse_dump(path, shown)  # the parser reports it
    return memo.get("parse", (path.name, shown, digest), partial(parse_dump, path, shown))


def tag(
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    timer: Timer,
    texts: dict[str, tuple[str, str]],
    memo: NoMemo | None = None,
) -> Catalogue:
    """Each paper's areas and topics (from its clean title and abstract) and the links in its abstract."""
    memo = memo or NoMemo()

    def labels_and_links(paper: Paper) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Link, ...]]:
        tags, topics = taxonomy.classify(*texts[paper.slug])
        return tuple(tags), tuple(topics), clean.extract_links(paper.abstract)

    def tagged(paper: Paper) -> Paper:
        found = memo.get("tags", (paper.title, paper.abstract), partial(labels_and_links, paper))
        return replace(paper, tags=found[0], topics=found[1], links=found[2])

    with timer.stage("tags") as note:
        papers = tuple(memo.get("tagged", paper, partial(tagged, paper)) for paper in catalogue.papers)
        note.append(
            f"{sum(1 for p in papers if p.tags)} of {len(papers)} papers tagged, "
            f"{sum(1 for p in papers if p.topics)} with a topic, {sum(1 for p in papers if p.links)} with links"
        )
    return replace(catalogue, papers=papers)


def mention(
    catalogue: Catalogue, timer: Timer, memo: NoMemo | None = None, first_step: bool = False
) -> Catalogue:
    """Each paper's mentions of other papers' method names, and who mentions it. A serve's
    ``first_step`` leaves the known texts unscanned for the new names (``KeptScan``): the
    pages it shows miss only the older papers that mention a new one, until the next run."""
    from generator.enrich.mentions import find_mentions, means_something_else, mentioned_by
    from generator.enrich.mentions_update import KeptScan

    memo = memo or NoMemo()
    with timer.stage("mentions") as note:
        shown = [
            (p.slug, p.title, memo.get("tex", p.abstract, partial(clean.clean_tex, p.abstract)))
            for p in catalogue.papers
        ]
        scan, judge = memo.keep("mentions", KeptScan), remembered(memo, "judge", means_something_else)
        scan = partial(scan, new_only=True) if first_step else scan
        mentions = find_mentions(shown, {p.slug: p.tags for p in catalogue.papers}, scan, judge)
        backlinks = mentioned_by(mentions)
        note.append(f"{sum(len(v) for v in mentions.values())} mentions")

    def mentioned(paper: Paper, found: tuple[Mention, ...], by: tuple[str, ...]) -> Paper:
        return memo.get(
            "mentioned", (paper, found, by), partial(replace, paper, mentions=found, mentioned_by=by)
        )

    papers = tuple(
        mentioned(p, tuple(mentions.get(p.slug, ())), tuple(backlinks.get(p.slug, ())))
        for p in catalogue.papers
    )
    return replace(catalogue, papers=papers)


def relate(
    catalogue: Catalogue, slow: workers.Enrichments, timer: Timer, memo: NoMemo | None = None
) -> Catalogue:
    """The catalogue with each paper's related list, once the enrichments have them, and
    the closest papers beyond the lists (``Catalogue.further``)."""
    memo = memo or NoMemo()
    with timer.stage("related") as note:
        related, further = slow.related()
        papers = tuple(
            memo.get("related paper", (p, found), partial(replace, p, related=found))
            for p, found in ((p, tuple(related.get(p.slug, ()))) for p in catalogue.papers)
        )
        note.append(f"{sum(len(v) for v in related.values())} links between {len(papers)} papers")
    return replace(catalogue, papers=papers, further=further)
