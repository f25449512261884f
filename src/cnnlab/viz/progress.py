"""A progress bar for training in JupyterLab whose stored output is always the same.

``bar = viz.progress_bar(total, "epoch")`` displays an ipywidgets bar; ``bar.update(text)``
moves it one step and writes ``text`` beside it. Only the widget changes while it runs: the
cell's stored output is fixed when the bar is first displayed (a plain description and, for
pages without a kernel, a short HTML note), so it holds no times or ids and strict nbval
compares it like any other output. The ipywidgets display of the static site shows the note.
"""

from __future__ import annotations

import html


class ProgressBar:
    """``total`` steps, labelled ``unit`` (``"epoch"``): a bar, ``3/15`` and the last ``text``."""

    def __init__(self, total: int, unit: str = "step"):
        import ipywidgets as widgets

        if total < 1:
            raise ValueError(f"progress_bar needs a total of at least 1 step; got {total!r}.")
        self.total, self.unit, self.done = total, unit, 0
        self.bar = widgets.IntProgress(value=0, min=0, max=total, description=f"{unit} 0/{total}",
                                       style={"description_width": "initial"})
        self.text = widgets.Label(value="")
        self.widget = widgets.HBox([self.bar, self.text])

    def update(self, text: str = "") -> None:
        """One more step done; ``text`` (e.g. the loss) is shown beside the bar."""
        self.done = min(self.done + 1, self.total)
        self.bar.value = self.done
        self.bar.description = f"{self.unit} {self.done}/{self.total}"
        self.text.value = text

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        summary = f"Progress bar: {self.total} {self.unit}s"
        bundle["text/plain"] = summary
        bundle["text/html"] = (
            f'<p class="cnnlab-progress-static">{html.escape(summary)}. Run the notebook in JupyterLab '
            "to watch it fill as training runs; the numbers it shows are printed below.</p>"
        )
        return bundle


def progress_bar(total: int, unit: str = "step") -> ProgressBar:
    """A :class:`ProgressBar` of ``total`` steps; display it, then call ``update`` once per step."""
    return ProgressBar(total, unit)
