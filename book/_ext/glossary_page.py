"""The glossary appendix, built from ``cnnlab/glossary.toml`` (the single source of terms).

``{cnnlab-glossary}`` in a page expands to Sphinx's ``glossary`` directive with one entry per
term: its definition, the Korean terms, the names in code and the chapter that introduces it.
The prose and the chapters' terms tables link to an entry with ``{term}`convolution```.
"""

from __future__ import annotations

from importlib import resources

from docutils.statemachine import StringList
from sphinx.domains.std import Glossary

from cnnlab.glossary import terms


def _chapter_docs(env) -> dict[int, str]:
    """Chapter number -> document name, for the chapter notebooks that exist."""
    found = {}
    for doc in env.found_docs:
        name = doc.rsplit("/", 1)[-1]
        if doc.startswith("notebooks/") and name[:2].isdigit():
            found[int(name[:2])] = doc
    return found


class CnnlabGlossary(Glossary):
    has_content = False

    def run(self):
        chapters = _chapter_docs(self.env)
        lines = []
        for t in terms():
            lines.append(t.term)
            where = (f"{{doc}}`chapter {t.chapter} </{chapters[t.chapter]}>`" if t.chapter in chapters
                     else f"chapter {t.chapter}")
            text = [t.definition, "", f"Korean: {' / '.join(t.korean)}."]
            if t.aka:
                text.append(f"Also called: {', '.join(t.aka)}.")
            if t.code:
                text.append(f"In code: {', '.join(f'`{c}`' for c in t.code)}.")
            text.append(f"Introduced in {where}.")
            lines += [f"   {line}" for line in text] + [""]
        self.content = StringList(lines, source="cnnlab/glossary.toml")
        # Read this page again whenever the terms change (an incremental build would otherwise
        # keep the old glossary, and a new {term} link would not resolve).
        self.env.note_dependency(str(resources.files("cnnlab").joinpath("glossary.toml")))
        self.options.setdefault("sorted", False)
        return super().run()


def setup(app):
    app.add_directive("cnnlab-glossary", CnnlabGlossary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
