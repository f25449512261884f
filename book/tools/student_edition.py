"""Build the student edition: what a teacher hands out, without the solutions.

    python3 dev.py student

writes into ``_build/student/``:

- ``notebooks/``: every chapter without the cells tagged ``solution`` (the worked solutions
  and the cells that print their numbers), with the outputs of the answer cells (tagged
  ``exercise`` and ``remove-cell``) cleared, so students run the checks themselves;
- ``cnnlab-student.zip``: those notebooks with ``cnnlab``'s source, ``requirements.txt``,
  ``pyproject.toml``, ``dev.py`` and a short README, enough to run them on a laptop;
- ``html/``: the book's site built from those notebooks with their stored outputs (the
  checkers' forms included), and ``cnnlab-student-site.zip`` of it.

That each student notebook runs top to bottom without error is tested in JupyterLab
(``tests/test_jupyterlab.py`` runs the student edition, as students get it).

The exercise checkers stay: they compute the expected answers with ``cnnlab`` and show only
whether an answer is right. A student who reads the checker's code or the page's data can
find an answer, so the checks are for practice, not for grading.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "_build" / "student"
BOOK_FILES = ["_config.yml", "_toc.yml", "book"]
KIT_FILES = ["src", "requirements.txt", "pyproject.toml", "dev.py"]

README = """# CNN Lab, student edition

The chapters of CNN Lab as Jupyter notebooks, with the exercises but without their
solutions. You need Python 3.11 or newer.

    python3 dev.py lab

creates `.venv/`, installs everything the notebooks need (the first time takes a few
minutes) and opens JupyterLab on the `notebooks/` folder. Run each notebook from the top.
Under each exercise, write your answer in place of `None` and run the cell: it prints
`Correct.` or a hint.
"""


def is_solution(cell: dict) -> bool:
    return "solution" in cell["metadata"].get("tags", [])


def student_notebook(notebook: dict) -> dict:
    """A copy of ``notebook`` without solution cells and with the answer cells' outputs
    cleared (the checkers keep theirs: the form a reader answers in on the site)."""
    cells = []
    for cell in notebook["cells"]:
        if is_solution(cell):
            continue
        cell = json.loads(json.dumps(cell))
        tags = cell["metadata"].get("tags", [])
        if cell["cell_type"] == "code" and "exercise" in tags and "remove-cell" in tags:
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    return dict(notebook, cells=cells)


def write_notebooks(target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = student_notebook(json.loads(path.read_text(encoding="utf-8")))
        out = target / path.name
        out.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out)
    return written


def walk(files: dict[str, Path]):
    """Each ``(name, path)`` of the files in ``files`` (``name -> path``, folders recursively),
    caches and build leftovers left out."""
    for name, path in files.items():
        paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for p in paths:
            if "__pycache__" in p.parts or p.suffix == ".pyc" or ".egg-info" in str(p):
                continue
            yield (name if p == path else f"{name}/{p.relative_to(path).as_posix()}"), p


def zip_tree(archive: Path, files: dict[str, Path]) -> None:
    """Write ``archive`` holding each ``name -> path`` of ``files``."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name, path in walk(files):
            z.write(path, name)


def kit(target: Path) -> dict[str, Path]:
    """Write the student notebooks and README under ``target``; return every file of the
    edition a student gets (``name -> path``): those, ``cnnlab``'s source and the set-up."""
    notebooks = target / "notebooks"
    write_notebooks(notebooks)
    readme = target / "README.md"
    readme.write_text(README)
    return {"README.md": readme, "notebooks": notebooks, **{name: ROOT / name for name in KIT_FILES}}


def build_site(notebooks: list[Path]) -> Path:
    """Build the book from the student notebooks in a copy of the sources; returns its html."""
    source = OUT / "source"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    for name in BOOK_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, source / name)
    (source / "notebooks").mkdir()
    for nb in notebooks:
        shutil.copy2(nb, source / "notebooks" / nb.name)
    book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(book), "build", str(source), "-W", "-n", "--keep-going"], check=True)
    html = OUT / "html"
    shutil.rmtree(html, ignore_errors=True)
    shutil.copytree(source / "_build" / "html", html)
    return html


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    files = kit(OUT)
    zip_tree(OUT / "cnnlab-student.zip", files)
    html = build_site(sorted((OUT / "notebooks").glob("*.ipynb")))
    zip_tree(OUT / "cnnlab-student-site.zip", {"site": html})
    print(f"\nStudent edition in {OUT}:\n  {OUT / 'cnnlab-student.zip'} (notebooks and cnnlab)\n"
          f"  {html} and {OUT / 'cnnlab-student-site.zip'} (the site)")


if __name__ == "__main__":
    main()
