"""Exercises that check themselves: on the book's web page with no kernel, and in JupyterLab.

An exercise has one or more *parts*, each an expected answer of one kind:

- :func:`number`: one number, exact for a count, with a tolerance for a float;
- :func:`numbers`: a shape or another tuple of numbers, such as ``(24, 24)``, in order or not;
- :func:`matrix`: a small matrix;
- :func:`names`: a set of names chosen from a list, in any order;
- :func:`choice`: one option of a multiple choice;
- :func:`kernel`: a kernel the reader designs, judged by its best scores on test images.

The expected answers are computed by ``cnnlab`` when the notebook runs, never typed by hand.
Displaying an :class:`Exercise` shows a form that checks answers in the browser (the script
in ``viz/assets/exercise*.js`` mirrors the parts' verdicts; the tests hold the two equal). In
code, ``ex.check(answer)`` prints one line: ``Correct.`` or a hint.

Every part accepts equivalent forms, as a teacher would: ``4``, ``4.0``, ``np.int64(4)``,
``"4"`` and ``"４"``; ``"529,984"`` and ``"529 984"``; a square's ``"6×6"`` for its side; a
list, tuple or array; names in any order and case; an option by its text or its letter
(``"b"``, ``"(b)"``). Known wrong answers get their own hint (``wrong=[(answer, hint)]``),
any other wrong answer the part's ``hint``. ``Exercise(..., accepts=[...])`` lists the forms
in which the chapter's solution writes the answer: the exercise refuses to build unless each
of them is judged right, so no check can refuse its own solution.

Modules: :mod:`.reading` (typed text to numbers) and :mod:`.parts` (one class per kind).
"""

from __future__ import annotations

from typing import Sequence

from ..viz.embed import Fragment
from .parts import (CHANNELS_FIRST, EMPTY_MESSAGE, KINDS, NONE_MESSAGE, Part, choice, kernel, matrix, names,
                    number, numbers)
from .reading import normalize, parse_matrix, parse_names, parse_number, parse_numbers, show

__all__ = ["Exercise", "Part", "number", "numbers", "matrix", "names", "choice", "kernel", "show",
           "normalize", "parse_number", "parse_numbers", "parse_matrix", "parse_names",
           "NONE_MESSAGE", "EMPTY_MESSAGE", "CHANNELS_FIRST"]


class Exercise:
    """Exercise ``label`` (e.g. ``"3.2"``) with one unnamed part or named parts ``a=``, ``b=``, ...

    ``accepts``: the answers as the solution and the prose write them (a list of texts for
    one part; ``{"a": [...], ...}`` for named parts). Display the exercise to get the in-page
    checker; call :meth:`check` with the answers in code.
    """

    def __init__(self, label: str, part: Part | None = None, *, accepts: Sequence[str] | dict | None = None,
                 **parts: Part):
        if (part is None) == (not parts):
            raise ValueError("Exercise(label, part) for one answer, or Exercise(label, a=..., b=...) for several.")
        self.label = label
        self.parts = {"": part} if part is not None else parts
        forms = {"": list(accepts or [])} if part is not None else {k: list(v) for k, v in (accepts or {}).items()}
        if isinstance(accepts, str) or (part is not None and isinstance(accepts, dict)):
            raise TypeError(f"Exercise {label}: accepts is a list of texts for one part, e.g. accepts=['6×6', '6'].")
        unknown = set(forms) - set(self.parts)
        if unknown:
            raise TypeError(f"Exercise {label} has parts {list(self.parts)}; accepts names {sorted(unknown)}.")
        for key, texts in forms.items():
            for text in texts:
                ok, message = self.parts[key].verdict(text)
                if not ok:
                    where = f"part ({key}) of " if key else ""
                    raise ValueError(f"{where}Exercise {label} refuses {text!r}, a form its solution writes: "
                                     f"{message!r}. Accept it (tol, also=, unordered=) or change the solution.")
        self.accepts = forms

    def verdicts(self, *answers, **named) -> dict[str, tuple[bool, str]]:
        """Each part's verdict; answers positionally in part order, or by part name."""
        keys = list(self.parts)
        if len(answers) > len(keys):
            raise TypeError(f"Exercise {self.label} has {len(keys)} part(s); check() got {len(answers)} answers.")
        given = dict(zip(keys, answers)) | named
        unknown = set(given) - set(keys)
        if unknown:
            raise TypeError(f"Exercise {self.label} has parts {keys}; there is no part {sorted(unknown)}.")
        return {k: self.parts[k].verdict(given.get(k)) for k in keys}

    def check(self, *answers, **named) -> None:
        """Print one line: ``Correct.`` when every part is right, otherwise what to look at."""
        results = self.verdicts(*answers, **named)
        if all(ok for ok, _ in results.values()):
            print("Correct.")
        elif list(results) == [""]:
            print(results[""][1])
        elif all(msg == NONE_MESSAGE for _, msg in results.values()):
            print("Write your answers in place of None, then run the cell again.")
        else:
            print(" | ".join(f"({k}) {'correct' if ok else msg}" for k, (ok, msg) in results.items()))

    def scripts(self) -> list[str]:
        """The page's scripts for this exercise: the reading, the judge of each kind of part
        it has (a kernel is read and compared as a matrix), the form. A chapter page carries
        many exercises, each with its own copy, so each carries only the kinds it needs."""
        used = {p.kind for p in self.parts.values()} | ({"matrix"} if any(p.kind == "kernel" for p in self.parts.values()) else set())
        return ["exercise_read", *(f"exercise_{k}" for k in KINDS if k in used), "exercise"]

    def _fragment(self) -> Fragment:
        parts = [dict(p.spec(), name=k, accepts=self.accepts.get(k, [])) for k, p in self.parts.items()]
        data = {"label": self.label, "parts": parts}
        names_ = ", ".join(f"{k}=..." for k in self.parts if k) or "answer"
        return Fragment(
            kind="ex", assets=self.scripts(), data=data,
            label=f"Exercise {self.label}: check your answer",
            fallback=f"Exercise {self.label}: run the notebook and call check({names_}) to check your answer.",
        )

    def _repr_html_(self) -> str:
        return self._fragment().html()

    def __repr__(self) -> str:
        return f"<Exercise {self.label}: answer it on the book's web page, or call .check(...) here>"
