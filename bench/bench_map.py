"""How good the map is on the corpus, how long it takes, whether it stays put, and its first load.

    .venv/bin/python bench/bench_map.py [DUMPS_DIR]

Reads the dumps with the generator's own parser and tags the papers, then, on one thread as
in the build's worker:

- lays out every paper (TF-IDF + SVD, then openTSNE) in wall and CPU seconds;
- prints how often a paper's 10 nearest points on the map share its main area (first tag),
  beside the same in the SVD space the map is made from and for random placement, and
  scikit-learn's trustworthiness (10 neighbours, on a fixed sample of ``SAMPLE`` papers);
- lays out all dumps but the last with a layout cache, adds the last dump through the cache,
  and prints how far the papers already on the map moved (grid units; must be 0);
- prints the bytes of ``map/points.json`` (the first load, labels included) and
  ``map/titles.json`` (fetched on first hover, click or search), raw and gzipped.

Exits 1 when an existing paper moved, the agreement is under ``AGREEMENT_GOAL`` or
``points.json`` is over 2 MB.
"""

from __future__ import annotations

import gzip
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # as the build's worker (pipeline.one_thread)

import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.manifold import trustworthiness  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.enrich import clean, layout  # noqa: E402
from generator.enrich.documents import paper_text  # noqa: E402
from generator.enrich.taxonomy import default_path, load_taxonomy  # noqa: E402
from generator.ingest.catalogue import Catalogue  # noqa: E402
from generator.pipeline import read_catalogue  # noqa: E402
from generator.site.index import SiteIndex  # noqa: E402
from generator.site.map import map_files  # noqa: E402
from generator.site.pages import environment  # noqa: E402
from generator.site.views import PaperViews  # noqa: E402

DEFAULT_DUMPS = ROOT.parent / "shared" / "corpus" / "dumps"
SAMPLE = 3000
POINTS_MAX = 2_000_000
AGREEMENT_GOAL = 0.50
NEIGHBOURS = 10


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> float:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return wall


def tagged(dumps: Path) -> Catalogue:
    catalogue, _ = read_catalogue(dumps)
    taxonomy = load_taxonomy(default_path())
    papers = tuple(
        replace(p, tags=tuple(taxonomy.tags_for(clean.title_text(p.title), clean.plain_text(p.abstract))))
        for p in catalogue.papers
    )
    return replace(catalogue, papers=papers)


def texts_of(catalogue: Catalogue) -> list[str]:
    return [paper_text(clean.title_text(p.title), clean.plain_text(p.abstract)) for p in catalogue.papers]


def agreement(points: np.ndarray, areas: np.ndarray) -> float:
    """Share of each tagged paper's ``NEIGHBOURS`` nearest points that have its main area."""
    found = NearestNeighbors(n_neighbors=NEIGHBOURS + 1).fit(points).kneighbors(points)[1][:, 1:]
    tagged = areas >= 0
    return float((areas[found[tagged]] == areas[tagged][:, None]).mean())


def stability(dumps: Path) -> float:
    """Lay out all dumps but the last through a cache, add the last; the largest move (grid
    units) of a paper that was already on the map."""
    files = sorted(dumps.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        before_dir = Path(tmp) / "dumps"
        before_dir.mkdir()
        for path in files[:-1]:
            (before_dir / path.name).symlink_to(path.resolve())
        cache = Path(tmp) / "map"
        before = tagged(before_dir)
        slugs = [p.slug for p in before.papers]
        features = layout.tfidf_svd(texts_of(before))
        clock = Clock()
        old = layout.stable_layout(slugs, features, cache)
        clock.lap(f"full layout of the first {len(files) - 1} dumps ({len(slugs)} papers), cached")
        after = tagged(dumps)
        features = layout.tfidf_svd(texts_of(after))
        clock = Clock()
        grown = layout.stable_layout([p.slug for p in after.papers], features, cache)
        added = len(after.papers) - len(slugs)
        clock.lap(f"the last dump added through the cache ({added} new papers placed; TF-IDF + SVD apart)")
    where = {p.slug: grown[i] for i, p in enumerate(after.papers)}
    moves = [float(np.abs(where[slug] - old[i]).max()) for i, slug in enumerate(slugs) if slug in where]
    return max(moves, default=0.0)


def main(argv: list[str]) -> int:
    dumps = Path(argv[0]) if argv else DEFAULT_DUMPS
    catalogue = tagged(dumps)
    papers = catalogue.papers
    print(f"papers: {len(papers)} from {len(catalogue.dumps)} dumps", flush=True)
    names = sorted({p.tags[0] for p in papers if p.tags})
    areas = np.array([names.index(p.tags[0]) if p.tags else -1 for p in papers])

    clock = Clock()
    features = layout.tfidf_svd(texts_of(catalogue))
    seconds = clock.lap(f"tfidf + svd ({features.shape[1]} dims)")
    coords = layout.stable_layout([p.slug for p in papers], features, None)
    seconds += clock.lap(f"openTSNE of all {len(papers)} papers")
    print(f"map compute: {seconds:.1f} s wall; {len(set(map(tuple, coords.tolist())))} distinct points")

    on_map = agreement(coords.astype(float), areas)
    random = agreement(np.random.default_rng(0).random((len(papers), 2)), areas)
    print(
        f"{NEIGHBOURS}-NN agreement of main areas: map {on_map:.3f}, "
        f"SVD space {agreement(features, areas):.3f}, random {random:.3f}"
    )
    sample = np.random.default_rng(0).choice(len(papers), size=min(SAMPLE, len(papers)), replace=False)
    kept = trustworthiness(features[sample], coords[sample].astype(float), n_neighbors=NEIGHBOURS)
    print(f"trustworthiness ({NEIGHBOURS} neighbours, {len(sample)} papers): {kept:.3f}")

    moved = stability(dumps)
    print(f"largest move of an existing paper when the last dump was added: {moved:g} grid units")

    views = PaperViews(catalogue.papers, {tag.name: tag for tag in load_taxonomy(default_path()).tags})
    files = map_files(SiteIndex(catalogue, views), environment(), coords)
    size = {}
    for name in ("map/points.json", "map/titles.json"):
        body = files[name].encode("utf-8")
        size[name] = len(body)
        print(f"{name}: {len(body)} bytes, {len(gzip.compress(body, 9))} gzipped")
    clock.lap("map files")
    return 1 if moved or on_map < AGREEMENT_GOAL or size["map/points.json"] > POINTS_MAX else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
