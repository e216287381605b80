"""Atomic writes: an interrupted or failed write never leaves half a file, and a folder is
synced to exactly what was generated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.output import writer


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "papers" / "x.md"
    writer.write_atomic(page, b"old page\n")

    real_fdopen = os.fdopen

    class Interrupted(Exception):
        pass

    def half_write(fd: int, mode: str = "r", *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        handle = real_fdopen(fd, mode, *args, **kwargs)
        real_write = handle.write

        def write(data: bytes) -> int:
            real_write(data[: len(data) // 2])
            handle.flush()
            raise Interrupted("disk full halfway")

        handle.write = write
        return handle

    monkeypatch.setattr(writer.os, "fdopen", half_write)
    with pytest.raises(Interrupted):
        writer.write_atomic(page, b"new page, much longer than the old one\n")
    assert page.read_bytes() == b"old page\n"
    assert sorted(p.name for p in page.parent.iterdir()) == ["x.md"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "x.md"
    writer.write_atomic(page, b"old\n")

    def fail(*args: object) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(writer.os, "replace", fail)
    with pytest.raises(OSError, match="rename failed"):
        writer.write_if_changed(page, b"new\n")
    assert page.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]


def test_sync_tree_removes_what_is_no_longer_generated_and_keeps_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "generated"
    writer.sync_tree(root, {"index.md": "home\n", "papers/a.md": "a\n", "tags/x/index.md": "x\n"})
    (root / ".manifest.json").write_text("{}")
    before = (root / "index.md").stat().st_mtime_ns

    report = writer.sync_tree(root, {"index.md": "home\n", "papers/b.md": "b\n"}, keep={".manifest.json"})

    assert report == writer.WriteReport(written=1, unchanged=1, removed=2)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        ".manifest.json",
        "index.md",
        "papers",
        "papers/b.md",
    ]  # the emptied tags/x/ and tags/ are gone too
    assert (root / "index.md").stat().st_mtime_ns == before


def test_an_interrupted_write_of_a_new_file_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "papers" / "new.md"
    real_fdopen = os.fdopen

    def failing(fd: int, mode: str = "r", *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        handle = real_fdopen(fd, mode, *args, **kwargs)

        def write(data: bytes) -> int:
            raise OSError("disk full")

        handle.write = write
        return handle

    monkeypatch.setattr(writer.os, "fdopen", failing)
    with pytest.raises(OSError, match="disk full"):
        writer.write_if_changed(page, b"a new page\n")
    assert list(page.parent.iterdir()) == []
