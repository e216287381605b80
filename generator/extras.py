"""Reader extras beyond the core pages: feeds, the stats page, the map, exports.

``extra_files`` returns ``{relative path: text}`` like the renderer, so the pipeline
writes them with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence

from .catalogue import Catalogue
from .taxonomy import Tag


def extra_files(catalogue: Catalogue, tags: Sequence[Tag], site_url: str = "") -> dict[str, str]:
    return {}
