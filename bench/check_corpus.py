"""Nothing lost, nothing injected, nothing broken: the safety and link checks on the whole corpus.

    .venv/bin/python bench/check_corpus.py [--dumps DIR] [--site DIR] [--keep DIR]

Builds the corpus (``../shared/corpus/dumps`` beside the repository unless ``--dumps``) with
``mkdocs build`` into a temporary folder, or checks the site already built in ``--site``;
then runs ``generator.checks.safety.check_site`` (every paper of ``papers.json`` against its page,
the search index, tags and feeds, and ``papers.json`` against the dumps) and
``generator.checks.linkcheck.check_links`` (every internal href/src and #anchor of every page).

Prints the figures (papers checked, violations, broken links, seconds per step) and the
first violations; exits 1 on any violation or broken link, 2 when the build fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.checks.linkcheck import check_links  # noqa: E402
from generator.checks.safety import check_site, read_papers_json  # noqa: E402

DEFAULT_DUMPS = ROOT.parent / "shared" / "corpus" / "dumps"
SHOWN = 50


def build(dumps: Path, site: Path) -> tuple[int, str]:
    """``mkdocs build`` of ``dumps`` into ``site``; the exit code and the end of its output."""
    env = dict(
        os.environ,
        PAPERS_DUMPS_DIR=str(dumps),
        PAPERS_GENERATED_DIR=str(site) + "-generated",
        NO_MKDOCS_2_WARNING="1",
    )
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return result.returncode, (result.stdout + result.stderr)[-4000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dumps", type=Path, default=DEFAULT_DUMPS, help="the dumps folder (default: the corpus)"
    )
    parser.add_argument("--site", type=Path, help="check this built site instead of building one")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    parser.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="check-corpus-") as tmp:
        site = args.site
        if site is None:
            site = args.keep or Path(tmp) / "site"
            print(f"building {args.dumps} into {site} ...", flush=True)
            start = time.perf_counter()
            code, output = build(args.dumps, site)
            seconds["build"] = time.perf_counter() - start
            if code != 0:
                print(output, file=sys.stderr)
                print(f"mkdocs build failed (exit {code}) after {seconds['build']:.0f} s", file=sys.stderr)
                return 2
        start = time.perf_counter()
        violations = check_site(site, dumps_dir=args.dumps, processes=args.processes)
        seconds["safety"] = time.perf_counter() - start
        start = time.perf_counter()
        broken, pages, links = check_links(site, args.processes)
        seconds["links"] = time.perf_counter() - start
        papers = len(read_papers_json(site)[0])
    for violation in violations[:SHOWN]:
        print(violation)
    for link in broken[:SHOWN]:
        print(link)
    timing = ", ".join(f"{name} {value:.1f} s" for name, value in seconds.items())
    print(
        f"papers checked: {papers}\n"
        f"violations: {len(violations)}\n"
        f"pages link-checked: {pages} ({links} links), broken: {len(broken)}\n"
        f"seconds: {sum(seconds.values()):.1f} ({timing})"
    )
    return 1 if violations or broken else 0


if __name__ == "__main__":
    sys.exit(main())
