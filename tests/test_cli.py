"""``python -m generator validate`` as a contributor runs it: exact output, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import DUMPS, ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_defaults_to_dumps_and_summarises() -> None:
    result = run("validate")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "2 dumps, 99 entries, 84 papers: no errors\n"


def test_validate_prints_path_line_message_and_exits_1() -> None:
    broken = DUMPS.relative_to(ROOT) / "two_abstracts_in_a_row.txt"
    result = run("validate", str(broken))
    assert result.returncode == 1
    assert result.stdout == (
        f"{broken}:15: two abstracts in a row: this paragraph follows the abstract of "
        "'First Paper: A Test' (line 11); is its title missing?\n"
    )
    assert result.stderr == "1 error(s) in 1 dump(s)\n"


def test_validate_lists_every_problem_of_every_file_in_dump_order() -> None:
    names = ["truncated_paste.txt", "empty.txt", "invalid_utf8.txt"]
    result = run("validate", *(str(DUMPS.relative_to(ROOT) / name) for name in names))
    assert result.returncode == 1
    assert [line.split(":", 2)[:2] for line in result.stdout.splitlines()] == [
        [str(DUMPS.relative_to(ROOT) / "empty.txt"), "1"],
        [str(DUMPS.relative_to(ROOT) / "invalid_utf8.txt"), "13"],
        [str(DUMPS.relative_to(ROOT) / "truncated_paste.txt"), "19"],
    ]


def test_validate_names_a_missing_path() -> None:
    result = run("validate", "no/such/dump.txt")
    assert result.returncode == 1
    assert result.stdout == "no/such/dump.txt:1: no such file or folder\n"


def test_build_writes_pages_without_mkdocs(tmp_path: Path) -> None:
    result = run("build", "--dumps", str(DUMPS.parent.parent.parent / "dumps"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "papers" / "light-schrodinger-bridge.md").is_file()
    assert "parse: 2 dumps, 99 entries, 84 papers" in result.stderr


def test_a_second_build_with_nothing_changed_reuses_every_file(tmp_path: Path) -> None:
    dumps = str(DUMPS.parent / "golden")
    first = run("build", "--dumps", dumps, "--out", str(tmp_path / "out"))
    assert first.returncode == 0, first.stderr
    page = tmp_path / "out" / "papers" / "light-schrodinger-bridge.md"
    written = page.stat().st_mtime_ns
    second = run("build", "--dumps", dumps, "--out", str(tmp_path / "out"))
    assert second.returncode == 0, second.stderr
    assert "papers: 3 paper pages" in first.stderr
    assert "inputs: unchanged" in second.stderr and "papers:" not in second.stderr
    assert page.stat().st_mtime_ns == written
