"""The catalogue for machines: ``papers.json`` and ``papers.csv``, one record per paper view."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from functools import partial

from generator.memo import NoMemo
from generator.site.views import PaperView

CSV_FIELDS = PaperView.CSV_FIELDS


def papers_json(views: Iterable[PaperView], memo: NoMemo | None = None) -> bytes:
    """``papers.json`` (UTF-8), in catalogue order, encoded a paper at a time into one buffer:
    the whole catalogue as one ``json.dumps`` would hold it several times over. With a memo,
    a paper's record is encoded again only when the paper changed."""
    memo = memo or NoMemo()
    out = io.BytesIO()
    out.write(b'{"papers":[')
    for n, view in enumerate(views):
        if n:
            out.write(b",")
        out.write(memo.get("record", view.paper, partial(record_json, view)))
    out.write(b"]}\n")
    return out.getvalue()


def record_json(view: PaperView) -> bytes:
    return json.dumps(view.record(), ensure_ascii=False, separators=(",", ":")).encode()


def papers_csv(views: Iterable[PaperView], site_url: str = "", memo: NoMemo | None = None) -> str:
    """``papers.csv``: one row per paper in catalogue order; RFC 4180 quoting and line ends.
    With a memo, a paper's line is made again only when the paper changed."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    memo = memo or NoMemo()
    lines = CsvLines()
    header = lines(list(CSV_FIELDS))
    return header + "".join(memo.get("row", view.paper, partial(lines.of, view, base)) for view in views)


class CsvLines:
    """Rows as the lines ``csv.writer`` writes them, each its own string (a memo keeps them)."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.writer = csv.writer(self.out, lineterminator="\r\n")

    def __call__(self, row: list[str]) -> str:
        self.out.seek(0)
        self.out.truncate()
        self.writer.writerow(row)
        return self.out.getvalue()

    def of(self, view: PaperView, base: str) -> str:
        return self(view.csv_row(base))
