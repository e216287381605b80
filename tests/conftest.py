from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.checks.pages_server import pages_served

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DUMPS = FIXTURES / "dumps"
SEED = ROOT / "dumps"
CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus is not beside the repository"
)

SEED_SITE_CACHE: dict[str, Path] = {}


@pytest.fixture(autouse=True)
def build_date_kept_to_its_test() -> Iterator[None]:
    """A build run in this process sets ``SOURCE_DATE_EPOCH`` to its dumps' date (generation.py);
    a build started after it, as a child, would take that for a date its caller chose."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    yield
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


def build_site(
    dumps: Path, out: Path, *extra: str, generated: Path | None = None, quiet: bool = True
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` of ``dumps`` into ``out``, as a user runs it, with its own generated
    folder unless given one (``generated``); ``quiet``: warnings and errors only in stderr."""
    generated = generated or Path(str(out) + "-generated")
    env = dict(os.environ, PAPERS_DUMPS_DIR=str(dumps), PAPERS_GENERATED_DIR=str(generated))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            *(["-q"] if quiet else []),
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(out),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


HOSTILE = FIXTURES / "hostile"


def built(dumps: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    out = tmp_path_factory.mktemp(name) / "site"
    result = build_site(dumps, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the seed dumps, once per test run."""
    return built(SEED, tmp_path_factory, "seed")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the hostile fixture dumps (tests/fixtures/hostile), once per test run."""
    return built(HOSTILE, tmp_path_factory, "hostile")


@contextmanager
def served(site: Path) -> Iterator[str]:
    """A built site served on loopback as GitHub Pages serves it (``pages_server``); yields its base URL."""
    with pages_served(site) as url:
        yield url


@pytest.fixture(scope="session")
def seed_server(seed_site: Path) -> Iterator[str]:
    with served(seed_site) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_server(hostile_site: Path) -> Iterator[str]:
    with served(hostile_site) as url:
        yield url


# Debian's Chromium here; CHROMIUM_PATH names another build of it (GitHub's Ubuntu runners ship
# Google Chrome, and their apt "chromium" is only a stub for a snap).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not possible here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Chromium with apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
