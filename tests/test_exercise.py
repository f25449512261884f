"""The exercise checks: as forgiving of equivalent answers as a good teacher, as strict about
wrong ones; and the page's script gives the same verdict as Python on a grid of answers."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from cnnlab import exercise as E
from browser import chromium


def printed(ex: E.Exercise, *answers, **named) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        ex.check(*answers, **named)
    return out.getvalue()


FOUR = E.number(4, hint="Use the patch x[1:4, 0:3].", wrong={1: "That is y[0, 0]."})


@pytest.mark.parametrize("answer", [4, 4.0, np.int64(4), np.float32(4), np.array(4), "4", " 4.0 ", "+4", "8/2", [4]])
def test_a_number_in_any_equivalent_form_is_correct(answer):
    assert FOUR.verdict(answer) == (True, "Correct.")


@pytest.mark.parametrize("answer, message", [
    (None, E.NONE_MESSAGE),
    ("", E.EMPTY_MESSAGE),
    (1, "Not yet. That is y[0, 0]."),
    (5, "Not yet. Use the patch x[1:4, 0:3]."),
    (4.01, "Not yet. Use the patch x[1:4, 0:3]."),
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
    assert E.number(529_984).verdict("529,984")[0]
    assert not E.number(529_984).verdict(529_985)[0]


@pytest.mark.parametrize("answer", [(24, 24), [24, 24], np.array([24, 24]), "24x24", "(24, 24)", "24 × 24", "[24,24]"])
def test_a_shape_in_any_form(answer):
    assert E.numbers((24, 24)).verdict(answer) == (True, "Correct.")


def test_a_wrong_shape_says_how_many_numbers():
    part = E.numbers((3, 24, 24), wrong={(24, 24, 3): "Channels come first in PyTorch's layout."})
    assert part.verdict((24, 24)) == (False, "The answer has 3 numbers; you gave 2.")
    assert part.verdict("24, 24, 3") == (False, "Not yet. Channels come first in PyTorch's layout.")
    assert part.verdict(np.zeros((2, 2))) == (False, "The answer is 3 numbers, e.g. a tuple; you gave an array of shape (2, 2).")


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


def test_multiple_choice_by_text_or_letter():
    part = E.choice("invariance", ["equivariance", "invariance"], wrong={"equivariance": "What moved with the input?"})
    assert part.verdict("invariance")[0] and part.verdict("B")[0] and part.verdict(" Invariance ")[0]
    assert part.verdict("a") == (False, "Not yet. What moved with the input?")
    assert part.verdict("c") == (False, '"c" is not one of the options: equivariance, invariance.')


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
    assert printed(ex, a=24, b=(24,)) == "(a) correct | (b) The answer has 2 numbers; you gave 1.\n"
    assert printed(E.Exercise("3.1", FOUR), 5) == "Not yet. Use the patch x[1:4, 0:3].\n"
    with pytest.raises(TypeError, match="Exercise 3.2 has parts"):
        ex.check(c=1)


@pytest.mark.parametrize("build, match", [
    (lambda: E.number([1, 2]), "must be one number"),
    (lambda: E.matrix([1, 2]), "must be 2D"),
    (lambda: E.names(["a"], ["b"]), "not among the options"),
    (lambda: E.names(["a,b"], ["a,b"]), "contains a comma"),
    (lambda: E.choice("c", ["a", "b"]), "not among the options"),
    (lambda: E.kernel((3, 3), STROKES, [("lying", "~", "white", "")]), "op of"),
    (lambda: E.Exercise("1"), "Exercise\\(label, part\\)"),
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
    "numbers": (E.numbers((24, 24), wrong={(26, 26): "That is after one layer."}),
                ["24x24", "(24, 24)", "[24,24]", "24 × 24", "26, 26", "24", "24 24 1", "a x b", "24x25"]),
    "matrix": (E.matrix([[0, 2], [2, 0]], hint="Slide two cells."),
               ["0 2\n2 0", "0,2;2,0", "[[0, 2], [2, 0]]", "0 2 / 2 0", "0 2\n2 1", "0 2 2 0", "0 2\n2", "zero", "0 2\n2 0\n"]),
    "names": (E.names(["edge", "identity"], ["identity", "edge", "sobel x"], hint="Turn them."),
              ["identity, edge", "Edge,IDENTITY", "edge", "edge, identity, sobel x", "sobel", "{'edge', 'identity'}", "edge, edge"]),
    "choice": (E.choice("invariance", ["equivariance", "invariance"], wrong={"equivariance": "What moved?"}),
               ["invariance", "b", "A", "equivariance", "c", "Invariance"]),
    "kernel": (DESIGN, ["-1 -1 -1\n2 2 2\n-1 -1 -1", "1 0 0\n0 1 0\n0 0 1", "0 0 0\n1 1 1\n0 0 0", "1 1 1", "0.5 0.5\n1 1",
                        "-1/3 -1/3 -1/3\n2/3 2/3 2/3\n-1/3 -1/3 -1/3"]),
}


def test_the_page_and_python_agree_on_every_answer(tmp_path):
    page = tmp_path / "exercises.html"
    page.write_text("<!doctype html><html><body>" + E.Exercise("0.1", FOUR)._repr_html_() + "</body></html>")
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.as_uri())
        for kind, (part, answers) in GRID.items():
            js = tab.evaluate("([spec, answers]) => answers.map(a => window.cnnlabExercise.verdict(spec, a))",
                              [part.spec(), answers])
            for answer, got in zip(answers, js):
                assert tuple(got) == part.verdict(answer), (kind, answer)
        assert errors == []


def test_the_form_checks_typed_and_ticked_answers(tmp_path):
    ex = E.Exercise("3.4", a=FOUR, b=E.names(["edge", "identity"], ["identity", "edge", "sobel x"]))
    page = tmp_path / "form.html"
    page.write_text("<!doctype html><html><body>" + ex._repr_html_() + "</body></html>")
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
