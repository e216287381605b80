"""The slow enrichments of a ``mkdocs serve`` rebuild, grown from the last run's rather than
computed afresh: ``enrichments(memo)`` is the pipeline's ``enrichments`` while serving.

The first run computes both on the second core (``workers.SecondCore``) and keeps the
related lists' model and every paper's place on the map. A later run relates only the new
or changed papers (``enrich/related_update.py``), keeps every known paper where it was, and
places a new one where its related papers lie (their mean, weighted by similarity), the way
openTSNE starts a new point before optimising it (one related to none: the map's middle). The next full build lays out afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.memo import NoMemo
from generator.workers import Docs, Enrichments, SecondCore

if TYPE_CHECKING:  # the plugin imports this module; a no-op build should not load numpy
    import numpy as np

    from generator.enrich.related import RelatedModel
    from generator.model import RelatedLists

KEPT = "enrichments"


class Kept:
    """What a serve run leaves for the next: the related lists' model and the map's places."""

    def __init__(self) -> None:
        self.model: RelatedModel | None = None
        self.places: dict[str, tuple[int, int]] = {}


def enrichments(memo: NoMemo) -> Callable[[Docs], Enrichments]:
    """The enrichments of a run that ``memo`` remembers (what it kept is looked up when the
    run asks: a run that changes the memo's context starts it afresh)."""
    return lambda docs, map_cache=None: Grown(memo.keep(KEPT, Kept), docs, map_cache)


class Grown:
    """Related lists and the map's layout from the last run's, or from the worker the first time."""

    def __init__(self, kept: Kept, docs: Docs, map_cache: Path | None = None) -> None:
        self.kept = kept
        self.docs = docs
        self.worker = SecondCore(docs, map_cache, model=True) if kept.model is None else None

    def related(self) -> RelatedLists:
        from generator.enrich.related_update import update  # loaded by the first run, not the second

        if self.worker is not None:
            model = self.worker.model()
            model.texts = [text for _, text in sorted(self.docs)]
        else:
            assert self.kept.model is not None
            model = update(self.kept.model, self.docs)
        self.kept.model = model
        return model.lists()

    def layout(self) -> np.ndarray:
        import numpy as np

        if self.worker is not None:
            coords = np.asarray(self.worker.layout())
        else:
            coords = np.array([self.place(slug) for slug, _ in self.docs], dtype=np.int64).reshape(-1, 2)
        self.kept.places = {
            slug: (x, y)
            for (slug, _), (x, y) in zip(self.docs, coords.astype(np.int64).tolist(), strict=True)
        }
        return coords

    def place(self, slug: str) -> tuple[int, int]:
        """Where the paper was, or the weighted mean of its related papers' places."""
        known = self.kept.places.get(slug)
        if known is not None:
            return known
        import numpy as np

        assert self.kept.model is not None
        places = self.kept.places
        near = [(places[r.slug], r.score) for r in self.kept.model.related.get(slug, ()) if r.slug in places]
        if not near:  # related to nothing on the map: its middle
            near = [(xy, 1.0) for xy in places.values()] or [((0, 0), 1.0)]
        weights = np.array([score for _, score in near])
        mean = np.array([xy for xy, _ in near]).T @ weights / weights.sum()
        return int(round(mean[0])), int(round(mean[1]))

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
