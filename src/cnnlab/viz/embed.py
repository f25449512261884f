"""One way to put an interactive element into a notebook output and the book's pages.

Every widget of the book (the animations, the exercise checkers, the calculators) is one
self-contained HTML fragment: its numbers as JSON, its style, and its script, inline. The
script finds its container through ``document.currentScript``, so fragments need no element
ids, load nothing from the network and come out the same every time they are built. They
work in JupyterLab once their cell has run and in the static site with no kernel.

The scripts live in ``viz/assets``: ``widget.css`` and ``dom.js`` are shared by all widgets,
``player.js`` by every step-by-step animation, ``grid.js`` (and ``grid.css``) by the
animations that draw grids of numbers; each widget adds its own renderer.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from importlib import resources


def asset(name: str) -> str:
    """The text of ``viz/assets/<name>``."""
    return resources.files("cnnlab.viz").joinpath("assets", name).read_text(encoding="utf-8")


@dataclass
class Fragment:
    """A widget's HTML: ``kind`` names its CSS class (``cnnlab-<kind>``); ``assets`` are the
    script names (``player``, ``conv_animation``, ...) run in order after ``dom.js``, each with
    its ``.css`` when one exists; ``data`` is embedded as JSON; ``label`` is the accessible
    name; ``fallback`` is the text shown where scripts do not run."""

    kind: str
    assets: list[str]
    data: dict
    label: str
    fallback: str
    focusable: bool = False

    def html(self) -> str:
        payload = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        payload = payload.replace("</", "<\\/")  # keep the JSON from closing its script tag
        css = asset("widget.css") + "".join(_maybe(f"{name}.css") for name in self.assets)
        js = "".join(asset(f"{name}.js") for name in ["dom", *self.assets])
        tab = ' tabindex="0"' if self.focusable else ""
        return (
            f'<div class="cnnlab-w cnnlab-{self.kind}"{tab} role="group" aria-label="{html.escape(self.label)}">'
            f"<style>{css}</style>"
            f'<script type="application/json" class="cnnlab-data">{payload}</script>'
            f'<div class="cnnlab-body"><p>{html.escape(self.fallback)}</p></div>'
            '<script>(function () {"use strict"; var root = document.currentScript.parentNode;'
            ' if (root.getAttribute("data-ready")) { return; } root.setAttribute("data-ready", "1");'
            ' var data = JSON.parse(root.querySelector("script.cnnlab-data").textContent);'
            f"{js}}})();</script></div>"
        )


def _maybe(name: str) -> str:
    try:
        return asset(name)
    except FileNotFoundError:
        return ""


class Widget:
    """What a widget-building function returns: its ``data`` (the JSON) and a one-line
    ``description``; it displays as a :class:`Fragment` in JupyterLab and on the site, and as
    the description in a plain-text console. Subclasses set ``assets`` (their scripts, after
    ``dom.js``), ``kind``, and for step-by-step animations ``focusable`` and ``keys``."""

    kind = "anim"
    assets: list[str] = []
    focusable = True
    keys = " Arrow keys step, space plays."
    noun, verb = "animation", "play it"

    def __init__(self, data: dict, description: str):
        self.data = data
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}; run in JupyterLab or see the book's web page to {self.verb}>"

    def _repr_html_(self) -> str:
        return Fragment(
            kind=self.kind, assets=list(self.assets), data=self.data, focusable=self.focusable,
            label=f"{self.description}.{self.keys}" if self.keys else self.description,
            fallback=f"{self.description}. The {self.noun} needs JavaScript: run the cell in "
            "JupyterLab (trusted notebook) or open the book's web page.",
        ).html()
