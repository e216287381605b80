"""Pagefind as the build runs it: its own process writing and indexing the search documents,
its index cut into small files, one allocator arena, and the first-fetch files re-gzipped."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest


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


def test_a_missing_pagefind_binary_says_to_run_npm_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind comes from npm: without ``node_modules`` the build says how to install it."""
    from generator.search import pagefind

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    monkeypatch.setattr(pagefind, "ROOT", tmp_path)
    with pytest.raises(pagefind.SearchIndexError) as raised:
        pagefind.start_writing_and_indexing({}, tmp_path / "generated-search", tmp_path / "pagefind")
    assert str(raised.value) == (
        f"Pagefind's binary is not installed (no {pagefind.platform_package()} in {tmp_path / 'node_modules'}): "
        f"run `npm ci` in {tmp_path} (needs Node.js and npm), or `make site`, which runs it"
    )
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_pinned_pagefind_binary_is_the_one_the_build_runs() -> None:
    """package.json pins the version; the binary npm installed is that version."""
    from generator.search import pagefind

    pinned = json.loads((pagefind.ROOT / "package.json").read_text())["dependencies"]["pagefind"]
    version = subprocess.run([pagefind.pagefind_binary(), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"pagefind {pinned}"


def test_a_catalogue_past_a_part_is_indexed_in_parts_and_shrinks_back(tmp_path: Path) -> None:
    """Five papers at two a part: three folders of documents and three bundles, in catalogue
    order; indexed again at five a part, the other parts' folders and bundles are gone."""
    from generator.search import pagefind

    documents = {
        pagefind.document_path(f"paper-{n}"): pagefind.document(f"Paper {n}", "An abstract.", ["Tag"])
        for n in range(5)
    }
    folder, output = tmp_path / "generated-search", tmp_path / "site" / "pagefind"

    index = pagefind.finish_search_index(pagefind.start_writing_and_indexing(documents, folder, output, 2))

    assert index.pages == 5
    assert [
        sorted(p.name for p in (pagefind.part_path(folder, k) / "papers").iterdir()) for k in (1, 2, 3)
    ] == [
        ["paper-0.html", "paper-1.html"],
        ["paper-2.html", "paper-3.html"],
        ["paper-4.html"],
    ]
    assert [(pagefind.part_path(output, k) / "pagefind.js").is_file() for k in (1, 2, 3)] == [True] * 3
    assert pagefind.parts_on_disk(folder) == 3
    # Unchanged documents are indexed as they are on disk, every part of them.
    assert pagefind.finish_search_index(pagefind.start_search_index(folder, output)).pages == 5

    pagefind.finish_search_index(pagefind.start_writing_and_indexing(documents, folder, output, 5))
    assert pagefind.parts_on_disk(folder) == 1 and pagefind.parts_on_disk(output) == 1
    assert len(list((folder / "papers").iterdir())) == 5


def test_the_site_keeps_only_the_pagefind_files_its_search_loads(seed_site: Path) -> None:
    """Pagefind's prebuilt interfaces, highlighter and no-language WebAssembly are removed;
    what ``search.js`` loads stays (test_search_browser.py searches with it)."""
    from generator.search.pagefind import UNUSED_FILES

    files = {path.name for path in (seed_site / "pagefind").iterdir() if path.is_file()}
    assert not files & set(UNUSED_FILES)
    assert {"pagefind.js", "pagefind-worker.js", "wasm.en.pagefind", "pagefind-entry.json"} <= files
