"""Honest dates: a dump's full date is its papers page's, git's or its file's, never a guessed year.

Pages keep what the dump says ("May 28" without a year); Atom and the sitemap, which need a
full date, get one that is true (``generator/ingest/dates.py``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from generator.ingest.dates import full_dates
from generator.ingest.parse import read_dumps
from generator.model import DumpDate
from generator.pipeline import read_catalogue
from generator.site.feeds import feed_files
from tests.conftest import FIXTURES, ROOT, SEED

ATOM = "{http://www.w3.org/2005/Atom}"
YEARLESS = SEED / "000_919b48b6701b301b.txt"  # "May 28", no year in its name
ADDED = "2026-03-04T05:06:07+01:00"


def git(folder: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=date or ADDED, GIT_COMMITTER_DATE=date or ADDED)
    identity = ("-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false")
    return subprocess.run(
        ["git", *identity, *args], cwd=folder, env=env, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository whose ``dumps/`` got a yearless dump on ``ADDED`` and a second a day later."""
    repo = tmp_path / "repo"
    (repo / "dumps").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(YEARLESS, repo / "dumps" / "0001.txt")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first dump")
    shutil.copy(SEED / "003_c4391410718c9974.txt", repo / "dumps" / "0002.txt")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "second dump", date="2026-03-05T00:00:00Z")
    return repo


def full_date(path: Path) -> datetime | None:
    (result,) = read_dumps([path])
    return result.dump.full_date


def test_a_dated_file_name_gives_the_papers_pages_date() -> None:
    assert full_date(FIXTURES / "golden" / "0001_2025-05-28.txt") == datetime(2025, 5, 28, tzinfo=UTC)


def test_a_yearless_dump_takes_the_date_git_added_it(repository: Path) -> None:
    (repository / "dumps" / "0001.txt").touch()  # an edit since: the date it was added still holds
    dates = full_dates({path: None for path in sorted((repository / "dumps").iterdir())})
    assert dates == {
        "0001.txt": datetime(2026, 3, 4, 4, 6, 7, tzinfo=UTC),
        "0002.txt": datetime(2026, 3, 5, tzinfo=UTC),
    }


def test_a_shallow_clone_does_not_pass_its_oldest_commit_off_as_the_date_added(
    repository: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repository}", str(clone)], check=True, timeout=60
    )
    dump = clone / "dumps" / "0001.txt"
    os.utime(dump, (1_780_000_000, 1_780_000_000))
    with caplog.at_level(logging.WARNING, logger="generator.ingest.dates"):
        assert full_dates({dump: None}) == {"0001.txt": datetime.fromtimestamp(1_780_000_000, UTC)}
    assert caplog.messages == [
        f"{dump}: this shallow clone does not say when it was added; its date is the file's "
        "modification time (fetch the whole history: git fetch --unshallow)"
    ]


def test_without_git_a_yearless_dump_takes_its_files_modification_time(tmp_path: Path) -> None:
    dump = tmp_path / "0001.txt"
    shutil.copy(YEARLESS, dump)
    os.utime(dump, (1_750_000_000, 1_750_000_000))
    assert full_date(dump) == datetime.fromtimestamp(1_750_000_000, UTC)


def test_a_year_of_its_own_wins_over_git(repository: Path) -> None:
    dump = repository / "dumps" / "0001.txt"
    assert full_dates({dump: DumpDate(2024, 5, 28)}) == {"0001.txt": datetime(2024, 5, 28, tzinfo=UTC)}


def test_feeds_date_yearless_papers_by_git_and_never_guess_a_year(repository: Path) -> None:
    catalogue, problems = read_catalogue(repository / "dumps")
    assert problems == ()
    root = etree.fromstring(feed_files(catalogue, [])["feed.xml"].encode())
    stamps = {el.text for el in root.iter(f"{ATOM}updated", f"{ATOM}published")}
    assert stamps == {"2026-03-04T04:06:07+00:00", "2026-03-05T00:00:00+00:00"}


def test_the_seed_feeds_carry_the_days_git_added_the_seed_dumps(seed_site: Path) -> None:
    added = {
        datetime.fromisoformat(
            git(ROOT, "log", "--diff-filter=A", "--format=%cI", "--", f"dumps/{path.name}").split()[0]
        )
        .astimezone(UTC)
        .isoformat()
        for path in SEED.glob("*.txt")
    }
    for feed in [seed_site / "feed.xml", *(seed_site / "tags").glob("*/feed.xml")]:
        root = etree.parse(str(feed)).getroot()
        stamps = {el.text for el in root.iter(f"{ATOM}updated", f"{ATOM}published")}
        assert stamps and stamps <= added, feed


def test_pages_keep_a_yearless_dumps_date_as_the_dump_shows_it(seed_site: Path) -> None:
    page = BeautifulSoup((seed_site / "dumps" / "000_919b48b6701b301b" / "index.html").read_text(), "lxml")
    assert page.select_one("h1").get_text() == "Papers of May 28"
    assert page.title.get_text().startswith("Papers of May 28 - ")
    paper = BeautifulSoup(
        (seed_site / "papers" / "light-schrodinger-bridge" / "index.html").read_text(), "lxml"
    )
    assert [a.get_text() for a in paper.select("ul.paper-sources a")] == ["Mar 11"]
