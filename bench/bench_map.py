"""How long the map takes on the corpus, and how big its data files are.

    .venv/bin/python bench/bench_map.py [DUMPS_DIR] [--full-tsne]

Reads the dumps with the generator's own parser, tags the papers, then times the map's two
stages (TF-IDF + SVD, then the landmark t-SNE) in wall and CPU seconds, prints how well the
map keeps neighbourhoods (scikit-learn's trustworthiness, 10 neighbours, on a fixed sample of
``SAMPLE`` papers: 1.0 when every paper's map neighbours are its neighbours in the SVD space),
and prints the bytes of ``map/points.json`` and ``map/titles.json``. ``--full-tsne`` also times t-SNE on every paper,
the alternative the landmarks replace (minutes on two cores). Exits 1 when the map takes more
than ``BUDGET`` seconds or ``points.json`` is over 2 MB.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.manifold import trustworthiness

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.enrich import clean, layout  # noqa: E402
from generator.enrich.related import paper_text  # noqa: E402
from generator.enrich.taxonomy import default_path, load_taxonomy  # noqa: E402
from generator.pipeline import read_catalogue  # noqa: E402
from generator.site.index import SiteIndex  # noqa: E402
from generator.site.map import map_files  # noqa: E402
from generator.site.pages import environment  # noqa: E402
from generator.site.views import PaperViews  # noqa: E402

DEFAULT_DUMPS = ROOT.parent / "shared" / "corpus" / "dumps"
BUDGET = 60.0
SAMPLE = 3000
POINTS_MAX = 2_000_000


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> float:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return wall


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    dumps = Path(args[0]) if args else DEFAULT_DUMPS
    catalogue, _ = read_catalogue(dumps)
    taxonomy = load_taxonomy(default_path())
    papers = tuple(
        replace(p, tags=tuple(taxonomy.tags_for(clean.title_text(p.title), clean.plain_text(p.abstract))))
        for p in catalogue.papers
    )
    catalogue = replace(catalogue, papers=papers)
    print(f"papers: {len(papers)} from {len(catalogue.dumps)} dumps", flush=True)
    texts = [paper_text(clean.title_text(p.title), clean.plain_text(p.abstract)) for p in papers]

    clock = Clock()
    features = layout.tfidf_svd(texts)
    seconds = clock.lap(f"tfidf + svd ({features.shape[1]} dims)")
    coords = layout.quantise(layout.embed(features))
    seconds += clock.lap(f"t-SNE of {min(len(papers), layout.LANDMARKS)} landmarks + placing the rest")
    print(f"map compute: {seconds:.1f} s wall; {len(set(map(tuple, coords.tolist())))} distinct points")
    sample = np.random.default_rng(0).choice(len(papers), size=min(SAMPLE, len(papers)), replace=False)
    neighbours = min(10, len(sample) // 2 - 1)
    if neighbours >= 1:
        kept = trustworthiness(features[sample], coords[sample].astype(float), n_neighbors=neighbours)
        print(f"trustworthiness ({neighbours} neighbours, {len(sample)} papers): {kept:.3f}")
    if "--full-tsne" in argv:
        layout.tsne(features)
        clock.lap(f"t-SNE of all {len(papers)} papers (for comparison)")

    views = PaperViews(catalogue.papers, {tag.name: tag for tag in taxonomy.tags})
    files = map_files(SiteIndex(catalogue, views), environment())
    size = {name: len(body.encode("utf-8")) for name, body in files.items() if name.endswith(".json")}
    for name, count in size.items():
        print(f"{name}: {count} bytes")
    clock.lap("map files (computed again, with the page)")
    return 1 if seconds > BUDGET or size["map/points.json"] > POINTS_MAX else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
