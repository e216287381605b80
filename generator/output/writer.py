"""All file output: files whose content did not change are left alone, an existing file is
replaced atomically, a new one written in place."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so no reader ever sees half a file.

    The temporary name is fixed per process (``.NAME.PID.tmp`` beside the file): unlike
    ``mkstemp`` it costs no extra system calls, which adds up over 57,000 files.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        try:
            fd = os.open(tmp, flags, 0o644)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, flags, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def in_thread(name: str, function: Callable[..., T], *args: object) -> Future[T]:
    """``function(*args)`` in a thread of its own, named ``name``, which ends with it: files
    written or compressed while the build goes on (their system calls and libdeflate let go of
    the interpreter)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix=name)
    done = pool.submit(function, *args)
    pool.shutdown(wait=False)
    return done


def make_folders(folders: Iterable[Path]) -> Future[None]:
    """Create ``folders`` in a thread. A first build writes each of tens of thousands of pages
    into a folder of its own (``papers/<slug>/index.html``), and MkDocs makes each one on its
    own thread as it writes the page: a tenth of a millisecond per folder, while the creating
    system calls let the interpreter go on rendering."""

    def make() -> None:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)

    return in_thread("folders", make)


def write_new(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data``; False (and nothing written) when it already exists.

    A new file needs no temporary and rename: no reader has an old version to keep, and
    a write that fails removes what it began; a first build writes tens of thousands.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError:
            return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds exactly it; True when written.

    An existing file is replaced atomically (``write_atomic``), so no reader ever sees it
    half written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        if write_new(path, data):
            return True
    write_atomic(path, data)
    return True


def sync_tree(
    root: Path, files: Mapping[str, str | bytes], keep: frozenset[str] | set[str] = frozenset()
) -> WriteReport:
    """Make ``root`` hold exactly ``files`` (relative POSIX path -> text or UTF-8).

    Unchanged files keep their modification time, so watchers and MkDocs see only real
    changes; files no longer produced are removed, and folders left empty with them.
    """
    existed = root.is_dir()
    report = write_files(root, files)
    # A folder that did not exist holds nothing stale: no need to walk 57,000 new files.
    removed = prune(root, set(files) | set(keep)) if existed else 0
    return WriteReport(report.written, report.unchanged, removed)


def write_files(root: Path, files: Mapping[str, str | bytes]) -> WriteReport:
    """Write each of ``files`` (relative POSIX path -> text or UTF-8) under ``root`` where it changed."""
    written = unchanged = 0
    for rel, content in files.items():
        if write_if_changed(root / rel, content if isinstance(content, bytes) else content.encode()):
            written += 1
        else:
            unchanged += 1
    return WriteReport(written, unchanged, 0)


def prune(root: Path, wanted: set[str]) -> int:
    """Remove files under ``root`` not in ``wanted`` (relative POSIX paths), then the folders
    that leaves empty; returns how many files went. One ``scandir`` per folder."""
    removed = 0

    def walk(folder: str, prefix: str) -> bool:
        """Prune ``folder``; True when it is left empty."""
        nonlocal removed
        empty = True
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, rel + "/"):
                        os.rmdir(entry.path)
                    else:
                        empty = False
                elif rel in wanted:
                    empty = False
                else:
                    os.unlink(entry.path)
                    removed += 1
        return empty

    if root.is_dir():
        walk(str(root), "")
    return removed
