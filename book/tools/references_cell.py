"""The references cell at the end of each chapter, so that its citations lead somewhere in
JupyterLab too.

The chapters cite with Markdown links such as ``[LeCun et al., 1998](#lecun1998gradient)``
(``book/_ext/citations.py`` explains why). On the site, each link leads to its entry on the
bibliography page. In JupyterLab there is no bibliography page, so each chapter ends with a
cell that holds a MyST target ``(lecun1998gradient)=`` before each entry it cites:
jupyterlab-myst resolves the link to it, and a click scrolls there. The cell is tagged
``remove-cell``, so the site, which has the bibliography page, leaves it out (MyST-NB skips
such cells before it parses them, so their targets do not clash from chapter to chapter).

    python3 book/tools/references_cell.py notebooks/*.ipynb   # what `dev.py refresh` runs first

The entries are formatted by pybtex (which sphinxcontrib-bibtex uses for the site) from
``book/references.bib``, in the order the chapter first cites them.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path

from pybtex.database import parse_file
from pybtex.plugin import find_plugin

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "book" / "references.bib"
CELL_ID = "references"
TAGS = ["remove-cell"]
LINK = re.compile(r"\[([^\]]+)\]\(#([^)\s]+)\)")
INTRO = ("The works this chapter cites; a citation's link leads here. (The book's web page "
         "links each one to its entry in the bibliography instead.)")


@functools.cache
def entries() -> dict[str, str]:
    """Every entry of ``references.bib`` as one line of Markdown, by BibTeX key."""
    bib = parse_file(str(BIB))
    style = find_plugin("pybtex.style.formatting", "plain")()
    markdown = find_plugin("pybtex.backends", "markdown")()
    formatted = style.format_entries(bib.entries.values())
    return {e.key: " ".join(e.text.render(markdown).split("\n")) for e in formatted}


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def citations(notebook: dict) -> dict[str, str]:
    """The BibTeX keys a notebook's Markdown cites, in order of first citation, each with the
    text of its first link ("LeCun et al., 1998")."""
    found: dict[str, str] = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and cell.get("id") != CELL_ID:
            for text, key in LINK.findall(source(cell)):
                if key in entries():
                    found.setdefault(key, text)
    return found


def references_cell(notebook: dict) -> dict | None:
    """The cell the notebook should end with, or None if it cites nothing."""
    cited = citations(notebook)
    if not cited:
        return None
    lines = ["## References", "", INTRO]
    for key, text in cited.items():
        lines += ["", f"({key})=", f"**{text}.** {entries()[key]}"]
    return {"cell_type": "markdown", "id": CELL_ID, "metadata": {"tags": TAGS},
            "source": [line + "\n" for line in lines[:-1]] + lines[-1:]}  # as nbformat writes it


def with_references(notebook: dict) -> dict:
    """``notebook`` with its references cell, up to date, as its last cell."""
    cells = [c for c in notebook["cells"] if c.get("id") != CELL_ID]
    cell = references_cell({**notebook, "cells": cells})
    return {**notebook, "cells": cells + ([cell] if cell else [])}


def update(path: Path) -> bool:
    """Write ``path`` with its references cell up to date; whether it changed."""
    notebook = json.loads(path.read_text())
    new = with_references(notebook)
    if new == notebook:
        return False
    path.write_text(json.dumps(new, indent=1, ensure_ascii=False) + "\n")
    return True


if __name__ == "__main__":
    for name in sys.argv[1:]:
        if update(Path(name)):
            print(f"{name}: references cell updated")
