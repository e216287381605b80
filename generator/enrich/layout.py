"""Every paper as a point on a 2-D map that stays put: TF-IDF -> TruncatedSVD -> openTSNE.

Why t-SNE and not SVD alone: the first two singular directions of a TF-IDF matrix spread the
corpus along the two or three biggest topics and pile everything else into one blob; t-SNE
keeps neighbourhoods, so papers of one topic form visible islands. openTSNE (FFT-accelerated
gradients) lays out every paper, no landmarks, on the worker's one thread.

The TF-IDF rows are the related lists' own (``terms.tfidf_matrix``: unigrams and bigrams), so
the worker computes them once for both; their neighbourhoods also agree more with the papers'
areas than a unigram vectoriser's (bench/MEASUREMENTS.md).

Why a cache: a reader who learnt where a region is should find it there after the next dump.
``stable_layout`` keeps each paper's position, by slug, in ``CACHE_FILE`` beside the generated
folder, places a new dump's papers into the existing map (openTSNE's ``transform``: the old
points do not move) and lays out the whole map again only when the cache is missing, damaged,
made by other settings, or the catalogue has grown by ``REGROW`` since the last full layout
(or when asked: ``python -m generator relayout`` removes the cache).

openTSNE and scikit-learn are imported when a layout is made (``embedding.py``, in the
worker): the build's own process, which reads ``GRID`` and the cache, does not load them.

Everything is deterministic: nearest neighbours found the same way each time (exact up to
``EXACT_NEIGHBOURS_MOST`` papers, ``embedding.CosineNeighbours``), fixed seeds, one thread.
Coordinates are quantised to integers in ``0 .. GRID - 1`` in a frame fixed at the full
layout, so placing papers later shifts no other point.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from generator.output.writer import write_atomic

if TYPE_CHECKING:
    from scipy import sparse

log = logging.getLogger("mkdocs.plugins.papers")

GRID = 4096
"""Quantised coordinates run from 0 to GRID - 1 on both axes."""
SVD_DIMS = 50
SVD_TERM_SHARE = 5000
"""A term takes part in the SVD when at least one paper in this many holds it (and at least
two papers do): rarer terms shape no latent dimension, yet at three times the corpus they
were most of the columns and the SVD took 19 s rather than 1.5 (bench/MEASUREMENTS.md, "Room to grow")."""
EXACT_NEIGHBOURS_MOST = 10_000
"""Up to this many papers the map's neighbours are exact; above, an inverted-file search
(``embedding.CosineNeighbours``), as exact search grows with the square of the catalogue
(at the corpus's 28,000 papers: half the time, the same neighbour agreement; bench/MEASUREMENTS.md)."""
SEED = 42
PERPLEXITY = 30.0
EARLY_ITER = 75
"""Iterations of early exaggeration (openTSNE's default is 250; PCA start needs fewer)."""
TSNE_ITER = 100
"""Iterations after it: neighbour agreement had settled by then on the corpus (0.513 after
75 + 100, 0.515 after 100 + 150, for a third less time; bench/MEASUREMENTS.md)."""
INTERVAL = 2
"""Units of the embedding per interval of openTSNE's FFT grid (its ``ints_in_interval``,
default 1): a coarser grid, a third less time, the same neighbour agreement (bench/MEASUREMENTS.md)."""
DOF = 1.0
"""Degrees of freedom of t-SNE's kernel: 1 is the Cauchy kernel of standard t-SNE."""
SMALL = 4
"""Below this many papers there is nothing to embed: points go on a circle."""
MARGIN = 0.06
"""Share of the grid left free on each side at a full layout, for papers placed later."""
REGROW = 0.25
"""Lay the whole map out again once the catalogue is this much larger than at the last full layout."""
CACHE_FILE = "layout.json"
CACHE_FORMAT = 2
CHUNK = 256
"""Rows compared at a time in the nearest-neighbour search (a CHUNK x papers block of floats)."""
SETTINGS = {
    "format": CACHE_FORMAT,
    "svd_dims": SVD_DIMS,
    "svd_term_share": SVD_TERM_SHARE,
    "exact_neighbours_most": EXACT_NEIGHBOURS_MOST,
    "seed": SEED,
    "perplexity": PERPLEXITY,
    "early_iter": EARLY_ITER,
    "iter": TSNE_ITER,
    "interval": INTERVAL,
    "dof": DOF,
    "margin": MARGIN,
    "grid": GRID,
}
"""What a cached layout was made with: a cache made otherwise is laid out again."""


def tfidf_svd(texts: Sequence[str], dims: int = SVD_DIMS) -> np.ndarray:
    """The features of ``texts`` the map is laid out from: ``svd_rows`` of their TF-IDF rows
    as the related lists make them (zeros when no term is shared by two texts)."""
    from generator.enrich.terms import tfidf_matrix

    try:
        matrix, _ = tfidf_matrix(texts)
    except ValueError:  # fewer than two texts, or no term shared by two of them
        return np.zeros((len(texts), 1), dtype=np.float64)
    return svd_rows(matrix, dims)


def svd_rows(matrix: sparse.spmatrix, dims: int = SVD_DIMS) -> np.ndarray:
    """Rows of unit length in at most ``dims`` latent-semantic dimensions of a TF-IDF matrix,
    from its terms held by at least one paper in ``SVD_TERM_SHARE`` (rows renormalised).

    The matrix's entries are put in column order first (in place; the same matrix): the SVD
    sums them in stored order, and the related lists store theirs sorted."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    matrix = matrix.tocsr()
    matrix.sort_indices()
    least = max(2, matrix.shape[0] // SVD_TERM_SHARE)
    if least > 2:  # the TF-IDF matrix already holds only terms of two papers or more
        held = np.bincount(matrix.indices, minlength=matrix.shape[1])
        matrix = normalize(matrix[:, np.flatnonzero(held >= least)])
    rows, columns = matrix.shape
    dims = min(dims, columns - 1, rows - 1)
    if dims < 1:
        return normalize(matrix.toarray().astype(np.float64))
    svd = TruncatedSVD(n_components=dims, random_state=SEED, algorithm="randomized")
    # Rows with no variance (two papers alike) make the SVD's explained-variance ratio 0 / 0:
    # a figure it computes for its own report, not read here.
    with np.errstate(invalid="ignore", divide="ignore"):
        reduced = svd.fit_transform(matrix)
    return normalize(reduced.astype(np.float64))


def frame_of(coords: np.ndarray) -> tuple[float, float, float]:
    """Centre and side of the square the grid covers: the map's bounding box plus ``MARGIN``."""
    if len(coords) == 0:
        return (0.0, 0.0, 1.0)
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = float((high - low).max()) or 1.0
    centre = (low + high) / 2
    return (float(centre[0]), float(centre[1]), span / (1 - 2 * MARGIN))


def quantise(coords: np.ndarray, frame: tuple[float, float, float] | None = None) -> np.ndarray:
    """Integers in ``0 .. GRID - 1``, same scale on both axes; ``frame`` (centre, side) defaults
    to the points' own (``frame_of``). Points outside the frame go to its edge."""
    if len(coords) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    cx, cy, side = frame or frame_of(coords)
    scaled = (coords - np.array([cx, cy])) / side * (GRID - 1) + (GRID - 1) / 2
    return np.clip(np.rint(scaled), 0, GRID - 1).astype(np.int64)


# -- the cache ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A map as the cache keeps it: each paper's t-SNE coordinates by slug, the grid's frame,
    and how many papers the last full layout had."""

    positions: dict[str, tuple[float, float]]
    frame: tuple[float, float, float]
    full: int

    def body(self) -> dict:
        return {
            "settings": SETTINGS,
            "full": self.full,
            "frame": list(self.frame),
            "slugs": list(self.positions),
            "xy": [v for xy in self.positions.values() for v in xy],
        }


def checksum(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def save_layout(cache_dir: Path, layout: Layout) -> None:
    """Write the cache atomically, with a checksum of its content."""
    body = layout.body()
    data = json.dumps({"sha256": checksum(body), **body}, separators=(",", ":"))
    write_atomic(cache_dir / CACHE_FILE, data.encode())


def load_layout(cache_dir: Path) -> Layout | None:
    """The cached map, or None when there is none, it is damaged (unreadable, checksum wrong,
    not finite) or was made with other ``SETTINGS``: the caller then lays out the map anew."""
    try:
        data = json.loads((cache_dir / CACHE_FILE).read_bytes())
        stored = data.pop("sha256")
        if stored != checksum(data) or data["settings"] != SETTINGS:
            raise ValueError("checksum or settings differ")
        slugs, xy = data["slugs"], data["xy"]
        if len(xy) != 2 * len(slugs) or not all(math.isfinite(v) for v in (*xy, *data["frame"])):
            raise ValueError("coordinates do not match the papers")
        cx, cy, side = (float(v) for v in data["frame"])
        positions = {str(s): (float(xy[2 * i]), float(xy[2 * i + 1])) for i, s in enumerate(slugs)}
        return Layout(positions, (cx, cy, side), int(data["full"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        log.warning("map layout cache %s is damaged (%s): laying the map out anew", cache_dir, err)
        return None


def forget_layout(cache_dir: Path) -> bool:
    """Remove the cached map, so the next build lays it out anew; True when there was one."""
    try:
        (cache_dir / CACHE_FILE).unlink()
    except FileNotFoundError:
        return False
    return True


def full_layout(slugs: Sequence[str], features: np.ndarray) -> Layout:
    from generator.enrich.embedding import tsne

    coords = tsne(features)
    return Layout(
        {slug: (float(x), float(y)) for slug, (x, y) in zip(slugs, coords, strict=True)},
        frame_of(coords),
        len(slugs),
    )


def grown_layout(cached: Layout, slugs: Sequence[str], features: np.ndarray) -> Layout:
    """``cached`` with every paper it lacks placed into it; no cached paper moves."""
    from generator.enrich.embedding import place

    known = [i for i, slug in enumerate(slugs) if slug in cached.positions]
    new = [i for i, slug in enumerate(slugs) if slug not in cached.positions]
    if not new:
        return cached
    if known:
        reference = np.array([cached.positions[slugs[i]] for i in known], dtype=np.float64)
        placed = place(features[known], reference, features[new])
    else:
        placed = np.zeros((len(new), 2))
    positions = dict(cached.positions)
    positions.update((slugs[i], (float(x), float(y))) for i, (x, y) in zip(new, placed, strict=True))
    return Layout(positions, cached.frame, cached.full)


def stable_layout(slugs: Sequence[str], features: np.ndarray, cache_dir: Path | None) -> np.ndarray:
    """``(n, 2)`` grid coordinates for the papers ``slugs`` (rows of ``features``), kept in
    ``cache_dir`` (None: no cache, a full layout). Same papers and cache, same answer."""
    cached = load_layout(cache_dir) if cache_dir is not None else None
    if cached is None or len(slugs) > (1 + REGROW) * cached.full:
        layout = full_layout(slugs, features)
    else:
        layout = grown_layout(cached, slugs, features)
    if cache_dir is not None and layout is not cached:
        save_layout(cache_dir, layout)
    coords = np.array([layout.positions[slug] for slug in slugs], dtype=np.float64).reshape(-1, 2)
    return quantise(coords, layout.frame)


def map_points(texts: Sequence[str]) -> np.ndarray:
    """``(n, 2)`` grid coordinates for ``texts`` (title and abstract of each paper), no cache."""
    return stable_layout([str(i) for i in range(len(texts))], tfidf_svd(texts), None)
