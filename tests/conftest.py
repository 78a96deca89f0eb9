"""Shared fixtures. The cache and user-corpus directories are set in the top-level conftest.py."""

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def bundled():
    """The bundled corpus, parsed once per session."""
    from jdcorpus import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def script():
    """``script(name)``: the module ``scripts/<name>.py``, imported once per session."""
    import importlib.util

    loaded = {}

    def load(name: str):
        if name not in loaded:
            path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
            spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            loaded[name] = mod
        return loaded[name]

    return load


@pytest.fixture
def laws_folder(tmp_path) -> Path:
    """A folder of six regulation texts (the first parser fixtures), in the test's own tmp."""
    d = tmp_path / "laws"
    d.mkdir()
    fixtures = Path(__file__).resolve().parent / "fixtures" / "parse"
    for p in sorted(fixtures.glob("*.txt"))[:6]:
        shutil.copy(p, d / p.name)
    return d
