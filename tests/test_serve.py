"""``mkdocs serve`` with a half-written dump, and atomic writes that never leave half a page.

The server scenario: a temporary copy of the seed dumps is served; a truncated paste (a title
without its abstract) makes the rebuild fail with a ``PATH:LINE:`` message while the last
good site keeps being served; completing the paste brings the new paper's page without a
restart.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.output import writer
from tests.conftest import FIXTURES, ROOT, SEED

HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nJun 2\n\n"
DONE_TITLE = "Zebra Finches Teach Transformers to Sing"
DONE_ABSTRACT = (
    "We study how songbirds learn sequences and transfer the idea to transformer language models. "
    "The resulting curriculum halves the training steps needed on three benchmarks. Code is released."
)
CUT_TITLE = "Quokka: A Cheerful Language Model for Small Devices"
CUT_ABSTRACT = (
    "Quokka is a small language model trained for phones and microcontrollers with a cheerful disposition. "
    "It matches larger models on reading comprehension at a tenth of their size. Weights are released."
)
TRUNCATED = HEADER + f"{DONE_TITLE}\n\n{DONE_ABSTRACT}\n\n{CUT_TITLE}\n"
COMPLETE = HEADER + f"{DONE_TITLE}\n\n{DONE_ABSTRACT}\n\n{CUT_TITLE}\n\n{CUT_ABSTRACT}\n"
NEW_DUMP = "004_2024-06-02.txt"
ERROR = re.compile(
    re.escape(NEW_DUMP) + r":15: title 'Quokka: A Cheerful Language Model for Small Devices' has no abstract"
)
STARTUP_TIMEOUT = 180  # the first build under a loaded CI machine
CHANGE_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for(check, timeout: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout} s waiting for {what}; server output:\n{log.read_text()[-3000:]}")


class Served:
    def __init__(self, url: str, log: Path, dumps: Path, process: subprocess.Popen) -> None:
        self.url, self.log, self.dumps, self.process = url, log, dumps, process

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def serve(tmp_path: Path, config: Path) -> Iterator[Served]:
    dumps = tmp_path / "dumps"
    shutil.copytree(SEED, dumps)
    port = free_port()
    log = tmp_path / "serve.log"
    env = dict(
        os.environ,
        PAPERS_DUMPS_DIR=str(dumps),
        PAPERS_GENERATED_DIR=str(tmp_path / "generated"),
        NO_MKDOCS_2_WARNING="1",
    )
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--livereload"]
    command += ["--dev-addr", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        root = f"http://127.0.0.1:{port}/"
        wait_for(lambda: fetch(root)[0] == 200, STARTUP_TIMEOUT, "the first build", log)
        # MkDocs serves under the path of site_url (``/hf-papers-atlas/``) and redirects ``/`` there.
        with urllib.request.urlopen(root, timeout=5) as response:
            yield Served(response.geturl(), log, dumps, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


def a_paper_url(served: Served) -> str:
    status, body = fetch(served.url + "papers.json")
    assert status == 200
    return served.url + json.loads(body)["papers"][0]["url"]


def half_written_dump(served: Served) -> str:
    """Add a truncated paste; wait for its ``PATH:LINE:`` error. Returns a paper page's URL."""
    url = a_paper_url(served)
    (served.dumps / NEW_DUMP).write_text(TRUNCATED, encoding="utf-8")
    wait_for(lambda: ERROR.search(served.output()), CHANGE_TIMEOUT, "the PATH:LINE: error", served.log)
    assert served.process.poll() is None, "the server stopped"
    return url


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """The repository's config, plus a watch on the temporary dumps folder (via INHERIT).

    The plugin watches the dumps folder it reads (on_serve), wherever it is.
    """
    config = tmp_path / "mkdocs.yml"
    dumps = tmp_path / "dumps"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {ROOT / 'docs'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
        f"watch:\n  - {dumps}\n",
        encoding="utf-8",
    )
    yield from serve(tmp_path, config)


def test_serve_reports_a_half_written_dump_then_shows_the_fixed_one(served: Served) -> None:
    half_written_dump(served)
    (served.dumps / NEW_DUMP).write_text(COMPLETE, encoding="utf-8")
    new_url = served.url + "papers/quokka-a-cheerful-language-model-for-small-devices/"
    wait_for(lambda: fetch(new_url)[0] == 200, CHANGE_TIMEOUT, "the new paper's page", served.log)
    assert CUT_ABSTRACT.split(".")[0] in fetch(new_url)[1]
    assert served.process.poll() is None


def test_serve_keeps_serving_the_last_good_site_while_a_dump_is_broken(served: Served) -> None:
    url = half_written_dump(served)
    status, body = fetch(url)
    assert status == 200 and "paper-abstract" in body


def test_serve_watches_the_dumps_folder_the_plugin_reads(tmp_path: Path, monkeypatch) -> None:
    from mkdocs.config import load_config

    dumps = tmp_path / "dumps"
    dumps.mkdir()
    monkeypatch.setenv("PAPERS_DUMPS_DIR", str(dumps))
    monkeypatch.setenv("PAPERS_GENERATED_DIR", str(tmp_path / "generated"))
    config = load_config(str(ROOT / "mkdocs.yml"))
    config = config.plugins.on_config(config)

    class Watcher:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str, *args: object, **kwargs: object) -> None:
            self.watched.append(path)

    server = config.plugins.on_serve(Watcher(), config=config, builder=lambda: None)
    watched = {Path(path).resolve() for path in [*server.watched, *config.watch]}
    assert dumps.resolve() in watched


# --- atomic writes ------------------------------------------------------------------------------


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


def test_a_handoff_build_is_incomplete_until_its_pages_and_map_are_written(tmp_path: Path) -> None:
    """With a handoff (the plugin), regenerate returns before the pages are on disk and the
    map laid out; until both are written and the manifest saved, the folder is not taken for
    a finished generation, so a build interrupted meanwhile regenerates."""
    from generator.rebuild import Handoff, Manifest, regenerate

    out = tmp_path / "generated"
    handoff = Handoff()
    manifest, problems = regenerate(FIXTURES / "golden", out, handoff=handoff)
    assert problems == () and manifest is not None
    assert list(handoff.pending) == ["map/points.json"] and "map/points.json" in manifest.files
    assert handoff.sources["papers/light-schrodinger-bridge.md"].startswith(b"---\n")
    assert Manifest.load(out) is None

    text = handoff.pending["map/points.json"]()
    assert json.loads(text)["grid"] == 4096
    assert (out / "map" / "points.json").read_bytes() == text
    handoff.finish()
    assert Manifest.load(out).complete(out)
    assert (out / "papers" / "light-schrodinger-bridge.md").read_bytes() == handoff.sources[
        "papers/light-schrodinger-bridge.md"
    ]


def test_the_indexing_process_writes_the_search_documents_then_indexes_them(tmp_path: Path) -> None:
    from generator.search import pagefind

    documents = {
        pagefind.document_path(slug): pagefind.document(title, "An abstract about bridges.", ["Tag"])
        for slug, title in [("one", "First paper"), ("two", "Second paper")]
    }
    folder, output = tmp_path / "generated-search", tmp_path / "site" / "pagefind"
    (folder / "papers").mkdir(parents=True)
    (folder / "papers" / "gone.html").write_text("<p>a paper no longer there</p>")

    index = pagefind.finish_search_index(pagefind.start_writing_and_indexing(documents, folder, output))

    assert (index.pages, index.documents.split(" in ")[0]) == (
        2,
        "search documents: 2 written, 0 unchanged, 1 removed",
    )
    assert sorted(p.name for p in (folder / "papers").iterdir()) == ["one.html", "two.html"]
    assert not folder.with_name("generated-search.jsonl").exists()
    assert (output / "pagefind.js").is_file()


def test_pagefind_cuts_its_word_index_into_smaller_files_than_its_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first query fetches the index files holding its words: ``pagefind.INDEX_CHUNK_SIZE``
    word positions a file rather than Pagefind's 20,000. A setting already in the
    environment wins."""
    from generator.search import pagefind

    folder = tmp_path / "generated-search" / "papers"
    folder.mkdir(parents=True)
    words = [f"word{n}" for n in range(4_000)]
    for n in range(20):  # 20 papers of 200 different words: about 13,000 by Pagefind's count
        abstract = " ".join(words[n * 200 : (n + 1) * 200])
        (folder / f"paper-{n}.html").write_text(pagefind.document(f"Paper {n}", abstract, []))

    def index_files(env_size: str | None) -> int:
        if env_size is None:
            monkeypatch.delenv("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", raising=False)
        else:
            monkeypatch.setenv("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", env_size)
        output = tmp_path / f"pagefind-{env_size}"
        index = pagefind.finish_search_index(pagefind.start_search_index(folder.parent, output))
        assert index.pages == 20
        return len(list((output / "index").iterdir()))

    assert index_files("20000") == 1
    assert index_files(None) == 2


def test_pagefind_runs_its_allocator_with_one_arena_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pagefind.ALLOCATOR`` reaches the jemalloc inside the Pagefind binary we install: were the
    setting's name or format wrong, or the binary built without it, Pagefind would index
    with its default arenas and nothing else would say so. A setting already in the
    environment wins."""
    from generator.search import pagefind

    monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
    assert pagefind.pagefind_env()["_RJEM_MALLOC_CONF"] == pagefind.ALLOCATOR == "narenas:1"
    monkeypatch.setenv("_RJEM_MALLOC_CONF", "narenas:2")
    assert pagefind.pagefind_env()["_RJEM_MALLOC_CONF"] == "narenas:2"

    folder = tmp_path / "generated-search" / "papers"
    folder.mkdir(parents=True)
    (folder / "paper.html").write_text(pagefind.document("A paper", "An abstract.", []))
    # jemalloc prints its settings when the process ends (``stats_print``).
    monkeypatch.setenv("_RJEM_MALLOC_CONF", f"{pagefind.ALLOCATOR},stats_print:true")
    process = pagefind.start_search_index(folder.parent, tmp_path / "pagefind")
    output, _ = process.communicate()
    assert process.returncode == 0
    assert "opt.narenas: 1" in output
    assert "Invalid conf" not in output


def test_the_files_every_first_query_fetches_are_re_gzipped_smaller_to_the_same_bytes(tmp_path: Path) -> None:
    """Pagefind's page list and WebAssembly come out smaller and unzip to exactly what
    Pagefind wrote; its word index, fragments and other files are left as they were."""
    import gzip

    from generator.search import pagefind

    folder = tmp_path / "generated-search" / "papers"
    folder.mkdir(parents=True)
    for n in range(300):
        abstract = f"An abstract about bridges number {n} and diffusion step {n * 7}."
        (folder / f"paper-{n}.html").write_text(pagefind.document(f"Paper {n}", abstract, ["Tag"]))
    output = tmp_path / "pagefind"
    pagefind.finish_search_index(pagefind.start_search_index(folder.parent, output))
    written = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}

    before, after = pagefind.recompress_first_fetch(output)

    first_fetch = {path for pattern in pagefind.FIRST_FETCH for path in output.glob(pattern)}
    assert {path.name.split(".")[-1] for path in first_fetch} == {"pf_meta", "pagefind"}
    assert before == sum(len(written[path]) for path in first_fetch)
    assert after == sum(path.stat().st_size for path in first_fetch) < before
    pf_meta = next(path for path in first_fetch if path.suffix == ".pf_meta")
    assert pf_meta.stat().st_size < len(written[pf_meta])
    for path, data in written.items():
        if path in first_fetch and data[:2] == b"\x1f\x8b":
            assert gzip.decompress(path.read_bytes()) == gzip.decompress(data), path.name
        else:
            assert path.read_bytes() == data, path.name


def test_a_first_fetch_file_that_is_not_gzip_is_left_alone(tmp_path: Path) -> None:
    from generator.search import pagefind

    page_list = tmp_path / "pagefind.en_0000000.pf_meta"
    page_list.write_bytes(b"not gzip")

    assert pagefind.recompress_first_fetch(tmp_path) == (8, 8)
    assert page_list.read_bytes() == b"not gzip"
