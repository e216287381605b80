"""A full date for every dump, for the formats that need one, and never an invented one.

A dump's pages show the date its papers page had ("May 28", with the year when the file name
gives it). Atom's ``updated`` and ``published`` and the sitemap's ``lastmod`` need a year, so
each dump also gets a full date: the first of these that is known, all of them true.

1. **The papers page's date**, when the file name has the year (``0001_2025-05-28.txt``).
2. **The date the file was added to the repository**: the commit date of the commit that added
   it (``git log --diff-filter=A --format=%cI -- dumps/FILE``), read in one ``git log`` per
   folder. The same checkout gives the same dates. A shallow clone does not know when a file
   older than its history was added (``actions/checkout`` fetches one commit unless told
   ``fetch-depth: 0``, as the workflows do): such files go on to 3.
3. **The file's modification time**: true of the copy at hand (a tarball keeps it); a new copy
   of the file, or an edit, changes it.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from generator.model import DumpDate

log = logging.getLogger(__name__)

GIT_TIMEOUT = 60


def full_dates(dumps: Mapping[Path, DumpDate | None]) -> dict[str, datetime]:
    """Each dump's full date (UTC), by file name; ``dumps``: each file and the date it shows."""
    found = {path.name: named(date) for path, date in dumps.items() if date and date.year is not None}
    folders = sorted({path.parent for path in dumps if path.name not in found})
    for folder in folders:
        added, hidden = git_added(folder)
        for path in dumps:
            if path.parent == folder and path.name not in found:
                when = added.get(path.name) or modified(path)
                if when is not None:
                    found[path.name] = when
                if path.name in hidden:
                    log.warning(
                        "%s: this shallow clone does not say when it was added; its date is the "
                        "file's modification time (fetch the whole history: git fetch --unshallow)",
                        path,
                    )
    return found


def named(date: DumpDate) -> datetime:
    """Midnight UTC of a date with its year."""
    assert date.year is not None
    return datetime(date.year, date.month, date.day, tzinfo=UTC)


def modified(path: Path) -> datetime | None:
    """The file's modification time, to the second; None for a file that cannot be read."""
    try:
        return datetime.fromtimestamp(int(path.stat().st_mtime), UTC)
    except OSError:
        return None


def git_added(folder: Path) -> tuple[dict[str, datetime], set[str]]:
    """When git's history says each file of ``folder`` was added (its latest addition), by
    name; nothing outside a repository or without git. Files a shallow clone's oldest commits
    show as added are left out, and named apart: there every file looks added."""
    try:
        boundary: set[str] = set()
        if _git(folder, "rev-parse", "--is-shallow-repository").strip() == "true":
            shallow = folder / _git(folder, "rev-parse", "--git-path", "shallow").strip()
            boundary = set(shallow.read_text(encoding="utf-8").split())
        out = _git(
            folder,
            *("log", "--diff-filter=A", "--no-renames", "--relative", "-z"),
            *("--format=%x01%H %cI", "--name-only", "--", "."),
        )
    except (OSError, subprocess.SubprocessError):
        return {}, set()
    added: dict[str, datetime] = {}
    hidden: set[str] = set()
    commit, when = "", None
    for token in out.split("\0"):
        if token.startswith("\x01"):
            commit, stamp = token[1:].split(" ", 1)
            when = datetime.fromisoformat(stamp).astimezone(UTC)
        elif token.strip("\n") and when is not None:
            name = token.lstrip("\n")
            if commit in boundary:
                hidden.add(name)
            elif "/" not in name:
                added.setdefault(name, when)  # newest first: the file as it is now
    return added, hidden - added.keys()


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=GIT_TIMEOUT,
    ).stdout
