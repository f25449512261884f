"""The book's terms, from one source (``glossary.toml``): English, Korean, the code name.

Each chapter ends with ``glossary.table(n)``, the Korean terms of chapter ``n``; the glossary
appendix lists every term (``book/_ext/glossary.py`` builds it from :func:`terms`). On the
web page each English term links to its glossary entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Term:
    """One glossary entry; see the header of ``glossary.toml`` for the fields."""

    term: str
    korean: tuple[str, ...]
    chapter: int
    definition: str
    code: tuple[str, ...] = ()
    aka: tuple[str, ...] = ()
    also: tuple[int, ...] = ()

    @property
    def english(self) -> str:
        """The term with its other names: ``kernel (filter)``."""
        return self.term + (f" ({', '.join(self.aka)})" if self.aka else "")

    @property
    def chapters(self) -> tuple[int, ...]:
        """Every chapter whose terms table lists this term, the introducing one first."""
        return (self.chapter, *self.also)


def terms() -> list[Term]:
    """Every term of the book, sorted alphabetically by its English name."""
    text = resources.files("cnnlab").joinpath("glossary.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(text)["term"]
    return sorted(
        (Term(**{k: tuple(v) if isinstance(v, list) else v for k, v in e.items()}) for e in entries),
        key=lambda t: t.term.lower(),
    )


def chapter_terms(chapter: int) -> list[Term]:
    """The terms that chapter ``chapter`` lists in its table, in glossary order."""
    found = [t for t in terms() if chapter in t.chapters]
    if not found:
        raise ValueError(f"No glossary term lists chapter {chapter}; add them to cnnlab/glossary.toml.")
    return found


class TermsTable:
    """Displays as a Markdown table; on the web page each term links to the glossary."""

    def __init__(self, chapter: int):
        self.chapter = chapter
        self.rows = chapter_terms(chapter)

    def _repr_markdown_(self) -> str:
        lines = ["| English | 한국어 | in code |", "|---|---|---|"]
        for t in self.rows:
            code = ", ".join(f"`{c}`" for c in t.code)
            lines.append(f"| {{term}}`{t.english} <{t.term}>` | {' / '.join(t.korean)} | {code} |")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "\n".join(f"{t.english}: {' / '.join(t.korean)}" for t in self.rows)


def table(chapter: int) -> TermsTable:
    """The Korean terms table of chapter ``chapter``, from the glossary's single source."""
    return TermsTable(chapter)
