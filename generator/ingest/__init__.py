"""Ingest: dump files to located records (parse), then one paper per distinct title (catalogue)."""
