"""Related lists for the papers added or changed since the last run, against the whole
catalogue, with no other list computed from scratch: how ``mkdocs serve`` relates a new dump.

A new text is weighted with the last run's terms and document frequencies (a term the
catalogue did not have is left out); its neighbours are found among all rows as
``related_papers`` finds them; and an old paper's list takes a new paper in where it now
ranks among that paper's best. A full build computes every list afresh.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from generator.enrich.related import (
    NEAREST,
    RELATED_LEAST,
    RELATED_MOST,
    RelatedModel,
    _cut,
    beyond,
    explain,
    nearest_papers,
    prune_rows,
    related_model,
    term_columns,
)
from generator.enrich.terms import _STOP_SET, TOKEN_PATTERN, _preprocess
from generator.model import Related

MOST_CHANGED = 0.1
"""Past this share of changed papers, every list is computed afresh."""
_TOKENS = re.compile(TOKEN_PATTERN)


def vectorise(model: RelatedModel, texts: Sequence[str]) -> sp.csr_matrix:
    """Unit TF-IDF rows of ``texts`` over the model's terms (sublinear tf, smooth idf)."""
    assert model.matrix is not None
    columns = term_columns(model.terms)
    df = np.bincount(model.matrix.indices, minlength=len(model.terms))
    idf = np.log((1 + model.matrix.shape[0]) / (1 + df)) + 1
    rows, cols, data = [], [], []
    for row, text in enumerate(texts):
        words = [w for w in _TOKENS.findall(_preprocess(text)) if w not in _STOP_SET]
        grams = Counter(words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)])
        for gram, count in grams.items():
            column = columns.get(gram)
            if column is not None:
                rows.append(row)
                cols.append(column)
                data.append((1 + math.log(count)) * idf[column])
    shape = (len(texts), len(model.terms))
    matrix = sp.csr_matrix((np.array(data, np.float32), (rows, cols)), shape=shape)
    matrix.sort_indices()
    return normalize(matrix, copy=False)


def update(
    model: RelatedModel, docs: Sequence[tuple[str, str]], *, k: int = RELATED_MOST, min_k: int = RELATED_LEAST
) -> RelatedModel:
    """The model for ``docs``: lists of new or changed papers computed, old lists kept or
    joined by a new neighbour, removed papers dropped from every list."""
    ordered = sorted(docs)
    last = dict(zip(model.slugs, model.texts, strict=True))
    changed = [slug for slug, text in ordered if last.get(slug) != text]
    if model.matrix is None or len(changed) > MOST_CHANGED * len(ordered):
        return related_model(ordered, k=k, min_k=min_k)
    slugs = [slug for slug, _ in ordered]
    new = grown(model, slugs, [text for _, text in ordered], changed, dict(ordered))
    moved = set(changed)
    kept = set(slugs) - moved
    gone = set(model.slugs) - kept
    related, further = without(model.related, kept, gone), without(model.further, kept, gone)
    row = {slug: i for i, slug in enumerate(slugs)}
    rows = [row[slug] for slug in changed]
    found = nearest_papers(new.matrix, max(k, NEAREST), rows, pruned=new.pruned)
    shown = [_cut(near[:k], min_k) for near in found]
    related.update(explain(new, rows, shown))
    further.update(beyond(slugs, rows, found, shown))
    joined, joined_further = joining(new, (related, further), rows, found, moved, k, min_k)
    related.update(joined)
    further.update(joined_further)
    new.related = {slug: related[slug] for slug in slugs}
    new.further = {slug: further[slug] for slug in slugs}
    return new


def without(
    related: dict[str, tuple[Related, ...]], kept: set[str], gone: set[str]
) -> dict[str, tuple[Related, ...]]:
    """The lists of the ``kept`` papers without the ``gone`` ones (changed or removed); a list
    that names none of them is the same tuple."""
    lists = {slug: related[slug] for slug in kept}
    if gone:
        for slug, found in lists.items():
            for rel in found:
                if rel.slug in gone:
                    lists[slug] = tuple(r for r in found if r.slug not in gone)
                    break
    return lists


def grown(
    model: RelatedModel, slugs: list[str], texts: list[str], changed: list[str], by_slug: dict
) -> RelatedModel:
    """The model's rows re-ordered to ``slugs``, the changed papers' rows weighted afresh."""
    assert model.matrix is not None and model.pruned is not None
    at = {slug: i for i, slug in enumerate(model.slugs)}
    at.update((slug, model.matrix.shape[0] + i) for i, slug in enumerate(changed))
    order = [at[slug] for slug in slugs]
    matrix, pruned = model.matrix, model.pruned
    if changed:
        fresh = vectorise(model, [by_slug[slug] for slug in changed])
        matrix = sp.vstack([matrix, fresh], format="csr")
        pruned = sp.vstack([pruned, prune_rows(fresh)], format="csr")
    matrix, pruned = matrix[order], pruned[order]
    return RelatedModel({}, slugs, texts, matrix, pruned, model.terms)


def joining(
    model: RelatedModel,
    lists: tuple[dict[str, tuple[Related, ...]], dict[str, tuple[Related, ...]]],
    rows: list[int],
    found: list[list[tuple[int, float]]],
    moved: set[str],
    k: int,
    min_k: int,
) -> tuple[dict[str, tuple[Related, ...]], dict[str, tuple[Related, ...]]]:
    """Old papers whose closest papers a new or changed paper now joins: their new related
    lists and further papers.

    Similarity is symmetric: a new paper's neighbours are the old papers it may join."""
    slugs = model.slugs
    offers: dict[int, list[tuple[int, float]]] = {}
    for i, near in zip(rows, found, strict=True):
        for j, score in near:
            if slugs[j] not in moved:
                offers.setdefault(j, []).append((i, score))
    row = {slug: n for n, slug in enumerate(slugs)}
    changes: dict[int, tuple[dict[int, Related], list[tuple[int, float]], list[tuple[int, float]]]] = {}
    for j, offered in sorted(offers.items()):
        old = {row[rel.slug]: rel for rel in lists[0][slugs[j]]}
        known = [(row[rel.slug], rel.score) for rel in (*lists[0][slugs[j]], *lists[1][slugs[j]])]
        merged = sorted(known + offered, key=lambda e: (-e[1], e[0]))[: max(k, NEAREST)]
        if merged != known:
            changes[j] = (old, merged, _cut(merged[:k], min_k))
    # The terms the new entries of related lists share, for every list at once.
    explained = explain(
        model, changes, [[(i, s) for i, s in shown if i not in old] for old, _, shown in changes.values()]
    )
    related: dict[str, tuple[Related, ...]] = {}
    for j, (old, _, shown) in changes.items():
        fresh = iter(explained[slugs[j]])
        related[slugs[j]] = tuple(old[i] if i in old else next(fresh) for i, _ in shown)
    merged_lists, shown_lists = [m for _, m, _ in changes.values()], [s for *_, s in changes.values()]
    return related, beyond(slugs, changes, merged_lists, shown_lists)
