"""The serve loop a maintainer feels: from saving a dump to its paper being served.

    .venv/bin/python bench/bench_serve.py [--dumps DIR] [--limit N]

Serves all dumps of the corpus but the last with ``make serve``'s command (``mkdocs serve
--dirty``), waits for the first build, then saves the last dump into the folder as an editor
does (written whole, then moved in) and polls the URLs of one of its new papers: its page,
the dump's page and the home page, until each shows the paper; then, when that rebuild was a
first step (it showed only the new dump), waits for the second, which makes the rest. Prints
the seconds and the first rebuild's stages, and writes ``bench/results/serve-<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.parse import dump_files  # noqa: E402
from generator.pipeline import read_catalogue  # noqa: E402
from generator.site.pages import url_of  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"
RESULTS = ROOT / "bench" / "results"
STAGE = re.compile(r"papers: (?P<stage>[a-z]+): .*\((?P<seconds>[\d.]+) s\)")
BUILT = re.compile(r"Documentation built in (?P<seconds>[\d.]+) seconds")
RELOADED = "Reloading browsers"  # MkDocs logs each "Documentation built in ..." line once
SHOWN_FIRST = "the rest follows"  # the plugin's line when a rebuild showed only the new dump


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shows(url: str, text: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return text in response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait(check, timeout: float, poll: float = 0.05) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until ``check()`` holds, or None after ``timeout``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check():
            return time.perf_counter() - start
        time.sleep(poll)
    return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far (its children not counted)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_paper(dumps: list[Path], work: Path) -> str:
    """The URL (relative to the site) of the last dump's first paper seen nowhere before."""
    folder = work / "all"
    folder.mkdir()
    for path in dumps:
        shutil.copy(path, folder)
    catalogue, _ = read_catalogue(folder)
    last = dumps[-1].name
    paper = next(p for p in catalogue.papers if p.sources[0].dump == last)
    return paper.url


def serve(dumps: Path, work: Path, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        PAPERS_DUMPS_DIR=str(dumps),
        PAPERS_GENERATED_DIR=str(work / "generated"),
        NO_MKDOCS_2_WARNING="1",
        TMPDIR=str(work),
    )
    config = work / "mkdocs.yml"  # the repository's, watching only the dumps (not the code being edited)
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\nwatch: []\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--dirty", "--livereload"]
    command += ["--dev-addr", f"127.0.0.1:{port}"]
    out = (work / "serve.log").open("wb")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def measure(all_dumps: list[Path], work: Path) -> dict:
    url = new_paper(all_dumps, work)
    dumps = work / "dumps"
    dumps.mkdir()
    for path in all_dumps[:-1]:
        shutil.copy(path, dumps)
    port = free_port()
    base = f"http://127.0.0.1:{port}/hf-papers-atlas/"
    process = serve(dumps, work, port)
    log = work / "serve.log"
    try:
        first = wait(lambda: shows(base, "</html>"), 3600, poll=1.0)
        time.sleep(2)  # the server settles: a first request may warm its caches
        mark = len(log.read_text(errors="replace"))
        saved = work / all_dumps[-1].name
        shutil.copy(all_dumps[-1], saved)
        cpu = cpu_seconds(process.pid)
        start = time.perf_counter()
        saved.replace(dumps / all_dumps[-1].name)
        page = wait(lambda: shows(base + url, "</html>"), 600)
        elapsed = {"paper page": page}
        for name, where in (("dump page", url_of(f"dumps/{all_dumps[-1].stem}.md")), ("home page", "")):
            shown = wait(lambda w=where: shows(base + w, f'papers/{url.removeprefix("papers/")}"'), 600)
            elapsed[name] = None if shown is None else time.perf_counter() - start
        built = wait(lambda: BUILT.search(log.read_text(errors="replace")[mark:]), 600)
        cpu = cpu_seconds(process.pid) - cpu
        rebuild = log.read_text(errors="replace")[mark:]
        complete = None  # a first step showed the dump: until the second rebuild made the rest
        if SHOWN_FIRST in rebuild and wait(
            lambda: log.read_text(errors="replace")[mark:].count(RELOADED) > 1, 600
        ):
            complete = time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    stages = {m["stage"]: float(m["seconds"]) for m in STAGE.finditer(rebuild)}
    total = BUILT.search(rebuild)
    return {
        "dumps served first": len(all_dumps) - 1,
        "first build seconds": round(first or -1, 1),
        "saved dump": all_dumps[-1].name,
        "new paper": url,
        "seconds from saving the dump until shown": {
            k: round(v, 2) if v else None for k, v in elapsed.items()
        },
        "rebuild seconds (MkDocs' own count)": float(total["seconds"])
        if total and built is not None
        else None,
        "rebuild CPU seconds (the server's process)": round(cpu, 2),
        "seconds from saving the dump until the rest was built (the second rebuild)": round(complete, 2)
        if complete
        else None,
        "rebuild stages (generation)": stages,
        "rebuild notes": [
            line.split("papers: ", 1)[1] for line in rebuild.splitlines() if "papers: " in line
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="the first N dumps (0: all)")
    args = parser.parse_args()
    dumps = dump_files(args.dumps)
    dumps = dumps[: args.limit] if args.limit else dumps
    with tempfile.TemporaryDirectory(prefix="papers-serve-") as work:
        result = measure(dumps, Path(work))
    result["machine"] = {"cpus": os.cpu_count(), "load average": os.getloadavg()}
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"serve-{len(dumps)}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
