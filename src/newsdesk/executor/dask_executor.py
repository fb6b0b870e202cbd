"""Ingest on a Dask cluster: the same articles as one process, from many machines.

    newsdesk ingest corpus/ --executor dask --scheduler tcp://10.0.0.5:8786
    newsdesk ingest corpus/ --executor dask --workers 4      # a LocalCluster of 4 processes

How a run goes (``ingest_dask``):

1. The client plans partitions (``executor.partitions``): names and byte ranges, never page
   content. Partitions the store records as finished are skipped (a rerun adds nothing).
2. Each partition is surveyed on a worker: its JSONL line count and, per page, the site
   template fingerprints (``extract.templates``) -- small, no text.
3. The client replays the surveys in input order into the store's TemplateBook exactly as
   one process learns page by page, and sends each partition with the template lines each
   of its pages would have been stripped with (frozen sets, a few per partition).
4. A worker extracts and enriches the partition with the pipeline its plugin loaded once
   (``PipelinePlugin``), writes a Parquet shard when ``output`` is set (temporary name,
   atomic rename, then a ``.done`` marker) and returns the records.
5. The client is the store's one writer: each partition's records go in as one batch
   (``store.bulk.write_batch``: executemany on SQLite, COPY on PostgreSQL) with the mark
   that the partition is finished, in one commit.

A worker killed midway costs its tasks a retry on another worker (the scheduler reschedules
them), not the run. Paths must be readable by the workers under the same names (a shared
file system); ``output`` too.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable

from ..extract.templates import MAX_LINES, MAX_SEEN, TemplateBook, TemplateProfile, fingerprint, host_of
from ..model import Article, PageError, RawPage
from ..pipeline import STEPS, Pipeline, parse_steps
from .partitions import Partition, count_lines, plan_partitions, read_partition

__all__ = ["ingest_dask", "PipelinePlugin", "survey", "process_partition", "write_shard"]

PLUGIN_NAME = "newsdesk-pipeline"
_PIPELINES: dict[tuple, Pipeline] = {}  # one per worker process and configuration


def _pipeline(steps: tuple[str, ...], batch_size: int) -> Pipeline:
    key = (steps, batch_size)
    if key not in _PIPELINES:
        pipeline = Pipeline(steps, batch_size=batch_size)
        pipeline.warm_up()
        _PIPELINES[key] = pipeline
    return _PIPELINES[key]


try:
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - without distributed there is no Dask executor
    _WorkerPlugin = object


class PipelinePlugin(_WorkerPlugin):
    """Loads the pipeline (the spaCy model) once per worker process, as it starts."""

    name = PLUGIN_NAME

    def __init__(self, steps: tuple[str, ...], batch_size: int = 16):
        self.steps = tuple(steps)
        self.batch_size = batch_size

    def setup(self, worker=None):
        _pipeline(self.steps, self.batch_size)


# -- worker tasks ------------------------------------------------------------------------

def survey(part: Partition, input_format: str, url: str | None, published: str | None,
           templates: bool) -> dict:
    """What the client needs before a partition runs: its JSONL line count and, per page,
    (host, page digest, line fingerprints) as ``TemplateProfile.update`` computes them
    (None for a page that is not a RawPage; digest None for a page it would not learn)."""
    from ..extract.guard import ExtractionError
    from ..extract.templates import page_lines

    out: dict = {"lines": count_lines(part), "pages": None}
    if not templates:
        return out
    pages = []
    for page in read_partition(part, input_format, url, published):
        if not isinstance(page, RawPage):
            pages.append(None)
            continue
        host = host_of(page.url)
        if not host:
            pages.append(("", None, ()))
            continue
        try:
            lines = page_lines(page)
        except ExtractionError:
            pages.append((host, None, ()))
            continue
        fps = tuple(sorted({fp for fp in map(fingerprint, lines) if fp}))
        digest = hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogatepass"),
                                 digest_size=8).hexdigest() if fps else None
        pages.append((host, digest, fps))
    out["pages"] = pages
    return out


def process_partition(part: Partition, input_format: str, url: str | None, published: str | None,
                      steps: tuple[str, ...], batch_size: int, sets: list, page_sets: list | None,
                      output: str | None = None, link_inputs: bool = False
                      ) -> tuple[list[Article | PageError], dict[str, tuple[str, bytes]]]:
    """Extract and enrich a partition's pages, each stripped with its template set, in order.
    Returns the records and, with ``link_inputs``, what linking needs of each article
    (``link.inputs.prepare``, as stored rows: {id: (meta, vectors)}), computed here so the
    client's linking runs no sentence model for them."""
    pipeline = _pipeline(steps, batch_size)
    results: list[Article | PageError] = []
    buffer: list[Article | PageError] = []
    n_articles = 0
    for i, page in enumerate(read_partition(part, input_format, url, published)):
        k = page_sets[i] if page_sets is not None and i < len(page_sets) else None
        item = pipeline.extract(page, sets[k] if k is not None else None)
        buffer.append(item)
        n_articles += isinstance(item, Article)
        if n_articles >= batch_size or len(buffer) >= 4 * batch_size:
            results.extend(pipeline._flush(buffer))
            buffer, n_articles = [], 0
    results.extend(pipeline._flush(buffer))
    if output:
        write_shard(output, part, results)
    return results, (prepared_inputs(results) if link_inputs else {})


def prepared_inputs(records: list) -> dict[str, tuple[str, bytes]]:
    """The link inputs of the records' articles, as ``link_inputs`` rows (empty when the
    sentence model is not installed: the client's linking then reports it)."""
    from ..link.embed import ModelMissing
    from ..link.inputs import prepare
    arts = list({r.id: r for r in records if isinstance(r, Article)}.values())
    try:
        return {x.id: x.to_row() for x in prepare(arts)}
    except ModelMissing:
        return {}


SHARD_COLUMNS = ("id", "url", "outlet", "title", "published", "language", "source", "record")


def shard_paths(output: str, part: Partition) -> tuple[str, str]:
    base = os.path.join(output, f"part-{part.index:05d}-{part.id}")
    return base + ".parquet", base + ".done"


def write_shard(output: str, part: Partition, results: list[Article | PageError]) -> str:
    """The partition's articles as a Parquet file (one row each, the full record as JSON in
    ``record``), written under a temporary name and renamed into place, then a ``.done``
    marker (JSON: partition, counts) -- a shard without its marker is incomplete."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.makedirs(output, exist_ok=True)
    path, marker = shard_paths(output, part)
    arts = [r for r in results if isinstance(r, Article)]
    cols = {c: [] for c in SHARD_COLUMNS}
    for a in arts:
        d = a.to_dict()
        for c in SHARD_COLUMNS[:-1]:
            cols[c].append(d.get(c))
        cols["record"].append(json.dumps(d, ensure_ascii=False))
    table = pa.table({c: pa.array(v, type=pa.string()) for c, v in cols.items()})
    tmp = f"{path}.tmp-{os.getpid()}"
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    info = {"partition": part.id, "input": part.label, "articles": len(arts),
            "errors": len(results) - len(arts), "shard": os.path.basename(path)}
    tmp = f"{marker}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    os.replace(tmp, marker)
    return path


# -- the client ---------------------------------------------------------------------------

def _learn(book: TemplateBook, host: str, digest: str | None, fps: tuple) -> None:
    """``book.observe(page)`` from a page's survey entry (the same bookkeeping)."""
    prof = book.profiles.get(host)
    if prof is None:
        prof = book.profiles[host] = TemplateProfile(host, book.min_pages)
    if digest is None or digest in prof._seen:
        return
    prof._seen.append(digest)
    del prof._seen[:-MAX_SEEN]
    for fp in fps:
        prof.counts[fp] = prof.counts.get(fp, 0) + 1
    prof.pages += 1
    if len(prof.counts) > MAX_LINES:
        prof.counts = dict(sorted(prof.counts.items(), key=lambda kv: -kv[1])[:MAX_LINES])
    book.changed.add(host)
    book._frozen.pop(host, None)


def _page_sets(book: TemplateBook | None, pages: list | None) -> tuple[list, list | None]:
    """Replay a partition's survey: (distinct template sets, index into them per page)."""
    if book is None or pages is None:
        return [], None
    sets, index, per_page = [], {}, []
    for entry in pages:
        if entry is None or not entry[0]:
            per_page.append(None)
            continue
        host, digest, fps = entry
        _learn(book, host, digest, fps)
        ts = book.for_host(host)
        if ts is None:
            per_page.append(None)
            continue
        if id(ts) not in index:
            index[id(ts)] = len(sets)
            sets.append(ts)
        per_page.append(index[id(ts)])
    return sets, per_page


def _connect(scheduler: str | None, workers: int):
    from distributed import Client, LocalCluster
    if scheduler:
        return Client(scheduler), None
    # Worker processes may take a few seconds to exit (the model's memory): no warnings then.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def ingest_dask(paths: Iterable[str], store, steps=STEPS, input_format: str = "auto",
                url: str | None = None, published: str | None = None, templates: bool = True,
                scheduler: str | None = None, workers: int = 2, output: str | None = None,
                batch_size: int = 16, on_record: Callable | None = None,
                files_per_partition: int | None = None, partition_bytes: int | None = None,
                retries: int = 3, link_inputs: dict | None = None) -> dict[str, int]:
    """Ingest ``paths`` into an open ``store`` on a Dask cluster (``scheduler`` address, or
    a LocalCluster of ``workers`` processes); ``on_record(record, status)`` is called for
    each stored record. Returns counts: partitions (planned, skipped, run).
    ``link_inputs``: a dict the link inputs of the added articles are put in (computed on
    the workers; ``store.links.link_new(prepared=...)`` links with them)."""
    from distributed import wait

    from ..store.bulk import finished_partitions, mark_partition, write_batch

    steps = parse_steps(steps)
    kw = {}
    if files_per_partition:
        kw["files_per_partition"] = files_per_partition
    if partition_bytes:
        kw["partition_bytes"] = partition_bytes
    parts = plan_partitions(list(paths), input_format, **kw)
    done = finished_partitions(store)
    todo = [p for p in parts if p.id not in done]
    stats = {"partitions": len(parts), "skipped": len(parts) - len(todo), "run": 0}
    if not todo:
        return stats
    if output:
        os.makedirs(output, exist_ok=True)
    book = TemplateBook.from_dicts(store.templates()) if templates else None
    run = uuid.uuid4().hex[:8]  # task keys of this run only: never another run's results
    client, cluster = _connect(scheduler, workers)
    try:
        client.register_plugin(PipelinePlugin(steps, batch_size), name=PLUGIN_NAME)
        n_workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
        common = (input_format, url, published)
        # Ranges of a file number their lines after the earlier ranges', finished or not.
        counts = {p.id: client.submit(count_lines, p, key=f"lines-{p.id}-{run}", retries=retries)
                  for p in parts if p.is_range and p.id in done}
        surveys = [client.submit(survey, p, *common, templates, key=f"survey-{p.id}-{run}",
                                 retries=retries) for p in todo]
        todo_ids = {p.id for p in todo}
        survey_of = dict(zip([p.id for p in todo], surveys))
        lines_before: dict[str, int] = {}
        running: deque = deque()
        limit = 2 * n_workers + 1  # partitions in flight: bounds what the client holds

        def store_done(block: bool) -> None:
            while running and (block or running[0][1].done()):
                part, fut = running.popleft()
                records, prepared = fut.result()
                fut.release()
                statuses = write_batch(store, records, commit=False)
                if link_inputs is not None:
                    link_inputs.update((r.id, prepared[r.id]) for r, st in zip(records, statuses)
                                       if st == "added" and r.id in prepared)
                mark_partition(store, part.id, part.label, len(records),
                               statuses.count("added"), statuses.count("error"))
                if book is not None and book.changed:
                    store.save_templates(book.to_dicts(book.changed))  # commits all
                    book.changed.clear()
                else:
                    store.commit()
                stats["run"] += 1
                if on_record is not None:
                    for rec, status in zip(records, statuses):
                        on_record(rec, status)
                block = False

        for part in parts:
            if part.id not in todo_ids:
                if part.is_range:
                    lines_before[part.files[0]] = (lines_before.get(part.files[0], 0)
                                                   + counts[part.id].result())
                continue
            fut = survey_of.pop(part.id)
            info = fut.result()
            fut.release()
            first_line = 0
            if part.is_range:
                first_line = lines_before.get(part.files[0], 0)
                lines_before[part.files[0]] = first_line + info["lines"]
            sets, per_page = _page_sets(book, info["pages"])
            ready = Partition(part.id, part.files, part.start, part.end, first_line, part.index)
            work = client.submit(process_partition, ready, *common, steps, batch_size, sets,
                                 per_page, output, link_inputs is not None,
                                 key=f"partition-{part.id}-{run}", retries=retries,
                                 priority=10)
            running.append((part, work))
            store_done(block=False)
            while len(running) >= limit:
                wait([running[0][1]])
                store_done(block=True)
        while running:
            wait([running[0][1]])
            store_done(block=True)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if book is not None and book.changed:
        store.save_templates(book.to_dicts(book.changed))
    return stats
