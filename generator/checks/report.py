"""What a check of a built site reports, and how its command line says it.

Every check names a problem by the site file it is in and prints it as ``FILE: message``:
``Violation`` is that record for the safety check and the empty-page check (the link
checker's ``BrokenLink`` keeps its URL and reason apart). The checks that run alone
(``python -m generator.checks.linkcheck SITE_DIR``, ``...nonempty SITE_DIR``) share their
command line: the same ``SITE_DIR`` argument, the same refusal of a missing folder (exit 2),
one line a problem, a summary on stderr and exit 1 when there is any.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One thing wrong in a built site, named by the file it is in (relative to the site)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def site_arguments(module: str, doc: str) -> argparse.ArgumentParser:
    """The command line of ``python -m MODULE SITE_DIR``, described by the module's first line."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=doc.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder (mkdocs build -d SITE_DIR)")
    return parser


def is_built_site(site: Path) -> bool:
    """Whether ``site`` is a folder; when it is not, says on stderr how to make one."""
    if not site.is_dir():
        print(f"{site}: not a folder; build the site first (mkdocs build -d {site})", file=sys.stderr)
        return False
    return True


def report(found: Sequence[object], summary: str) -> int:
    """Print each problem on stdout and the summary on stderr; the exit code, 1 when any was found."""
    for problem in found:
        print(problem)
    print(summary, file=sys.stderr)
    return 1 if found else 0
