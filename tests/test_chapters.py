"""Every chapter notebook follows the kit: numbered exercises with a checker, a code answer
cell and a folded solution; figures with alt text; the student edition's tags in place."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from book_paths import NOTEBOOKS, ROOT



def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def tags(cell: dict) -> list[str]:
    return cell["metadata"].get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_are_numbered_checked_and_solved(path):
    chapter = int(path.name[:2])
    all_cells = cells(path)
    prose = [int(n) for c in all_cells if c["cell_type"] == "markdown"
             for n in re.findall(rf"\*\*Exercise {chapter}\.(\d+)\.\*\*", source(c))]
    checkers = [int(n) for c in all_cells if c["cell_type"] == "code"
                for n in re.findall(rf'Exercise\(\s*"{chapter}\.(\d+)"', source(c))]
    assert len(prose) >= 5, "at least five exercises"
    assert prose == list(range(1, len(prose) + 1)) == checkers
    solutions = [c for c in all_cells if "solution" in tags(c) and "{admonition} Solution" in source(c)]
    assert len(solutions) == len(prose)
    for c in solutions:
        assert ":class: dropdown" in source(c), "solutions stay folded until asked for"
    for c in all_cells:
        if c["cell_type"] == "code" and ".check(" in source(c):
            assert "exercise" in tags(c)
            assert not any(o["output_type"] == "error" for o in c["outputs"])
        if c["cell_type"] == "code":
            assert not re.search(r"^\s*assert ", source(c), re.M), "checks print hints, they do not assert"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text(path):
    for c in cells(path):
        if c["cell_type"] == "code" and any("image/png" in o.get("data", {}) for o in c["outputs"]):
            alt = c["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20, f"figure without alt text: {source(c)[:80]!r}"


def exercise_labels(path: Path) -> list[str]:
    return re.findall(r"\*\*Exercise (\d+\.\d+)\.\*\*", " ".join(source(c) for c in cells(path) if c["cell_type"] == "markdown"))


def test_the_teachers_course_plan_names_every_chapter_and_exercise():
    """book/teaching.md's course plan lists each chapter once, in order, with exactly its
    exercises, written as ranges such as 3.1–3.9."""
    page = (ROOT / "book" / "teaching.md").read_text()
    rows = [line for line in page.splitlines() if re.match(r"\| \d+ \| \{doc\}", line)]
    linked = [m for row in rows for m in re.findall(r"notebooks/(\d\d_\w+)`", row)]
    assert linked == [p.stem for p in NOTEBOOKS]
    listed = []
    for row in rows:
        for first, chapter, last in re.findall(r"(\d+)\.(\d+)–\1\.(\d+)", row.split("|")[4]):
            listed += [f"{first}.{k}" for k in range(int(chapter), int(last) + 1)]
    assert listed == [label for p in NOTEBOOKS for label in exercise_labels(p)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_checker_is_named_folded_and_lists_its_solutions_forms(path):
    """Every ``Exercise(...)`` is bound to ``ex{chapter}_{n}``, lists the forms its solution
    writes (``accepts=``, which the exercise verifies when it is built) and sits in a cell
    whose source JupyterLab folds away, so that the expected answer is one click away."""
    chapter = int(path.name[:2])
    found = 0
    for c in cells(path):
        if c["cell_type"] != "code" or "Exercise(" not in source(c):
            continue
        assert c["metadata"].get("jupyter", {}).get("source_hidden") is True, source(c)[:80]
        for node in ast.walk(ast.parse(source(c))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "Exercise":
                label = node.value.args[0].value
                assert [t.id for t in node.targets] == [f"ex{label.replace('.', '_')}"], label
                assert label.startswith(f"{chapter}.")
                assert "accepts" in [k.arg for k in node.value.keywords], f"Exercise {label} has no accepts="
                found += 1
    assert found >= 5
