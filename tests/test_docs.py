"""Every command a contributor or maintainer runs has help and is in the README, as sqlite-utils'
``test_docs.py`` does for its CLI: a command added without either fails here."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from generator.cli.commands import parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands() -> list[str]:
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_the_command_line_has_the_commands_the_readme_teaches() -> None:
    assert {"add", "build", "diff", "validate"} <= set(subcommands())


@pytest.mark.parametrize("command", subcommands())
def test_every_command_has_help(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", command, "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: python -m generator {command}")
    summary = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))._choices_actions
    assert any(choice.dest == command and choice.help for choice in summary), (
        f"{command} has no one-line help"
    )


@pytest.mark.parametrize("command", subcommands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"python -m generator {command}" in README, (
        f"the README does not show `python -m generator {command}`"
    )


@pytest.mark.parametrize("target", ["serve", "test", "site", "bench", "check-corpus", "golden", "audit"])
def test_every_make_target_the_readme_names_exists(target: str) -> None:
    assert f"make {target}" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"\n{target}:" in makefile or f"\n{target}: " in makefile
