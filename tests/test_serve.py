"""``mkdocs serve`` with a half-written dump.

The scenario: a temporary copy of the seed dumps is served; a truncated paste (a title
without its abstract) makes the rebuild fail with a ``PATH:LINE:`` message while the last
good site keeps being served; completing the paste brings the new paper's page without a
restart.
"""

from __future__ import annotations

import gzip
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

from tests.conftest import ROOT, SEED

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


def wait_for(check, timeout: float, what: str, log: Path, every: float = 0.5) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}; server output:\n{log.read_text()[-3000:]}")


class Served:
    def __init__(self, url: str, log: Path, dumps: Path, process: subprocess.Popen) -> None:
        self.url, self.log, self.dumps, self.process = url, log, dumps, process

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def serve(tmp_path: Path, config: Path, *extra: str, **variables: str) -> Iterator[Served]:
    dumps = tmp_path / "dumps"
    shutil.copytree(SEED, dumps)
    port = free_port()
    log = tmp_path / "serve.log"
    env = dict(
        os.environ,
        PAPERS_DUMPS_DIR=str(dumps),
        PAPERS_GENERATED_DIR=str(tmp_path / "generated"),
        NO_MKDOCS_2_WARNING="1",
        **variables,
    )
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--livereload"]
    command += ["--dev-addr", f"127.0.0.1:{port}", *extra]
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
    with urllib.request.urlopen(served.url + "papers.json.gz", timeout=5) as response:
        papers = json.loads(gzip.decompress(response.read()))["papers"]
    return served.url + papers[0]["url"]


def half_written_dump(served: Served) -> str:
    """Add a truncated paste; wait for its ``PATH:LINE:`` error. Returns a paper page's URL."""
    url = a_paper_url(served)
    (served.dumps / NEW_DUMP).write_text(TRUNCATED, encoding="utf-8")
    wait_for(lambda: ERROR.search(served.output()), CHANGE_TIMEOUT, "the PATH:LINE: error", served.log)
    assert served.process.poll() is None, "the server stopped"
    return url


def watching_config(tmp_path: Path) -> Path:
    """The repository's config, plus a watch on the temporary dumps folder (via INHERIT)."""
    config = tmp_path / "mkdocs.yml"
    dumps = tmp_path / "dumps"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {ROOT / 'docs'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
        f"watch:\n  - {dumps}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """The plugin watches the dumps folder it reads (on_serve), wherever it is."""
    yield from serve(tmp_path, watching_config(tmp_path))


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
