"""jdcorpus: a comparative corpus and search toolkit for Chinese local regulations on street
offices (街道办事处) and community governance.

    >>> import jdcorpus
    >>> corpus = jdcorpus.load_corpus()
    >>> corpus.get("长春").article(8).items[0].text[:4]
    '落实卫生'

The public API is small and imported lazily, so ``import jdcorpus`` stays cheap.
"""

from importlib import import_module

_EXPORTS = {
    "load_corpus": "corpus",
    "Corpus": "corpus",
    "parse_text": "parse",
    "parse_file": "parse",
    "normalize": "normalize",
    "diff": "compare",
    "similar": "compare",
    "Document": "model",
    "Article": "model",
    "Paragraph": "model",
    "Item": "model",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name == "__version__":  # looked up lazily: importlib.metadata costs ~20 ms at start-up
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("jdcorpus")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            value = "0+unknown"
        globals()[name] = value
        return value
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jdcorpus' has no attribute {name!r}")


def __dir__():
    return __all__
