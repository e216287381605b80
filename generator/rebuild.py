"""The generated folder kept between builds: regenerate only when an input changed, write only
what changed, and hand a build its pages from memory while they are written.

The folder holds a manifest (``MANIFEST``) naming its files and a fingerprint of every input;
the manifest is removed before any file is written and saved after the last one, so a build
interrupted at any moment regenerates on the next run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator import workers
from generator.enrich.taxonomy import default_path
from generator.ingest.parse import dump_files
from generator.memo import NoMemo
from generator.model import Problem
from generator.output.writer import in_thread, prune, sync_tree, write_files, write_if_changed
from generator.pipeline import DEFAULT_SETTINGS, Generated, Settings, Timer, generate

MANIFEST = ".manifest.json"
CODE = Path(__file__).parent


def search_dir(out_dir: Path) -> Path:
    """Where the search documents of ``out_dir``'s pages live (beside it: MkDocs must not copy them)."""
    return out_dir.with_name(out_dir.name + "-search")


def serve_dir(out_dir: Path) -> Path:
    """Where ``make serve``'s first step asks for the rest (``SECOND_STEP``, a file its server
    watches), beside ``out_dir``."""
    return out_dir.with_name(out_dir.name + "-serve")


SECOND_STEP = "second-step"
"""Written by a serve's first step (``Manifest.first_step``): the server rebuilds, complete."""


def map_dir(out_dir: Path) -> Path:
    """Where the map's layout is kept across builds (``layout.stable_layout``), beside ``out_dir``."""
    return out_dir.with_name(out_dir.name + "-map")


def input_fingerprint(dumps_dir: Path, taxonomy_path: Path, settings: Settings) -> str:
    """A hash of everything generation reads: dumps, taxonomy, the generator's own code, settings."""
    digest = hashlib.sha256(json.dumps(settings.__dict__, sort_keys=True).encode())
    inputs = [*dump_files(dumps_dir), taxonomy_path, *sorted(CODE.rglob("*.py")), *sorted(CODE.rglob("*.j2"))]
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What MkDocs needs of a generation run, kept beside its files so a no-op run can skip it."""

    fingerprint: str
    files: tuple[str, ...]
    tags: dict[str, str]  # tag name -> slug
    topics: dict[str, str] = field(default_factory=dict)  # topic name -> its page's folder
    first_step: bool = False  # a serve's first step: the last run's files and the ones it made; never saved

    @classmethod
    def of(cls, generated: Generated, fingerprint: str, last: Manifest | None = None) -> Manifest:
        """The manifest of a run; of a first step (``Generated.first_step``), the ``last``
        run's files and the ones the step made, never saved (``write_changed``), so a run
        after it regenerates, even if the server stopped between them."""
        assert generated.catalogue is not None
        files: tuple[str, ...] = (*generated.files, *generated.pending)
        if generated.first_step:
            files = tuple(dict.fromkeys((*(last.files if last else ()), *files)))
        tags = {tag.name: tag.slug for tag in generated.tags}
        topics = {topic.name: topic.path for topic in generated.topics}
        return cls(fingerprint, files, tags, topics, generated.first_step)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest | None:
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            return cls(data["fingerprint"], tuple(data["files"]), data["tags"], data["topics"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, out_dir: Path) -> None:
        data = {
            "fingerprint": self.fingerprint,
            "files": self.files,
            "tags": self.tags,
            "topics": self.topics,
        }
        write_if_changed(out_dir / MANIFEST, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def complete(self, out_dir: Path) -> bool:
        return all((out_dir / name).is_file() for name in self.files) and search_dir(out_dir).is_dir()


@dataclass
class Handoff:
    """What a build (the MkDocs plugin) takes from ``regenerate`` instead of waiting for it.

    - ``sources``: every generated page (``*.md``, UTF-8), for MkDocs to take from memory;
      the pages are written to disk meanwhile, in a thread.
    - ``pending``: files still being made (the map's points), by path: each function waits,
      writes the file into the generated folder and returns its bytes for the site.
    - ``finish``: called after ``pending``, before the build ends: it waits for the page
      writes and only then saves the manifest.
    """

    sources: dict[str, bytes] = field(default_factory=dict)
    pending: dict[str, Callable[[], bytes]] = field(default_factory=dict)
    finish: Callable[[], None] = lambda: None


SearchReady = Callable[[Path, dict[str, str] | None], None]
"""Told where the search documents live, with the documents to write there (None: unchanged)."""


def regenerate(
    dumps_dir: Path,
    out_dir: Path,
    taxonomy_path: Path | None = None,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    root: Path | None = None,
    timer: Timer | None = None,
    search_ready: SearchReady | None = None,
    handoff: Handoff | None = None,
    enrichments: Callable[[workers.Docs], workers.Enrichments] = workers.SecondCore,
    memo: NoMemo | None = None,
    search: bool = True,
    first_step: bool = False,
) -> tuple[Manifest | None, tuple[Problem, ...]]:
    """Generate into ``out_dir`` unless nothing it reads changed since the last run.

    Returns the manifest of ``out_dir``'s files, or None and the problems that stopped
    generation. Without ``search_ready`` the search documents are written with the other
    files; with a ``handoff`` this returns before the pages are on disk (``Handoff``).
    With a ``memo`` (``mkdocs serve``), only the files that changed since its last run are
    written, all before this returns; without ``search`` no search document is made.
    ``first_step`` (a serve's rebuild, with a memo): see ``generate`` and ``Manifest.of``.
    """
    timer = timer or Timer()
    taxonomy_path = taxonomy_path or default_path()
    with timer.stage("inputs") as note:
        fingerprint = input_fingerprint(dumps_dir, taxonomy_path, settings)
        manifest = Manifest.load(out_dir)
        unchanged = (
            manifest is not None and manifest.fingerprint == fingerprint and manifest.complete(out_dir)
        ) and (memo is None or memo.incremental)  # a serve's first run fills its memo
        note.append(f"unchanged, {len(manifest.files)} generated files reused" if unchanged else "changed")
    if unchanged:
        if search_ready is not None:
            search_ready(search_dir(out_dir), None)
        return manifest, ()
    documents: dict[str, str] = {}
    tagged = functools.partial(search_ready, search_dir(out_dir)) if search_ready else documents.update
    generated = generate(
        dumps_dir, taxonomy_path, settings=settings, root=root, timer=timer,
        enrichments=functools.partial(enrichments, map_cache=map_dir(out_dir)),
        on_search_documents=tagged if search else None, memo=memo,
        first_step=first_step and memo is not None and manifest is not None,
    )  # fmt: skip
    if generated.errors:
        return None, generated.problems
    (out_dir / MANIFEST).unlink(missing_ok=True)  # no run may take a half-written folder for done
    manifest = Manifest.of(generated, fingerprint, manifest)
    if search_ready is None and search:
        write_search_documents(out_dir, documents, timer)
    if memo is not None:
        write_changed(generated, out_dir, manifest, memo, timer, handoff)
    elif handoff is None:
        write_all(generated, out_dir, manifest, timer)
    else:
        hand_off(generated, out_dir, manifest, handoff, timer)
    return manifest, generated.problems


def write_search_documents(out_dir: Path, documents: dict[str, str], timer: Timer) -> None:
    with timer.stage("documents") as note:
        search_dir(out_dir).mkdir(parents=True, exist_ok=True)  # Pagefind wants it, papers or not
        report = sync_tree(search_dir(out_dir), documents)
        note.append(f"{report.written} search documents written, {report.unchanged} unchanged")


def write_all(generated: Generated, out_dir: Path, manifest: Manifest, timer: Timer) -> None:
    """Every file, the pending ones once made, then the manifest."""
    files = {**generated.files, **{path: make() for path, make in generated.pending.items()}}
    with timer.stage("write") as note:
        report = sync_tree(out_dir, files, keep={MANIFEST})
        note.append(f"{report.written} written, {report.unchanged} unchanged, {report.removed} removed")
    manifest.save(out_dir)


def write_changed(
    generated: Generated,
    out_dir: Path,
    manifest: Manifest,
    memo: NoMemo,
    timer: Timer,
    handoff: Handoff | None = None,
) -> None:
    """Every file the memo's last run did not write as it is now, then the manifest. Without
    a ``handoff`` all are on disk when this returns: a dirty ``mkdocs serve`` finds the
    changed pages newer than their output. With one, MkDocs takes the changed files from
    ``handoff.sources`` while a thread writes them, and ``handoff.finish`` waits for it."""
    files = {**generated.files, **{path: make() for path, make in generated.pending.items()}}
    last = memo.written
    changed = memo.changed(files)
    memo.wrote({})  # until every file is written: a run stopped midway compares with the disk
    memo.fresh = frozenset(changed)

    def write() -> str:
        report = write_files(out_dir, changed)
        if manifest.first_step:  # the other files are as the last run wrote them
            memo.wrote({**last, **files}, changed)
            return f"{report.written} written first, {len(files) - report.written} unchanged"
        removed = prune(out_dir, {*files, MANIFEST}) if files.keys() != last.keys() else 0
        memo.wrote(files, changed)
        manifest.save(out_dir)
        return f"{report.written} written, {len(files) - report.written} unchanged, {removed} removed"

    if handoff is None:
        with timer.stage("write") as note:
            note.append(write())
        return
    writing = in_thread("changed", write)
    handoff.sources.update(changed)

    def finish() -> None:
        start = time.perf_counter()
        timer.report(f"on disk: {writing.result()} (waited {time.perf_counter() - start:.2f} s after MkDocs)")

    handoff.finish = finish


def hand_off(generated: Generated, out_dir: Path, manifest: Manifest, handoff: Handoff, timer: Timer) -> None:
    """Write what MkDocs copies as it is now, the pages in a thread, and fill ``handoff``."""
    pages = {path: content for path, content in generated.files.items() if path.endswith(".md")}
    with timer.stage("write") as note:
        now = write_files(out_dir, {p: t for p, t in generated.files.items() if p not in pages})
        note.append(
            f"{now.written} files written, {now.unchanged} unchanged; {len(pages)} pages beside MkDocs"
        )
    pages_written = in_thread("pages", write_files, out_dir, pages)

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
        (path, functools.partial(finish_later, out_dir / path, make))
        for path, make in generated.pending.items()
    )
    handoff.finish = finish


def finish_later(path: Path, make: Callable[[], bytes]) -> bytes:
    """Wait for a file ``regenerate`` left pending, write it and return it."""
    content = make()
    write_if_changed(path, content)
    return content
