"""The glossary is the single source of the Korean terms: every chapter's table is the one it
produces, and the source itself is complete and consistent."""

from __future__ import annotations

import json
import re

import pytest

from book_paths import NOTEBOOKS
from cnnlab import glossary



def test_every_term_is_complete_and_listed_once():
    terms = glossary.terms()
    names = [t.term for t in terms]
    assert len(names) == len(set(names)) >= 20
    for t in terms:
        assert t.korean and all(k.strip() for k in t.korean), t.term
        assert 1 <= t.chapter <= 10 and all(1 <= c <= 10 for c in t.also), t.term
        assert len(t.definition) > 30 and t.definition.endswith("."), t.term
    assert names == sorted(names, key=str.lower)


def test_the_syllabus_variants_are_kept():
    korean = {t.term: t.korean for t in glossary.terms()}
    assert korean["kernel"] == ("커널", "필터")
    assert korean["feature map"] == ("특징 맵", "특성 맵")
    assert korean["stride"] == ("스트라이드", "보폭")
    assert korean["fully connected layer"] == ("완전연결 계층", "밀집 층")


def test_a_chapter_without_terms_is_an_error():
    with pytest.raises(ValueError, match="No glossary term lists chapter 11"):
        glossary.table(11)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_chapter_table_is_the_glossary_table(path):
    chapter = int(path.name[:2])
    cells = json.loads(path.read_text())["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "| 한국어 |" not in markdown, "a hand-written Korean terms table: use glossary.table(n)"
    tables = [c for c in cells if c["cell_type"] == "code" and "glossary.table(" in "".join(c["source"])]
    assert len(tables) == 1, "each chapter ends with one glossary.table(n) cell"
    assert f"glossary.table({chapter})" in "".join(tables[0]["source"])
    stored = "".join(tables[0]["outputs"][0]["data"]["text/markdown"])
    assert stored == glossary.table(chapter)._repr_markdown_()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_cite_with_links_that_jupyterlab_can_read(path):
    text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")
    assert "{cite" not in text, "use [Author, year](#bibkey): jupyterlab-myst cannot resolve {cite}"
    bib = (path.parents[1] / "book" / "references.bib").read_text()
    for label, key in re.findall(r"\[([^\]]+)\]\(#([a-z]+\d{4}[a-z]*)\)", text):
        entry = re.search(rf"@\w+\{{{key},(.*?)\n\}}", bib, re.S)
        assert entry, f"{key} is not in references.bib"
        surname = re.search(r"author\s*=\s*\{([^,]+),", entry.group(1)).group(1).strip()
        year = re.search(r"year\s*=\s*\{(\d{4})\}", entry.group(1)).group(1)
        assert surname in label and year in label, (label, key)
