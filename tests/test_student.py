"""The student edition: no solution survives in the notebooks, the zip or the site; every
student notebook runs top to bottom (tests/test_jupyterlab.py runs them); the exercise
checks are still there to practise with."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile

import pytest

from book_paths import ROOT

OUT = ROOT / "_build" / "student"


@pytest.fixture(scope="module")
def edition():
    subprocess.run([sys.executable, str(ROOT / "book" / "tools" / "student_edition.py")], cwd=ROOT, check=True)
    return OUT


def phrases(text: str, n: int = 6) -> set[str]:
    """Every run of ``n`` plain words: pieces of prose that survive rendering to HTML."""
    words = re.findall(r"[A-Za-z]+", text)
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def plain(page: str) -> str:
    """The words of an HTML page, without its tags, scripts and styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.findall(r"[A-Za-z]+", html.unescape(re.sub(r"<[^>]+>", " ", page))))


def prose(text: str) -> str:
    """Markdown without its code and math, whose words (``y = F.conv2d(x, k)``) recur everywhere."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)


def solution_phrases() -> set[str]:
    """Phrases of the prose of the chapters' solutions found nowhere else in the chapters
    (neither in other cells' sources nor in any output)."""
    found, elsewhere = set(), set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if "solution" in cell["metadata"].get("tags", []):
                body = source.split("\n", 2)[-1] if source.startswith("```{admonition}") else source
                found |= phrases(prose(body)) if cell["cell_type"] == "markdown" else set()
            else:
                elsewhere |= phrases(source)
            for output in cell.get("outputs", []):
                elsewhere |= phrases(json.dumps(output))
    return found - elsewhere


def test_no_solution_survives_in_the_notebooks_or_the_zip(edition):
    secret = solution_phrases()
    assert len(secret) > 50
    with zipfile.ZipFile(edition / "cnnlab-student.zip") as z:
        names = z.namelist()
        assert "README.md" in names and "src/cnnlab/__init__.py" in names and "requirements.txt" in names
        notebooks = [n for n in names if n.startswith("notebooks/") and n.endswith(".ipynb")]
        assert len(notebooks) == len(list((ROOT / "notebooks").glob("*.ipynb")))
        for name in notebooks:
            notebook = json.loads(z.read(name))
            text = " ".join(
                " ".join(re.findall(r"[A-Za-z]+", "".join(c["source"]) + json.dumps(c.get("outputs", []))))
                for c in notebook["cells"]
            )
            assert not [p for p in secret if p in text], name
            for cell in notebook["cells"]:
                tags = cell["metadata"].get("tags", [])
                assert "solution" not in tags
                if "exercise" in tags and "remove-cell" in tags:  # an answer cell: the student runs it
                    assert cell["outputs"] == []


def test_no_solution_survives_on_the_student_site(edition):
    secret = solution_phrases()
    pages = [p for p in (edition / "html").rglob("*.html") if "_static" not in p.parts]
    chapters = [p for p in pages if p.parent.name == "notebooks"]
    assert chapters
    for page in pages:
        words = plain(page.read_text(encoding="utf-8"))
        assert not [p for p in secret if p in words], page
    for page in chapters:
        text = page.read_text(encoding="utf-8")
        assert "Solution" not in plain(text).split()
        assert text.count('class="cnnlab-w cnnlab-ex"') >= 5  # the checks are there to practise with


def test_the_teachers_site_does_have_the_solutions():
    """The phrases looked for above are really in the chapters' solutions (not a vacuous test)."""
    chapter = json.loads((ROOT / "notebooks" / "03_convolution.ipynb").read_text())
    solutions = " ".join("".join(c["source"]) for c in chapter["cells"] if "solution" in c["metadata"].get("tags", []))
    assert "{admonition} Solution" in solutions and len(phrases(solutions) & solution_phrases()) > 20
