"""The wheel holds every part of the package: CI installs it (not editable) and tests that."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    """Each folder of jdcorpus/ with an __init__.py is in [tool.setuptools] packages, so that
    `pip install .` installs it (a missing one imports from a checkout and fails installed)."""
    conf = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    listed = set(conf["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "jdcorpus").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= listed, sorted(found - listed)
