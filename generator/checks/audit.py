"""``make audit``: tools nobody here wrote, run over one page of each type of a built site.

Lighthouse (pinned in package.json) scores each page, mobile and desktop, served gzipped from
loopback as GitHub Pages serves it (``pages_server``); the Nu HTML checker (vnu-jar, on Java)
checks the same pages' HTML. Prints the scores, what Lighthouse found short of 100, and every
checker error; exits 1 when any score is under the goal or the checker finds an error.

    python -m generator.checks.audit SITE [--runs N] [--only PAGE_TYPE ...] [--reports DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from generator.checks.pages_server import pages_served

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The goal of issue 17: performance at least 95, the rest 100, on every page type.
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
MISSING_PAGE = "no-such-page/"


def site_prefix(config: Path = ROOT / "mkdocs.yml") -> str:
    """The path the site lives under on its host (``site_url``'s path), as Pages serves it."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    site_url = yaml.load(config.read_text(encoding="utf-8"), Loader=Loader).get("site_url") or "/"
    return urlsplit(site_url).path or "/"


def subpages(folder: Path) -> list[str]:
    """The sub-folders of ``folder`` that hold a page, sorted."""
    return sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file()) if folder.is_dir() else []


def paper_with_math(site: Path) -> str | None:
    """The first paper whose page holds math (it loads KaTeX: the heaviest paper pages)."""
    for slug in subpages(site / "papers"):
        if 'class="arithmatex"' in (site / "papers" / slug / "index.html").read_text(encoding="utf-8"):
            return f"papers/{slug}/"
    return None


def topic_page(site: Path) -> str | None:
    """The first topic page of a tag (``tags/<tag>/<topic>/``; numbered folders are pages 2, 3...)."""
    for tag in subpages(site / "tags"):
        topics = [name for name in subpages(site / "tags" / tag) if not name.isdigit()]
        if topics:
            return f"tags/{tag}/{topics[0]}/"
    return None


def page_types(site: Path) -> dict[str, str]:
    """One page of each type the site has, as paths from the site's root: the first paper,
    tag and letter, the newest dump. ``404`` is a page that does not exist, so the server
    answers with the site's 404 page."""

    def sub(folder: str, newest: bool = False) -> str | None:
        names = subpages(site / folder)
        return f"{folder}/{names[-1] if newest else names[0]}/" if names else None

    types = {
        "home": "",
        "paper": sub("papers"),
        "paper, math": paper_with_math(site),
        "tag index": "tags/",
        "tag": sub("tags"),
        "topic": topic_page(site),
        "A-Z": "a-z/",
        "letter": sub("a-z"),
        "dumps index": "dumps/",
        "dump": sub("dumps", newest=True),
        "with code": "code/",
        "stats": "stats/",
        "map": "map/",
        "contributing": "contributing/",
        "library": "library/",
    }
    found = {
        name: path
        for name, path in types.items()
        if path is not None and (site / path / "index.html").is_file()
    }
    return {**found, "404": MISSING_PAGE}


def lighthouse(url: str, out: Path, *, desktop: bool) -> dict:
    """One Lighthouse run in Chromium; its JSON report."""
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if desktop:
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def scores(report: dict) -> dict[str, int]:
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def shortfalls(report: dict) -> list[str]:
    """In each category under its goal, the audits that cost points, by title."""
    found = []
    for name, category in report["categories"].items():
        if round((category["score"] or 0) * 100) >= GOALS[name]:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                value = audit.get("displayValue")
                found.append(f"{category['title']}: {audit['title']}" + (f" ({value})" if value else ""))
    return sorted(set(found))


def nu_errors(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors on ``files``, each as ``file:line: message``."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine', 0)}: {m['message']}" for m in messages
    ]


def page_file(site: Path, path: str) -> Path:
    return site / "404.html" if path == MISSING_PAGE else site / path / "index.html"


def median_run(url: str, out: Path, *, desktop: bool, runs: int, keep: Path | None = None) -> dict:
    """The run of median performance among ``runs``: Lighthouse's performance on a busy
    machine varies from run to run (its simulated timings scale with the CPU time it sees).
    With ``keep``, every run's JSON report is also saved there (``out``'s name, numbered)."""
    reports = []
    for run in range(runs):
        reports.append(lighthouse(url, out, desktop=desktop))
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{out.stem}-{run + 1}.json").write_bytes(out.read_bytes())
    reports.sort(key=lambda report: report["categories"]["performance"]["score"] or 0)
    return reports[len(reports) // 2]


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def audit(site: Path, only: list[str], runs: int = 1, keep: Path | None = None) -> int:
    """Scores every page type (the median of ``runs``), prints them with the machine's load
    average when each row ended, then the checker's errors; with ``keep``, saves every report."""
    types = {name: path for name, path in page_types(site).items() if not only or name in only}
    failed = False
    errors = nu_errors([page_file(site, path) for path in types.values()])
    with pages_served(site, site_prefix()) as base, tempfile.TemporaryDirectory() as work:
        print(f"{'page type':14} {'mobile: perf a11y bp seo':>26} {'desktop: perf a11y bp seo':>27}   load")
        for name, path in types.items():
            # The 404 page at its own address: at a missing one Lighthouse scores the 404 status.
            url = base + ("404.html" if path == MISSING_PAGE else path)
            row, notes = [], []
            for desktop in (False, True):
                out = Path(work) / f"{slug(name)}-{'desktop' if desktop else 'mobile'}.json"
                report = median_run(url, out, desktop=desktop, runs=runs, keep=keep)
                got = scores(report)
                failed |= any(got[c] < goal for c, goal in GOALS.items())
                row.append(" ".join(f"{got[c]:>4}" for c in CATEGORIES))
                notes += [f"  {'desktop' if desktop else 'mobile'}: {s}" for s in shortfalls(report)]
            load = os.getloadavg()[0]
            print(f"{name:14} {row[0]:>26} {row[1]:>27}   {load:4.1f}   /{path}", flush=True)
            if notes:
                print(*notes, sep="\n")
    print(f"Nu HTML checker: {len(errors)} error(s) in {len(types)} pages")
    if errors:
        print(*errors, sep="\n")
    return 1 if failed or errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE)")
    parser.add_argument("--only", nargs="*", default=[], help="page types to audit (default: all)")
    parser.add_argument(
        "--runs", type=int, default=1, help="Lighthouse runs a page, the median kept (default: 1)"
    )
    parser.add_argument("--reports", type=Path, help="a folder to keep every Lighthouse JSON report in")
    args = parser.parse_args(argv)
    for tool in (LIGHTHOUSE, VNU):
        if not tool.exists():
            print(f"{tool} is missing: run `npm ci --ignore-scripts` (make audit does)", file=sys.stderr)
            return 2
    return audit(args.site, args.only, args.runs, args.reports)


if __name__ == "__main__":
    sys.exit(main())
