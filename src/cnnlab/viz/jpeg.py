"""Photographs as JPEG, and shaded grids of numbers as palette PNG, to keep a chapter page
within its 2.5 MB budget.

PNG stores every pixel exactly, which suits grids of numbers and line drawings; on a
photograph, and on the feature maps of one, it is several times larger than a JPEG that
the eye cannot tell apart (the temple figure of chapter 3: 80 KB at quality 60 against 576 KB).
"""

from __future__ import annotations

import base64
import io

import numpy as np


def figure_jpeg(fig, quality: int = 75):
    """A matplotlib ``Figure`` as an ``IPython.display.Image`` in JPEG, and the figure closed
    (so that the notebook does not also show it as a PNG). ``quality`` runs from 1 to 95."""
    import matplotlib.pyplot as plt
    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="jpeg", bbox_inches="tight", pil_kwargs={"quality": int(quality)})
    plt.close(fig)
    return Image(data=buf.getvalue(), format="jpeg")


def figure_png(fig, colours: int = 64):
    """A matplotlib ``Figure`` as an ``IPython.display.Image`` in PNG with a palette of at most
    ``colours`` colours (2 to 256), and the figure closed. For grids of numbers on shaded
    cells: the text stays sharp, as JPEG would not keep it, and the file is about half the
    size of a full-colour PNG."""
    import matplotlib.pyplot as plt
    from IPython.display import Image
    from PIL import Image as PILImage

    if not 2 <= colours <= 256:
        raise ValueError(f"colours must be between 2 and 256 (a PNG palette), got {colours!r}.")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    out = io.BytesIO()
    PILImage.open(buf).convert("RGB").quantize(colours).save(out, format="PNG", optimize=True)
    return Image(data=out.getvalue(), format="png")


def grey_jpeg_uri(a, low: float, high: float, quality: int = 50) -> str:
    """A grey image ``(H, W)`` as a ``data:image/jpeg;base64,...`` URI, one JPEG pixel per
    array cell: values at or below ``low`` black, at or above ``high`` white."""
    from PIL import Image

    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"grey_jpeg_uri draws one grey image (H, W); got shape {a.shape}.")
    if not high > low:
        raise ValueError(f"high must be above low to spread the greys; got low={low}, high={high}.")
    grey = np.clip(np.round((a - low) / (high - low) * 255), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(grey).save(buf, format="JPEG", quality=int(quality))
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
