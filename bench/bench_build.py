"""Whole-build benchmark on the shared corpus, with its peer and its floor measured in the same run.

    .venv/bin/python bench/bench_build.py [--dumps DIR] [--limit N] [--scale S] [--skip-peer] [--skip-browser]

Builds the first N dumps of the corpus (all 414 by default) three ways, one after the
other on the same machine:

- ours: ``mkdocs build`` of this repository's site (generation, tags, related lists,
  mentions, listings, pages, Pagefind index), from fresh folders, then its first queries and
  known-item search (``bench_known_item.py``) in Chromium; then again as every deploy
  builds it, with the map's layout kept (``deploy_build``);
- peer: what a user would otherwise pick: vanilla Material with its own search plugin,
  each paper a plain page (title and abstract), out of the nav;
- floor: python-markdown rendering each paper's title and abstract to one HTML file, no theme.

Then ours and the peer are built again, taking turns, until each has ``--repeats`` builds (3 by
default); the time ratio is that of the medians (one pair gave 0.79 to 1.34 here), and each
build's seconds, CPU and peak memory are kept with their medians (``builds``).

Prints a table and writes ``bench/results/build-<N>.json``. The machines are shared and
noisy: compare the ratios of one run, not seconds across runs.

With ``--scale S`` (``make bench SCALE=3``) it builds ours twice instead: on the corpus,
then on a synthetic corpus S times its size (``scale_corpus.py``), then builds both again,
taking turns, until each has ``--repeats`` builds (3 by default), and writes
``bench/results/build-<N>-x<S>.json``: each build's figures, the site's bytes by folder and file
type, and how the larger build compares (bytes per paper, and time and memory as the ratios
of the medians: on this machine one pair of builds gave 2.60 to 3.58 for nearly the same code).

No timed build follows a deletion: each builds into folders of its own, and the work folder
is removed at the end. On ext4 without a journal (this machine's disk) a file created soon
after others were deleted costs a pass over the freed inodes, so a build right after a
removal would pay for the removal too (README, "Performance", the disk).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.checks.pages_server import pages_served  # noqa: E402
from generator.ingest.parse import dump_files, read_dumps  # noqa: E402
from generator.rebuild import map_dir, search_dir  # noqa: E402

# Beside the repository (/work/main), or two levels up from a worktree (/work/wt/NAME).
CORPUS = (
    next(
        (path for path in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if path.is_dir()),
        ROOT.parent / "shared",
    )
    / "corpus"
    / "dumps"
)
RESULTS = ROOT / "bench" / "results"
QUERY = "diffusion"
"""The headline first query: the corpus's most common topic word."""
MORE_QUERIES = ("mamba", "gaussian splatting", "reinforcement learning agents", "language model")
"""Also measured, each in a fresh browser: rarer words, and several words, fetch other amounts."""
STAGE = re.compile(r"papers: (?P<stage>[a-z]+): .*\((?P<seconds>[\d.]+) s\)")
SEARCH = re.compile(
    r"search index: .*\((?P<beside>[\d.]+) s beside the build, (?P<after>[\d.]+) s after it\)"
)


def tree_pids(root: int) -> list[int]:
    """Process ``root`` and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(parents.get(pid, ()))
    return pids


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def resident_bytes(pids: list[int]) -> int:
    """Resident bytes of ``pids`` summed (pages they share counted once for each), from
    ``statm``: counters the kernel keeps, cheap to read however large the process."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):  # the process may have ended meanwhile
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    return total


def proportional_bytes(pids: list[int]) -> int:
    """Proportional bytes of ``pids`` summed (each shared page split between its processes:
    what they occupy together), from ``smaps_rollup``. The kernel walks each process's page
    tables to answer, holding its memory map's lock: read often, it slows a 3 GB Pagefind."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, KeyError, IndexError):
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            field = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup[1:]}
            total += field["Pss"]
    return total


SAMPLE_SECONDS = 0.2
PROPORTIONAL_EVERY = 10
"""Reading ``smaps_rollup`` every 0.2 s made the 3x build about 6 % slower (185 and 188 s
against 174 and 176 s unsampled, alternated); every 2 s its cost is lost in the noise, and
Pagefind's peak lasts tens of seconds."""
TICKS = os.sysconf("SC_CLK_TCK")


def process_kind(pid: int) -> str:
    """What a process of the build is, from its command line: the build's own process
    (MkDocs, generation), the worker (related lists, the map), the search index (Pagefind
    and the Python process that writes its documents and starts it), or other."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "other"
    for kind, mark in (("search index", "pagefind"), ("worker", "multiprocessing"), ("build", "mkdocs")):
        if mark in command:
            return kind
    return "other"


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds ``pid`` has used so far, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Run:
    """One timed command: wall seconds, its stderr, peak memory, and CPU seconds.

    ``peak`` is the largest process's resident peak; ``resident_all`` and ``proportional_all``
    the peaks of all its processes together (``resident_bytes`` sampled every
    ``SAMPLE_SECONDS``, ``proportional_bytes`` every ``PROPORTIONAL_EVERY`` samples).
    ``cpu`` is every process's CPU together, exact (``/usr/bin/time``, which counts the
    descendants waited for), also as user and system time (both move between runs here,
    the system time most), and by ``process_kind``, sampled: a process's last 0.2 s may
    be missed. On two cores, CPU rather than wall time shows what grows with the papers
    when the machine's other load moves the wall clock."""

    seconds: float
    log: str
    peak: int
    resident_all: int = 0
    proportional_all: int = 0
    cpu: dict[str, float] = field(default_factory=dict)


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """Runs ``command``, sampling its processes' memory and CPU (``Run``); Pagefind and the
    worker run beside the build."""
    wrapped = ["/usr/bin/time", "-f", "@@peak %M @@cpu %U %S", *command]
    start = time.perf_counter()
    process = subprocess.Popen(
        wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    together = [0, 0]
    used: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        samples = 0
        while not done.wait(SAMPLE_SECONDS):
            pids = tree_pids(process.pid)
            together[0] = max(together[0], resident_bytes(pids))
            if samples % PROPORTIONAL_EVERY == 0:
                together[1] = max(together[1], proportional_bytes(pids))
            for pid in pids[1:]:  # not /usr/bin/time itself
                with contextlib.suppress(OSError, IndexError, ValueError):
                    kind = used[pid][0] if pid in used else process_kind(pid)
                    used[pid] = (kind, cpu_seconds(pid))
            samples += 1

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stdout[-3000:]}\n{stderr[-3000:]}")
    figures = re.search(r"@@peak (\d+) @@cpu ([\d.]+) ([\d.]+)", stderr)
    user, system = float(figures.group(2)), float(figures.group(3))
    cpu = {"all": round(user + system, 1), "user": round(user, 1), "system": round(system, 1)}
    for kind, seconds_used in sorted(used.values()):
        cpu[kind] = round(cpu.get(kind, 0.0) + seconds_used, 1)
    return Run(seconds, stderr, int(figures.group(1)) * 1024, together[0], together[1], cpu)


def site_figures(site: Path) -> dict[str, int]:
    pages = [p for p in site.rglob("*.html")]
    sizes = [p.stat().st_size for p in pages]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {"html_pages": len(pages), "site_bytes": total, "largest_page_bytes": max(sizes, default=0)}


def site_breakdown(site: Path) -> dict[str, dict[str, int]]:
    """The site's bytes by top-level folder (or file), by file type, and by both, largest
    first: where the bytes per paper go."""
    folders: dict[str, int] = {}
    types: dict[str, int] = {}
    both: dict[str, int] = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        parts = path.relative_to(site).parts
        folder = parts[0] + ("/" if len(parts) > 1 else "")
        kind = path.suffix or path.name
        folders[folder] = folders.get(folder, 0) + size
        types[kind] = types.get(kind, 0) + size
        both[f"{folder} {kind}"] = both.get(f"{folder} {kind}", 0) + size

    def largest_first(sizes: dict[str, int]) -> dict[str, int]:
        return dict(sorted(sizes.items(), key=lambda item: (-item[1], item[0])))

    return {
        "by_folder": largest_first(folders),
        "by_type": largest_first(types),
        "by_folder_and_type": largest_first(both),
    }


def largest_page(site: Path) -> str:
    return str(max(site.rglob("*.html"), key=lambda p: p.stat().st_size).relative_to(site))


def ours_env(dumps: Path, work: Path) -> dict[str, str]:
    """The environment of our ``mkdocs build`` of ``dumps``, its generated folder in ``work``."""
    return dict(
        os.environ,
        PAPERS_DUMPS_DIR=str(dumps),
        PAPERS_GENERATED_DIR=str(work / "ours-generated"),
        NO_MKDOCS_2_WARNING="1",
    )


def build_ours(dumps: Path, work: Path, deploy: bool = True) -> dict:
    site = work / "ours-site"
    env = ours_env(dumps, work)
    build = timed([sys.executable, "-m", "mkdocs", "build", "-d", str(site)], env)
    stages = {m.group("stage"): float(m.group("seconds")) for m in STAGE.finditer(build.log)}
    search = SEARCH.search(build.log)
    generation = sum(stages.values())
    # A second build with nothing changed: what a no-op regeneration costs.
    again = timed(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--dumps",
            str(dumps),
            "--out",
            str(work / "ours-generated"),
        ]
    )
    reused = re.search(r"inputs: unchanged, (\d+) generated files reused", again.log)
    written = re.search(r"write: (\d+) written, (\d+) unchanged", again.log)
    noop = {"seconds": round(again.seconds, 2)}
    if reused:
        noop.update(written=0, unchanged=int(reused.group(1)), skipped_generation=True)
    elif written:
        noop.update(written=int(written.group(1)), unchanged=int(written.group(2)), skipped_generation=False)
    return {
        "seconds": round(build.seconds, 2),
        "generation_seconds": round(generation, 2),
        "stages": stages,
        # Pagefind runs in its own process beside MkDocs; only what it takes after MkDocs is done
        # adds to the build.
        "pagefind_seconds": {
            "beside_mkdocs": float(search.group("beside")) if search else None,
            "after_mkdocs": float(search.group("after")) if search else None,
        },
        "mkdocs_seconds": round(
            build.seconds - generation - (float(search.group("after")) if search else 0.0), 2
        ),
        "cpu_seconds": build.cpu,
        "peak_memory_bytes": build.peak,
        "peak_memory_all_processes_bytes": build.resident_all,
        "peak_memory_all_processes_pss_bytes": build.proportional_all,
        "noop_regeneration": noop,
        **({"deploy_build": deploy_build(env, work)} if deploy else {}),
        **site_figures(site),
        "largest_page": largest_page(site),
        "site": str(site),
    }


def deploy_build(env: dict[str, str], work: Path) -> dict:
    """The build every deploy runs: the same dumps, fresh folders, the map's layout kept
    (the deploy workflow restores ``build/generated-map`` from GitHub's cache; the papers of
    a new dump are placed into it, which ``bench_map.py`` times). Seconds and peak memory."""
    site = work / "ours-deploy-site"
    generated = work / "ours-deploy-generated"  # its own: nothing removed before a timed build
    shutil.copytree(map_dir(Path(env["PAPERS_GENERATED_DIR"])), map_dir(generated))
    env = dict(env, PAPERS_GENERATED_DIR=str(generated))
    build = timed([sys.executable, "-m", "mkdocs", "build", "-d", str(site)], env)
    return {
        "seconds": round(build.seconds, 2),
        "cpu_seconds": build.cpu,
        "peak_memory_bytes": build.peak,
        "peak_memory_all_processes_bytes": build.resident_all,
    }


def build_peer(papers: list[tuple[str, str, str]], work: Path) -> dict:
    project = work / "peer"
    docs = project / "docs"
    (docs / "papers").mkdir(parents=True)
    (docs / "index.md").write_text("# Papers\n")
    for slug, title, abstract in papers:
        (docs / "papers" / f"{slug}.md").write_text(f"# {title}\n\n{abstract}\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Peer\ntheme:\n  name: material\nplugins:\n  - search\nnav:\n  - Home: index.md\n"
        "validation:\n  nav:\n    omitted_files: ignore\n"
    )
    site = project / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    build = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], env, cwd=project)
    index = site / "search" / "search_index.json"
    return {
        "seconds": round(build.seconds, 2),
        "cpu_seconds": build.cpu,
        "peak_memory_bytes": build.peak,
        "peak_memory_all_processes_bytes": build.resident_all,
        "search_index_bytes": index.stat().st_size if index.exists() else 0,
        **site_figures(site),
    }


FLOOR = """
import json, sys, time, markdown
from pathlib import Path
papers = json.load(open(sys.argv[1]))
out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
md = markdown.Markdown()
for slug, title, abstract in papers:
    (out / f"{slug}.html").write_text(md.reset().convert(f"# {title}\\n\\n{abstract}"), encoding="utf-8")
"""


def build_floor(papers: list[tuple[str, str, str]], work: Path) -> dict:
    data = work / "floor.json"
    data.write_text(json.dumps(papers))
    build = timed([sys.executable, "-c", FLOOR, str(data), str(work / "floor-site")])
    return {
        "seconds": round(build.seconds, 2),
        "peak_memory_bytes": build.peak,
        **site_figures(work / "floor-site"),
    }


def first_query_bytes(site: Path, query: str) -> dict:
    """Bytes the browser fetches loading the home page, then from typing a query to seeing
    results, in Chromium via Playwright, from a server that compresses as GitHub Pages does.
    Also what each file of the query weighs, so a regression points at its cause."""
    from playwright.sync_api import sync_playwright

    with pages_served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        # Bytes of each phase: loading the home page, then typing the query to seeing results.
        phases: dict[str, list[int]] = {"home": [], "query": []}
        files: dict[str, int] = {}
        phase = ["home"]

        def finished(request) -> None:  # type: ignore[no-untyped-def]
            size = max(request.sizes()["responseBodySize"], 0)
            phases[phase[0]].append(size)
            if phase[0] == "query":
                name = re.sub(r"\?.*", "", request.url.removeprefix(base))
                files[name] = files.get(name, 0) + size

        page.on("requestfinished", finished)
        page.goto(base)
        page.wait_for_load_state("networkidle")
        phase[0] = "query"
        page.keyboard.press("/")
        page.keyboard.type(query)
        page.locator(".md-search-result__item").first.wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return {
        "query": query,
        "bytes": sum(phases["query"]),
        "requests": len(phases["query"]),
        "home_page_bytes": sum(phases["home"]),
        "query_files": dict(sorted(files.items(), key=lambda kv: -kv[1])[:8]),
    }


def known_item(site: Path, generated: Path) -> dict:
    """Known-item search on the built site (``bench_known_item.py``), its figures printed."""
    from bench_known_item import known_item_figures, summary

    figures = known_item_figures(site, search_dir(generated))
    print(summary(figures), flush=True)
    return figures


def copy_dumps(source: Path, limit: int, work: Path) -> Path:
    files = dump_files(source)
    if limit:
        files = files[:limit]
    if not files:
        raise SystemExit(f"no dumps in {source}")
    dumps = work / "dumps"
    dumps.mkdir()
    for path in files:
        shutil.copy(path, dumps / path.name)
    return dumps


def catalogue_papers(dumps: Path) -> list[tuple[str, str, str]]:
    from generator.ingest.catalogue import build_catalogue

    catalogue = build_catalogue([r.dump for r in read_dumps(dump_files(dumps))])
    return [(p.slug, p.title, p.abstract) for p in catalogue.papers]


def measure_ours(dumps: Path, work: Path, browser: bool, deploy: bool = True) -> dict:
    """Our build of ``dumps`` into ``work``, its site's figures and, with ``browser``, its
    first queries."""
    ours = build_ours(dumps, work, deploy)
    if browser:
        ours["first_query"] = first_query_bytes(Path(ours["site"]), QUERY)
        ours["more_first_queries"] = {
            query: first_query_bytes(Path(ours["site"]), query)["bytes"] for query in MORE_QUERIES
        }
        ours["known_item"] = known_item(Path(ours["site"]), work / "ours-generated")
    ours.update(site_breakdown(Path(ours.pop("site"))))
    return ours


def build_figures(dumps: Path, work: Path) -> dict:
    """Seconds, CPU (``Run.cpu``) and peak memory of all processes of one ``mkdocs build`` of
    ``dumps`` into fresh folders in ``work``."""
    build = timed(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(work / "ours-site")], ours_env(dumps, work)
    )
    return {
        "seconds": round(build.seconds, 2),
        "cpu_seconds": build.cpu,
        "peak_memory_all_processes_bytes": build.resident_all,
    }


Builder = Callable[[Path], dict]
"""One timed build into fresh folders in the given one: at least ``build_figures``' figures."""


def rebuilt(builders: dict[str, Builder], work: Path, repeats: int) -> dict[str, list[dict]]:
    """Each build made ``repeats - 1`` more times, the builds taking turns (1x, Sx, 1x, Sx,
    ..., or ours, peer, ...), so that a slow spell of the machine weighs on both."""
    runs: dict[str, list[dict]] = {label: [] for label in builders}
    for repeat in range(2, repeats + 1):
        for label, build in builders.items():
            runs[label].append(build(work / label / f"repeat-{repeat}"))
            print(f"{label}, build {repeat}: {runs[label][-1]['seconds']:.1f} s", flush=True)
    return runs


def with_repeats(first: dict, more: list[dict]) -> None:
    """Adds to the first build's figures every build's seconds, CPU, user CPU and peak memory
    (``builds``) and their medians."""
    runs = [first, *more]
    series = {
        "seconds": [run["seconds"] for run in runs],
        "cpu_seconds": [run["cpu_seconds"]["all"] for run in runs],
        "user_cpu_seconds": [run["cpu_seconds"]["user"] for run in runs],
        "peak_memory_all_processes_bytes": [run["peak_memory_all_processes_bytes"] for run in runs],
    }
    medians = {f"median_{name}": round(statistics.median(values), 2) for name, values in series.items()}
    first["builds"] = {**series, **medians}


def run_scale(args: argparse.Namespace, work: Path) -> tuple[dict, Path]:
    """Ours on the corpus, then on a synthetic corpus ``args.scale`` times its size, then
    both built again in turns (``rebuilt``): the time ratio is that of the medians."""
    from scale_corpus import scale_corpus

    base = copy_dumps(args.dumps, args.limit, work)
    scaled = work / f"dumps-x{args.scale}"
    scale_corpus(base, args.scale, scaled)
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "scale": args.scale}
    for label, folder in (("1x", base), (f"{args.scale}x", scaled)):
        count, papers = len(dump_files(folder)), len(catalogue_papers(folder))
        print(f"{label}: {count} dumps, {papers} papers; working in {work}", flush=True)
        results[label] = {"dumps": count, "papers": papers}
        results[label]["ours"] = measure_ours(folder, work / label, not args.skip_browser, deploy=False)
        print(f"{label}: {results[label]['ours']['seconds']:.1f} s", flush=True)
    labels = ("1x", f"{args.scale}x")
    builders = {
        label: functools.partial(build_figures, folder)
        for label, folder in zip(labels, (base, scaled), strict=True)
    }
    times = rebuilt(builders, work, args.repeats)
    for label in labels:
        with_repeats(results[label]["ours"], times[label])
    one, many = results["1x"], results[f"{args.scale}x"]
    results["ratios"] = {
        "papers": round(many["papers"] / one["papers"], 3),
        "seconds": round(
            many["ours"]["builds"]["median_seconds"] / one["ours"]["builds"]["median_seconds"], 2
        ),
        "cpu_seconds": round(
            many["ours"]["builds"]["median_cpu_seconds"] / one["ours"]["builds"]["median_cpu_seconds"], 2
        ),
        "user_cpu_seconds": round(
            many["ours"]["builds"]["median_user_cpu_seconds"]
            / one["ours"]["builds"]["median_user_cpu_seconds"],
            2,
        ),
        "seconds_first_builds": round(many["ours"]["seconds"] / one["ours"]["seconds"], 2),
        "peak_memory_all_processes": round(
            many["ours"]["builds"]["median_peak_memory_all_processes_bytes"]
            / one["ours"]["builds"]["median_peak_memory_all_processes_bytes"],
            2,
        ),
        "site_bytes": round(many["ours"]["site_bytes"] / one["ours"]["site_bytes"], 2),
    }
    results["site_bytes_per_paper"] = {
        label: round(results[label]["ours"]["site_bytes"] / results[label]["papers"])
        for label in ("1x", f"{args.scale}x")
    }
    return results, RESULTS / f"build-{one['dumps']}-x{args.scale}.json"


def run_peers(args: argparse.Namespace, work: Path) -> tuple[dict, Path]:
    """Ours, the peer and the floor on the corpus (or its first ``args.limit`` dumps)."""
    dumps = copy_dumps(args.dumps, args.limit, work)
    papers = catalogue_papers(dumps)
    count = len(dump_files(dumps))
    print(f"{count} dumps, {len(papers)} papers; working in {work}", flush=True)
    results: dict = {
        "dumps": count,
        "papers": len(papers),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    results["ours"] = ours = measure_ours(dumps, work, not args.skip_browser)
    print(f"ours:  {ours['seconds']:.1f} s", flush=True)
    if not args.skip_peer:
        results["peer"] = peer = build_peer(papers, work)
        print(f"peer:  {peer['seconds']:.1f} s", flush=True)
        results["floor"] = floor = build_floor(papers, work)
        print(f"floor: {floor['seconds']:.1f} s", flush=True)
        builders = {
            "ours": functools.partial(build_figures, dumps),
            "peer": functools.partial(build_peer, papers),
        }
        times = rebuilt(builders, work, args.repeats)
        with_repeats(ours, times["ours"])
        with_repeats(peer, times["peer"])
        results["ratios"] = {
            "ours_to_peer_seconds": round(
                ours["builds"]["median_seconds"] / peer["builds"]["median_seconds"], 2
            ),
            "ours_to_peer_cpu_seconds": round(
                ours["builds"]["median_cpu_seconds"] / peer["builds"]["median_cpu_seconds"], 2
            ),
            "ours_to_peer_user_cpu_seconds": round(
                ours["builds"]["median_user_cpu_seconds"] / peer["builds"]["median_user_cpu_seconds"], 2
            ),
            "ours_to_peer_seconds_first_builds": round(ours["seconds"] / peer["seconds"], 2),
            "ours_to_floor_seconds": round(ours["seconds"] / floor["seconds"], 2),
            "ours_to_peer_site_bytes": round(ours["site_bytes"] / peer["site_bytes"], 2),
            "deploy_build_to_peer_seconds": round(ours["deploy_build"]["seconds"] / peer["seconds"], 2),
        }
    return results, RESULTS / f"build-{count}.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="first N dumps only (0: all)")
    parser.add_argument("--scale", type=int, default=1, help="also build a corpus SCALE times the size")
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="builds of each scale, or of ours and the peer, in turns (median)",
    )
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (dumps, generated pages)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    results, out = run_scale(args, work) if args.scale > 1 else run_peers(args, work)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
