"""Enrich: what the dumps do not say outright. Clean text, tags, related papers, method mentions and the map layout."""
