"""Writing index segments fast: Whoosh's own file format, filled without Whoosh's generic writer.

Whoosh's ``SegmentWriter`` runs every token through an analyzer, a ``Format``, a posting pool
sorted on disk and a per-posting length lookup: ~4 ms of pure Python per article, 360 s for the
82,000 articles of a 1,900-regulation collection. :func:`write_segment` writes the same segment
(the same terms, postings, weights, positions, stored fields and field lengths; tested against
``SegmentWriter`` on the bundled corpus) from an in-memory inverted index built with plain dicts,
and :func:`write_segments` writes several at once, one process per core, each its own segment
of the index (no merge).

Two storage choices make the files smaller and quicker to read:

- :class:`CompactPositions`: a posting's positions are a packed array of 16-bit (or 32-bit)
  integers, where Whoosh's ``Positions`` pickles a list of deltas (~13 bytes for one position);
- :class:`Codec`: Whoosh's ``W3Codec`` with posting blocks pickled with protocol 5. Whoosh
  pickles blocks with protocol 2, which has no bytes type: every posting's value becomes a call
  to ``codecs.encode`` (~15 bytes more, and a Python call per posting to read it back). Whoosh's
  reader unpickles any protocol, so reading is Whoosh's own.
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import accumulate

from whoosh import formats
from whoosh.codec import whoosh3 as w3
from whoosh.util.numeric import byte_to_length, length_to_byte

__all__ = ["Codec", "CompactPositions", "write_segment", "write_segments"]

_PROTOCOL = 5

#: A segment is assembled into one compound file only up to this size. Whoosh reads the parts
#: of a compound file by copying them into memory (a ``BytesIO`` of a slice of its map): for the
#: ~70 MB segments of a 1,900-regulation collection that is ~100 ms and ~300 MB on every cold
#: search; separate files are read where needed.
COMPOUND_BYTES = 8 << 20
_I = struct.Struct("!I")


class CompactPositions(formats.Positions):
    """Positions as a packed array: 16-bit when every position fits, else a marker byte and
    32-bit integers. The frequency is the number of positions."""

    def encode(self, poslist) -> bytes:
        if poslist and poslist[-1] > 0xFFFF:  # positions ascend
            return b"\xff" + array("I", poslist).tobytes()
        return array("H", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        if len(valuestring) % 2:
            a = array("I")
            a.frombytes(valuestring[1:])
        else:
            a = array("H")
            a.frombytes(valuestring)
        return a.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4 if len(valuestring) % 2 else len(valuestring) // 2

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring)) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1) for pos in self.decode_positions(valuestring)]


class _TermInfo(w3.W3TermInfo):
    def set_inline(self, ids, weights, values):  # the name W3PostingsWriter calls
        self.set_inlined(ids, weights, values)

    def to_bytes(self):
        """``W3TermInfo.to_bytes`` with inlined postings pickled with protocol 5."""
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        st = self._struct.pack(
            self.is_inlined(),
            self._weight,
            self._df,
            minlength,
            length_to_byte(self._maxlength),
            self._maxweight,
            0xFFFFFFFF if self._minid is None else self._minid,
            0xFFFFFFFF if self._maxid is None else self._maxid,
        )
        if self.is_inlined():
            return st + pickle.dumps(self._inlined, _PROTOCOL)
        return st + w3.pack_long(self._offset) + w3.pack_int(self._length)


class _PostingsWriter(w3.W3PostingsWriter):
    def _write_block(self, last=False):
        """``W3PostingsWriter._write_block`` with the block pickled with protocol 5."""
        if not self._blockcount:
            self._postfile.write(w3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps((self._packed_ids(), self._packed_weights(), self._mini_values()), 5)
        comp = self._compression if len(data) >= w3.COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        ids = self._ids
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _packed_ids(self):
        """The ids' deltas, as compact as Whoosh's reader allows (it iterates them): bytes when
        every delta is below 256 (dense terms), else Whoosh's tuple."""
        ids = self._ids
        deltas = [ids[0], *map(int.__sub__, ids[1:], ids[:-1])]
        if len(deltas) > 4 and max(deltas) < 256:
            return bytes(deltas)
        return tuple(deltas)

    def _packed_weights(self):
        """None (all 1.0), one float (all equal), bytes when every weight is a whole number
        below 256 (term frequencies: Whoosh's reader indexes them, an int scores as its float),
        else Whoosh's tuple."""
        w = self._weights
        first = w[0]
        if w.count(first) == len(w):
            return None if first == 1.0 else first
        if all(map(float.is_integer, w)) and min(w) >= 0 and max(w) < 256:
            return bytes(map(int, w))
        return tuple(w)

    def add_all(self, ids, weights, values, lengths) -> None:
        """``add_posting`` for a whole posting list at once, block by block: the same blocks
        and statistics (only non-empty values are kept; lengths of 0/None are not counted)."""
        limit = self._blocklimit
        n = len(ids)
        i = 0
        while i < n:
            room = limit - len(self._ids)
            if room <= 0:
                self._write_block()
                continue
            j = min(n, i + room)
            self._ids.extend(ids[i:j])
            ws = weights[i:j]
            self._weights.extend(ws)
            mw = max(ws)
            if mw > self._maxweight:
                self._maxweight = mw
            self._values.extend(filter(None, values[i:j]))
            ls = list(filter(None, lengths[i:j]))
            if ls:
                lo, hi = min(ls), max(ls)
                if self._minlength is None or lo < self._minlength:
                    self._minlength = lo
                if hi > self._maxlength:
                    self._maxlength = hi
            i = j


class _FieldWriter(w3.W3FieldWriter):
    def start_term(self, btext):
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, _TermInfo())


class _LeafMatcher(w3.W3LeafMatcher):
    """Whoosh's posting reader, with a block's ids decoded in C and all ids read block by block
    (counting the hits of a word is a pass over its postings)."""

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = tuple(accumulate(self._data[0]))

    def all_ids(self):
        while self.is_active():
            if self._ids is None:
                self._read_ids()
            yield from self._ids[self._i :]
            self._i = self._blocklength
            self._next_block()


class Codec(w3.W3Codec):
    """Whoosh's W3 codec writing protocol-5 pickles (see the module docstring), postings of up to
    ``inlinelimit`` articles kept in the term table (one read less), blocks compressed."""

    def __init__(self, blocklimit=128, compression=3, inlinelimit=8):
        super().__init__(blocklimit, compression, inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


# -- the inverted index of a segment ----------------------------------------------------------


def _bigram_postings(value: str, run_re, lower) -> dict[str, list[int]]:
    """Term → positions, as :class:`~jdcorpus.index.analyzers.BigramTokenizer` indexes ``value``."""
    out: dict[str, list[int]] = {}
    pos = 0
    for m in run_re.finditer(value):
        low = lower(m.group())
        n = len(low)
        for i in range(n):
            t = low[i : i + 2]
            p = out.get(t)
            if p is None:
                out[t] = [pos + i]
            else:
                p.append(pos + i)
        pos += n + 1
    return out


def _word_postings(text: str, lower, words) -> dict[str, list[int]]:
    """Term → positions, as :class:`~jdcorpus.index.analyzers.JiebaTokenizer` indexes ``text``."""
    out: dict[str, list[int]] = {}
    pos = 0
    prev = None
    for s, e in words(text):
        if prev is not None and s != prev:
            pos += 1
        t = lower(text[s:e])
        p = out.get(t)
        if p is None:
            out[t] = [pos]
        else:
            p.append(pos)
        pos += 1
        prev = e
    return out


def _inliner(fw, codec):
    """What ``start_term``, ``add_all`` and ``finish_term`` do for a term with fewer postings
    than the codec inlines (most terms: a bigram seen in a few articles), in one call: the
    term's statistics and postings packed into its entry of the term table, as
    :class:`_TermInfo` packs them (the same bytes; tested against Whoosh's writer)."""
    pack = w3.W3TermInfo._struct.pack
    key = w3.pack_ushort(fw._fieldid)
    add = fw._tindex.add

    def inline(tbytes, ids, weights, values, lens) -> None:
        ws = array("f", weights)
        if lens is None:
            lo = hi = 0
        else:
            present = [b for b in map(lens.__getitem__, ids) if b]
            lo = length_to_byte(byte_to_length(min(present))) if present else 0
            hi = length_to_byte(byte_to_length(max(present))) if present else 0
        info = pack(1, sum(ws), len(ids), lo, hi, max(weights), ids[0], ids[-1])
        vals = tuple(v for v in values if v)
        add(key + tbytes, info + pickle.dumps((ids, tuple(ws), vals), _PROTOCOL))

    return inline


def write_segment(ix, rows: Sequence[dict], codec: Codec | None = None, tick=None):
    """Write ``rows`` (field values of one article each, as ``SegmentWriter.add_document`` takes
    them) as a new segment of the index ``ix``; returns the segment (not yet in the index's
    table of contents). ``tick(n)`` is called as articles are done."""
    from .analyzers import _RUN, BigramTokenizer, JiebaTokenizer, _lower, _words

    codec = codec or Codec()
    schema = ix.schema
    storage = ix.storage
    seg = codec.new_segment(storage, ix.indexname)
    pdw = codec.per_document_writer(storage, seg)

    fields = {name: schema[name] for name in schema.names()}
    fast = {}
    for name, f in fields.items():
        if f.indexed and isinstance(f.format, CompactPositions):
            if isinstance(f.analyzer, BigramTokenizer):
                fast[name] = "bigram"
            elif isinstance(f.analyzer, JiebaTokenizer):
                fast[name] = "words"
    postings: dict[str, dict] = {name: defaultdict(list) for name, f in fields.items() if f.indexed}
    lengths: dict[str, array] = {
        name: array("B", bytes(len(rows))) for name, f in fields.items() if f.scorable
    }
    encode = {name: f.format.encode for name, f in fields.items() if f.indexed}

    # one position, and small frequencies, are the common case: encoded once
    one = [array("H", [p]).tobytes() for p in range(4096)]
    floats = [float(k) for k in range(256)]

    def encoded(terms: dict, enc) -> tuple[list, int]:
        """(term, weight, value) of each term of a text, and the text's length in tokens."""
        out = []
        length = 0
        for t, poses in terms.items():
            freq = len(poses)
            length += freq
            if freq == 1 and poses[0] < 4096:
                out.append((t, 1.0, one[poses[0]]))
            else:
                out.append((t, floats[freq] if freq < 256 else float(freq), enc(poses)))
        return out, length

    # How each field is indexed: (name, field, kind, remembered). The values of document fields
    # (title, city, dates …) and of chapter titles and headings repeat from article to article:
    # their postings are worked out once per value. The text and its words are new every time.
    plan = []
    for name in sorted(fields):
        f = fields[name]
        kind = fast.get(name) if f.indexed else None
        if not f.indexed:
            kind = "stored"
        elif kind is None:
            kind = "value"
        plan.append((name, f, kind, name not in ("text", "words"), f.stored, f.scorable))
    memo: dict[tuple, tuple[list, int]] = {}  # (field, value) → (term, weight, value), length
    for docnum, row in enumerate(rows):
        pdw.start_doc(docnum)
        for name, f, kind, remember, stored, scorable in plan:
            value = row.get(name)
            if value is None:
                continue
            length = 0
            if kind != "stored":
                found = memo.get((name, value)) if remember else None
                if found is None:
                    if kind == "bigram":
                        found = encoded(_bigram_postings(value, _RUN, _lower), encode[name])
                    elif kind == "words":
                        found = encoded(_word_postings(value, _lower, _words), encode[name])
                    else:
                        items = [(t, w, v) for t, _freq, w, v in f.index(value)]
                        n = sum(freq for _t, freq, _w, _v in f.index(value)) if scorable else 0
                        found = (items, n)
                    if remember:
                        if len(memo) > 200_000:
                            memo.clear()
                        memo[(name, value)] = found
                items, length = found
                plist = postings[name]
                for t, w, v in items:
                    plist[t].append((docnum, w, v))
            pdw.add_field(name, f, value if stored else None, length)
            if length:
                lengths[name][docnum] = length_to_byte(length)
        pdw.finish_doc()
        if tick is not None and docnum % 256 == 255:
            tick(256)
    if tick is not None:
        tick(len(rows) % 256)
    pdw.close()

    fw = codec.field_writer(storage, seg)
    for name in sorted(postings):
        terms = postings[name]
        if not terms:
            continue
        f = fields[name]
        fw.start_field(name, f)
        lens = lengths.get(name)
        keyed = sorted(
            ((t.encode("utf-8") if isinstance(t, str) else t), p) for t, p in terms.items()
        )
        start, finish = fw.start_term, fw.finish_term
        inline = _inliner(fw, codec)
        for tbytes, plist in keyed:
            ids, weights, values = zip(*plist, strict=True)
            if len(ids) < codec._inlinelimit:
                inline(tbytes, ids, weights, values, lens)
                continue
            start(tbytes)
            if lens is None:
                ls = (0,) * len(ids)
            else:
                ls = [byte_to_length(lens[d]) if lens[d] else None for d in ids]
            fw._postwriter.add_all(ids, weights, values, ls)
            finish()
        fw.finish_field()
        terms.clear()
    fw.close()
    seg.set_doc_count(len(rows))
    size = sum(storage.file_length(name) for name in seg.list_files(storage))
    if seg.should_assemble() and size <= COMPOUND_BYTES:
        seg.create_compound_file(storage)
        seg.compound = True
    return seg


# What a forked child reads: inherited from the parent, never pickled.
_JOB: dict = {}


def _forked(span: tuple[int, int]):
    lo, hi = span
    counter = _JOB["counter"]
    tick = None
    if counter is not None:

        def tick(n):
            with counter.get_lock():
                counter.value += n

    return write_segment(_JOB["ix"], _JOB["rows"][lo:hi], _JOB["codec"], tick)


#: Most articles in one segment. A segment is assembled in memory (~20 kB an article at its
#: peak): capped, a build's memory stays bounded however large the corpus (a 1,900-regulation
#: collection, 82,000 articles: two segments of ~41,000, one per core; its synthetic 10x: 14
#: segments of ~59,000 instead of two of 410,000 that grew past 7 GB each).
MAX_ROWS = 60_000


def _cuts(n: int, parts: int) -> list[tuple[int, int]]:
    edges = [n * k // parts for k in range(parts + 1)]
    return list(zip(edges, edges[1:], strict=False))


def write_segments(
    ix,
    rows: Sequence[dict],
    *,
    procs: int | None = None,
    min_rows: int = 4000,
    max_rows: int | None = None,
    codec: Codec | None = None,
    progress: Callable[[int], None] | None = None,
) -> list:
    """Write ``rows`` as one segment per process (``procs``: the usable cores by default), or
    more where a segment would hold over ``max_rows`` rows (:data:`MAX_ROWS`): segments of equal
    size, as many as a multiple of the processes. One process below ``min_rows`` rows or where
    processes cannot be forked. Returns the segments, in row order. ``progress(n)`` is called as
    articles are done."""
    import multiprocessing as mp

    codec = codec or Codec()
    cap = max(max_rows or MAX_ROWS, 1)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    procs = min(procs or cores or 1, max(len(rows) // max(min_rows, 1), 1))
    if procs < 2 or "fork" not in mp.get_all_start_methods():
        spans = _cuts(len(rows), -(-len(rows) // cap) or 1)
        return [write_segment(ix, rows[lo:hi], codec, progress) for lo, hi in spans]
    per = -(-len(rows) // (procs * cap))  # segments per process
    spans = _cuts(len(rows), procs * per)
    ctx = mp.get_context("fork")
    counter = ctx.Value("q", 0) if progress else None
    _JOB.update(ix=ix, rows=rows, codec=codec, counter=counter)
    try:
        # one fresh process a segment: what a segment's assembly leaves behind is not kept
        with ctx.Pool(procs, maxtasksperchild=1) as pool:
            result = pool.map_async(_forked, spans, chunksize=1)
            done = 0
            while not result.ready():
                result.wait(0.2)
                if counter is not None and counter.value > done:
                    progress(counter.value - done)
                    done = counter.value
            segments = result.get()
        if counter is not None and counter.value > done:
            progress(counter.value - done)
    finally:
        _JOB.clear()
    return segments
