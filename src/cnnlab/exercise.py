"""Exercises that check themselves: on the book's web page with no kernel, and in JupyterLab.

An exercise has one or more *parts*, each an expected answer of one kind:

- :func:`number`: one number, with a tolerance where floats are involved;
- :func:`numbers`: a shape or another tuple of numbers, such as ``(24, 24)``;
- :func:`matrix`: a small matrix;
- :func:`names`: a set of names chosen from a list, in any order;
- :func:`choice`: one option of a multiple choice;
- :func:`kernel`: a kernel the reader designs, judged by its best scores on test images.

The expected answers are computed by ``cnnlab`` when the notebook runs, never typed by hand.
Displaying an :class:`Exercise` shows a form that checks answers in the browser (the script
in ``viz/assets/exercise.js`` mirrors :meth:`Part.verdict`; the tests hold the two equal on a
grid of answers). In code, ``ex.check(answer)`` prints one line: ``Correct.`` or a hint.

Every part accepts equivalent forms, as a teacher would: ``4``, ``4.0``, ``np.int64(4)`` and
``"4"``; a list, tuple or array; a set of names in any order and any case. Known wrong answers
get their own hint (``wrong={value: hint}``), any other wrong answer the part's ``hint``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from . import functional as F
from .viz.embed import Fragment

NONE_MESSAGE = "Write your answer in place of None, then run the cell again."
EMPTY_MESSAGE = "Type your answer first."

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def show(v: float) -> str:
    """A number as messages print it, identically in Python and in the page's script:
    rounded to 3 decimals, without a trailing ``.0`` (``6``, ``0.111``, ``-0.5``)."""
    r = math.floor(float(v) * 1000 + 0.5) / 1000  # JavaScript's Math.round: halves go up
    return str(int(r)) if r == int(r) else repr(r)


def parse_number(text: str) -> float | None:
    """``"4"``, ``"-0.5"``, ``"1/9"``, ``"529,984"``, ``"1e-3"`` as a float; None if not a number."""
    t = text.strip().replace("−", "-")
    if _THOUSANDS.match(t):
        t = t.replace(",", "")
    if re.fullmatch(_NUMBER, t):
        return float(t)
    frac = re.fullmatch(rf"({_NUMBER})\s*/\s*({_NUMBER})", t)
    if frac and float(frac.group(2)) != 0:
        return float(frac.group(1)) / float(frac.group(2))
    return None


def _split_numbers(text: str) -> list[str]:
    t = re.sub(r"[()\[\]{}]", " ", text.replace("−", "-"))
    return [s for s in re.split(r"[\s,x×]+", t) if s]


def parse_numbers(text: str) -> list[float] | None:
    """``"(24, 24)"``, ``"24x24"``, ``"24 × 24"``, ``"[2, 3]"`` as a list of floats; None if
    any piece is not a number."""
    values = [parse_number(s) for s in _split_numbers(text)]
    return None if not values or any(v is None for v in values) else values


def parse_matrix(text: str) -> list[list[float]] | None:
    """Rows on separate lines, or separated by ``;`` or a spaced `` / ``, or written as
    ``[[1, 2], [3, 4]]``; numbers within a row separated by spaces or commas (``1/9`` without
    spaces is a fraction). None unless every row parses."""
    t = text.strip()
    if t.startswith("[["):
        rows = re.split(r"\]\s*,?\s*\[", re.sub(r"[\]\s]+$", "", t[2:]))
    else:
        rows = [r for r in re.split(r"\n|;|\s+/\s+", t) if r.strip()]
    parsed = [parse_numbers(r) for r in rows]
    return None if not parsed or any(r is None for r in parsed) else parsed


def parse_names(text: str) -> list[str]:
    """``"edge, identity"`` or ``{'edge', 'identity'}`` as lower-case names."""
    t = re.sub(r"[{}\[\]()'\"]", " ", text)
    return [s.strip().lower() for s in re.split(r"[,\n]", t) if s.strip()]


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


@dataclass
class Part:
    """One checkable answer. Build it with :func:`number`, :func:`numbers`, :func:`matrix`,
    :func:`names`, :func:`choice` or :func:`kernel`.

    ``expected``: the answer in plain Python form (a float, a list of floats, a list of rows,
    a sorted list of names, an option, or for kernels None). ``tol``: relative tolerance
    (absolute below 1). ``hint``: for any wrong answer; ``wrong``: ``[(answer, hint)]`` for
    known wrong answers. ``options``: the names or choices offered. ``images`` and
    ``conditions``: a kernel's test images and the conditions on its best scores.
    """

    kind: str
    expected: Any
    tol: float = 1e-6
    hint: str = ""
    wrong: list = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    placeholder: str = ""
    images: dict[str, list[list[float]]] = field(default_factory=dict)
    conditions: list = field(default_factory=list)

    def spec(self) -> dict:
        """What the page's script needs, as JSON-ready data."""
        return {k: v for k, v in self.__dict__.items() if v not in ("", [], {}) or k == "expected"}

    # -- reading an answer ------------------------------------------------------------------

    def read(self, answer: Any) -> tuple[Any, str | None]:
        """The answer in this part's plain form, or ``(None, message)`` when it cannot be one."""
        if isinstance(answer, str):
            if not answer.strip():
                return None, EMPTY_MESSAGE
            return self._read_text(answer)
        return self._read_value(answer)

    def _read_text(self, text: str):
        if self.kind == "number":
            v = parse_number(text)
            return (v, None) if v is not None else (None, f'"{text.strip()}" is not a number. Write digits, e.g. 12, -0.5 or 1/9.')
        if self.kind == "numbers":
            v = parse_numbers(text)
            return (v, None) if v is not None else (None, f'"{text.strip()}" is not a list of numbers. Write e.g. (2, 3) or 2x3.')
        if self.kind in ("matrix", "kernel"):
            v = parse_matrix(text)
            if v is None:
                return None, "Write the matrix one row per line, numbers separated by spaces or commas."
            if len({len(r) for r in v}) != 1:
                return None, f"Your rows have different lengths ({', '.join(str(len(r)) for r in v)}): every row needs as many numbers."
            return v, None
        if self.kind == "names":
            return parse_names(text), None
        return text.strip(), None  # choice

    def _read_value(self, answer):
        if isinstance(answer, (bool, np.bool_)):
            return None, f"{answer} is a truth value; the answer is {self._what()}."
        if self.kind == "names":
            if isinstance(answer, (set, frozenset, list, tuple, np.ndarray)):
                return [str(a).strip().lower() for a in answer], None
            return None, f"Give a set of names, e.g. {{'{self.options[0]}'}}; you gave a {type(answer).__name__}."
        if self.kind == "choice":
            return str(answer).strip(), None
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return None, f"The answer is {self._what()}; you gave {answer!r}, which is not numbers."
        want = {"number": 0, "numbers": 1, "matrix": 2, "kernel": 2}[self.kind]
        if self.kind == "number" and arr.size == 1:
            return float(arr.reshape(())), None
        if arr.ndim != want:
            return None, f"The answer is {self._what()}; you gave an array of shape {arr.shape}."
        return arr.tolist(), None

    def _what(self) -> str:
        if self.kind == "numbers":
            return f"{len(self.expected)} numbers, e.g. a tuple"
        return {
            "number": "one number",
            "matrix": "a matrix (rows of numbers)",
            "kernel": "a kernel (rows of numbers)",
            "names": "a set of names",
            "choice": "one of the options",
        }[self.kind]

    # -- judging it -------------------------------------------------------------------------

    def verdict(self, answer: Any) -> tuple[bool, str]:
        """``(True, "Correct.")`` or ``(False, hint)`` for an answer in any accepted form."""
        if answer is None:
            return False, NONE_MESSAGE
        value, problem = self.read(answer)
        if problem:
            return False, problem
        return getattr(self, f"_judge_{self.kind}")(value)

    def _known(self, same) -> str | None:
        for value, hint in self.wrong:
            if same(value):
                return hint
        return None

    def _not_yet(self, known: str | None = None, detail: str = "") -> tuple[bool, str]:
        hint = known or self.hint
        return False, "Not yet." + (f" {detail}" if detail else "") + (f" {hint}" if hint else "")

    def _judge_number(self, v: float):
        if _close(v, self.expected, self.tol):
            return True, "Correct."
        return self._not_yet(self._known(lambda w: _close(v, w, self.tol)))

    def _same_list(self, got: list[float], want: list[float]) -> bool:
        return len(got) == len(want) and all(_close(a, b, self.tol) for a, b in zip(got, want))

    def _judge_numbers(self, v: list[float]):
        if len(v) != len(self.expected):
            return False, f"The answer has {len(self.expected)} numbers; you gave {len(v)}."
        if self._same_list(v, self.expected):
            return True, "Correct."
        return self._not_yet(self._known(lambda w: self._same_list(v, w)))

    def _same_matrix(self, got, want) -> bool:
        return len(got) == len(want) and all(self._same_list(a, b) for a, b in zip(got, want))

    def _judge_matrix(self, v):
        rows, cols = len(self.expected), len(self.expected[0])
        if (len(v), len(v[0])) != (rows, cols):
            return False, f"Your matrix is {len(v)}×{len(v[0])}; the answer is {rows}×{cols}."
        if self._same_matrix(v, self.expected):
            return True, "Correct."
        wrong_cells = sum(not _close(a, b, self.tol) for ra, rb in zip(v, self.expected) for a, b in zip(ra, rb))
        return self._not_yet(self._known(lambda w: self._same_matrix(v, w)), f"{wrong_cells} of {rows * cols} entries wrong.")

    def _judge_names(self, v: list[str]):
        known = [o.lower() for o in self.options]
        for name in v:
            if name not in known:
                return False, f'"{name}" is not one of the names: {", ".join(self.options)}.'
        got, want = set(v), {e.lower() for e in self.expected}
        if got == want:
            return True, "Correct."
        detail = f"{len(got & want)} right, {len(got - want)} wrong, {len(want - got)} missing."
        return self._not_yet(self._known(lambda w: {x.lower() for x in w} == got), detail)

    def _judge_choice(self, v: str):
        lowered = [o.lower() for o in self.options]
        letters = "abcdefghij"
        if v.lower() in lowered:
            picked = self.options[lowered.index(v.lower())]
        elif len(v) == 1 and v.lower() in letters[: len(self.options)]:
            picked = self.options[letters.index(v.lower())]
        else:
            return False, f'"{v}" is not one of the options: {", ".join(self.options)}.'
        if picked == self.expected:
            return True, "Correct."
        return self._not_yet(self._known(lambda w: w == picked))

    def scores(self, kernel: list[list[float]]) -> dict[str, float]:
        """The best (largest) value of the valid cross-correlation of ``kernel`` with each
        test image."""
        return {name: float(F.conv2d(np.array(img, dtype=float), np.array(kernel, dtype=float)).max())
                for name, img in self.images.items()}

    def _judge_kernel(self, v):
        rows, cols = self.expected
        if (len(v), len(v[0])) != (rows, cols):
            return False, f"Your kernel is {len(v)}×{len(v[0])}; it should be {rows}×{cols}."
        s = self.scores(v)
        board = "best scores: " + ", ".join(f"{k} {show(x)}" for k, x in s.items())
        for left, op, right, hint in self.conditions:
            a, b = s[left], s[right] if isinstance(right, str) else float(right)
            holds = {">": a > b + 1e-9, "<": a < b - 1e-9, "==": abs(a - b) <= 1e-9,
                     ">=": a >= b - 1e-9, "<=": a <= b + 1e-9}[op]
            if not holds:
                return False, f"Not yet ({board}). {hint}"
        return True, f"Correct ({board})."


# -- building parts ---------------------------------------------------------------------------


def _plain(a) -> Any:
    return np.asarray(a, dtype=float).tolist()


def number(expected, *, tol: float = 1e-6, hint: str = "", wrong: dict | None = None, placeholder: str = "") -> Part:
    """One number; ``tol`` is relative (absolute for answers below 1)."""
    expected = np.asarray(expected, dtype=float)
    if expected.size != 1:
        raise ValueError(f"number(): the expected answer must be one number; got shape {expected.shape}.")
    return Part("number", float(expected.reshape(())), tol, hint, [(float(k), h) for k, h in (wrong or {}).items()],
                placeholder=placeholder or "a number, e.g. 12")


def numbers(expected: Sequence, *, tol: float = 1e-6, hint: str = "", wrong: dict | None = None, placeholder: str = "") -> Part:
    """A tuple of numbers, such as a shape ``(OH, OW)``."""
    return Part("numbers", _plain(expected), tol, hint, [(_plain(k), h) for k, h in (wrong or {}).items()],
                placeholder=placeholder or "e.g. (2, 3)")


def matrix(expected, *, tol: float = 1e-6, hint: str = "", wrong: Sequence = ()) -> Part:
    """A small matrix ``(R, C)``; ``wrong`` pairs known wrong matrices with their hints."""
    m = np.asarray(expected, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"matrix(): the expected answer must be 2D (rows, columns); got shape {m.shape}.")
    return Part("matrix", m.tolist(), tol, hint, [(_plain(k), h) for k, h in wrong],
                placeholder="one row per line, e.g.\n1 0\n0 1")


def names(expected, options: Sequence[str], *, hint: str = "", wrong: Sequence = ()) -> Part:
    """A set of names chosen among ``options`` (any order, any case)."""
    options = list(options)
    for name in [*options, *expected]:
        if "," in name:
            raise ValueError(f"names(): {name!r} contains a comma, which separates names in typed answers.")
    missing = [e for e in expected if e not in options]
    if missing:
        raise ValueError(f"names(): expected names {missing} are not among the options {options}.")
    return Part("names", sorted(expected), hint=hint, wrong=[(sorted(w), h) for w, h in wrong], options=options)


def choice(expected: str, options: Sequence[str], *, hint: str = "", wrong: dict | None = None) -> Part:
    """One option of a multiple choice; ``wrong`` maps options to their hints."""
    options = list(options)
    if expected not in options:
        raise ValueError(f"choice(): the expected answer {expected!r} is not among the options {options}.")
    return Part("choice", expected, hint=hint, wrong=list((wrong or {}).items()), options=options)


def kernel(shape: tuple[int, int], images: dict[str, np.ndarray], conditions: Sequence) -> Part:
    """A kernel of ``shape`` that the reader designs. Each test image ``(H, W)`` is scored by
    the best value of its valid cross-correlation with the kernel; ``conditions`` are
    ``(image, op, image_or_number, hint)`` with ``op`` one of ``> < == >= <=``, checked in order."""
    for left, op, right, _ in conditions:
        names_used = [left] + ([right] if isinstance(right, str) else [])
        if op not in (">", "<", "==", ">=", "<=") or any(n not in images for n in names_used):
            raise ValueError(f"kernel(): condition {(left, op, right)} needs an op of > < == >= <= and images among {list(images)}.")
    return Part("kernel", list(shape), images={k: _plain(v) for k, v in images.items()},
                conditions=[list(c) for c in conditions], placeholder="one row per line, e.g.\n0 0 0\n0 1 0\n0 0 0")


# -- the exercise -----------------------------------------------------------------------------


class Exercise:
    """Exercise ``label`` (e.g. ``"3.2"``) with one unnamed part or named parts ``a=``, ``b=``, ...

    Display it to get the in-page checker; call :meth:`check` with the answers in code.
    """

    def __init__(self, label: str, part: Part | None = None, **parts: Part):
        if (part is None) == (not parts):
            raise ValueError("Exercise(label, part) for one answer, or Exercise(label, a=..., b=...) for several.")
        self.label = label
        self.parts = {"": part} if part is not None else parts

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

    def _fragment(self) -> Fragment:
        data = {"label": self.label, "parts": [dict(p.spec(), name=k) for k, p in self.parts.items()]}
        names_ = ", ".join(f"{k}=..." for k in self.parts if k) or "answer"
        return Fragment(
            kind="ex", assets=["exercise"], data=data,
            label=f"Exercise {self.label}: check your answer",
            fallback=f"Exercise {self.label}: run the notebook and call check({names_}) to check your answer.",
        )

    def _repr_html_(self) -> str:
        return self._fragment().html()

    def __repr__(self) -> str:
        return f"<Exercise {self.label}: answer it on the book's web page, or call .check(...) here>"
