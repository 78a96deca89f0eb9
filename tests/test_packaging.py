"""What a wheel holds: every subpackage of jdcorpus, so a fresh ``pip install .`` runs."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_in_the_wheel():
    """Every folder of jdcorpus/ holding Python files is listed in pyproject's packages
    (an editable install hides a missing one; the wheel of a fresh install lacks it)."""
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a source checkout")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(d.relative_to(ROOT).parts)
        for d in [ROOT / "jdcorpus", *(ROOT / "jdcorpus").rglob("*")]
        if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py"))
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
