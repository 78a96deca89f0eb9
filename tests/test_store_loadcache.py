"""A folder or corpus loaded a second time comes whole from one cache, equal to a fresh parse."""

from __future__ import annotations

from pathlib import Path

from jdcorpus import load_corpus, store


def _docs(folder: Path):
    c = load_corpus(folder, bundled=False)
    return [(d, d.articles) for d in c.documents], list(c.messages)


def test_second_load_of_a_folder_reads_the_whole_cache_and_equals_the_first(
    laws_folder, tmp_path, monkeypatch
):
    """The second load parses nothing and gives the same documents and messages; changing
    one file makes the next load see the change."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    folder = laws_folder
    first = _docs(folder)
    assert first[0]
    assert list((tmp_path / "cache" / "parsed").glob("all-*.pickle"))

    def no_parsing(*a, **k):
        raise AssertionError("parsed again")

    monkeypatch.setattr(store, "parse_many", no_parsing)
    assert _docs(folder) == first
    monkeypatch.undo()
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))

    victim = sorted(folder.glob("*.txt"))[0]
    victim.write_text(
        "某市测试条例\n第一条 为了测试，制定本条例。\n第二条 本条例自公布之日起施行。\n",
        encoding="utf-8",
    )
    changed = _docs(folder)
    assert changed != first
    assert any(d.title == "某市测试条例" for d, _ in changed[0])
