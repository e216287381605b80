"""What one ``mkdocs serve`` process keeps between rebuilds, so a rebuild works only on what
changed: each per-dump and per-paper result by its input, and the files last written.

The pipeline asks a memo for every per-item result (``Memo.get``); ``NoMemo`` computes each
one, as a build does; ``Memo`` answers from the last run when the input is the same. It is
held in memory by the plugin's long-lived object, so nothing stale survives the process,
and a run keeps only what it used: the memo holds one catalogue's worth.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")


MISSING: Any = object()


class HashedKey:
    """A key that keeps its hash: a dict hashes a key on every lookup and insertion."""

    __slots__ = ("key", "hash")

    def __init__(self, key: Hashable) -> None:
        self.key = key
        self.hash = hash(key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HashedKey) and self.hash == other.hash and self.key == other.key


class NoMemo:
    """Every result computed: a build, the command line, the tests."""

    incremental = False
    """Whether this run can build on the last one."""
    written: Mapping[str, bytes] = MappingProxyType({})
    """The files the last run wrote."""

    def begin(self, context: Hashable) -> None:
        pass

    def get(self, stage: str, key: Hashable, compute: Callable[[], T]) -> T:
        return compute()

    def get_by(self, stage: str, key: Callable[[], Hashable], compute: Callable[[], T]) -> T:
        """``get`` with a key that costs something to make: made only where it is used."""
        return compute()

    def keep(self, name: str, make: Callable[[], T]) -> T:
        """An object that lives as long as the memo (made afresh here)."""
        return make()

    def changed(self, files: Mapping[str, bytes]) -> dict[str, bytes]:
        return dict(files)

    def wrote(self, files: Mapping[str, bytes], changed: Iterable[str] = ()) -> None:
        pass

    def end(self) -> None:
        pass


class Memo(NoMemo):
    """Results by stage and input, kept from one run to the next within one process.

    ``begin`` starts a run and forgets everything when ``context`` (the taxonomy, the
    settings) changed; ``end`` closes a successful run: what it did not use is dropped.
    A run that fails keeps both its results and the last run's.
    """

    def __init__(self) -> None:
        self.context: Hashable = None
        self.forget()

    def forget(self) -> None:
        self.last: dict[str, dict[Hashable, Any]] = {}
        self.now: dict[str, dict[Hashable, Any]] = {}
        self.written: dict[str, bytes] = {}
        self.fresh: frozenset[str] = frozenset()  # the files the last write changed
        self.kept: dict[str, Any] = {}
        self.runs = 0

    @property
    def incremental(self) -> bool:  # type: ignore[override]
        """Whether this run can build on the last one."""
        return self.runs > 0

    def begin(self, context: Hashable) -> None:
        if context != self.context:
            self.forget()
            self.context = context
        for stage, results in self.now.items():
            self.last.setdefault(stage, {}).update(results)
        self.now = {}

    def get(self, stage: str, key: Hashable, compute: Callable[[], T]) -> T:
        """The last run's result, else this run's, else computed. A key is hashed twice when
        the last run had it (most keys of a rebuild), three times when not: a paper's hash
        is a Python call, and a rebuild asks for some 300,000 keys."""
        last = self.last.get(stage)
        value = last.pop(key, MISSING) if last else MISSING
        now = self.now.get(stage)
        if now is None:
            now = self.now[stage] = {}
        if value is MISSING:
            value = now.get(key, MISSING)
            if value is not MISSING:
                return value
            value = compute()
        now[key] = value
        return value

    def get_by(self, stage: str, key: Callable[[], Hashable], compute: Callable[[], T]) -> T:
        """``get`` with a key hashed once (``HashedKey``): a listing page's key holds its
        hundreds of entries."""
        return self.get(stage, HashedKey(key()), compute)

    def keep(self, name: str, make: Callable[[], T]) -> T:
        """An object kept between runs under ``name`` (made on first use): what an
        incremental step grows from (the related lists' model, the names' matches)."""
        if name not in self.kept:
            self.kept[name] = make()
        return self.kept[name]

    def changed(self, files: Mapping[str, bytes]) -> dict[str, bytes]:
        """The files whose content differs from what the last run wrote (all, the first time)."""
        written = self.written
        return {
            path: data
            for path, data in files.items()
            if (old := written.get(path)) is not data and old != data
        }

    def end(self) -> None:
        self.last = {}
        self.runs += 1

    def wrote(self, files: Mapping[str, bytes], changed: Iterable[str] = ()) -> None:
        """Remember the files as written (the next run compares with them, not with the disk)
        and which of them changed (``fresh``)."""
        self.written = dict(files)
        self.fresh = frozenset(changed)


class PausedCollector:
    """The cyclic garbage collector paused for a serve rebuild and resumed a little after it.

    A rebuild allocates hundreds of thousands of objects, and each full collection during it
    walks the millions the memo keeps; what a rebuild leaves is freed by reference counting
    as it goes, but for a few cycles (views, template contexts, MkDocs' pages). Resumed at
    once, the collector walked them all before MkDocs' server could reload the browser (0.3 s
    on the corpus); so a serve resumes it ``RESUME_AFTER`` seconds later, in a thread, while
    the server waits for the next edit (a rebuild that starts sooner keeps it paused)."""

    RESUME_AFTER = 2.0

    def __init__(self) -> None:
        self.paused = False
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def pause(self) -> None:
        with self.lock:
            if self.timer is not None:  # the last rebuild's pause goes on
                self.timer.cancel()
                self.timer = None
            elif gc.isenabled():
                gc.disable()
                self.paused = True

    def resume(self, later: bool = False) -> None:
        """The collector as it was before ``pause``: at once, or ``later`` (serving)."""
        with self.lock:
            if not self.paused or self.timer is not None:
                return
            if not later:
                gc.enable()
                self.paused = False
                return
            self.timer = threading.Timer(self.RESUME_AFTER, self.resume_now)
            self.timer.daemon = True
            self.timer.start()

    def resume_now(self) -> None:
        with self.lock:
            if self.timer is None:  # cancelled: a rebuild began
                return
            self.timer = None
            gc.enable()
            self.paused = False
        gc.collect()
