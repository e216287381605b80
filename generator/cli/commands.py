"""``python -m generator``: a thin command line over the library.

Library problems become one line each (``PATH:LINE: message``) and an exit code; bad
input never produces a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from generator.cli.add import add_dump
from generator.cli.diff import GitError, diff_refs, format_diff
from generator.enrich.taxonomy import TaxonomyError, default_path, load_taxonomy
from generator.ingest.catalogue import build_catalogue
from generator.ingest.parse import dump_files, dump_sort_key, read_dumps
from generator.model import Problem


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


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: ``!ENV`` resolved as MkDocs does, other tags ignored."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    if isinstance(node, yaml.SequenceNode):
        names, default = (
            [str(v) for v in loader.construct_sequence(node)[:-1]],
            loader.construct_sequence(node)[-1],
        )
    else:
        names, default = [str(loader.construct_scalar(node))], None
    return next((os.environ[name] for name in names if name in os.environ), default)


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def site_settings(config_file: str) -> dict[str, str]:
    """site_name and site_url as MkDocs reads them, so both runs share generated files.

    Loading the config through MkDocs would import the theme and every plugin, most of what a
    no-op ``build`` would then cost."""
    try:
        with open(config_file, encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=_ConfigLoader) or {}  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        return {}
    return {"site_name": str(config.get("site_name", "")), "site_url": str(config.get("site_url") or "")}


def cmd_build(args: argparse.Namespace) -> int:
    from generator.pipeline import Settings, Timer
    from generator.rebuild import regenerate

    timer = Timer(report=lambda line: print(line, file=sys.stderr))
    settings = Settings(**site_settings(args.config))
    try:
        manifest, problems = regenerate(
            Path(args.dumps), Path(args.out), args.taxonomy, settings=settings, timer=timer
        )
    except TaxonomyError as err:
        print(err, file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    return 0 if manifest is not None else 1


def cmd_relayout(args: argparse.Namespace) -> int:
    """Lay the whole map out anew: its cached layout and the generated folder's manifest are
    removed, so the build that follows (this one) places every paper again."""
    from generator.enrich.layout import forget_layout
    from generator.rebuild import MANIFEST, map_dir

    forget_layout(map_dir(Path(args.out)))
    (Path(args.out) / MANIFEST).unlink(missing_ok=True)
    return cmd_build(args)


def cmd_add(args: argparse.Namespace) -> int:
    dumps = Path(args.dumps)
    result = add_dump(Path(args.path), dumps, date=args.date, display=args.path)
    for problem in result.problems:
        print(problem if problem.severity == "error" else f"{problem} (warning)", file=sys.stderr)
    if result.written is None:
        print(f"{args.path}: not added, nothing was written", file=sys.stderr)
        return 1
    assert result.date is not None
    if result.known:
        print(
            f"warning: {result.known} of {result.papers} papers are already in {dumps}/: they will be merged",
            file=sys.stderr,
        )
    shown = result.written.as_posix()
    print(f"wrote {shown}: {result.papers} papers of {result.date.label}")
    print("next steps:")
    print("  make serve                  # look at the site on http://127.0.0.1:8000")
    print(f"  git add {shown}")
    print(f'  git commit -m "Add the papers of {result.date.label}"')
    print("  git push, then open a pull request")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        diff, problems = diff_refs(args.base, Path(args.dumps))
    except GitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if diff is None:
        errors = sum(1 for p in problems if p.severity == "error")
        note = f"{errors} error(s) in the dumps: no comparison with {args.base} (see the errors above)"
        print(f"## Papers\n\n{note}" if args.format == "markdown" else note)
        return 1
    print(format_diff(diff, args.format, args.site_url), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0])
    top.add_argument("--taxonomy", type=Path, default=default_path(), help="taxonomy YAML file")
    commands = top.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check dumps; print PATH:LINE: message for each problem")
    validate.add_argument("paths", nargs="*", help="dump files or folders (default: dumps/)")
    validate.add_argument(
        "--format", choices=("text", "github"), default="text", help="github: workflow annotations"
    )
    validate.set_defaults(run=cmd_validate)

    build = commands.add_parser("build", help="write the generated Markdown pages without running MkDocs")
    build.add_argument("--dumps", default="dumps", help="folder of dumps (default: dumps/)")
    build.add_argument("--out", default="build/generated", help="output folder (default: build/generated)")
    build.add_argument(
        "--config", default="mkdocs.yml", help="MkDocs config to read site_name and site_url from"
    )
    build.set_defaults(run=cmd_build)

    relayout = commands.add_parser(
        "relayout", help="lay the whole map out anew (new dumps are otherwise placed into it), then build"
    )
    relayout.add_argument("--dumps", default="dumps", help="folder of dumps (default: dumps/)")
    relayout.add_argument("--out", default="build/generated", help="output folder (default: build/generated)")
    relayout.add_argument(
        "--config", default="mkdocs.yml", help="MkDocs config to read site_name and site_url from"
    )
    relayout.set_defaults(run=cmd_relayout)

    add = commands.add_parser("add", help="file a pasted page as the next dump of dumps/, normalised")
    add.add_argument("path", help="the pasted text (any line endings)")
    add.add_argument(
        "--date",
        type=iso_date,
        help="the page's date, YYYY-MM-DD (default: its date line, in the current year)",
    )
    add.add_argument("--dumps", default="dumps", help="folder of dumps (default: dumps/)")
    add.set_defaults(run=cmd_add)

    diff = commands.add_parser("diff", help="what the working tree's dumps change since a git ref")
    diff.add_argument("base", metavar="BASE_REF", help="git ref to compare with, e.g. origin/main")
    diff.add_argument("--dumps", default="dumps", help="folder of dumps (default: dumps/)")
    diff.add_argument(
        "--format", choices=("text", "markdown"), default="text", help="markdown: a job summary"
    )
    diff.add_argument("--site-url", default="", help="prefix of paper links (default: relative links)")
    diff.set_defaults(run=cmd_diff)
    return top


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-05-28") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
