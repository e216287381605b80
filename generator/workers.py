"""Where the slow enrichments run: related lists, then the map's layout, from the papers' texts.

The pipeline asks for both as soon as the texts are clean and takes each answer when it needs
it. ``InProcess`` computes them on demand, in this process (tests, small sites);
``SecondCore`` computes them in one spawned process, beside the main one, and sends each
answer as soon as it is ready. Both take the same ``(slug, text)`` pairs and give the same
answers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
from collections.abc import Sequence
from contextlib import suppress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # a no-op build should not load numpy
    import numpy as np

    from generator.enrich.related import RelatedModel
    from generator.model import RelatedLists

Docs = Sequence[tuple[str, str]]
"""``(slug, text)`` for every paper, in catalogue order."""


class Enrichments(Protocol):
    """The answers the pipeline waits for: related lists by slug, and map coordinates."""

    def related(self) -> RelatedLists: ...

    def layout(self) -> np.ndarray: ...

    def close(self) -> None: ...


def related_lists(docs: Docs) -> RelatedLists:
    from generator.enrich.related import related_model

    return related_model(docs).lists()


def map_layout(docs: Docs, map_cache: Path | None) -> np.ndarray:
    """Grid coordinates of each paper, in the order of ``docs``, laid out from the TF-IDF rows
    the related lists use (``layout.tfidf_svd``), in their order: by slug."""
    from generator.enrich.layout import tfidf_svd

    order = sorted(range(len(docs)), key=lambda i: docs[i][0])
    features = tfidf_svd([docs[i][1] for i in order])
    return placed_in_order([docs[i][0] for i in order], features, order, map_cache)


def placed_in_order(
    slugs: list[str], features: np.ndarray, order: Sequence[int], map_cache: Path | None
) -> np.ndarray:
    """The layout of ``slugs`` (sorted, rows of ``features``), in the callers' order:
    ``slugs[k]`` was paper ``order[k]``."""
    import numpy as np

    from generator.enrich.layout import stable_layout

    coords = stable_layout(slugs, features, map_cache)
    placed = np.empty_like(coords)
    placed[np.asarray(order, dtype=np.int64)] = coords
    return placed


class InProcess:
    """Both answers computed here, each time it is asked for (the pipeline asks once)."""

    def __init__(self, docs: Docs, map_cache: Path | None = None) -> None:
        self.docs = docs
        self.map_cache = map_cache

    def related(self) -> RelatedLists:
        return related_lists(self.docs)

    def layout(self) -> np.ndarray:
        return map_layout(self.docs, self.map_cache)

    def close(self) -> None:
        pass


class SecondCore:
    """Both answers computed in one spawned process, in order: related lists, then the layout.

    With ``model``, the first answer is the lists with what made them (``model()``)."""

    def __init__(self, docs: Docs, map_cache: Path | None = None, *, model: bool = False) -> None:
        context = multiprocessing.get_context("spawn")
        self._answers, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=serve, args=(sender, list(docs), map_cache, model), name="papers-worker"
        )
        self._process.start()
        sender.close()
        self._related: RelatedLists | None = None
        self._model: RelatedModel | None = None
        self._keeps_model = model

    def _receive(self, what: str) -> object:
        try:
            kind, value = self._answers.recv()
        except EOFError:
            raise RuntimeError(f"the worker computing {what} ended without an answer") from None
        if kind == "error":
            raise value
        return value

    def related(self) -> RelatedLists:
        if self._related is None and self._keeps_model:
            self._related = self.model().lists()
        if self._related is None:
            self._related = self._receive("related lists")  # type: ignore[assignment]
        return self._related  # type: ignore[return-value]

    def model(self) -> RelatedModel:
        if self._model is None:
            self._model = self._receive("related lists")  # type: ignore[assignment]
        return self._model  # type: ignore[return-value]

    def layout(self) -> np.ndarray:
        self.related()  # the answers come in order
        coords = self._receive("the map's layout")
        self.close()
        return coords  # type: ignore[return-value]

    def close(self) -> None:
        """Ends the worker, whether or not it still owes an answer."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._answers.close()


def serve(
    answers: Connection, docs: list[tuple[str, str]], map_cache: Path | None = None, model: bool = False
) -> None:
    """The worker process: send the related lists (with their model when asked), then the
    map's layout, laid out from the same TF-IDF rows, then end.

    Memory is handed back between the two: the map's layout runs beside Pagefind's peak. The
    layout is kept in ``map_cache`` (``layout.stable_layout``), so existing papers stay put."""
    one_thread()
    try:
        import numpy as np

        from generator.enrich.layout import svd_rows
        from generator.enrich.related import related_model

        order = sorted(range(len(docs)), key=lambda i: docs[i][0])
        built = related_model(docs)
        slugs, matrix, built.texts = built.slugs, built.matrix, []
        answers.send(("answer", built if model else built.lists()))
        del built
        docs.clear()
        # The map from the same rows, in the same (slug) order; no shared term, no features.
        features = svd_rows(matrix) if matrix is not None else np.zeros((len(slugs), 1))
        del matrix
        give_back_freed_memory()
        answers.send(("answer", placed_in_order(slugs, features, order, map_cache)))
    except Exception as error:  # the build reports it where it waits
        answers.send(("error", error))
    finally:
        answers.close()


def one_thread() -> None:
    """The worker's numeric libraries use one thread: the main process and Pagefind have the
    other cores. Runs before the worker imports numpy or scikit-learn."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; a no-op elsewhere):
    Python and numpy free memory into that heap, which keeps pages it does not need at once."""
    with suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)
