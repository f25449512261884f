"""The shape calculator's SENTENCES, not only its numbers: every number the page writes
(result line, formula lines, notes, conventions table) is held to cnnlab's own computation
(F.conv2d's output shape, window coverage, TensorFlow's rules) on a grid of square and
rectangular cases, and the sentences may not contradict themselves (no negative "fewer",
no "stops 0 cells short", no "as large as the input" for a larger output). The page's JS is
run in Node (the part before the widget's DOM code), so no browser is needed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import cnnlab
from cnnlab import functional as F
from cnnlab import tf_output_size, window_coverage

JS = Path(cnnlab.__file__).parent / "viz" / "assets" / "shape_calculator.js"
RUNNER = r"""
const fs = require("fs");
const src = fs.readFileSync(process.argv[1], "utf8");
const head = src.slice(0, src.indexOf("\n(function () {"));
const window = {};
eval(head);
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(c => window.cnnlabShapes.explain(c))));
"""


def explain(cases: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run([node, "-e", RUNNER, str(JS)], input=json.dumps(cases), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def field(x) -> str:
    return x if isinstance(x, str) else str(x[0]) if x[0] == x[1] else f"{x[0]}, {x[1]}"


def case(h, w, k, s, p, d=(1, 1)) -> dict:
    pair = lambda v: v if isinstance(v, (tuple, str)) else (v, v)
    k, s, p, d = pair(k), pair(s), pair(p), pair(d)
    return {"h": h, "w": w, "k": k, "s": s, "p": p, "d": d,
            "raw": {"h": str(h), "w": str(w), "kernel": field(k), "stride": field(s), "padding": field(p),
                    "dilation": field(d)}}


SQUARE = [case(n, n, f, s, p, d) for n in range(1, 10) for f in range(1, 6) for s in range(1, 4)
          for p in [0, 1, 2, 3, "valid", "same"] for d in (1, 2) if d == 1 or f <= 3]
RECT = [case(h, w, k, s, p) for h, w in [(8, 8), (7, 9), (5, 12)] for k in [(3, 5), (1, 3), (5, 2)]
        for s in [(1, 1), (3, 4), (2, 1)] for p in [(0, 1), (1, 2), (0, 0), "same", "valid"]]
CASES = SQUARE + RECT


def pads(n, f, p, d):
    """Cells (before, after) PyTorch pads along one axis; 'same' as at stride 1."""
    if p == "valid":
        return 0, 0
    if p == "same":
        total = d * (f - 1)
        return total // 2, total - total // 2
    return p, p


def axis(n, f, s, p, d):
    """cnnlab's numbers for one axis: span, padded size, output size by F.conv2d on a one-row
    input with explicit zero padding (None when no window fits), the unread cells."""
    b, a = pads(n, f, p, d)
    span = d * (f - 1) + 1
    if span > n + b + a:
        return {"span": span, "padded": n + b + a, "out": None, "unread": None}
    x = np.pad(np.ones((1, n)), ((0, 0), (b, a)))
    out = F.conv2d(x, np.ones((1, f)), stride=(1, s), dilation=(1, d)).shape[1]
    unread = None
    if p != "same" or s == 1:   # window_coverage knows 'same' at stride 1 only, as PyTorch does
        unread = [i for i, c in enumerate(window_coverage(n, f, s, p, d)) if c == 0]
    return {"span": span, "padded": n + b + a, "out": out, "unread": unread}


def axis_p(c, i):
    return c["p"][i] if isinstance(c["p"], tuple) else c["p"]


@pytest.fixture(scope="module")
def pages():
    return explain([c["raw"] for c in CASES])


def test_the_result_line_is_f_conv2d_s_shape(pages):
    refused = 0
    for c, e in zip(CASES, pages):
        rows = axis(c["h"], c["k"][0], c["s"][0], c["p"][0] if isinstance(c["p"], tuple) else c["p"], c["d"][0])
        cols = axis(c["w"], c["k"][1], c["s"][1], c["p"][1] if isinstance(c["p"], tuple) else c["p"], c["d"][1])
        if c["p"] == "same" and max(c["s"]) > 1:
            refused += 1
            assert e["result"].startswith("Output: none. PyTorch refuses padding='same' with stride"), c
            x = np.zeros((c["h"], c["w"]))
            with pytest.raises(ValueError):
                F.conv2d(x, np.ones(c["k"]), stride=c["s"], padding="same")
        elif rows["out"] is None or cols["out"] is None:
            assert e["result"] == "Output: none. The kernel is larger than the padded input.", c
        else:
            assert e["result"] == f"Output: {rows['out']} × {cols['out']} (from {c['h']} × {c['w']})", c
            for line, a in zip(e["formula"], (rows, cols)):
                assert line.endswith(f"= {a['out']}"), (c, line)
    assert refused > 50


def test_size_sentences_say_what_the_numbers_say(pages):
    for c, e in zip(CASES, pages):
        m = re.fullmatch(r"Output: (\d+) × (\d+) \(from \d+ × \d+\)", e["result"])
        text = " ".join(e["notes"])
        assert not re.search(r"[-−]\d+ (fewer|more)", text), (c, text)
        assert "stops 0 cells" not in text, (c, text)
        if not m:
            assert "as large as the input" not in text.replace("promises an output as large as the input", "")
            continue
        oh, ow = int(m[1]), int(m[2])
        assert ("The output is as large as the input." in e["notes"]) == ((oh, ow) == (c["h"], c["w"])), c
        for k, word, n, o in ((0, "row", c["h"], oh), (1, "column", c["w"], ow)):
            said = re.search(rf"(\d+) (fewer|more) {word}s?\b", text)
            if said:
                signed = int(said[1]) * (1 if said[2] == "fewer" else -1)
                assert signed == n - o, (c, text)
        if max(c["s"]) > 1 and (oh, ow) == (c["h"], c["w"]):
            assert "it is not what 'same' padding does" in text, c   # the 3x3, f 3, s 2, p 2 case


def test_never_read_sentences_name_cnnlab_s_unread_cells(pages):
    for c, e in zip(CASES, pages):
        if c not in SQUARE or e["result"].startswith("Output: none"):
            continue
        a = axis(c["h"], c["k"][0], c["s"][0], axis_p(c, 0), c["d"][0])
        named = []
        for note in e["notes"]:
            m = re.match(r"(Rows?) ([\d, and]+?) and columns? [\d, and]+ (are|is) never read", note)
            if m:
                named += [int(x) for x in re.findall(r"\d+", m[2])]
            short = re.search(r"stops (\d+) cells? short", note)
            if short:
                b, af = pads(c["h"], c["k"][0], axis_p(c, 0), c["d"][0])
                assert int(short[1]) == (c["h"] + b + af - a["span"]) % c["s"][0] > 0, (c, note)
        assert sorted(named) == a["unread"], (c, e["notes"])


def test_convention_rows_hold(pages):
    for c, e in zip(CASES, pages):
        if not e["conventions"]:
            continue
        pyt, total, same, valid = e["conventions"]
        for k, n in ((1, c["h"]), (2, c["w"])):
            i = k - 1
            p = c["p"][i] if isinstance(c["p"], tuple) else c["p"]
            b, af = pads(n, c["k"][i], p, c["d"][i])
            span = c["d"][i] * (c["k"][i] - 1) + 1
            if span > n + b + af:
                assert total[k] == "no window fits", c
            else:   # P = b + a and the size F.conv2d gives with those zeros, also for 'same' at a stride
                x = np.pad(np.ones((1, n)), ((0, 0), (b, af)))
                want = F.conv2d(x, np.ones((1, c["k"][i])), stride=(1, c["s"][i]), dilation=(1, c["d"][i])).shape[1]
                assert total[k].startswith(f"P = {b + af}: ") and total[k].endswith(f"= {want}"), (c, total)
            assert same[k].startswith(f"{tf_output_size(n, c['k'][i], c['s'][i], 'SAME', c['d'][i])} (pads "), c


def test_d2l_rectangular_cases():
    """D2L 7.3: an 8x8 input, kernel (3, 5), padding (2, 1)... gives 8x8; stride (3, 4), padding (0, 1), 2x2."""
    e1, e2 = explain([case(8, 8, (3, 5), 1, (1, 2))["raw"], case(8, 8, (3, 5), (3, 4), (0, 1))["raw"]])
    assert e1["result"] == "Output: 8 × 8 (from 8 × 8)"
    assert e2["result"] == "Output: 2 × 2 (from 8 × 8)"
    assert F.conv2d(np.zeros((8, 8)), np.ones((3, 5)), stride=(3, 4), padding=(0, 1)).shape == (2, 2)
    assert e2["conventions"][0][0] == "PyTorch / cnnlab, padding=(0, 1) (cells per side)"


def test_bad_fields_get_a_teaching_sentence():
    (e,) = explain([{"h": "8", "w": "8", "kernel": "3, 5, 7", "stride": "1", "padding": "1", "dilation": "1"}])
    assert e["result"].startswith("Output: not computed. kernel must be a whole number of at least 1, or a (height, width) pair")
