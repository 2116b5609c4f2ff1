"""Where the notebook templates and nbconvert templates are, in a wheel or in a checkout."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def _shipped(inside: str, checkout: str) -> Path:
    packaged = HERE / inside
    return packaged if packaged.is_dir() else HERE.parent / checkout


def notebooks_dir() -> Path:
    """The folder of process templates (``notebooks/``)."""
    return _shipped("_notebooks", "notebooks")


def templates_dir() -> Path:
    """The folder of nbconvert templates (``templates/``)."""
    return _shipped("_templates", "templates")
