"""Where the book's files are, for every test: the repository, the built site and the
chapter notebooks (``NN_name.ipynb``, in chapter order)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
