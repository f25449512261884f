"""The network tracer: build a network layer by layer in the page and read each layer's
output shape, receptive field, parameters and multiply-adds after every edit, and the memory
of one training step on a batch (:func:`cnnlab.tables.training_memory`).

The page must compute here (the reader invents the network), so ``assets/tracer.js`` holds
the formulas of :func:`cnnlab.summary` in JavaScript and exposes them as
``window.cnnlabTracer.trace(spec)`` and ``window.cnnlabTracer.memory(...)``; the tests hold
them equal on the presets and on random stacks. A long network scrolls in its own box, and
on a narrow screen each layer becomes a card, so nothing scrolls sideways. Networks are the specs of :mod:`cnnlab.models`. The display is one
:class:`cnnlab.viz.embed.Fragment`, so it works on the static site and in JupyterLab alike.
"""

from __future__ import annotations

from ..models import PRESETS, Spec
from .embed import Fragment


class NetworkTracer:
    """Displays as the tracer; build it with :func:`network_tracer`."""

    def __init__(self, presets: dict[str, Spec], start: str):
        self.presets = presets
        self.start = start

    @property
    def data(self) -> dict:
        names = list(self.presets)
        return {"presets": [{"name": n, "spec": self.presets[n]} for n in names], "start": names.index(self.start)}

    def __repr__(self) -> str:
        return (f"<Network tracer starting from {self.start}; run the cell in JupyterLab or see the "
                "book's web page to edit it>")

    def _repr_html_(self) -> str:
        return Fragment(
            kind="tracer", assets=["tracer"], data=self.data,
            label="Network tracer: edit, add or remove layers and read each layer's output shape, "
                  "receptive field, parameters and multiply-adds, and the training memory of a batch",
            fallback=f"Network tracer ({self.start}). It needs JavaScript: run the cell in JupyterLab "
                     "(trusted notebook) or open the book's web page. In code, cnnlab.summary("
                     "cnnlab.models.build(spec), input_shape) prints the same table.",
        ).html()


def network_tracer(start: str = "LeNet-5", presets: dict[str, Spec] | None = None) -> NetworkTracer:
    """The tracer, opened on preset ``start``; ``presets`` maps names to specs
    (:data:`cnnlab.models.PRESETS` by default: Ng's example, LeNet-5, both AlexNets, VGG-16)."""
    presets = dict(PRESETS if presets is None else presets)
    if start not in presets:
        raise ValueError(f"network_tracer: no preset named {start!r}; the presets are {list(presets)}.")
    return NetworkTracer(presets, start)
