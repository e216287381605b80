"""The site's files from an enriched catalogue, in the order the pipeline can make them:
listings while related lists are computed elsewhere, then paper pages, then the map."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import partial
from typing import TYPE_CHECKING

from generator.enrich.taxonomy import Tag, Topic
from generator.ingest.catalogue import Catalogue
from generator.memo import NoMemo
from generator.output import downloads
from generator.search import pagefind
from generator.site import exports, feeds, library, map, stats
from generator.site.index import SiteIndex
from generator.site.listings import Listings
from generator.site.markup import paper_markup
from generator.site.pages import environment
from generator.site.papers import paper_pages
from generator.site.views import PaperViews

if TYPE_CHECKING:
    import numpy as np

    from generator.pipeline import Settings, Timer


def search_documents(
    catalogue: Catalogue, tags: Sequence[Tag], texts: dict[str, tuple[str, str]]
) -> dict[str, str]:
    """What Pagefind indexes, by path: each paper's view as a small HTML document, its areas,
    year and topics as filters."""
    views = PaperViews(catalogue.papers, {tag.name: tag for tag in tags}, texts)
    return {
        pagefind.document_path(view.slug): pagefind.document(
            view.title,
            view.abstract,
            view.paper.tags,
            view.paper.year,
            view.paper.topics,
            view.readable_title,
        )
        for view in views
    }


class SiteBuilder:
    """Makes the site's files; each method is one stage of the pipeline, timed."""

    def __init__(
        self,
        catalogue: Catalogue,
        tags: Sequence[Tag],
        texts: dict[str, tuple[str, str]],
        settings: Settings,
        timer: Timer,
        memo: NoMemo | None = None,
        topics: Sequence[Topic] = (),
    ) -> None:
        self.memo = memo = memo or NoMemo()
        self.tags = {tag.name: tag for tag in tags}
        self.settings = settings
        self.timer = timer
        self.env = memo.keep("environment", environment)  # its templates compiled once a serve
        with timer.stage("markup") as note:
            self.markup = {
                p.slug: memo.get("markup", (p.title, p.abstract), partial(paper_markup, p))
                for p in catalogue.papers
            }
            note.append(f"{len(self.markup)} titles and abstracts as HTML")
        self.index = SiteIndex(
            catalogue, PaperViews(catalogue.papers, self.tags, texts, self.markup), topics, memo
        )

    def listings(self, first_only: bool = False) -> dict[str, bytes]:
        """Every page and file that shows no related list; ``first_only``: the listings a new
        dump's papers show on first (``Listings.first_pages``)."""
        index, settings = self.index, self.settings
        with self.timer.stage("listings") as note:
            listings = Listings(index, self.env, settings.site_name, self.memo)
            if first_only:
                files = listings.first_pages()
                note.append(f"{len(files)} files first: home, dumps, tags and topics")
                return files
            files = listings.pages()
            topics = list(index.topics.values())
            extra = feeds.feed_files(
                index.catalogue, list(self.tags.values()), settings.site_url, topics, self.memo, index.views
            )
            extra["stats/index.md"] = stats.stats_page(index, self.env)
            extra["papers.csv"] = exports.papers_csv(index.views, settings.site_url, self.memo)
            files.update((path, text.encode()) for path, text in extra.items())
            note.append(f"{len(files)} files: home, dumps, tags, A to Z, code, feeds, stats, CSV")
        return files

    def papers(self, catalogue: Catalogue, only_dumps: Collection[str] | None = None) -> dict[str, bytes]:
        """Paper pages and ``papers.json``, from the catalogue with its related lists; with
        ``only_dumps``, the pages of those dumps' papers and nothing else."""
        with self.timer.stage("papers") as note:
            views = PaperViews(catalogue.papers, self.tags, self.index.views.texts, self.markup)
            if only_dumps is not None:
                dump_papers = self.index.dump_papers
                shown = dict.fromkeys(slug for name in sorted(only_dumps) for slug in dump_papers[name])
                note.append(f"{len(shown)} paper pages first")
                return paper_pages((views[slug] for slug in shown), self.env, self.memo)
            files = paper_pages(views, self.env, self.memo)
            files["papers.json"] = exports.papers_json(views, self.memo)
            files.update(library.library_files(catalogue, self.index, self.env, self.memo))
            note.append(f"{len(catalogue.papers)} paper pages and papers.json")
        return files

    def map(self, files: dict[str, bytes], layout: Callable[[], np.ndarray]) -> Callable[[], bytes]:
        """The map's page and titles into ``files``; returns what makes its points once laid out."""
        with self.timer.stage("map") as note:
            legend = map.map_legend(self.index)
            files["map/index.md"] = map.map_page(self.index, self.env, legend).encode()
            files["map/titles.json"] = map.titles_json(self.index).encode()
            payload = map.points_payload(self.index, legend)
            note.append(f"page and titles of {len(self.index.catalogue.papers)} points")
        return lambda: downloads.gzipped(map.points_json(payload, layout()).encode())
