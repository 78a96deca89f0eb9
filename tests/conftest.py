"""Shared fixtures. The cache and user-corpus directories are set in the top-level conftest.py."""

import pytest


@pytest.fixture(scope="session")
def bundled():
    """The bundled corpus, parsed once per session."""
    from jdcorpus import load_corpus

    return load_corpus()
