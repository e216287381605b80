"""The Pagefind search index, built on the second core while the rest of the site is made.

Pagefind indexes one small HTML document per paper (``document``: its title, its abstract
and its tags as filters), kept flat as ``papers/<slug>.html`` in a folder beside the
generated pages. As soon as papers are tagged, the build hands the documents to a process
of their own (``start_writing_and_indexing``, ``main``), which writes them where they
changed and becomes Pagefind's binary (``pagefind_binary``: the npm package's), indexing into
``site/pagefind/`` while related lists, pages and MkDocs run; the build waits for it at
the end. When nothing changed, Pagefind indexes the folder as it is (``start_search_index``).
Indexing the written site afterwards would add Pagefind's whole time to the build's.

Pagefind's result URLs follow the documents' paths (``papers/<slug>.html``);
``search.js`` turns them into the pages' (``papers/<slug>/``).

The binary reading files rather than Pagefind's Python service API: the API answers each page
by polling, far slower at this many pages (README, "Performance").
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import deflate
from markupsafe import escape


def document_path(slug: str) -> str:
    return f"papers/{slug}.html"


def document(
    title: str,
    abstract: str,
    tags: Sequence[str],
    year: int | None = None,
    topics: Sequence[str] = (),
    shown_title: str = "",
) -> str:
    """What Pagefind indexes of a paper: title (its result's title), abstract, and as filters
    its areas (``tag``), the year it was first seen (when its dump's date has one) and its
    topics (``topic``).

    ``title`` and ``abstract`` are the clean plain texts (``text.title_text`` and
    ``text.plain_text``: math as its TeX source), escaped here; the page's links, related
    papers and sources are not searched. ``shown_title``, where it differs (a title's math in
    Unicode: ``PaperView.readable_title``), is the result's title (the source is kept as the
    meta ``source``, for ``search.js`` to know the title in an excerpt), and is searched too as
    ``search.js`` makes a query plain (NFKC: "CaO₂" is "CaO2"), so a title copied from a result
    or a tab finds its paper: Pagefind makes other words of the source ("CaO$_2$", "M$^2$LLM").
    """
    filters = "".join(f'<span data-pagefind-filter="tag">{escape(name)}</span>' for name in tags)
    if year is not None:
        filters += f'<span data-pagefind-filter="year">{year}</span>'
    filters += "".join(f'<span data-pagefind-filter="topic">{escape(name)}</span>' for name in topics)
    readable = ""
    if shown_title and shown_title != title:
        filters += f'<span data-pagefind-meta="title">{escape(shown_title)}</span>'
        filters += f'<span data-pagefind-meta="source">{escape(title)}</span>'  # as the excerpt has it
        # After the abstract: an excerpt is a window of the text, and one at the start would show
        # the title twice over ("Ne$_3$Mo: ... Ne3Mo: ...") above the abstract.
        readable = f"<h1>{escape(unicodedata.normalize('NFKC', shown_title))}</h1>\n"
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><div data-pagefind-body>\n<nav hidden>{filters}</nav>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(abstract)}</p>\n{readable}</div></body></html>\n"
    )


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message holds what it printed."""


@dataclass(frozen=True, slots=True)
class SearchIndex:
    pages: int
    words: int
    documents: str = ""  # what the writing process said, when there was one


INDEX_CHUNK_SIZE = 7500
"""Word positions per file of Pagefind's word index; Pagefind's own default is 20,000.

A query fetches the index files that hold its words, and a common word's file is mostly
other words: smaller files make a first query fetch less (README, "Performance"). Set through
``PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE``, a setting Pagefind 1.5 and 1.6 read but do not document
(a test checks it still splits the index): re-measure with ``make bench`` when Pagefind is upgraded."""


ALLOCATOR = "narenas:1"
"""Pagefind's allocator settings (jemalloc, read through ``_RJEM_MALLOC_CONF``): one arena.

Pagefind reads its documents on up to 500 threads (its file reads each take one), which
jemalloc spreads over 4 arenas per CPU, each keeping the pages its threads freed. With one
arena they are reused, and Pagefind's peak is lower in the same CPU time; the settings tried
and left are in the README ("Performance", memory)."""


def pagefind_env() -> dict[str, str]:
    """The environment Pagefind runs in: ours, with ``INDEX_CHUNK_SIZE`` and ``ALLOCATOR``
    unless already set."""
    env = dict(os.environ)
    env.setdefault("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", str(INDEX_CHUNK_SIZE))
    env.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR)
    return env


LANGUAGE = "en"
"""The language Pagefind is told the papers are in (``--force-language``)."""

FIRST_FETCH = (f"pagefind.{LANGUAGE}_*.pf_meta", f"wasm.{LANGUAGE}.pagefind")
"""Pagefind's files every reader's first query fetches before it looks up a word: the page
list (a hash and a word count for each of 28,228 papers) and the WebAssembly for
``LANGUAGE`` (Pagefind also writes one for unknown languages: ``UNUSED_FILES``)."""

UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)
"""What Pagefind writes beside its index and no page here loads: its three prebuilt search
interfaces and its highlighter (``search.js`` is the site's, on ``pagefind.js``), and the
WebAssembly for pages of no language (every document is ``LANGUAGE``). 0.49 MB of each part."""


def remove_unused_files(output: Path) -> None:
    """Remove ``UNUSED_FILES`` from Pagefind's ``output``."""
    for name in UNUSED_FILES:
        (output / name).unlink(missing_ok=True)


RECOMPRESS_LEVEL = 12
"""libdeflate's strongest level, for the ``FIRST_FETCH`` files only.

Pagefind writes its files already gzipped, so the server sends them as they are. The page
list is mostly random hex, which Pagefind's gzip codes poorly; libdeflate's strongest level
takes a sizeable share off it in a fraction of a second. The word index and fragments gain
too little for the time and are left as Pagefind writes them (README, "Performance")."""


def recompress_first_fetch(output: Path) -> tuple[int, int]:
    """Re-gzip ``FIRST_FETCH`` in Pagefind's ``output``: the same bytes once unzipped, fewer
    to fetch. Returns the bytes before and after. A file that is not gzip is left alone."""
    before = after = 0
    for pattern in FIRST_FETCH:
        for path in sorted(output.glob(pattern)):
            data = path.read_bytes()
            before += len(data)
            if data[:2] == b"\x1f\x8b":
                smaller = bytes(deflate.gzip_compress(gzip.decompress(data), RECOMPRESS_LEVEL))
                if len(smaller) < len(data):
                    path.write_bytes(smaller)
                    data = smaller
            after += len(data)
    return before, after


ROOT = Path(__file__).resolve().parents[2]
"""The repository, where ``npm ci`` installs Pagefind into ``node_modules/``."""

BINARY_NAMES = ("pagefind", "pagefind_extended")
"""The binaries a Pagefind platform package may hold, in the order its npm runner tries them
(1.6.0 ships only ``pagefind_extended``, which also segments Chinese and Japanese)."""

_ARCHES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def platform_package() -> str:
    """The npm package holding Pagefind's binary for this machine, e.g. ``@pagefind/linux-x64``."""
    system = {"win32": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    return f"@pagefind/{system}-{_ARCHES.get(machine, machine)}"


def pagefind_binary() -> Path:
    """Pagefind's binary, from the npm package pinned in package.json and package-lock.json.

    npm installs it into ``node_modules/@pagefind/<platform>-<cpu>/bin/`` (``npm ci``; every
    make target that builds runs it). PyPI's ``pagefind[bin]`` stops at 1.5.2, whose filter
    and page-list files come out in hash-map order; 1.6.0 writes the same bytes every run.
    ``PAGEFIND_BINARY_PATH`` names another binary, as it does for npm's own runner. Raises
    ``SearchIndexError`` saying how to install it when it is missing.
    """
    chosen = os.environ.get("PAGEFIND_BINARY_PATH")
    if chosen:
        return Path(chosen)
    package = platform_package()
    folder = ROOT / "node_modules" / package / "bin"
    for name in BINARY_NAMES:
        for candidate in (folder / name, folder / f"{name}.exe"):
            if candidate.is_file():
                return candidate
    raise SearchIndexError(
        f"Pagefind's binary is not installed (no {package} in {ROOT / 'node_modules'}): "
        f"run `npm ci` in {ROOT} (needs Node.js and npm), or `make site`, which runs it"
    )


def pagefind_command(documents: Path, output: Path) -> list[str]:
    return [
        str(pagefind_binary()),
        "--site", str(documents),
        "--output-path", str(output),
        "--force-language", LANGUAGE,
    ]  # fmt: skip


def _start(command: list[str]) -> subprocess.Popen[str]:
    """A process that ends in Pagefind, its output kept for ``finish_search_index``."""
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=pagefind_env()
    )


PART_PAPERS = 30_000
"""Papers per part of the index. Pagefind holds about 107 KB a paper at its peak (3.1 GB for
the corpus's 28,228), so a larger catalogue is indexed in parts, one after another, each its
own bundle: the first in ``site/pagefind/``, the k-th in ``site/pagefind-k/``; the search box
merges them (Pagefind's ``mergeIndex``). Parts follow the catalogue's order (first seen
first), so a new dump only changes the last. Past one part, a first query also fetches each
other part's page list, entry and an index file a word; a merged part uses the first part's
WebAssembly (README, "Performance")."""


def part_path(path: Path, part: int) -> Path:
    """The folder of part ``part`` (from 1): ``path`` itself, then ``path-2``, ``path-3``..."""
    return path if part == 1 else path.with_name(f"{path.name}-{part}")


def parts_on_disk(path: Path) -> int:
    """How many parts' folders exist beside ``path`` (at least 1)."""
    count = 1
    while part_path(path, count + 1).is_dir():
        count += 1
    return count


def parts_of(count: int, part_papers: int = PART_PAPERS) -> int:
    """How many parts ``count`` papers are indexed in."""
    return max(1, -(-count // max(part_papers, 1)))


def start_search_index(documents: Path, output: Path) -> subprocess.Popen[str]:
    """Start indexing ``documents`` (a folder of HTML files laid out like the site, and its
    other parts' folders) into ``output`` and its parts'."""
    if parts_on_disk(documents) == 1:
        return _start(pagefind_command(documents, output))
    return _start([sys.executable, "-m", "generator.search.pagefind", "-", str(documents), str(output)])


def start_writing_and_indexing(
    documents: dict[str, str], folder: Path, output: Path, part_papers: int = PART_PAPERS
) -> subprocess.Popen[str]:
    """Write ``documents`` (path -> HTML, in catalogue order) into ``folder`` (and its parts'),
    then index them into ``output`` (and its parts'), in a process of its own (``main``):
    written from the build, the files would take the build's interpreter and disk, and
    Pagefind could only start after them."""
    pagefind_binary()  # a missing binary is said here, not in the process's output
    folder.parent.mkdir(parents=True, exist_ok=True)
    bundle = folder.with_name(folder.name + ".jsonl")
    lines = (json.dumps([path, html], ensure_ascii=False) + "\n" for path, html in documents.items())
    bundle.write_text("".join(lines), encoding="utf-8")
    command = [sys.executable, "-m", "generator.search.pagefind", str(bundle), str(folder), str(output)]
    return _start([*command, str(part_papers)])


def main(argv: Sequence[str]) -> None:
    """``python -m generator.search.pagefind BUNDLE FOLDER OUTPUT [PART_PAPERS]``: the process
    ``start_writing_and_indexing`` starts. Writes the documents of BUNDLE (JSON lines of
    ``[path, html]``) into FOLDER's parts where they changed, removes what is no longer there,
    then indexes each part into OUTPUT's (becoming Pagefind when there is one part). With
    BUNDLE ``-``, indexes the parts already on disk."""
    bundle, folder, output = argv[0], Path(argv[1]), Path(argv[2])
    if bundle == "-":
        count = parts_on_disk(folder)
    else:
        part_papers = int(argv[3]) if len(argv) > 3 else PART_PAPERS
        count = write_parts(Path(bundle), folder, part_papers)
    remove_parts_after(folder, count)
    remove_parts_after(output, count)
    if count == 1:
        command = pagefind_command(folder, output)
        os.execve(command[0], command, pagefind_env())
    for part in range(1, count + 1):
        print(f"search index part {part} of {count}", flush=True)
        command = pagefind_command(part_path(folder, part), part_path(output, part))
        done = subprocess.run(command, env=pagefind_env(), check=False)
        if done.returncode != 0:
            sys.exit(done.returncode)


def write_parts(bundle: Path, folder: Path, part_papers: int) -> int:
    """Write BUNDLE's documents into the parts' folders where they changed; how many parts."""
    from generator.output.writer import sync_tree

    start = time.perf_counter()
    with bundle.open(encoding="utf-8") as lines:
        documents = [json.loads(line) for line in lines]
    count = parts_of(len(documents), part_papers)
    written = unchanged = removed = 0
    for part in range(1, count + 1):
        chunk = documents[(part - 1) * part_papers : part * part_papers]
        where = part_path(folder, part)
        where.mkdir(parents=True, exist_ok=True)
        report = sync_tree(where, dict(chunk))
        written, unchanged, removed = (
            written + report.written,
            unchanged + report.unchanged,
            removed + report.removed,
        )
    bundle.unlink()
    print(
        f"search documents: {written} written, {unchanged} unchanged, "
        f"{removed} removed in {time.perf_counter() - start:.2f} s",
        flush=True,
    )
    return count


def remove_parts_after(path: Path, count: int) -> None:
    """Remove the folders of parts past ``count`` (the catalogue had more parts before)."""
    part = count + 1
    while part_path(path, part).is_dir():
        shutil.rmtree(part_path(path, part))
        part += 1


def finish_search_index(process: subprocess.Popen[str]) -> SearchIndex:
    """Wait for Pagefind; raise ``SearchIndexError`` with its output if it failed."""
    output, _ = process.communicate()
    if process.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({process.returncode}):\n{output}")

    def count(label: str) -> int:  # summed over the parts
        return sum(int(found) for found in re.findall(rf"Indexed (\d+) {label}", output))

    written = re.search(r"^search documents: .*$", output, re.MULTILINE)
    return SearchIndex(count("page"), count("word"), written.group(0) if written else "")


if __name__ == "__main__":
    main(sys.argv[1:])
