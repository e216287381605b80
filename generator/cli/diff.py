"""``python -m generator diff``: what the working tree's dumps change in the catalogue of a git ref.

``diff_refs`` reads the ref's dumps through ``git ls-tree`` and ``git cat-file`` (never the
working tree) and compares the two catalogues paper by paper (``diff_catalogues``: new,
seen again, revised, near-duplicate titles, gone); ``format_diff`` writes the result for a
terminal or a GitHub job summary.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator.ingest.catalogue import Catalogue, build_catalogue
from generator.ingest.parse import dump_files, dump_sort_key, entry_texts, parse_dump, read_dumps
from generator.model import Paper, Problem

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
            if name in base_dumps and entry_texts(base_dumps[name]) != entry_texts(head_dumps[name])
        ),
    )


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
