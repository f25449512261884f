"""The animation's numbers, its size and determinism, and the explorer's two renderings."""

import json
import re

import numpy as np
import pytest

from cnnlab import data, viz
from cnnlab.kernels import classic_kernels
from cnnlab.viz.explorer import explorer_view


def test_first_step_is_the_syllabus_expression():
    steps = viz.conv_steps(data.worked_image(), data.worked_kernel())
    assert len(steps) == 16
    assert steps[0].expression == "8×0 + 8×0 + 8×1 + 8×(−1) + 8×1 + 7×(−1) + 8×1 + 8×(−1) + 6×0 = 1"
    assert [s.value for s in steps] == [1, 2, 1, -1, 4, -1, -1, 1, -2, 0, 1, 1, 0, 0, 1, -1]


def test_every_step_adds_up():
    rng = np.random.default_rng(3)
    image, kernel = rng.integers(-5, 6, (5, 7)), rng.integers(-2, 3, (2, 3))
    for step in viz.conv_steps(image, kernel, stride=2, padding=1):
        assert sum(x * k for x, k in step.terms) == step.value
        assert len(step.terms) == 6


def test_padding_cells_enter_the_expression_as_zeros():
    first = viz.conv_steps(np.ones((3, 3), dtype=int), np.ones((3, 3), dtype=int), padding=1)[0]
    assert first.expression == "0×1 + 0×1 + 0×1 + 0×1 + 1×1 + 1×1 + 0×1 + 1×1 + 1×1 = 4"


@pytest.mark.parametrize("value, text", [(8, "8"), (-1, "−1"), (1 / 9, "0.111"), (2.5, "2.5"), (-0.25, "−0.25")])
def test_format_number(value, text):
    assert viz.format_number(value) == text


def _payload(html: str) -> dict:
    found = re.search(r'<script type="application/json" class="cnnlab-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_animation_is_small_deterministic_and_offline():
    make = lambda: viz.conv_animation(data.worked_image(), data.worked_kernel())._repr_html_()
    html = make()
    assert html == make()
    assert len(html.encode()) < 50_000
    assert " id=" not in html and "http" not in html
    payload = _payload(html)
    assert payload["outputs"][0][0][0] == [["1", "2", "1", "−1"], ["4", "−1", "−1", "1"], ["−2", "0", "1", "1"], ["0", "0", "1", "−1"]]


def test_animation_offers_every_choice():
    kernels = {"2x2": np.array([[0, 1], [1, 0]]), "3x3": np.ones((3, 3), dtype=int)}
    anim = viz.conv_animation(data.anti_diagonal(4), kernels, stride=[1, 2], padding=[0, 1])
    outputs = _payload(anim._repr_html_())["outputs"]
    assert outputs[0][1][0] == [["0", "2"], ["2", "0"]]
    assert len(outputs[1][0][1]) == 4  # 3x3 kernel, stride 1, padding 1: 4x4
    assert "Sliding-kernel animation" in repr(anim)
    # The text shown without JavaScript names every choice, not only the first kernel.
    assert "choose the kernel (2×2 or 3×3), the stride (1 or 2) and the padding (0 or 1)" in repr(anim)
    one = viz.conv_animation(data.anti_diagonal(4), kernels["2x2"])
    assert "a 4×4 input and a 2×2 kernel;" in repr(one)


@pytest.mark.parametrize(
    "image, words",
    [(np.zeros((3, 6, 6)), r"one grey image of shape \(H, W\); got shape \(3, 6, 6\)"), (np.zeros((30, 30)), "at most 400 pixels")],
)
def test_animation_rejects_what_it_cannot_draw(image, words):
    with pytest.raises(ValueError, match=words):
        viz.conv_animation(image, np.ones((3, 3)))


def test_explorer_carries_a_static_preview_beside_the_widget():
    bundle = viz.conv_explorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count("<table") == 1 + len(classic_kernels())
    assert "JupyterLab" in bundle["text/html"]


def test_explorer_recomputes_when_a_control_changes():
    explorer = viz.conv_explorer()
    before = explorer.view.value
    explorer.stride.value = 2
    assert explorer.view.value != before and "⌊(6 + 2·0 − 3) / 2⌋ + 1 = 2" in explorer.view.value


def test_explorer_views():
    assert "<img" in explorer_view("photo", "edge", 2, 1)
    assert explorer_view("worked example", "identity", 1, 1).count("<table") == 3


def test_the_photo_view_leaves_the_notebook_backend_alone():
    import matplotlib
    import matplotlib.pyplot as plt

    previous = matplotlib.get_backend()
    plt.switch_backend("module://matplotlib_inline.backend_inline")  # as in a notebook
    try:
        explorer_view("photo", "edge", 1, 0)
        assert matplotlib.get_backend() == "module://matplotlib_inline.backend_inline"
    finally:
        plt.switch_backend(previous)


def _palettes() -> dict[str, dict[str, str]]:
    """The widgets' colour variables, light and dark, read from the shared stylesheet."""
    from cnnlab.viz.embed import asset

    css = asset("widget.css")
    light = css[css.index(".cnnlab-w {"):css.index("font-family")]
    dark = css[css.index("html[data-theme=dark]"):]
    dark = dark[:dark.index("}")]
    def read(block: str) -> dict[str, str]:
        found = re.findall(r"(--w-[\w-]+):\s*#([0-9a-f]{6}|[0-9a-f]{3})\b", block)
        return {name: "#" + (h if len(h) == 6 else "".join(c * 2 for c in h)) for name, h in found}

    return {"light": read(light), "dark": read(dark)}


def _contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


TEXT_ON = [  # (text, background) pairs that the widgets' cells and controls draw
    ("fg", "bg"), ("fg", "cell"), ("muted", "bg"), ("pad-fg", "pad-1"), ("pad-fg", "pad-2"),
    ("fg", "win"), ("fg", "win-2"), ("fg", "kernel"), ("fg", "done"), ("fg", "now"),
    ("fg", "button"), ("ok", "bg"), ("bad", "bg"), ("muted", "cell"),
    ("win-line", "bg"), ("now-line", "bg"),  # the block diagram's C and FN labels
]


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_widget_text_contrast_is_at_least_4_5(mode):
    colours = _palettes()[mode]
    for fg, bg in TEXT_ON:
        ratio = _contrast(colours[f"--w-{fg}"], colours[f"--w-{bg}"])
        assert ratio >= 4.5, f"{mode}: {fg} on {bg} has contrast {ratio:.2f}"


def test_contrast_formula_on_known_pairs():
    assert _contrast("#000000", "#ffffff") == pytest.approx(21)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_dilated_steps_read_every_other_cell():
    image = np.arange(25).reshape(5, 5)
    steps = viz.conv_steps(image, np.ones((2, 2), dtype=int), dilation=2)
    assert len(steps) == 9                                     # 5 - 2*(2-1) = 3 per side
    assert [x for x, _ in steps[0].terms] == [0, 2, 10, 12]    # taps at rows 0, 2 and columns 0, 2
    assert [s.value for s in steps[:3]] == [24, 28, 32]        # by hand: 0+2+10+12, 1+3+11+13, ...


def test_animation_offers_dilation_without_changing_the_old_layout():
    image = data.anti_diagonal(5)
    anim = viz.conv_animation(image, np.array([[0, 1], [1, 0]]), stride=[1, 2], dilation=[1, 2])
    payload = _payload(anim._repr_html_())
    assert payload["dilations"] == [1, 2]
    # 5x5 anti-diagonal, kernel 0 1 / 1 0 dilated by 2: taps (0, 2) and (2, 0) of each window
    # window (i, j) taps (i, j + 2) and (i + 2, j): both on the anti-diagonal i + j = 4 when
    # i + j = 2. Worked by hand:
    assert payload["outputs"][0][0][0][1] == [["0", "0", "2"], ["0", "2", "0"], ["2", "0", "0"]]
    assert payload["outputs"][0][1][0][1] == [["0", "2"], ["2", "0"]]
    assert "dilations" not in _payload(viz.conv_animation(image, np.ones((2, 2)))._repr_html_())


def test_dilated_animation_against_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    image, kernel = rng.integers(-4, 5, (7, 6)), rng.integers(-2, 3, (3, 2))
    for s, p, d in [(1, 0, 2), (2, 1, 2), (1, 2, 3)]:
        ours = [step.value for step in viz.conv_steps(image, kernel, s, p, d)]
        ref = torch.nn.functional.conv2d(torch.tensor(image, dtype=torch.float64)[None, None],
                                         torch.tensor(kernel, dtype=torch.float64)[None, None],
                                         stride=s, padding=p, dilation=d)
        assert ours == ref.flatten().tolist()
