"""Site output: everything a reader sees, as files. Paper pages, listings, feeds, stats, the map, exports."""

from generator.site.builder import SiteBuilder, search_documents
from generator.site.views import clean_text, clean_texts

__all__ = ["SiteBuilder", "clean_text", "clean_texts", "search_documents"]
