"""The backward-pass animations: their frames against hand-worked sums and cnnlab's backward,
size, determinism, no ids or URLs, and errors that teach."""

import re

import numpy as np
import pytest

from cnnlab import functional as F
from cnnlab import viz

K3 = np.array([[1, 0, -1], [2, 1, 0], [0, -1, 1]])


def grid(rows):
    return np.array([[float(v.replace("−", "-")) for v in row] for row in rows])  # the page prints a true minus


def test_dx_frames_scatter_the_kernel_by_hand():
    g = np.array([[1, 2], [3, 4]])
    anim = viz.conv_dx_animation((3, 3), np.array([[1, 10], [100, 1000]]), g)
    steps = anim.data["modes"][0]["steps"]
    assert len(steps) == 5  # four cells, then the result
    np.testing.assert_array_equal(grid(steps[0]["grids"]["2"]), [[1, 10, 0], [100, 1000, 0], [0, 0, 0]])
    np.testing.assert_array_equal(grid(steps[1]["grids"]["2"]), [[1, 12, 20], [100, 1200, 2000], [0, 0, 0]])
    # the last frame is the sum of all four scaled copies, worked by hand
    np.testing.assert_array_equal(grid(steps[-1]["grids"]["2"]),
                                  [[1, 12, 20], [103, 1234, 2040], [300, 3400, 4000]])
    assert steps[0]["expr"].startswith("dx[0, 0] += 1×1, dx[0, 1] += 1×10")


def test_dx_padding_and_stride_follow_conv2d_backward():
    grads = {(s, p): np.random.default_rng(10 * s + p).integers(-2, 4, size=F.conv2d(np.zeros((4, 4)), K3, stride=s, padding=p).shape)
             for s in (1, 2) for p in (0, 1)}
    anim = viz.conv_dx_animation((4, 4), K3, grads, stride=[1, 2], padding=[0, 1])
    modes = anim.data["modes"]
    assert len(modes) == 4
    for mode, (s, p) in zip(modes, [(1, 0), (1, 1), (2, 0), (2, 1)]):
        last = grid(mode["steps"][-1]["grids"]["2"])
        unpadded = last[p:last.shape[0] - p, p:last.shape[1] - p]
        np.testing.assert_allclose(unpadded, F.conv2d_backward(grads[(s, p)], np.zeros((4, 4)), K3, stride=s, padding=p)[0])
    assert "no window read get 0" in modes[2]["steps"][-1]["status"]       # stride 2, no padding
    assert "no window read" not in modes[3]["steps"][-1]["status"]         # stride 2, padding 1
    assert "padding's share is dropped" in modes[1]["steps"][-1]["status"]


def test_dw_accumulates_windows_by_hand():
    x = np.arange(9).reshape(3, 3)
    g = np.array([[1, 0], [0, -1]])
    anim = viz.conv_dw_animation(x, g, (2, 2))
    steps = anim.data["modes"][0]["steps"]
    np.testing.assert_array_equal(grid(steps[0]["grids"]["2"]), [[0, 1], [3, 4]])
    np.testing.assert_array_equal(grid(steps[-1]["grids"]["2"]), [[0 - 4, 1 - 5], [3 - 7, 4 - 8]])


def test_pooling_routes_to_the_argmax_or_spreads():
    x = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]])
    anim = viz.pool_backward_animation(x, np.array([[1, 2], [3, 4]]))
    max_last = grid(anim.data["modes"][0]["steps"][-1]["grids"]["2"])
    avg_last = grid(anim.data["modes"][1]["steps"][-1]["grids"]["2"])
    np.testing.assert_array_equal(max_last, [[0, 0, 0, 0], [1, 0, 0, 2], [0, 0, 4, 0], [0, 3, 0, 0]])
    np.testing.assert_array_equal(avg_last, np.kron([[1, 2], [3, 4]], np.ones((2, 2))) / 4)
    assert "x[1, 0] = 4" in anim.data["modes"][0]["steps"][0]["expr"]
    first_max, first_avg = (anim.data["modes"][m]["steps"][0]["marks"] for m in (0, 1))
    assert [m for m in first_max if m[0] == 0 and m[3] == "best"] == [[0, 1, 0, "best"]]  # the arg-max, x[1, 0] = 4
    assert sorted(m[3] for m in first_max if m[0] == 0) == ["around"] * 4 + ["best"]     # the window only outlined
    assert sorted(m[3] for m in first_avg if m[0] == 0) == ["win"] * 4                   # every cell shares


def test_fragments_are_small_deterministic_and_id_free():
    grads = {(s, p): np.ones(F.conv2d(np.zeros((4, 4)), K3, stride=s, padding=p).shape, dtype=int)
             for s in (1, 2) for p in (0, 1)}
    build = [lambda: viz.conv_dx_animation((4, 4), K3, grads, stride=[1, 2], padding=[0, 1]),
             lambda: viz.conv_dw_animation(np.ones((5, 5)), np.ones((3, 3)), (3, 3)),
             lambda: viz.pool_backward_animation(np.arange(16).reshape(4, 4), np.ones((2, 2)))]
    for make in build:
        html = make()._repr_html_()
        assert html == make()._repr_html_()
        assert len(html.encode()) < 50_000
        assert "http" not in html and not re.search(r"\bid=", html)
        assert "player" not in html or "function stepper" in html  # the shared player is reused


def test_errors_teach():
    with pytest.raises(ValueError, match=r"the output is \(2, 2\), so grad_output must have that shape"):
        viz.conv_dx_animation((4, 4), K3, np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"no upstream gradient for stride 2, padding 0"):
        viz.conv_dx_animation((4, 4), K3, {(1, 0): np.ones((2, 2))}, stride=[1, 2])
    with pytest.raises(ValueError, match=r"gives a \(3, 3\) output"):
        viz.conv_dw_animation(np.ones((5, 5)), np.ones((2, 2)), (3, 3))
    with pytest.raises(ValueError, match=r"must split into 2×2 windows"):
        viz.pool_backward_animation(np.ones((5, 4)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="at most"):
        viz.conv_dw_animation(np.ones((20, 20)), np.ones((18, 18)), (3, 3))


def test_the_panels_fit_one_row_in_the_books_column(tmp_path):
    """Chapter 9's three animations, in a 624 px box (their width in the book's text column at a
    1200 px window, sidebars shown) under the theme's 7 px figure padding: in every mode and at
    every step, the panels and their signs stay on one row, so no panel wraps under a sign."""
    from browser import chromium

    grads = {(s, p): np.random.default_rng(10 * s + p).integers(-2, 4, size=F.conv2d(np.zeros((4, 4)), K3, stride=s, padding=p).shape)
             for s in (1, 2) for p in (0, 1)}
    x5 = np.array([[1, 2, 0, 1, 3], [0, 1, 2, 2, 1], [3, 0, 1, 0, 2], [1, 1, 0, 2, 0], [2, 0, 1, 1, 1]])
    xp4 = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]])
    fragments = [viz.conv_dx_animation((4, 4), K3, grads, stride=[1, 2], padding=[0, 1]),
                 viz.conv_dw_animation(x5, np.array([[1, -1, 0], [2, 0, 1], [0, 1, -2]]), (3, 3)),
                 viz.pool_backward_animation(xp4, np.array([[1, 2], [3, 4]]), 2)]
    page = tmp_path / "bp.html"
    page.write_text("<!doctype html><html><head><style>figure { padding: 7px; }</style></head><body>" + "".join(
        f'<div style="width: 624px">{f._repr_html_()}</div>' for f in fragments) + "</body></html>")
    rows = """w => { const left = [...w.querySelectorAll('.cnnlab-view > *')].map(e => e.getBoundingClientRect().left);
                     return 1 + left.slice(1).filter((x, i) => x <= left[i]).length; }"""
    with chromium(viewport=(1200, 900)) as context:
        tab = context.new_page()
        tab.goto(page.as_uri())
        for k, widget in enumerate(tab.query_selector_all(".cnnlab-bp")):
            menus = widget.query_selector_all("select")
            combos = [[]]
            for menu in menus:
                combos = [c + [i] for c in combos for i in range(len(menu.query_selector_all("option")))]
            for combo in combos:
                for menu, i in zip(menus, combo):
                    menu.select_option(str(i))
                total = int(widget.query_selector("input[type=range]").get_attribute("max")) + 1
                for step in range(total):
                    assert tab.evaluate(rows, widget) == 1, (k, combo, step)
                    widget.query_selector('button[data-action="next"]').click()
