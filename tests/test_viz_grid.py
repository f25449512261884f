"""The grid animations' shared machinery in a browser: a padded input's headers number the
input's positions (the border -1, ...), as the status texts do; an operator sign stays with
the panel after it when a narrow page wraps the row."""

from __future__ import annotations

import numpy as np

from browser import chromium
from cnnlab import viz


def _open(context, tmp_path, widget, width):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    path = tmp_path / "grid.html"
    path.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + widget._repr_html_() + "</body></html>")
    page.goto(path.as_uri())
    return page


def test_padded_headers_count_from_minus_p_and_signs_never_dangle(tmp_path):
    image = np.arange(16).reshape(4, 4)
    with chromium() as context:
        page = _open(context, tmp_path, viz.conv_animation(image, np.ones((3, 3)), padding=1), 1100)
        heads = page.locator(".cnnlab-in thead th").all_inner_texts()
        rows = page.locator(".cnnlab-in tbody th").all_inner_texts()
        assert heads == rows == ["-1", "0", "1", "2", "3", "4"]
        assert page.locator(".cnnlab-out thead th").all_inner_texts() == ["0", "1", "2", "3"]
        pool = viz.pool_animation(np.arange(25).reshape(5, 5), 3, stride=2, padding=1)
        for width in (1100, 360):
            page = _open(context, tmp_path, pool, width)
            assert page.locator(".cnnlab-in thead th").first.inner_text() == "-1"
            # The marked best cell's headers are the position the status text names.
            row, col = page.evaluate("""() => { const td = document.querySelector('.cnnlab-in td.best');
                const t = td.closest('table'); return [td.parentElement.querySelector('th').textContent,
                t.tHead.rows[0].cells[td.cellIndex].textContent]; }""")
            assert f"row {row}, column {col} of the input" in page.locator(".cnnlab-status").inner_text()
            # Each sign sits on the same line as the panel after it, whatever the width.
            tops = page.evaluate("""() => [...document.querySelectorAll('.cnnlab-op')].map(op =>
                [op.getBoundingClientRect().top, op.nextElementSibling.getBoundingClientRect().top,
                 op.getBoundingClientRect().bottom, op.nextElementSibling.getBoundingClientRect().bottom])""")
            assert tops and all(t0 < b1 and t1 < b0 for t0, t1, b0, b1 in tops), tops
