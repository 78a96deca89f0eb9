"""scripts/eval_parser.py reads its notes: each explained law, with the counts the parser owes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "eval_parser.py"


@pytest.fixture(scope="module")
def ev():
    spec = importlib.util.spec_from_file_location("eval_parser", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_note_names_a_law_and_the_counts_it_must_give(ev):
    """Each ``###`` entry of the notes is read with its articles, chapters and sections."""
    notes = ev.read_notes()
    assert len(notes) >= 10
    for rel, counts in notes.items():
        assert rel.endswith(".md")
        assert set(counts) == {"articles", "chapters", "sections"}
        assert counts["articles"] > 0
    gold_file = ev.shared_collections() / f"{ev.NAME}.gold.json"
    if gold_file.exists():  # every note is about a law of the collection
        gold = json.loads(gold_file.read_text("utf-8"))
        assert set(notes) <= set(gold)


def test_a_law_is_explained_only_while_the_parser_gives_the_noted_counts(ev):
    """The same counts explain; another count, a gap in the numbering or an error does not."""
    notes = {"a.md": {"articles": 42, "chapters": 4, "sections": 0}}
    w = {"documents": 1, "articles": 42, "chapters": 4, "sections": 0, "numbers": "1-42"}
    assert ev.is_explained("a.md", w, notes)
    assert not ev.is_explained("b.md", w, notes)
    assert not ev.is_explained("a.md", {**w, "chapters": 5}, notes)
    assert not ev.is_explained("a.md", {**w, "numbers": "1-20,22-43"}, notes)
    assert not ev.is_explained("a.md", {"error": "no articles"}, notes)


def test_markup_gold_states_what_the_shared_gold_states(ev, tmp_path):
    """``--gold markup`` counts a LawRefBook folder's own labels and headings the way the shared
    gold file does: on the fixture copies of collection files it gives their gold counts, and it
    leaves out a file whose numbering has an inserted 之一."""
    folder = Path(__file__).parent / "fixtures" / "lawrefbook"
    want = json.loads((folder / "expected.json").read_text("utf-8"))["files"]
    got = ev.markup_gold(folder)
    assert {k: v for k, v in want.items() if v is not None} == got
    (tmp_path / "a.md").write_text(
        "# 某条例\n\n<!-- INFO END -->\n## 第一章 总则\n\n第一条 甲。\n\n第一条之一 乙。\n\n第二条 丙。\n",
        "utf-8",
    )
    (tmp_path / "b.md").write_text(
        "# 某条例\n\n<!-- INFO END -->\n## 第一章 总则\n\n### 第一节 通则\n\n第一条 甲。\n\n"
        "本条例第三条规定的\n\n第二条 乙。\n",
        "utf-8",
    )
    assert ev.markup_gold(tmp_path) == {"b.md": {"articles": 2, "chapters": 1, "sections": 1}}
