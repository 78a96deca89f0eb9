"""Shared test set-up: every test session gets its own caches and user corpus, never the user's."""

import os
import tempfile

import pytest

_CACHE = tempfile.mkdtemp(prefix="jdcorpus-test-cache-")
os.environ.setdefault("JDCORPUS_CACHE_DIR", _CACHE)
# the user corpus of a test session is an empty directory of its own, never the user's
os.environ["JDCORPUS_HOME"] = tempfile.mkdtemp(prefix="jdcorpus-test-home-")


@pytest.fixture(scope="session")
def bundled():
    """The bundled corpus, parsed once per session."""
    from jdcorpus import load_corpus

    return load_corpus()
