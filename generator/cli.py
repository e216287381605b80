"""``python -m generator``: a thin command line over the library.

Library problems become one line each (``PATH:LINE: message``) and an exit code; bad
input never produces a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import DEFAULT_TAXONOMY, Timer, generate, write
from .catalogue import build_catalogue
from .model import Problem
from .parse import dump_files, dump_sort_key, read_dumps
from .taxonomy import TaxonomyError, load_taxonomy


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that marks the line in the pull request."""
    level = "error" if problem.severity == "error" else "warning"
    message = problem.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    path = problem.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    return f"::{level} file={path},line={problem.line}::{message}"


def collect(paths: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = dump_files(path)
            if not found:
                problems.append(Problem(name, 1, "no dumps: the folder holds no *.txt file"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(name, 1, "no such file or folder"))
    return files, problems


def cmd_validate(args: argparse.Namespace) -> int:
    files, problems = collect(args.paths or ["dumps"])
    results = read_dumps(files)
    problems += [problem for result in results for problem in result.problems]
    try:
        load_taxonomy(args.taxonomy)
    except TaxonomyError as err:
        print(err, file=sys.stderr)
        return 1
    show = github_annotation if args.format == "github" else str
    for problem in sorted(problems, key=lambda p: (dump_sort_key(Path(p.path).name), p.line)):
        print(show(problem))
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        print(f"{errors} error(s) in {len(files)} dump(s)", file=sys.stderr)
        return 1
    catalogue = build_catalogue([result.dump for result in results])
    entries = sum(len(result.dump.entries) for result in results)
    print(f"{len(files)} dumps, {entries} entries, {len(catalogue.papers)} papers: no errors")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    timer = Timer(report=lambda line: print(line, file=sys.stderr))
    try:
        generated = generate(Path(args.dumps), args.taxonomy, timer=timer)
    except TaxonomyError as err:
        print(err, file=sys.stderr)
        return 1
    for problem in generated.problems:
        print(problem)
    if generated.errors:
        return 1
    write(generated, Path(args.out), timer)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0])
    top.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY, help="taxonomy YAML file")
    commands = top.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check dumps; print PATH:LINE: message for each problem")
    validate.add_argument("paths", nargs="*", help="dump files or folders (default: dumps/)")
    validate.add_argument("--format", choices=("text", "github"), default="text", help="github: workflow annotations")
    validate.set_defaults(run=cmd_validate)

    build = commands.add_parser("build", help="write the generated Markdown pages without running MkDocs")
    build.add_argument("--dumps", default="dumps", help="folder of dumps (default: dumps/)")
    build.add_argument("--out", default="build/generated", help="output folder (default: build/generated)")
    build.set_defaults(run=cmd_build)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
