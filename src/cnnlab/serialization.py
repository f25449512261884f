"""Save a model's parameters to a file and load them back, with numpy alone.

The file is an ``.npz`` archive (``np.savez``): one array per parameter under its PyTorch
name (``"0.weight"``, ``"0.bias"``, ...). It holds numbers only, no pickled Python objects,
so loading a file never runs code from it (``np.load(..., allow_pickle=False)``).

``save(model, "lenet.npz")`` after training; later, in a fresh session, build the same
architecture and ``model.load_state_dict(load("lenet.npz"))``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from .functional._common import _numeric
from .layers import Module


def save(model_or_state: Module | Mapping[str, np.ndarray], path: str | os.PathLike) -> None:
    """Write ``model.state_dict()`` (or a state dict itself) to ``path``, exactly that name."""
    state = model_or_state.state_dict() if isinstance(model_or_state, Module) else model_or_state
    arrays = {key: _numeric(value, f"state[{key!r}]") for key, value in state.items()}
    with open(path, "wb") as file:  # an open file: np.savez would append ".npz" to a bare name
        np.savez(file, **arrays)


def load(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The state dict saved in ``path`` by :func:`save`: names to arrays, in the saved order."""
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}
