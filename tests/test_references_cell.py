"""Each chapter's references cell (``book/tools/references_cell.py``): up to date with the
chapter's citations and ``references.bib``, one MyST target per cited key (what makes a
citation's link lead somewhere in JupyterLab), and left out of the site."""

from __future__ import annotations

import json
import sys

import pytest

from book_paths import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "book" / "tools"))
import references_cell  # noqa: E402


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_its_references(path):
    notebook = json.loads(path.read_text())
    assert references_cell.with_references(notebook) == notebook, (
        f"{path.name}: its references cell is missing or out of date; run "
        f"`python3 book/tools/references_cell.py {path.relative_to(ROOT)}` (dev.py refresh does)")
    cited = references_cell.citations(notebook)
    last = notebook["cells"][-1]
    if cited:
        text = references_cell.source(last)
        assert last["metadata"]["tags"] == ["remove-cell"]
        assert [line[1:-2] for line in text.splitlines() if line.endswith(")=")] == list(cited)


def test_the_cell_follows_the_citations():
    def markdown(text, **extra):
        return {"cell_type": "markdown", "metadata": {}, "source": text, **extra}

    notebook = {"cells": [markdown("As [LeCun et al., 1998](#lecun1998gradient) and [Saito, 2016](#saito2016deep)"
                                   " show; [a section](#padding) is not a citation.")]}
    first = references_cell.with_references(notebook)
    text = references_cell.source(first["cells"][-1])
    assert text.index("(lecun1998gradient)=") < text.index("(saito2016deep)=") and "(padding)=" not in text
    assert "**LeCun et al., 1998.** Yann LeCun, Léon Bottou" in text
    assert references_cell.with_references(first) == first  # idempotent
    first["cells"][0] = markdown("Only [Saito, 2016](#saito2016deep) now.")
    second = references_cell.with_references(first)
    assert len(second["cells"]) == 2 and "lecun" not in references_cell.source(second["cells"][-1])
    assert references_cell.with_references({"cells": [markdown("No citation.")]})["cells"] == [markdown("No citation.")]
