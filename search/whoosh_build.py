"""Full builds of a fresh Whoosh generation, fast: postings grouped per term in memory instead of Whoosh's
external merge sort, written to the segment a block at a time, and one segment per writer process.

Whoosh's SegmentWriter puts every posting (about 180 per document here) into a pool that pickles sorted runs to
disk and merges them back, then writes the segment one posting at a time: at 100k documents that was two thirds
of a rebuild. A fresh build needs neither: each term's postings arrive in document order, so grouping them per
term and sorting only the terms gives the same segment (tests/unit/search/test_whoosh_build.py compares every
term, posting, length and stored field with Whoosh's own writer) for a fraction of the work and memory.
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import traceback
from array import array
from collections.abc import Callable, Iterable

from whoosh.system import emptybytes
from whoosh.writing import SegmentWriter

BATCH = 250  # documents per message to a writer process


class GroupedPool:
    """Stands in for Whoosh's PostingPool (add, cleanup): postings kept per (field, term) as compact arrays, read
    by BuildWriter._flush_segment."""

    def __init__(self):
        self.terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, vbytes = item
        entry = self.terms.get((fieldname, btext))
        if entry is None:
            entry = self.terms[(fieldname, btext)] = (array("I"), array("f"), [])
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)

    def cleanup(self) -> None:
        self.terms = {}


def _add_postings(postwriter, ids: array, weights: array, values: list, lengths) -> None:
    """W3PostingsWriter.add_posting for a whole posting list: the same blocks and block statistics (see
    whoosh.codec.whoosh3), a block at a time instead of one call and four type checks per posting."""
    limit = postwriter._blocklimit
    start, total = 0, len(ids)
    while start < total:
        if len(postwriter._ids) >= limit:
            postwriter._write_block()
        end = min(total, start + limit - len(postwriter._ids))
        chunk_ids, chunk_weights = ids[start:end], weights[start:end]
        postwriter._ids.extend(chunk_ids)
        postwriter._weights.extend(chunk_weights)
        postwriter._maxweight = max(postwriter._maxweight, max(chunk_weights))
        postwriter._values.extend(v for v in values[start:end] if v)
        found = [n for n in map(lengths, chunk_ids) if n]
        if found:
            low = min(found)
            if postwriter._minlength is None or low < postwriter._minlength:
                postwriter._minlength = low
            postwriter._maxlength = max(postwriter._maxlength, max(found))
        start = end


class BuildWriter(SegmentWriter):
    """A SegmentWriter for building a segment from scratch: documents are added the usual way (same fields,
    boosts, stored values, columns); only pooling and writing the postings differ."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = GroupedPool()

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        fieldwriter, schema = self.fieldwriter, self.schema
        terms = self.pool.terms
        current = None
        lengths: Callable[[int], int] = lambda docnum: 0
        for key in sorted(terms):
            fieldname, btext = key
            if fieldname != current:
                if current is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                current = fieldname
                if pdr is not None:  # each document's length of this field, read once per field
                    lengths = [pdr.doc_field_length(d, fieldname, 0) for d in range(self.docnum)].__getitem__
            ids, weights, values = terms[key]
            fieldwriter.start_term(btext)
            _add_postings(fieldwriter._postwriter, ids, weights, [v or emptybytes for v in values], lengths)
            fieldwriter.finish_term()
        if current is not None:
            fieldwriter.finish_field()
        fieldwriter.close()
        if pdr is not None:
            pdr.close()


def _writer_process(ix, jobs, results) -> None:
    """One writer process: documents from ``jobs`` (lists of field dicts, None at the end) into one segment; the
    outcome goes back through ``results``, one end of a pipe written directly (no feeder thread, which a process
    forked from a threaded parent can deadlock on at exit)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's terminate() must end us, whatever it installed
    try:
        writer = BuildWriter(ix, _lk=False)  # the parent holds the index lock
        count = 0
        while (batch := jobs.get()) is not None:
            for fields in batch:
                writer.add_document(**fields)
            count += len(batch)
        segment = writer._finalize_segment() if writer._added else None
        if segment is None:
            writer._close_segment()
        results.send(("ok", segment, count))
    except BaseException:  # noqa: BLE001 — reported to the parent, which raises
        results.send(("error", traceback.format_exc(), 0))
    finally:
        results.close()


def build(ix, documents: Iterable[dict], procs: int = 1, progress: Callable[[int], None] | None = None,
          every: int = 500) -> int:
    """Add ``documents`` (field dicts) to the empty index ``ix`` and commit; with ``procs`` > 1 they go in
    batches to that many writer processes, each writing one segment (the parent only reads and sends)."""
    if procs <= 1:
        writer = BuildWriter(ix)
        count = 0
        try:
            for fields in documents:
                writer.add_document(**fields)
                count += 1
                if progress and count % every == 0:
                    progress(count)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
        return count

    ctx = multiprocessing.get_context("fork")
    main = SegmentWriter(ix)  # holds the lock, commits the table of segments
    jobs = [ctx.Queue(maxsize=8) for _ in range(procs)]
    pipes = [ctx.Pipe(duplex=False) for _ in range(procs)]
    workers = [ctx.Process(target=_writer_process, args=(ix, q, send), daemon=True)
               for q, (_recv, send) in zip(jobs, pipes)]
    for worker in workers:
        worker.start()
    for _recv, send in pipes:
        send.close()  # the workers hold the writing ends

    def failed() -> bool:
        return any(w.exitcode not in (None, 0) for w in workers)

    def put(q, item) -> None:
        while True:
            try:
                return q.put(item, timeout=1)
            except queue.Full:
                if failed():
                    raise RuntimeError("a search index writer process died") from None

    def result(recv):
        while not recv.poll(1):
            if failed():
                raise RuntimeError("a search index writer process died")
        try:
            return recv.recv()
        except EOFError:  # it closed its end without a word: it died
            raise RuntimeError("a search index writer process died") from None

    count, sent = 0, 0
    try:
        batch: list[dict] = []
        for fields in documents:
            batch.append(fields)
            count += 1
            if len(batch) == BATCH:
                put(jobs[sent % procs], batch)
                sent, batch = sent + 1, []
            if progress and count % every == 0:
                progress(count)
        if batch:
            put(jobs[sent % procs], batch)
        for q in jobs:
            put(q, None)
        segments = []
        for recv, _send in pipes:
            status, value, _done = result(recv)
            if status != "ok":
                raise RuntimeError(f"a search index writer process failed:\n{value}")
            if value is not None:
                segments.append(value)
        for worker in workers:
            worker.join()
        main._close_segment()
        main._commit_toc(segments)
        main._finish()
    except BaseException:
        for q in jobs:  # batches no process will read must not keep this process from exiting
            q.cancel_join_thread()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join(5)
            if worker.is_alive():
                worker.kill()
                worker.join()
        main.cancel()
        raise
    finally:
        for recv, _send in pipes:
            recv.close()
    return count
