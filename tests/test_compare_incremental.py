"""The similarity space after documents are added, removed or changed: the masked texts of the
unchanged documents are taken from the previous space's store, and everything comes out exactly
as a fit from scratch; progress bars on a terminal only."""

from __future__ import annotations

import dataclasses
import os
import pty
import subprocess
import sys

import numpy as np
import pytest

from jdcorpus.compare import links, persist, vectors
from jdcorpus.corpus import Corpus


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache directory of the test's own, and top-k candidates (not all pairs) at this size."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(vectors, "DENSE_LIMIT", 100)
    return tmp_path


def everything(sp) -> dict:
    """What a space is and decides: texts, vectors, shingles, candidates, links."""
    X, P = sp.X, sp.P
    S = sp.shingles
    return {
        "texts": [tuple(map(str, t[:3])) + (tuple(t.paragraphs),) for t in sp._texts],
        "masked": list(sp.masked),
        "X": (X.shape, X.indptr.tobytes(), X.indices.tobytes(), X.data.tobytes()),
        "P": (P.shape, P.indptr.tobytes(), P.indices.tobytes(), P.data.tobytes()),
        "owner": sp.para_owner.tobytes(),
        "order": sp.met_order.tobytes(),
        "S": (S.shape, S.indptr.tobytes(), S.indices.tobytes()),
        "topk": tuple(np.asarray(a).tobytes() for a in sp.topk),
        "links": tuple(np.asarray(a).tobytes() for a in links.link_arrays(sp)[:3])
        + (links.link_arrays(sp)[3].tolist(),),
    }


def fitted_after(before: Corpus, after: Corpus):
    """``after``'s space fitted in a cache that holds ``before``'s, and one fitted from scratch."""
    first = vectors.Space(before)
    first.X  # noqa: B018  (fitted and stored, texts included)
    assert first.store.texts() is not None
    again = vectors.Space(after)
    fresh = vectors.Space(after, stored=False)
    assert again.key != first.key
    return again, fresh


def _doc(d, **changes):
    return dataclasses.replace(d, **changes)


def _article(a, text: str):
    return dataclasses.replace(a, text=text, paragraphs=())


@pytest.mark.parametrize("change", ["add one", "remove one", "change one"])
def test_update_equals_a_fit_from_scratch(bundled, cache, change):
    """One document added, removed or changed: the other documents' texts are taken, not masked
    again, and vectors, shingles, candidates, links and labels equal a fit from scratch."""
    docs = list(bundled.documents)
    if change == "add one":
        before, after = Corpus(docs[:-1]), Corpus(docs)
        masked = len(docs[-1].articles)
    elif change == "remove one":
        before, after = Corpus(docs), Corpus(docs[1:])
        masked = 0
    else:
        d = docs[3]
        arts = list(d.articles)
        arts[2] = _article(arts[2], arts[2].text + "，并报本级人民政府备案")
        before, after = Corpus(docs), Corpus([*docs[:3], _doc(d, articles=tuple(arts)), *docs[4:]])
        masked = len(d.articles)
    again, fresh = fitted_after(before, after)
    got = everything(again)
    assert again.reused == len(again.articles) - masked
    assert again.fitted and fresh.reused == 0
    want = everything(fresh)
    for k in want:
        assert got[k] == want[k], k


def test_a_city_that_comes_or_goes_masks_the_documents_naming_it_again(bundled, cache, monkeypatch):
    """Removing the only document of a city takes that name out of the masking rules: a document
    that names the city is masked again (its 长春市 is no longer a placeholder), the rest are
    taken; the result still equals a fit from scratch. Adding it back does the reverse."""
    docs = list(bundled.documents)
    city = next(d for d in docs if d.city and sum(e.city == d.city for e in docs) == 1)
    k = next(i for i, d in enumerate(docs) if d.city != city.city)
    d = docs[k]
    arts = list(d.articles)
    arts[0] = _article(arts[0], f"{city.city}市的经验可以参考。{arts[0].text}")
    docs[k] = _doc(d, articles=tuple(arts))
    with_city = Corpus(docs)
    without = Corpus([e for e in docs if e is not city])
    for run, (before, after, masked) in enumerate(
        [
            (with_city, without, len(d.articles)),
            (without, with_city, len(d.articles) + len(city.articles)),
        ]
    ):
        monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(cache / str(run)))
        again, fresh = fitted_after(before, after)
        got = everything(again)
        assert again.reused == len(again.articles) - masked
        assert got == everything(fresh)
    text = vectors.Space(without, stored=False).masked_body
    assert any(f"{city.city}市的经验" in t for t in text)


def test_the_store_holding_most_documents_is_taken(bundled, cache):
    """Of the earlier spaces, the one that holds most of the documents is read, not merely the
    last one stored (a small corpus compared in between does not lose the large one's texts)."""
    docs = list(bundled.documents)
    vectors.Space(Corpus(docs[:-1])).X  # noqa: B018  (most documents)
    vectors.Space(Corpus(docs[:2])).X  # noqa: B018  (stored last, two documents)
    again = vectors.Space(Corpus(docs))
    got = everything(again)
    assert again.reused == len(again.articles) - len(docs[-1].articles)
    assert got == everything(vectors.Space(Corpus(docs), stored=False))


def test_damaged_stored_texts_are_masked_again(bundled, cache):
    """Stored texts that do not hold together are not used: everything is masked again."""
    docs = list(bundled.documents)
    first = vectors.Space(Corpus(docs[:-1]))
    first.X  # noqa: B018
    blob = next(first.store.folder.glob("texts.5.a.npy"))
    raw = bytearray(blob.read_bytes())
    raw[-3:] = b"\xff\xfe\xff"  # not UTF-8
    blob.write_bytes(bytes(raw))
    again = vectors.Space(Corpus(docs))
    assert again.reused == 0
    assert everything(again) == everything(vectors.Space(Corpus(docs), stored=False))


def test_a_loaded_space_takes_its_own_texts(bundled, cache):
    """A space loaded from the store (a later command) reads the masked texts stored with it
    instead of masking again (families, liability and reuse need them)."""
    first = vectors.Space(bundled)
    want = list(first.masked_body)
    later = vectors.Space(bundled)
    assert later.masked_body == want
    assert later.reused == len(later.articles)


PROGRESS = """
import sys
from jdcorpus.compare import persist
persist.AT_LEAST = 0
from jdcorpus.cli import main
main(["similar", "长春:1", "--limit", "2"], standalone_mode=False)
main(["families", "--format", "json"], standalone_mode=False)
"""


def _run(tmp_path, terminal: bool) -> tuple[str, str]:
    env = dict(os.environ, JDCORPUS_CACHE_DIR=str(tmp_path / ("tty" if terminal else "pipe")))
    env.pop("NO_COLOR", None)
    if not terminal:
        p = subprocess.run(
            [sys.executable, "-c", PROGRESS], env=env, capture_output=True, text=True, timeout=300
        )
        assert p.returncode == 0, p.stderr
        return p.stdout, p.stderr
    # standard error (and in) on a pseudo-terminal, standard output a pipe
    leader, follower = pty.openpty()
    p = subprocess.Popen(
        [sys.executable, "-c", PROGRESS],
        env=env,
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    out = p.stdout.read().decode()
    assert p.wait(timeout=300) == 0
    os.close(leader)
    return out, b"".join(chunks).decode(errors="replace")


def test_progress_bars_on_a_terminal_only(tmp_path):
    """Every stage of a fit — masking, the n-gram blocks and paragraphs, the candidates, the
    links, the families — draws a bar on standard error when it is a terminal (threshold lowered to the
    bundled corpus here), and nothing at all when it is not; the output is the same."""
    out_tty, err_tty = _run(tmp_path, terminal=True)
    out_pipe, err_pipe = _run(tmp_path, terminal=False)
    assert out_tty == out_pipe and "第一条" in out_pipe and '"family": 1' in out_pipe
    assert err_pipe == ""
    for label in ("Masking", "Fitting the similarity space", "Deciding links", "Grouping families"):
        assert label in err_tty, err_tty
    for step in ("3-grams", "paragraphs", "corroboration", "triangles", "labels", "key terms"):
        assert step in err_tty


def test_stages_helper_is_silent_off_a_terminal(monkeypatch, capsys):
    """``stages`` yields a do-nothing callback when standard error is not a terminal."""
    monkeypatch.setattr(persist, "AT_LEAST", 0)
    with persist.stages(["a", "b"], "Working", 10) as done:
        done("a")
        done("b")
    assert capsys.readouterr().err == ""


def test_distinct_vectors_made_in_chunks_are_the_same(bundled):
    """The distinctive cosines of the link rule come out bit for bit the same whether the
    vectors are made all at once or a few articles at a time (bounded memory at scale)."""
    sp = vectors.Space(bundled, stored=False)
    rng = np.random.default_rng(0)
    ii, jj = rng.integers(0, len(sp.articles), (2, 2000))
    want = links._distinct_cosines(sp, ii, jj, chunk=10**9)
    for chunk in (1, 7, 100):
        assert links._distinct_cosines(sp, ii, jj, chunk=chunk).tobytes() == want.tobytes()


def test_the_cache_keeps_the_most_recent_spaces_only(bundled, cache, monkeypatch):
    """Each new content is a new space; past ``KEEP`` the least recently used are removed —
    a space loaded again counts as used — and a removed one is fitted again when asked for."""
    import time

    monkeypatch.setattr(persist, "KEEP", 2)
    docs = list(bundled.documents)
    spaces = [Corpus(docs[: k + 2]) for k in range(3)]

    def folders():
        return sorted(p.name for p in (cache / persist.FOLDER).iterdir() if p.is_dir())

    first = vectors.Space(spaces[0])
    first.X  # noqa: B018
    time.sleep(0.05)
    vectors.Space(spaces[1]).X  # noqa: B018
    assert len(folders()) == 2
    time.sleep(0.05)
    assert vectors.Space(spaces[0]).store.load_space() is not None  # used again: now the newest
    time.sleep(0.05)
    third = vectors.Space(spaces[2])
    third.X  # noqa: B018
    kept = folders()
    assert len(kept) == 2
    assert third.store.folder.name in kept and first.store.folder.name in kept
    again = vectors.Space(spaces[1])
    assert again.store.load_space() is None  # removed
    assert everything(again) == everything(vectors.Space(spaces[1], stored=False))
