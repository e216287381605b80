"""Where a ``make serve`` rebuild's seconds go: one rebuild profiled in this process.

    .venv/bin/python bench/profile_serve.py [--dumps DIR] [--limit N] [--work DIR] [--top N]

Builds all dumps but the last as ``mkdocs serve --dirty`` does (the same plugin object, its
memo, a dirty build into a site folder), without Pagefind; then adds the last dump and
profiles the rebuild with cProfile. Prints the generation stages, MkDocs' own count and the
functions that took the most time. A rebuild that adds the dump is a first step (it shows
the new dump only: ``generate(first_step=True)``); the next one, here the one that removes
it again, is complete and makes the rest too. ``--work`` keeps the generated folder (and the map's
layout) between runs, so a second run skips laying out the map.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from generator.ingest.parse import dump_files  # noqa: E402
from generator.mkdocs import indexing  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"


def config_file(work: Path) -> Path:
    """The repository's configuration, as ``bench_serve.py`` serves it."""
    config = work / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\nwatch: []\n",
        encoding="utf-8",
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=1, help="rebuilds timed without the profiler first")
    args = parser.parse_args()
    paths = dump_files(args.dumps)
    paths = paths[: args.limit] if args.limit else paths
    work = args.work or Path(tempfile.mkdtemp(prefix="papers-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    dumps, site = work / "dumps", work / "site"
    shutil.rmtree(dumps, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    dumps.mkdir()
    for path in paths[:-1]:
        shutil.copy(path, dumps)
    os.environ.update(PAPERS_DUMPS_DIR=str(dumps), PAPERS_GENERATED_DIR=str(work / "generated"))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    indexing.SearchIndexing.start = lambda self, folder, documents: None  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    def get_config():  # type: ignore[no-untyped-def]
        config = load_config(config_file=str(config_file(work)), site_dir=str(site))
        config.site_url = "http://127.0.0.1:8000/hf-papers-atlas/"
        return config

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=True)
    start = time.perf_counter()
    build(config, serve_url=config.site_url, dirty=True)
    print(f"first build: {time.perf_counter() - start:.1f} s", flush=True)
    for _ in range(args.rounds):  # the last dump added and removed again, each rebuild timed
        for step in (lambda: shutil.copy(paths[-1], dumps), lambda: (dumps / paths[-1].name).unlink()):
            step()
            start, cpu = time.perf_counter(), time.process_time()
            build(get_config(), serve_url=config.site_url, dirty=True)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"timed rebuild: {wall:.2f} s, {cpu:.2f} s of CPU (load {os.getloadavg()[0]:.1f})", flush=True
            )
    shutil.copy(paths[-1], dumps)
    config = get_config()
    collecting: list[float] = []
    gc.callbacks.append(lambda phase, info: collecting.append(time.perf_counter()))
    profile = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
    start = time.perf_counter()
    profile.enable()
    build(config, serve_url=config.site_url, dirty=True)
    profile.disable()
    print(f"rebuild: {time.perf_counter() - start:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    pauses = [b - a for a, b in zip(collecting[::2], collecting[1::2], strict=False)]
    print(f"garbage collection: {len(pauses)} runs, {sum(pauses):.2f} s", flush=True)
    profile.dump_stats(work / "rebuild.prof")
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
