"""Contributing dumps: ``add`` files a pasted page under ``dumps/``, ``diff`` says what a change does.

``add_dump`` parses a paste, refuses it with every ``Problem`` when it has errors, and
otherwise writes it in the canonical form of ``format_dump`` under the next number. The
year of its date comes from ``today()``: the only place in the project that reads the clock.

``diff`` compares the catalogue of a git ref with the working tree's: it reads the ref's
dumps through ``git ls-tree`` and ``git cat-file`` and never touches the working tree.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator.ingest.catalogue import Catalogue, build_catalogue, title_key
from generator.ingest.parse import FILE_NUMBER, dump_files, dump_sort_key, format_dump, parse_dump, read_dumps
from generator.model import MONTHS, Dump, DumpDate, Paper, Problem

NEAR_RATIO = 0.9
"""SequenceMatcher ratio of two normalised titles at or above which they may be one paper."""

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "
_OTHER = len(_ALPHABET)
_ASCII_CODES = np.array([_ALPHABET.find(chr(i)) % (_OTHER + 1) for i in range(128)], dtype=np.int64)

LIST_CAP = 100
"""Longest list ``format_diff`` prints before "and N more"."""

_NOT_WORD = re.compile(r"[\W_]+")
# On loose titles: "Foo v2", "Foo (v2).", "Foo version 2", "Foo 2.0" all end up "foo".
_TRAILING_VERSION = re.compile(r"(?: v(?:ersion)? ?\d+(?: \d+)*| \d+(?: \d+)+)$")


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add_dump`` did: the file it wrote, or the problems that refused the paste."""

    written: Path | None
    problems: tuple[Problem, ...]  # errors refuse the paste; warnings are only shown
    date: DumpDate | None = None
    papers: int = 0
    known: int = 0  # papers of the paste already in the dumps folder

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def next_dump_name(dumps_dir: Path, date: datetime.date) -> str:
    """``NNNN_YYYY-MM-DD.txt``: one past the largest leading number of the folder's dumps."""
    numbers = [int(m.group(1)) for p in dump_files(dumps_dir) if (m := FILE_NUMBER.match(p.name))]
    return f"{max(numbers, default=0) + 1:04d}_{date.isoformat()}.txt"


def dated(header: DumpDate, today: datetime.date) -> datetime.date | None:
    """The header's ``Mon D`` in the latest year that does not put it after ``today``.

    A page of Dec 31 pasted on Jan 2 belongs to last year. None for a Feb 29 that no
    recent year has.
    """
    for year in (today.year, today.year - 1):
        try:
            day = datetime.date(year, header.month, header.day)
        except ValueError:
            continue
        if day <= today:
            return day
    return None


def current_date() -> datetime.date:
    """Today: the one place in the project that reads the clock (tests replace it)."""
    return datetime.date.today()


def add_dump(
    source: Path,
    dumps_dir: Path,
    *,
    date: datetime.date | None = None,
    today: Callable[[], datetime.date] | None = None,
    display: str | None = None,
) -> AddResult:
    """Write the paste at ``source`` into ``dumps_dir`` as its next dump, normalised.

    ``date`` (the ``--date`` option) overrides the header's date; without it the header's
    ``Mon D`` is taken in the year of ``today()`` (``current_date`` unless given). Nothing is
    written when the paste has errors.
    """
    shown = display or str(source)
    result = parse_dump(source, shown)
    if result.errors:
        return AddResult(None, result.problems)
    dump = result.dump
    if not dump.entries:
        return AddResult(None, (Problem(shown, 1, "no papers found in the paste"),))
    problems = list(result.problems)
    first_line = min(e.line for e in dump.entries)
    if date is None:
        if dump.date is None:
            message = (
                "no date line: add the page's date (e.g. 'May 28') on a line of its own above the "
                "first title, or give it with --date YYYY-MM-DD"
            )
            return AddResult(None, (*problems, Problem(shown, first_line, message)))
        date = dated(dump.date, (today or current_date)())
        if date is None:
            message = f"no recent year has {dump.date.label}: give the date with --date YYYY-MM-DD"
            return AddResult(None, (*problems, Problem(shown, 1, message)))
    elif dump.date is not None and (dump.date.month, dump.date.day) != (date.month, date.day):
        label = f"{MONTHS[date.month - 1]} {date.day}"
        message = f"the paste says {dump.date.label}; writing {label} as --date asks"
        problems.append(Problem(shown, 1, message, "warning"))
    existing = existing_dumps(dumps_dir)
    same = [other.path for other in existing if entries(other) == entries(dump)]
    if same:
        message = f"{same[0]} already holds exactly these papers: this page was added before"
        return AddResult(None, (*problems, Problem(shown, 1, message)))
    known = known_papers(dump, existing)
    header = DumpDate(None, date.month, date.day)  # the year lives in the file name
    text = format_dump(header, ((e.title, e.abstract) for e in dump.entries))
    target = dumps_dir / next_dump_name(dumps_dir, date)
    try:
        write_new(target, text)
    except FileExistsError:
        return AddResult(None, (*problems, Problem(str(target), 1, "already exists: not overwritten")))
    except OSError as err:
        return AddResult(None, (*problems, Problem(str(target), 1, f"cannot write the dump: {err.strerror}")))
    stored = DumpDate(date.year, date.month, date.day)
    return AddResult(target, tuple(problems), stored, len(dump.entries), known)


def existing_dumps(dumps_dir: Path) -> list[Dump]:
    if not dumps_dir.is_dir():
        return []
    return [result.dump for result in read_dumps(dump_files(dumps_dir))]


def known_papers(dump: Dump, existing: Sequence[Dump]) -> int:
    """How many of the dump's papers the existing dumps already list (they will be merged)."""
    keys = {title_key(e.title) for other in existing for e in other.entries}
    return sum(1 for e in dump.entries if title_key(e.title) in keys)


def write_new(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically, raising FileExistsError rather than overwrite."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".add-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.link(temp, target)  # fails when target exists: never overwrites
    finally:
        os.unlink(temp)


# --- diff -----------------------------------------------------------------------------


class GitError(Exception):
    """A git command failed; the message says which and what to do."""


def git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise GitError("git is not installed") from err
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def catalogue_at_ref(ref: str, dumps_dir: Path) -> tuple[Catalogue, tuple[Problem, ...]]:
    """The catalogue of the dumps ``dumps_dir`` held at ``ref``; messages name ``REF:path``."""
    folder = dumps_dir.resolve()
    anchor = folder if folder.is_dir() else folder.parent  # a folder deleted in the working tree
    if not anchor.is_dir():
        raise GitError(f"{dumps_dir}: no such folder")
    top = Path(git(["rev-parse", "--show-toplevel"], anchor).decode().strip()).resolve()
    relative = folder.relative_to(top).as_posix()
    try:
        git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except GitError as err:
        raise GitError(f"unknown git ref '{ref}': fetch it first (e.g. git fetch origin main)") from err
    prefix = "" if relative == "." else relative + "/"
    listing = git(["ls-tree", "-z", "--full-tree", ref, "--", prefix or "."], top).decode("utf-8")
    blobs = []  # (name, sha)
    for line in filter(None, listing.split("\0")):
        meta, path = line.split("\t", 1)
        _mode, kind, sha = meta.split()
        name = path[len(prefix) :]
        if kind == "blob" and name.endswith(".txt") and "/" not in name:
            blobs.append((name, sha))
    blobs.sort(key=lambda blob: dump_sort_key(blob[0]))
    contents = cat_blobs([sha for _, sha in blobs], top)
    results = []
    with tempfile.TemporaryDirectory(prefix="dumps-at-ref-") as temp:
        for (name, _), data in zip(blobs, contents, strict=True):
            path = Path(temp) / name
            path.write_bytes(data)
            results.append(parse_dump(path, f"{ref}:{prefix}{name}"))
    problems = tuple(p for r in results for p in r.problems)
    return build_catalogue([r.dump for r in results]), problems


def cat_blobs(shas: Sequence[str], cwd: Path) -> list[bytes]:
    """The contents of many blobs through one ``git cat-file --batch``."""
    if not shas:
        return []
    out = git(["cat-file", "--batch"], cwd, stdin="".join(f"{sha}\n" for sha in shas).encode())
    blobs, at = [], 0
    for _ in shas:
        end = out.index(b"\n", at)
        size = int(out[at:end].split()[2])
        blobs.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1  # the content is followed by a newline
    return blobs


@dataclass(frozen=True, slots=True)
class Revision:
    """A paper whose abstract differs between the two catalogues."""

    before: Paper
    after: Paper


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """A new title close to another title: perhaps one paper spelt two ways."""

    paper: Paper  # the new one
    other: Paper
    ratio: float


@dataclass(frozen=True, slots=True)
class CatalogueDiff:
    """What the working tree's dumps change in the catalogue of a base ref."""

    base: str  # the ref compared with
    new: tuple[Paper, ...]
    seen_again: tuple[Paper, ...]  # already at base, listed in a dump new since
    revised: tuple[Revision, ...]
    near_duplicates: tuple[NearDuplicate, ...]
    disappeared: tuple[Paper, ...]  # at base, in no dump now
    dumps_added: tuple[str, ...]
    dumps_removed: tuple[str, ...]
    dumps_changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.new or self.revised or self.disappeared or self.dumps_added or self.dumps_removed)


def diff_catalogues(base: Catalogue, head: Catalogue, base_name: str = "base") -> CatalogueDiff:
    """Compare two catalogues paper by paper (by title key) and dump by dump (by name)."""
    before = {paper.key: paper for paper in base.papers}
    after = {paper.key: paper for paper in head.papers}
    base_dumps = {dump.name: dump for dump in base.dumps}
    head_dumps = {dump.name: dump for dump in head.dumps}
    added = tuple(name for name in head_dumps if name not in base_dumps)
    new = tuple(paper for paper in head.papers if paper.key not in before)
    fresh = set(added)
    seen_again = tuple(
        paper
        for paper in head.papers
        if paper.key in before and any(source.dump in fresh for source in paper.sources)
    )
    revised = tuple(
        Revision(before[paper.key], paper)
        for paper in head.papers
        if paper.key in before and before[paper.key].abstract != paper.abstract
    )
    return CatalogueDiff(
        base=base_name,
        new=new,
        seen_again=seen_again,
        revised=revised,
        near_duplicates=near_duplicates(new, head.papers),
        disappeared=tuple(paper for paper in base.papers if paper.key not in after),
        dumps_added=added,
        dumps_removed=tuple(name for name in base_dumps if name not in head_dumps),
        dumps_changed=tuple(
            name
            for name in head_dumps
            if name in base_dumps and entries(base_dumps[name]) != entries(head_dumps[name])
        ),
    )


def entries(dump: Dump) -> list[tuple[str, str]]:
    return [(e.title, e.abstract) for e in dump.entries]


def loose_title(title: str) -> str:
    """A title for fuzzy comparison: NFKC, casefolded, punctuation as spaces, single spaces."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", title).casefold()).strip()


def unversioned(loose: str) -> str:
    """A loose title without a trailing version (``v2``, ``version 2``, ``2.0``), spaces removed."""
    return _TRAILING_VERSION.sub("", loose).replace(" ", "")


def char_counts(titles: Sequence[str]) -> np.ndarray:
    """One row per title: how often each of a-z, 0-9, space and "anything else" occurs."""
    points = np.frombuffer("".join(titles).encode("utf-32-le"), dtype=np.uint32)
    codes = np.where(points < 128, _ASCII_CODES[np.minimum(points, 127)], _OTHER)
    rows = np.repeat(np.arange(len(titles)), [len(title) for title in titles])
    width = _OTHER + 1
    counts = np.bincount(rows * width + codes, minlength=len(titles) * width)
    return counts.reshape(len(titles), width).astype(np.int16)


def near_duplicates(new: Sequence[Paper], papers: Sequence[Paper]) -> tuple[NearDuplicate, ...]:
    """Each new paper against every other title; a pair of two new papers is listed once.

    Only new titles are compared, so the cost grows with the size of the change times the
    catalogue. SequenceMatcher's ratio is at most 2 * (characters in common) / (both lengths),
    so a vectorised count of shared characters rules out nearly every title before the
    exact ratio is computed for the few left.
    """
    titles = [loose_title(paper.title) for paper in papers]
    bare = [unversioned(title) for title in titles]
    index = {paper.key: row for row, paper in enumerate(papers)}
    by_bare: dict[str, list[int]] = {}
    for row, key in enumerate(bare):
        by_bare.setdefault(key, []).append(row)
    counts = char_counts(titles)
    lengths = counts.sum(axis=1, dtype=np.int64)
    by_length = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[by_length]
    done = np.zeros(len(papers), dtype=bool)
    found = []
    for paper in new:
        row = index[paper.key]
        done[row] = True
        # 2 * min(a, b) >= NEAR_RATIO * (a + b) bounds the other length to a window.
        low = np.searchsorted(sorted_lengths, lengths[row] * NEAR_RATIO / (2 - NEAR_RATIO) - 1e-9)
        high = np.searchsorted(sorted_lengths, lengths[row] * (2 - NEAR_RATIO) / NEAR_RATIO + 1e-9, "right")
        rows = by_length[low:high]
        shared = np.minimum(counts[rows], counts[row]).sum(axis=1, dtype=np.int64)
        close = 2 * shared >= NEAR_RATIO * (lengths[rows] + lengths[row])
        candidates = {r for r in rows[close].tolist() if not done[r]}
        if bare[row]:
            candidates.update(r for r in by_bare[bare[row]] if not done[r])
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(titles[row])
        best: tuple[float, int] | None = None
        for other in sorted(candidates):
            if bare[row] and bare[other] == bare[row]:
                ratio = 1.0
            else:
                matcher.set_seq1(titles[other])
                ratio = matcher.ratio()
            if ratio >= NEAR_RATIO and (best is None or ratio > best[0]):
                best = (ratio, other)
        if best is not None:
            found.append(NearDuplicate(paper, papers[best[1]], round(best[0], 3)))
    return tuple(found)


def diff_refs(ref: str, dumps_dir: Path) -> tuple[CatalogueDiff | None, tuple[Problem, ...]]:
    """The diff of ``ref``'s dumps against the working tree's; None when either has errors."""
    base, base_problems = catalogue_at_ref(ref, dumps_dir)
    results = read_dumps(dump_files(dumps_dir), Path.cwd())
    problems = base_problems + tuple(p for r in results for p in r.problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    head = build_catalogue([r.dump for r in results])
    return diff_catalogues(base, head, ref), problems


# --- formatting -----------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~$])")


def md(text: str) -> str:
    """Text safe inside a Markdown list item or link label."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def paper_link(paper: Paper, site_url: str) -> str:
    base = site_url.rstrip("/") + "/" if site_url else ""
    return f"[{md(paper.title)}]({base}{paper.url})"


def capped(items: Sequence[str], cap: int) -> list[str]:
    shown = list(items[:cap])
    if len(items) > cap:
        shown.append(f"and {len(items) - cap} more")
    return shown


def format_diff(diff: CatalogueDiff, fmt: str = "text", site_url: str = "", cap: int = LIST_CAP) -> str:
    """The diff for a terminal (``text``) or a GitHub job summary (``markdown``)."""
    if fmt == "markdown":
        return markdown_diff(diff, site_url, cap)
    return text_diff(diff, cap)


def sections(diff: CatalogueDiff) -> list[tuple[str, int]]:
    return [
        ("New papers", len(diff.new)),
        ("Seen again", len(diff.seen_again)),
        ("Abstracts revised", len(diff.revised)),
        ("Possible duplicates", len(diff.near_duplicates)),
        ("Would disappear", len(diff.disappeared)),
    ]


def dump_line(diff: CatalogueDiff) -> str:
    parts = [
        f"{len(names)} {what}"
        for what, names in (
            ("added", diff.dumps_added),
            ("removed", diff.dumps_removed),
            ("changed", diff.dumps_changed),
        )
    ]
    return "dumps: " + ", ".join(parts)


def first_source(paper: Paper) -> str:
    source = paper.sources[-1]
    return f"{source.dump}:{source.line}"


def text_diff(diff: CatalogueDiff, cap: int) -> str:
    lines = [f"Compared with {diff.base}: {dump_line(diff)}"]
    lines += [f"  {name}: {count}" for name, count in sections(diff)]
    groups = [
        ("New papers", "+", [f"{p.title}  ({p.url}, {first_source(p)})" for p in diff.new]),
        ("Seen again", "=", [f"{p.title}  ({first_source(p)})" for p in diff.seen_again]),
        ("Abstracts revised", "~", [f"{r.after.title}  ({first_source(r.after)})" for r in diff.revised]),
        (
            "Possible duplicates",
            "?",
            [
                f"{d.paper.title}\n      looks like: {d.other.title} ({d.ratio:.0%})"
                for d in diff.near_duplicates
            ],
        ),
        ("Would disappear", "-", [f"{p.title}  (was {first_source(p)})" for p in diff.disappeared]),
    ]
    for name, mark, items in groups:
        if items:
            lines += ["", f"{name} ({len(items)}):"]
            lines += [
                f"  {mark} {item}" if not item.startswith("and ") else f"  {item}"
                for item in capped(items, cap)
            ]
    if diff.empty:
        lines += ["", "No change to the papers."]
    return "\n".join(lines) + "\n"


def markdown_diff(diff: CatalogueDiff, site_url: str, cap: int) -> str:
    lines = [f"## Papers compared with `{diff.base}`", "", f"{dump_line(diff)}.", ""]
    lines += ["| | papers |", "| --- | ---: |"]
    lines += [f"| {name} | {count} |" for name, count in sections(diff)]
    groups = [
        ("New papers", [f"{paper_link(p, site_url)} (`{first_source(p)}`)" for p in diff.new]),
        ("Seen again", [f"{paper_link(p, site_url)} (`{first_source(p)}`)" for p in diff.seen_again]),
        ("Abstracts revised", [f"{paper_link(r.after, site_url)}" for r in diff.revised]),
        (
            "Possible duplicates",
            [
                f"{paper_link(d.paper, site_url)} looks like {paper_link(d.other, site_url)} ({d.ratio:.0%})"
                for d in diff.near_duplicates
            ],
        ),
        ("Would disappear", [f"{md(p.title)} (was `{first_source(p)}`)" for p in diff.disappeared]),
    ]
    for name, items in groups:
        if items:
            lines += ["", f"### {name} ({len(items)})", ""]
            lines += [f"- {item}" for item in capped(items, cap)]
    if diff.empty:
        lines += ["", "No change to the papers."]
    return "\n".join(lines) + "\n"
