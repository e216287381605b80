"""Time related papers and mentions on a corpus of dumps, and check the lists against exact cosine.

    .venv/bin/python bench/bench_links.py [DUMPS_DIR] [--limit N] [--sample 3000]

Reads the dumps with a small stand-in reader (the real parser is not needed here), then:
1. times ``related_papers`` and ``find_mentions`` (wall and CPU seconds, each separately);
2. records peak memory as ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole
   process's resident peak, reading included, taken before the quality check;
3. on a random sample of papers, compares the top-8 lists of the fast path
   (``nearest_papers``: pruned vectors, exact rescoring) with exact blocked cosine over
   the full vocabulary (``top_neighbours``), and times the exact one to estimate how long
   it would take on every paper.
Prints a table and writes ``bench/results/links-<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from generator.enrich import clean
from generator.enrich.documents import paper_text
from generator.enrich.mentions import find_mentions, mentioned_by
from generator.enrich.related import (
    CANDIDATES,
    TERMS_PER_PAPER,
    nearest_papers,
    related_papers,
    top_neighbours,
)
from generator.enrich.terms import MAX_DF, tfidf_matrix
from generator.pipeline import read_catalogue
from generator.site.views import clean_texts

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DUMPS = REPO.parent / "shared" / "corpus" / "dumps"
RESULTS = REPO / "bench" / "results"
K = 8


def read_papers(folder: Path, limit: int | None) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The papers as the build reads them (the real parser, catalogue and clean-up): for mentions
    ``(slug, title, abstract)`` as ``pipeline.mention`` gives them, and for related lists
    ``(slug, text)`` as ``pipeline.generate`` gives them (``documents.paper_text``)."""
    catalogue, _ = read_catalogue(folder)
    papers = catalogue.papers[:limit]
    texts = clean_texts(papers)
    shown = [(p.slug, p.title, clean.clean_tex(p.abstract)) for p in papers]
    return shown, [(p.slug, paper_text(*texts[p.slug])) for p in papers]


def timed(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, wall seconds and CPU seconds (this process, all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def quality(docs: list[tuple[str, str]], sample_size: int) -> dict[str, float]:
    """Fast top-8 lists against exact cosine for a random sample of papers (seed 0)."""
    matrix, _ = tfidf_matrix([text for _, text in sorted(docs)])
    n = matrix.shape[0]
    rows = np.sort(np.random.default_rng(0).choice(n, size=min(sample_size, n), replace=False))
    exact, exact_wall, _ = timed(lambda: top_neighbours(matrix, K, rows))
    fast, fast_wall, _ = timed(lambda: nearest_papers(matrix, K, rows))
    overlaps, score_shares = [], []
    for want, got in zip(exact, fast, strict=True):
        if want:
            overlaps.append(len({j for j, _ in want} & {j for j, _ in got}) / len(want))
            score_shares.append(sum(s for _, s in got) / sum(s for _, s in want))
    return {
        "sample": len(rows),
        "overlap_at_8": round(float(np.mean(overlaps)), 4),
        "exact_lists_identical": round(float(np.mean([o == 1.0 for o in overlaps])), 4),
        "score_share": round(float(np.mean(score_shares)), 4),
        "exact_sample_seconds": round(exact_wall, 2),
        "fast_sample_seconds": round(fast_wall, 2),
        "exact_all_seconds_estimated": round(exact_wall * n / len(rows), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dumps", nargs="?", type=Path, default=DEFAULT_DUMPS, help="folder of *.txt dumps")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N distinct papers")
    parser.add_argument("--sample", type=int, default=3000, help="papers compared with exact cosine")
    args = parser.parse_args(argv)
    if not args.dumps.is_dir():
        print(f"{args.dumps}: not a folder of dumps; pass DUMPS_DIR", file=sys.stderr)
        return 2

    (papers, docs), read_wall, _ = timed(lambda: read_papers(args.dumps, args.limit))
    rss_read = peak_mib()
    related, related_wall, related_cpu = timed(lambda: related_papers(docs, k=K, min_k=5))
    rss_related = peak_mib()
    mentions, mentions_wall, mentions_cpu = timed(lambda: find_mentions(papers))
    rss_peak = peak_mib()
    checked = quality(docs, args.sample)

    lengths = np.array([len(entries) for entries in related.values()])
    report = {
        "papers": len(papers),
        "dumps": str(args.dumps),
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
        "settings": {
            "k": K,
            "min_k": 5,
            "max_df": MAX_DF,
            "terms_per_paper": TERMS_PER_PAPER,
            "candidates": CANDIDATES,
        },
        "seconds": {
            "read": round(read_wall, 2),
            "related_wall": round(related_wall, 2),
            "related_cpu": round(related_cpu, 2),
            "mentions_wall": round(mentions_wall, 2),
            "mentions_cpu": round(mentions_cpu, 2),
            "links_wall": round(related_wall + mentions_wall, 2),
        },
        "peak_rss_mib": {
            "after_read": round(rss_read),
            "after_related": round(rss_related),
            "after_mentions": round(rss_peak),
            "how": "resource.getrusage(RUSAGE_SELF).ru_maxrss, whole process",
        },
        "related": {
            "mean_list_length": round(float(lengths.mean()), 2),
            "papers_with_fewer_than_min_k": int((lengths < 5).sum()),
        },
        "mentions": {
            "mentions": sum(len(found) for found in mentions.values()),
            "papers_mentioning": sum(1 for found in mentions.values() if found),
            "papers_mentioned": len(mentioned_by(mentions)),
        },
        "quality_vs_exact": checked,
        # Like for like: the similarity step alone, fast over exact, on the same sample.
        "time_ratio_fast_to_exact_on_sample": round(
            checked["fast_sample_seconds"] / checked["exact_sample_seconds"], 3
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"links-{len(papers)}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print_table(report, out)
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _print_table(report: dict[str, Any], out: Path) -> None:
    s, q = report["seconds"], report["quality_vs_exact"]
    rows = [
        ("papers", f"{report['papers']}"),
        ("related_papers", f"{s['related_wall']:.1f} s wall, {s['related_cpu']:.1f} s CPU"),
        ("find_mentions", f"{s['mentions_wall']:.1f} s wall, {s['mentions_cpu']:.1f} s CPU"),
        ("related + mentions", f"{s['links_wall']:.1f} s wall"),
        ("peak memory", f"{report['peak_rss_mib']['after_mentions']} MiB (ru_maxrss)"),
        (f"overlap@8 vs exact ({q['sample']})", f"{q['overlap_at_8']:.3f}"),
        ("score share vs exact", f"{q['score_share']:.3f}"),
        ("exact, all papers (est.)", f"{q['exact_all_seconds_estimated']:.1f} s"),
        ("fast / exact time (sample)", f"{report['time_ratio_fast_to_exact_on_sample']:.3f}"),
        ("mentions", f"{report['mentions']['mentions']} in {report['mentions']['papers_mentioning']} papers"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
