"""The exercise checks: as forgiving of equivalent answers as a good teacher, as strict about
wrong ones; and the page's script gives the same verdict as Python on a grid of answers."""

from __future__ import annotations

import io
import random
from contextlib import redirect_stdout

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlab import exercise as E
from browser import chromium


def printed(ex: E.Exercise, *answers, **named) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        ex.check(*answers, **named)
    return out.getvalue()


FOUR = E.number(4, hint="Use the patch x[1:4, 0:3].", wrong=[(1, "That is y[0, 0].")])


@pytest.mark.parametrize("answer", [4, 4.0, np.int64(4), np.float32(4), np.array(4), "4", " 4.0 ", "+4", "8/2", [4],
                                    "４", "4x4", "4 × 4", "\u00a04\u3000"])
def test_a_number_in_any_equivalent_form_is_correct(answer):
    assert FOUR.verdict(answer) == (True, "Correct.")


@pytest.mark.parametrize("answer, message", [
    (None, E.NONE_MESSAGE),
    ("", E.EMPTY_MESSAGE),
    (1, "Not yet. That is y[0, 0]."),
    (5, "Not yet. Use the patch x[1:4, 0:3]."),
    (4.01, "Not yet. Use the patch x[1:4, 0:3]."),
    (3.9999, "Not yet. Use the patch x[1:4, 0:3]."),  # a count is exact
    ("4x5", '"4x5" is two numbers; the answer is one number (for a square, its side).'),
    ("1e999", E.parts.NOT_FINITE),
    (float("nan"), E.parts.NOT_FINITE),
    ("", E.EMPTY_MESSAGE),
    ("four", '"four" is not a number. Write digits, e.g. 12, -0.5 or 1/9.'),
    (True, "True is a truth value; the answer is one number."),
    (np.array([4, 5]), "The answer is one number; you gave an array of shape (2,)."),
    ("x", '"x" is not a number. Write digits, e.g. 12, -0.5 or 1/9.'),
])
def test_a_wrong_number_gets_its_hint_not_a_traceback(answer, message):
    assert FOUR.verdict(answer) == (False, message)


def test_float_answers_are_checked_with_a_tolerance():
    third = E.number(1 / 9, tol=1e-3)
    assert third.verdict(0.111)[0] and third.verdict("1/9")[0] and third.verdict("0.1111")[0]
    assert not third.verdict(0.11)[0]
    for grouped in ("529,984", "529 984", "529_984", "529\u202f984"):
        assert E.number(529_984).verdict(grouped)[0], grouped
    assert not E.number(529_984).verdict(529_985)[0]
    assert not E.number(9_043_200).verdict(9_043_191)[0]  # counts are exact, however large
    share = E.number(0.951, tol=1e-3, units={"%": 0.01})
    assert share.verdict("95.1%")[0] and share.verdict("95.1 %")[0] and share.verdict("0.951")[0]
    assert not share.verdict("95.1")[0]
    size = E.number(12.845056, tol=0.01, units={"MB": 1, "bytes": 1e-6})
    assert size.verdict("12.8 MB")[0] and size.verdict("12,845,056 bytes")[0] and size.verdict("12.8mb")[0]


@pytest.mark.parametrize("answer", [(24, 24), [24, 24], np.array([24, 24]), "24x24", "(24, 24)", "24 × 24", "[24,24]"])
def test_a_shape_in_any_form(answer):
    assert E.numbers((24, 24)).verdict(answer) == (True, "Correct.")


def test_a_wrong_shape_gets_its_hint_without_giving_the_length_away():
    part = E.numbers((3, 24, 24), hint="Padding 0.", wrong=[((24, 24, 3), "Channels come first in PyTorch's layout."),
                                                            ((24, 24), "And the channels?")])
    assert part.verdict((24, 24)) == (False, "Not yet. And the channels?")  # a hint of another length is reached
    assert part.verdict((24,)) == (False, "Not yet. You gave 1 number. Padding 0.")
    assert part.verdict("24, 24, 3") == (False, "Not yet. Channels come first in PyTorch's layout.")
    assert part.verdict(np.zeros((2, 2))) == (False, "The answer is a tuple of numbers; you gave an array of shape (2, 2).")
    shape = E.numbers((16, 15, 15), channels="CHW")
    assert shape.verdict("15x15x16") == (False, f"Not yet. {E.CHANNELS_FIRST}")
    assert E.numbers((8, 16, 15, 15), channels="NCHW").verdict((8, 15, 15, 16)) == (False, f"Not yet. {E.CHANNELS_FIRST}")


def test_thousands_in_lists_sets_and_equivalent_shapes():
    counts = E.numbers((462_422_016, 115_605_504))
    for answer in ["462,422,016, 115,605,504", "462 422 016, 115 605 504", "462422016 115605504", "(462_422_016, 115_605_504)"]:
        assert counts.verdict(answer) == (True, "Correct."), answer
    assert not counts.verdict((462_421_600, 115_605_400))[0]
    assert E.numbers((128, 128)).verdict("(128,128)")[0]
    positions = E.numbers((2, 5, 8), unordered=True)
    assert positions.verdict("8, 5, 2")[0] and not positions.verdict("8, 5, 3")[0]
    bias = E.numbers((32,), also=[(32, 1, 1)])
    assert bias.verdict("32")[0] and bias.verdict(32)[0] and bias.verdict("(32, 1, 1)")[0] and bias.verdict("(32,)")[0]


def test_matrices_by_rows_in_text_or_as_arrays():
    part = E.matrix([[0, 2], [2, 0]])
    for answer in [[[0, 2], [2, 0]], np.array([[0, 2], [2, 0]]), "0 2\n2 0", "0, 2; 2, 0", "0 2 / 2 0", "[[0, 2], [2, 0]]"]:
        assert part.verdict(answer) == (True, "Correct."), answer
    assert part.verdict("0 2 2 0") == (False, "Your matrix is 1×4; the answer is 2×2.")
    assert part.verdict("0 2\n2") == (False, "Your rows have different lengths (2, 1): every row needs as many numbers.")
    assert part.verdict([[0, 2], [2, 1]]) == (False, "Not yet. 1 of 4 entries wrong.")
    assert E.matrix([[1 / 9]]).verdict("1/9") == (True, "Correct.")


def test_names_in_any_order_and_case():
    part = E.names(["edge", "identity"], ["identity", "edge", "sobel x"], hint="Turn each kernel by 180 degrees.")
    for answer in [{"identity", "edge"}, ["Edge", "identity"], ("edge", "identity", "edge"), "identity, edge", "{'edge', 'identity'}"]:
        assert part.verdict(answer) == (True, "Correct."), answer
    assert part.verdict({"edge"}) == (False, "Not yet. 1 right, 0 wrong, 1 missing. Turn each kernel by 180 degrees.")
    assert part.verdict({"edge", "identity", "sobel x"})[1].startswith("Not yet. 2 right, 1 wrong, 0 missing.")
    assert part.verdict({"sobel"}) == (False, '"sobel" is not one of the names: identity, edge, sobel x.')
    assert part.verdict(7) == (False, "Give a set of names, e.g. {'identity'}; you gave a int.")
    assert part.verdict(" ") == (False, "Choose the names first: tick every one that belongs.")


def test_multiple_choice_by_text_or_letter():
    part = E.choice("invariance", ["equivariance", "invariance"], wrong=[("equivariance", "What moved with the input?")])
    for answer in ["invariance", "B", " Invariance ", "(b)", "b)", "b.", "(B)"]:
        assert part.verdict(answer) == (True, "Correct."), answer
    assert part.verdict("") == (False, "Choose one of the options first.")
    assert part.verdict("(b") == (False, '"(b" is not one of the options: equivariance, invariance.')
    assert part.verdict("a") == (False, "Not yet. What moved with the input?")
    assert part.verdict("c") == (False, '"c" is not one of the options: equivariance, invariance.')
    layer = E.choice("Linear(784, 10)", ["Flatten()", "Linear(784, 10)"])
    for answer in ["linear(784,10)", "Linear( 784, 10 )", "LINEAR(784,\t10)"]:
        assert layer.verdict(answer) == (True, "Correct."), answer
    assert layer.verdict("Linear(78, 410)")[0] is False


STROKES = {"lying": np.pad(np.ones((1, 5)), 2), "upright": np.pad(np.ones((5, 1)), 2), "white": np.ones((7, 7))}
DESIGN = E.kernel((3, 3), STROKES, [
    ("lying", ">", "upright", "It should prefer the lying stroke."),
    ("white", "==", 0, "Make the weights sum to 0."),
])


def test_a_designed_kernel_is_judged_by_what_it_does():
    assert DESIGN.verdict([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]])[0]
    assert DESIGN.verdict(np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]) / 3)[0]  # a scaled answer is as good
    assert DESIGN.verdict(np.eye(3)) == (False, "Not yet (best scores: lying 1, upright 1, white 3). It should prefer the lying stroke.")
    assert DESIGN.verdict([[0, 0, 0], [1, 1, 1], [0, 0, 0]])[1].endswith("Make the weights sum to 0.")
    assert DESIGN.verdict(np.ones((1, 3))) == (False, "Your kernel is 1×3; it should be 3×3.")


def test_check_prints_one_line():
    ex = E.Exercise("3.2", a=E.number(24), b=E.numbers((24, 24)))
    assert printed(ex, None, None) == "Write your answers in place of None, then run the cell again.\n"
    assert printed(ex, 24, "24x24") == "Correct.\n"
    assert printed(ex, a=24, b=(24,)) == "(a) correct | (b) Not yet. You gave 1 number.\n"
    assert printed(E.Exercise("3.1", FOUR), 5) == "Not yet. Use the patch x[1:4, 0:3].\n"
    with pytest.raises(TypeError, match="Exercise 3.2 has parts"):
        ex.check(c=1)


@pytest.mark.parametrize("build, match", [
    (lambda: E.number([1, 2]), "must be one number"),
    (lambda: E.matrix([1, 2]), "must be 2D"),
    (lambda: E.names(["a"], ["b"]), "not among the options"),
    (lambda: E.names(["a,b"], ["a,b"]), "contains a comma"),
    (lambda: E.names(["salt and pepper"], ["salt and pepper"]), "the word 'and'"),
    (lambda: E.choice("c", ["a", "b"]), "not among the options"),
    (lambda: E.kernel((3, 3), STROKES, [("lying", "~", "white", "")]), "op of"),
    (lambda: E.Exercise("1"), "Exercise\\(label, part\\)"),
    (lambda: E.number(10, wrong={9: "Add 1."}), "not a dict"),
    (lambda: E.number(10, wrong=[(9, "Add 1."), (9.0, "Count the padding.")]), "Merge them"),
    (lambda: E.number(2.3026, tol=2e-3, wrong=[(2.3, "Rounded.")]), "judged right"),
    (lambda: E.numbers((1, 2), wrong=[((2, 1), "Swapped.")], unordered=True), "judged right"),
    (lambda: E.names(["a"], ["a", "b"], wrong=[(["c"], "No.")]), "not among the options"),
    (lambda: E.choice("a", ["a", "b"], wrong=[("c", "No.")]), "not among the options"),
    (lambda: E.numbers((16, 5, 5), channels="NCHW"), "channels is"),
    (lambda: E.kernel((5, 5), {"small": np.ones((3, 3))}, []), "smaller than"),
    (lambda: E.Exercise("7.3", E.number(6), accepts=["6×6", "6 by 6"]), "refuses '6 by 6'"),
    (lambda: E.Exercise("7.3", a=E.number(6), accepts={"b": ["6"]}), "accepts names"),
])
def test_authoring_mistakes_are_caught(build, match):
    with pytest.raises((ValueError, TypeError), match=match):
        build()


def test_the_checker_is_small_deterministic_and_offline():
    ex = E.Exercise("3.2", a=E.number(24), b=E.names(["edge"], ["edge", "identity"]))
    html = ex._repr_html_()
    assert html == E.Exercise("3.2", a=E.number(24), b=E.names(["edge"], ["edge", "identity"]))._repr_html_()
    assert len(html.encode()) < 50_000 and " id=" not in html and "http" not in html


# The page's script against Python, answer by answer.
GRID = {
    "number": (FOUR, ["4", "4.0", " +4 ", "8/2", "1", "5", "four", "", "4e0", "−4", "4,000", "1/0", "3.9999999"]),
    "tolerant": (E.number(1 / 9, tol=1e-3, hint="About 0.111."), ["0.111", "1/9", "0.11", ".1111", "0.112"]),
    "numbers": (E.numbers((24, 24), wrong=[((26, 26), "That is after one layer."), ((22,), "Two numbers.")]),
                ["24x24", "(24, 24)", "[24,24]", "24 × 24", "26, 26", "24", "24 24 1", "a x b", "24x25", "22", "２４x２４",
                 "24 and 24", "24, and 24", "()", "[ ]", "24 sand 24"]),
    "counts": (E.numbers((462_422_016, 115_605_504), hint="Multiply."),
               ["462,422,016, 115,605,504", "462 422 016 115 605 504", "462,422,016", "1,000, 2", "1e999, 2"]),
    "set": (E.numbers((2, 5, 8), unordered=True, wrong=[((), "No position?")]),
            ["8, 5, 2", "2 5 8", "8, 5", "2, 5 and 8", "()", "462,422,016 and 115,605,504"]),
    "shape": (E.numbers((16, 15, 15), channels="CHW", also=[(16, 15, 15, 1)]),
              ["(16, 15, 15)", "15x15x16", "16x15x15x1", "15 15"]),
    "units": (E.number(0.951, tol=1e-3, units={"%": 0.01}), ["95.1%", "95.1 %", "0.951", "95.1", "%", "1e999%"]),
    "bytes": (E.number(786_432, units={"bytes": 1, "B": 1, "kB": 1e3, "MB": 1e6}),
              ["786,432 bytes", "MB", "786.432 kB", "0.786432 MB", "786432B", "12.8 GB", "786 kB", "1e999 kB",
               "1e300 MB", "0.000786432 GB", "1.001 MB"]),
    "sentences": (E.choice("It has biases.", ["It has biases.", "It has none."]), ["c", "it has biases.", "(a)", "none"]),
    "square": (E.number(6, wrong=[(7, "No rounding here.")]), ["6x6", "6 × 6", "7x7", "6x7", "6x6x6", "６"]),
    "matrix": (E.matrix([[0, 2], [2, 0]], hint="Slide two cells."),
               ["0 2\n2 0", "0,2;2,0", "[[0, 2], [2, 0]]", "0 2 / 2 0", "0 2\n2 1", "0 2 2 0", "0 2\n2", "zero", "0 2\n2 0\n"]),
    "names": (E.names(["edge", "identity"], ["identity", "edge", "sobel x"], hint="Turn them."),
              ["identity, edge", "Edge,IDENTITY", "identity and edge", "Edge AND identity", "identity, and edge", "edge", "edge, identity, sobel x", "sobel", "{'edge', 'identity'}", "edge, edge"]),
    "choice": (E.choice("invariance", ["equivariance", "invariance"], wrong=[("equivariance", "What moved?")]),
               ["invariance", "b", "A", "equivariance", "c", "Invariance", "(b)", "b)", "(b", " ", "B.",
                "in variance", "IN\tVARIANCE"]),
    "kernel": (DESIGN, ["-1 -1 -1\n2 2 2\n-1 -1 -1", "1 0 0\n0 1 0\n0 0 1", "0 0 0\n1 1 1\n0 0 0", "1 1 1", "0.5 0.5\n1 1",
                        "-1/3 -1/3 -1/3\n2/3 2/3 2/3\n-1/3 -1/3 -1/3", "1e300 0 0\n0 0 0\n0 0 1e300",
                        "nan 0 0\n0 0 0\n0 0 0"]),
}


# -- garbage in: a clear message out, never a traceback ----------------------------------------

TRICKY = "0123456789０１２３٣.,;:/ -−+eExX×*()[]{}'\"%_\n\t\u00a0\u202f\u3000abcABé∞İΣ"
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(alphabet=TRICKY, max_size=40), st.binary(max_size=8),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=5),
    st.lists(st.lists(st.integers(-3, 3), max_size=4), max_size=4),  # ragged and empty rows
    st.just(np.zeros((0, 4))), st.just(np.zeros((0, 2))), st.just(np.array(3.0)), st.just(np.ones((2, 3, 4))),
    st.just(np.full((3, 3), 1e300)), st.just(np.full((3, 3), np.nan)), st.just(np.ones((300, 300))),
    st.sets(st.sampled_from(["edge", "identity", "Edge", "nope"])), st.dictionaries(st.text(max_size=2), st.integers()),
)


def every_kind() -> dict:
    """One part of every kind, with the features that take other code paths."""
    return {k: part for k, (part, _) in GRID.items()}


@settings(max_examples=300, deadline=None)
@given(answer=ODD_VALUES)
def test_no_answer_of_any_type_crashes_a_part(answer):
    for kind, part in every_kind().items():
        ok, message = part.verdict(answer)
        assert isinstance(ok, bool) and isinstance(message, str) and message, (kind, answer)


def random_texts(n: int, seed: int = 0) -> list[str]:
    """Text a student might type, and text nobody would: digits of other scripts, separators,
    brackets, signs, units, letters, spaces of every width, in random order and length."""
    rng = random.Random(seed)
    words = ["6x6", "1/9", "1,000", "16 448", "(b)", "edge", "identity", "95.1%", "1e999", "-0", ".5", "24 × 24",
             "[[0, 2], [2, 0]]", "0 2\n2 0", "2,3", "(32, 1, 1)", "b)", "MB", "NaN", "inf"]
    texts = []
    for _ in range(n):
        if rng.random() < 0.5:
            texts.append("".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 12))))
        else:
            texts.append(rng.choice([" ", ", ", "\n", "x", ""]).join(rng.choice(words) for _ in range(rng.randint(1, 3))))
    return texts


def page_of_every_kind(tmp_path):
    """A page whose exercise has a part of every kind, so that it loads every kind's script."""
    page = tmp_path / "kinds.html"
    ex = E.Exercise("0.1", **{f"p{i}": part for i, part in enumerate(every_kind().values())})
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + ex._repr_html_() + "</body></html>")
    return page


def test_an_exercise_carries_the_scripts_of_its_kinds_only():
    assert E.Exercise("0.1", FOUR).scripts() == ["exercise_read", "exercise_number", "exercise"]
    ex = E.Exercise("0.2", a=E.choice("b", ["a", "b"]), b=DESIGN)
    assert ex.scripts() == ["exercise_read", "exercise_matrix", "exercise_choice", "exercise_kernel", "exercise"]
    assert "KINDS.names" not in ex._repr_html_() and "KINDS.kernel" in ex._repr_html_()


def test_the_page_and_python_agree_on_random_text(tmp_path):
    page = page_of_every_kind(tmp_path)
    texts = random_texts(400)
    with chromium() as context:
        tab = context.new_page()
        tab.goto(page.as_uri())
        for kind, part in every_kind().items():
            js = tab.evaluate("([spec, texts]) => texts.map(t => document.querySelector('.cnnlab-ex').cnnlabVerdict(spec, t))", [part.spec(), texts])
            for text, got in zip(texts, js):
                assert tuple(got) == part.verdict(text), (kind, text)


def test_the_page_and_python_agree_on_every_answer(tmp_path):
    page = page_of_every_kind(tmp_path)
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.as_uri())
        for kind, (part, answers) in GRID.items():
            js = tab.evaluate("([spec, answers]) => answers.map(a => document.querySelector('.cnnlab-ex').cnnlabVerdict(spec, a))",
                              [part.spec(), answers])
            for answer, got in zip(answers, js):
                assert tuple(got) == part.verdict(answer), (kind, answer)
        assert errors == []


def test_the_form_checks_typed_and_ticked_answers(tmp_path):
    ex = E.Exercise("3.4", a=FOUR, b=E.names(["edge", "identity"], ["identity", "edge", "sobel x"]))
    page = tmp_path / "form.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + ex._repr_html_() + "</body></html>")
    with chromium() as context:
        tab = context.new_page()
        tab.goto(page.as_uri())
        form = tab.locator(".cnnlab-ex")
        field = form.locator("input[type=text]")
        verdict = form.locator(".cnnlab-ex-verdict").first
        field.fill("5")
        field.press("Enter")
        assert verdict.inner_text() == "Not yet. Use the patch x[1:4, 0:3]."
        field.fill("4.0")
        form.locator("button", has_text="Check (a)").click()
        assert verdict.inner_text() == "Correct."
        form.get_by_label("edge").check()
        form.locator("button", has_text="Check (b)").press("Enter")
        assert form.locator(".cnnlab-ex-verdict").nth(1).inner_text() == "Not yet. 1 right, 0 wrong, 1 missing."
        form.get_by_label("identity").press("Space")
        form.locator("button", has_text="Check (b)").click()
        assert form.locator(".cnnlab-ex-verdict").nth(1).inner_text() == "Correct."


def test_the_keys_are_the_same_everywhere_and_an_edit_clears_the_verdict(tmp_path):
    """Enter checks in a one-line box, on a tick box and on a radio button; in a box of several
    rows Enter starts a row, Ctrl+Enter checks, and the form says so. A verdict never stays
    beside an answer it was not given for."""
    ex = E.Exercise("3.5", a=FOUR, b=E.matrix([[0, 2], [2, 0]]), c=E.choice("b", ["a", "b"]),
                    d=E.names(["edge"], ["edge", "identity"]))
    page = tmp_path / "keys.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + ex._repr_html_() + "</body></html>")
    with chromium() as context:
        tab = context.new_page()
        tab.goto(page.as_uri())
        form = tab.locator(".cnnlab-ex")
        verdicts = form.locator(".cnnlab-ex-verdict")
        field = form.locator("input[type=text]")
        field.fill("4")
        field.press("Enter")
        assert verdicts.nth(0).inner_text() == "Correct."
        field.press("9")
        assert verdicts.nth(0).inner_text() == ""
        box = form.locator("textarea")
        assert "Ctrl+Enter checks" in form.inner_text()
        box.fill("0 2")
        box.press("Enter")
        box.type("2 0")
        assert box.input_value() == "0 2\n2 0" and verdicts.nth(1).inner_text() == ""
        box.press("Control+Enter")
        assert verdicts.nth(1).inner_text() == "Correct."
        radio = form.get_by_label("a", exact=True)
        radio.press("Enter")
        assert verdicts.nth(2).inner_text() == "Choose one of the options first."
        form.get_by_label("b", exact=True).check()
        assert verdicts.nth(2).inner_text() == ""
        form.get_by_label("b", exact=True).press("Enter")
        assert verdicts.nth(2).inner_text() == "Correct."
        tick = form.get_by_label("identity")
        tick.press("Enter")
        assert verdicts.nth(3).inner_text() == "Choose the names first: tick every one that belongs."
        tick.check()
        tick.press("Enter")
        assert verdicts.nth(3).inner_text() == "Not yet. 0 right, 1 wrong, 1 missing."


def test_several_numbers_for_one_are_counted_and_an_also_length_is_no_slip():
    assert E.number(6).verdict("256x6x6") == (False, '"256x6x6" is 3 numbers; the answer is one number.')
    assert E.number(6).verdict("6x7") == (False, '"6x7" is two numbers; the answer is one number (for a square, its side).')
    bias = E.numbers((32,), also=[(32, 1, 1)], hint="One bias per filter.")
    assert bias.verdict("(2, 1, 1)") == (False, "Not yet. One bias per filter.")
    assert bias.verdict("(2, 1)") == (False, "Not yet. You gave 2 numbers. One bias per filter.")


def test_lists_read_as_the_solutions_write_them():
    assert E.numbers((2, 5, 8), unordered=True).verdict("2, 5 and 8") == (True, "Correct.")
    assert E.numbers((2, 5, 8), unordered=True, wrong=[((), "None of them?")]).verdict("()") == (False, "Not yet. None of them?")
    part = E.names(["reflect", "replicate", "circular"], ["constant", "reflect", "replicate", "circular"])
    assert part.verdict("Reflect, replicate and circular") == (True, "Correct.")
    assert E.parse_numbers("462,422,016 and 115,605,504", 2) == [462422016, 115605504]


def test_a_square_given_in_code_reads_as_its_side_as_typed():
    assert E.number(6).verdict((6, 6)) == E.number(6).verdict("6x6") == (True, "Correct.")
    assert E.number(6).verdict((6, 7)) == (False, "The answer is one number; you gave an array of shape (2,).")


def test_messages_quote_the_answer_as_typed():
    part = E.number(786_432, units={"B": 1, "MB": 1e6})
    assert part.verdict("MB") == (False, '"MB" is not a number. Write digits, e.g. 12, -0.5 or 1/9.')
    options = E.choice("It has biases.", ["It has biases.", "It has none."])
    assert options.verdict("c") == (False, '"c" is not one of the options: It has biases., It has none.')


def test_a_unit_scales_an_exact_count_without_rounding_error():
    part = E.number(1_001_000, units={"MB": 1e6})
    assert 1.001 * 1e6 != 1_001_000  # 1000999.9999999999
    assert part.verdict("1.001 MB") == (True, "Correct.")
    assert part.verdict("1.00099 MB")[0] is False
