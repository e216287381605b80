"""What Material's templates write that the HTML standard does not allow, mended in each page.

Material 9.8.1's ``base.html`` gives its two hidden checkboxes (the drawer's and search's
toggles) ``autocomplete="off"``, outside any block a theme can override; the attribute is
not allowed on checkboxes (the Nu HTML checker's two errors on every page). Firefox kept a
toggle's state across reloads without it; assets/javascripts/palette.js unchecks both when
a page loads instead. The papers plugin mends every page with it, papers and the theme's
404.html included (on_post_page, on_post_template).
"""

from __future__ import annotations

TOGGLES = {
    f'<input class="md-toggle" data-md-toggle="{name}" type="checkbox" id="__{name}" autocomplete="off">': (
        f'<input class="md-toggle" data-md-toggle="{name}" type="checkbox" id="__{name}">'
    )
    for name in ("drawer", "search")
}


def mend(html: str) -> str:
    """``html`` without ``autocomplete`` on the theme's checkboxes."""
    for theirs, valid in TOGGLES.items():
        html = html.replace(theirs, valid, 1)
    return html
