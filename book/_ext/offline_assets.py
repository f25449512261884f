"""Serve MathJax from the built site itself, so the book works with no internet.

MathJax 3.2.2 ships inside the ``django-static-mathjax`` package (plain static files;
the package does not depend on Django). After an HTML build this copies the parts that
pages load into ``_build/html/_static/mathjax``; ``mathjax_path`` in ``_config.yml``
points there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# The components that _config.yml's mathjax3_config loads: the loader, the core, TeX input
# (with the extensions it loads on demand), HTML output with its fonts, and the hidden
# MathML that screen readers read. MathJax's right-click menu (ui/menu.js, 426 KB, the
# larger part of the combined tex-chtml.js) and the speech rule engine are left out.
PARTS = [
    "startup.js", "core.js", "input/tex.js", "input/tex/extensions", "output/chtml.js",
    "output/chtml/fonts/tex.js", "output/chtml/fonts/woff-v2", "a11y/assistive-mml.js",
]


def mathjax_source() -> Path:
    import mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def copy_mathjax(app, exception) -> None:
    """Copy the MathJax files into ``<outdir>/_static/mathjax`` after an HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    shutil.copy2(source.parent / "LICENSE", target / "LICENSE")


def setup(app):
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
