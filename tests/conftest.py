"""Shared test set-up: every test session gets its own index cache, never the user's."""

import os
import tempfile

import pytest

_CACHE = tempfile.mkdtemp(prefix="jdcorpus-test-cache-")
os.environ.setdefault("JDCORPUS_CACHE_DIR", _CACHE)


@pytest.fixture(scope="session")
def bundled():
    """The bundled corpus, parsed once per session."""
    from jdcorpus import load_corpus

    return load_corpus()
