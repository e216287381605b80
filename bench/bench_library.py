"""Recommendations of the Library page on the corpus: do saved papers bring their group?

A group is the papers whose titles share a distinctive method name: a name the site's
mentions know as one paper's method (``mentions.find_mentions``: ``RoboTwin``, ``SAM 2``,
``DeepSeek-R1``...), found as a whole word in 3 to 11 titles. For each group one paper is
saved (the paper the name belongs to when it is in the group, else the group's first) and
the Library page's own scoring (``recommend`` in ``docs/assets/javascripts/library.js``, run
in Chromium on ``library/data.json`` and the saved paper's row of ``library/near/``, as the
build makes them) gives its top 10. The hit rate
is the share of the group's other papers found there (at most 10 can be). The same is
measured on groups made by hand for another purpose, the held-out groups of
``topic_groups.yml`` (papers on one narrow subject; the first of each is saved), and on the
names found in exactly 2 titles, each saved in turn. Also measured: the size of
``library/data.json``, raw and gzipped.

    .venv/bin/python bench/bench_library.py [--dumps DIR] [--every]

``--every`` also saves each member of each group in turn. With ``--site DIR`` (a corpus
build), it also weighs pages as ``bench_build.py`` does (Chromium, served gzipped as GitHub
Pages does): the bytes the home page and a paper page fetch, and the Library page's first
load with an empty library and with 10 saved papers. Results go to
``bench/results/library-<papers>.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import workers  # noqa: E402
from generator.enrich.documents import paper_text  # noqa: E402
from generator.enrich.taxonomy import default_path, load_taxonomy  # noqa: E402
from generator.ingest.catalogue import Catalogue  # noqa: E402
from generator.pipeline import Timer, mention, read_catalogue, relate, tag  # noqa: E402
from generator.site.index import SiteIndex  # noqa: E402
from generator.site.library import library_data, near_rows  # noqa: E402
from generator.site.views import PaperViews, clean_texts  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from taxonomy_coverage import GROUPS, held_out_groups  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"
SCRIPT = ROOT / "docs" / "assets" / "javascripts" / "library.js"
SMALLEST, LARGEST = 3, 11


def enriched(dumps: Path) -> tuple[Catalogue, SiteIndex, dict[str, tuple[str, str]]]:
    """The catalogue of ``dumps`` with tags, mentions and related lists (as ``generate`` makes
    them, in this process), the index the listings read, and the clean texts."""
    catalogue, problems = read_catalogue(dumps)
    if any(problem.severity == "error" for problem in problems):
        raise SystemExit("\n".join(map(str, problems)))
    taxonomy = load_taxonomy(default_path())
    texts = clean_texts(catalogue.papers)
    timer = Timer(report=lambda _: None)
    catalogue = mention(tag(catalogue, taxonomy, timer, texts), timer)
    catalogue = relate(catalogue, workers.InProcess([(s, paper_text(*texts[s])) for s in texts]), timer)
    tags = {t.name: t for t in taxonomy.tags}
    views = PaperViews(catalogue.papers, tags, texts)
    return catalogue, SiteIndex(catalogue, views, taxonomy.topics), texts


def groups(
    catalogue, texts: dict[str, tuple[str, str]], sizes: tuple[int, int] = (SMALLEST, LARGEST)
) -> dict[str, tuple[list[int], int]]:
    """Method name -> (numbers of the papers whose titles hold it, the number to save), for
    names in ``sizes[0]`` to ``sizes[1]`` titles."""
    number = {paper.slug: n for n, paper in enumerate(catalogue.papers)}
    owners = {m.name: m.target for paper in catalogue.papers for m in paper.mentions}
    titles = [texts[paper.slug][0] for paper in catalogue.papers]
    found = {}
    for name, target in sorted(owners.items()):
        pattern = re.compile(r"(?<![\w+-])" + re.escape(name) + r"(?![\w+-])")
        members = [n for n, title in enumerate(titles) if pattern.search(title)]
        if sizes[0] <= len(members) <= sizes[1]:
            owner = number.get(target)
            found[name] = (members, owner if owner in members else members[0])
    return found


JS = """([data, near, groups, every]) => {
  const model = paperLibrary.decode(data);
  const out = [];
  for (const [name, members, saved] of groups) {
    const seeds = every ? members : [saved];
    for (const seed of seeds) {
      const closest = new Map([[seed, near[seed]]]);
      const top = paperLibrary.recommend(model, [seed], { near: closest }).map((rec) => rec.paper);
      const others = members.filter((m) => m !== seed);
      const hits = others.filter((m) => top.includes(m)).length;
      out.push({ name, seed, hits, possible: Math.min(10, others.length), size: members.length });
    }
  }
  return out;
}"""


def run_in_chromium(data: dict, near: list[list[int]], found: dict, every: bool) -> list[dict]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        page.set_content("<!doctype html><title>bench</title>")
        page.add_script_tag(path=str(SCRIPT))
        rows = page.evaluate(JS, [data, near, [[name, m, s] for name, (m, s) in found.items()], every])
        browser.close()
    return rows


def page_weights(site: Path, saved: list[dict]) -> dict:
    """Bytes fetched (as sent, gzipped where GitHub Pages gzips) loading pages of ``site``
    until the network is quiet; the Library page once empty and once with ``saved``."""
    from playwright.sync_api import sync_playwright

    from generator.checks.pages_server import pages_served

    store = {"format": "hf-papers-atlas-library", "version": 1, "saved": saved}
    out = {}
    with pages_served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        visits = [
            ("home_page", "", None),
            ("paper_page", f"papers/{saved[0]['slug']}/", None),
            ("library_page_empty", "library/", None),
            (f"library_page_{len(saved)}_saved", "library/", store),
        ]
        for name, path, library in visits:
            context = browser.new_context()
            page = context.new_page()
            if library is not None:
                page.goto(base + "404.html")
                page.evaluate("value => localStorage.setItem('/.library', value)", json.dumps(library))
            sizes: list[int] = []
            page.on(
                "requestfinished",
                lambda r, sizes=sizes: sizes.append(max(r.sizes()["responseBodySize"], 0)),
            )
            page.goto(base + path)
            if path.startswith("library"):
                page.wait_for_function(
                    "document.querySelector('.library')?.getAttribute('aria-busy') === 'false'",
                    timeout=120_000,
                )
            page.wait_for_load_state("networkidle")
            out[name] = {"bytes": sum(sizes), "requests": len(sizes)}
            context.close()
        browser.close()
    return out


def summary(rows: list[dict]) -> dict:
    hits = sum(row["hits"] for row in rows)
    possible = sum(row["possible"] for row in rows)
    return {
        "saves": len(rows),
        "hit_rate": round(hits / possible, 3) if possible else None,
        "groups_at_80_percent": round(
            sum(row["hits"] >= 0.8 * row["possible"] for row in rows) / len(rows), 3
        )
        if rows
        else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=Path, default=CORPUS)
    parser.add_argument("--every", action="store_true", help="also save each member of each group in turn")
    parser.add_argument("--site", type=Path, help="a built corpus site to weigh pages of")
    args = parser.parse_args()
    start = time.perf_counter()
    catalogue, index, texts = enriched(args.dumps)
    data = library_data(catalogue, index)
    near = near_rows(catalogue)
    encoded = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    found = groups(catalogue, texts)
    papers = [(paper.slug, *texts[paper.slug]) for paper in catalogue.papers]
    # The hand-made groups name corpus papers: only the corpus has them.
    corpus = args.dumps.resolve() == CORPUS.resolve()
    subjects = {name: (m, m[0]) for name, m in held_out_groups(GROUPS, papers)} if corpus else {}
    print(
        f"{len(catalogue.papers)} papers, {len(found)} groups ({time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    rows = run_in_chromium(data, near, found, every=False)
    results = {
        "papers": len(catalogue.papers),
        "groups": len(found),
        "data_bytes": len(encoded),
        "data_gzip_bytes": len(gzip.compress(encoded, 6)),
        "one_save_per_group": summary(rows),
        "per_group": {row["name"]: f"{row['hits']}/{row['possible']}" for row in rows},
    }
    if args.every:
        results["every_member_saved"] = summary(run_in_chromium(data, near, found, every=True))
    if subjects:
        rows = run_in_chromium(data, near, subjects, every=False)
        results["topic_groups"] = {"groups": len(subjects), "one_save_per_group": summary(rows)}
        if args.every:
            every = run_in_chromium(data, near, subjects, every=True)
            results["topic_groups"]["every_member_saved"] = summary(every)
        results["topic_groups"]["per_group"] = {
            row["name"]: f"{row['hits']}/{row['possible']}" for row in rows
        }
    pairs = groups(catalogue, texts, (2, 2))
    results["name_pairs"] = {
        "pairs": len(pairs),
        "each_saved": summary(run_in_chromium(data, near, pairs, every=True)),
    }
    if args.site:
        # Ten saved papers: the saved paper of each of the first ten groups.
        saved = [
            {
                "slug": catalogue.papers[s].slug,
                "title": texts[catalogue.papers[s].slug][0],
                "areas": list(catalogue.papers[s].tags),
            }
            for _, s in list(found.values())[:10]
        ]
        results["page_weights"] = page_weights(args.site, saved)
    shown = {k: v for k, v in results.items() if k != "per_group"}
    if subjects:
        shown["topic_groups"] = {k: v for k, v in results["topic_groups"].items() if k != "per_group"}
    print(json.dumps(shown, indent=2))
    out = ROOT / "bench" / "results" / f"library-{len(catalogue.papers)}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
