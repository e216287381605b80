"""The catalogue for machines: ``papers.json`` and ``papers.csv``, one record per paper view."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from generator.site.views import PaperView

CSV_FIELDS = PaperView.CSV_FIELDS


def papers_json(views: Iterable[PaperView]) -> bytes:
    """``papers.json`` (UTF-8), in catalogue order, encoded a paper at a time into one buffer:
    the whole catalogue as one ``json.dumps`` would hold it several times over."""
    out = io.BytesIO()
    out.write(b'{"papers":[')
    for n, view in enumerate(views):
        if n:
            out.write(b",")
        out.write(json.dumps(view.record(), ensure_ascii=False, separators=(",", ":")).encode())
    out.write(b"]}\n")
    return out.getvalue()


def papers_csv(views: Iterable[PaperView], site_url: str = "") -> str:
    """``papers.csv``: one row per paper in catalogue order; RFC 4180 quoting and line ends."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for view in views:
        writer.writerow(view.csv_row(base))
    return out.getvalue()
