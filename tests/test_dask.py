"""The Dask executor on a real cluster: a ``dask scheduler`` and ``dask worker`` processes
on 127.0.0.1, started here as subprocesses (single-threaded workers, no nanny).

Checked against one process on the same corpus (the example corpus plus a wire feed of one
host whose pages share a boilerplate paragraph, so site templates matter, in a JSONL file
cut into byte ranges): the same articles, errors and template profiles; Parquet shards with
their markers; a rerun that adds nothing; a worker killed with SIGKILL midway costing a
retry, not the run.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk import ingest
from newsdesk.executor.dask_executor import ingest_dask

try:
    import distributed  # noqa: F401
    MISSING = ""
except ImportError:
    MISSING = "dask.distributed is not installed (pip install -e '.[test]' or '.[dask]')"


@pytest.fixture(scope="session", autouse=True)
def cluster_present():
    """These tests run a real Dask scheduler and workers: without it they fail, saying so."""
    if MISSING:
        pytest.fail(MISSING, pytrace=False)
from newsdesk.executor.partitions import count_lines, plan_partitions, read_partition  # noqa: E402
from newsdesk.sources import read_pages  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).parent / "dask")
BLURB = ("The Lakeside Ledger is owned by its readers. Support independent reporting on the "
         "towns around the lake by becoming a member today.")
TOWNS = ["Varna", "Ruse", "Pleven", "Sliven", "Shumen", "Vratsa", "Gabrovo", "Lovech", "Dobrich",
         "Haskovo", "Yambol", "Pernik"]
ACTS = ["Farmers protested against new water tariffs in {t} on Monday, blocking the main road.",
        "The mayor of {t} met regional officials on Tuesday to discuss flood defences.",
        "Police in {t} arrested two men after a fire at a grain warehouse, the prosecutor said.",
        "Teachers in {t} went on strike over unpaid wages, their union said on Friday."]


def wire_feed(path: Path) -> None:
    """Twelve pages of one host, each with the host's standing blurb as a paragraph."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, town in enumerate(TOWNS):
            paras = [ACTS[i % 4].format(t=town),
                     f"Residents of {town} said they had been waiting for an answer for months.",
                     BLURB,
                     f"“We will not stop until {town} is heard,” a local councillor told reporters."]
            page = "<html><head><title>{0}</title></head><body><article><h1>{0}</h1>{1}" \
                   "</article></body></html>".format(f"News from {town}",
                                                     "".join(f"<p>{p}</p>" for p in paras))
            fh.write(json.dumps({"url": f"https://lakeside-ledger.example/{i}", "html": page,
                                 "date": f"2024-05-{i + 1:02d}"}) + "\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dask-corpus")
    shutil.copytree(ROOT / "examples" / "corpus", root / "corpus")
    wire_feed(root / "corpus" / "wire.jsonl")
    return root / "corpus"


def dump(db: str) -> tuple:
    """Articles (their full records), errors and template profiles of a SQLite store."""
    c = sqlite3.connect(db)
    try:
        arts = {r[0]: json.loads(r[1]) for r in c.execute("SELECT id, record FROM articles")}
        errs = sorted(c.execute("SELECT source, step, reason FROM errors"))
        tpl = {r[0]: json.loads(r[1]) for r in c.execute("SELECT host, profile FROM templates")}
    finally:
        c.close()
    return arts, errs, tpl


@pytest.fixture(scope="module")
def reference_db(corpus, tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("ref") / "ref.db")
    ingest([str(corpus)], db=db)  # linked in this process, as ingest does by default
    return db


@pytest.fixture(scope="module")
def reference(reference_db) -> tuple:
    return dump(reference_db)


def links(db: str) -> tuple:
    """Duplicate families, stories (as sets of articles, their labels) and incidents."""
    c = sqlite3.connect(db)
    try:
        dup = dict(c.execute("SELECT article_id, duplicate_of FROM article_links"))
        groups: dict = {}
        for aid, sid in c.execute("SELECT article_id, story_id FROM article_links"):
            groups.setdefault(sid, set()).add(aid)
        labels = dict(c.execute("SELECT id, label FROM stories"))
        stories = sorted((sorted(m), labels.get(s)) for s, m in groups.items())
        incidents = sorted((sorted(a for (a,) in c.execute(
            "SELECT DISTINCT article_id FROM incident_reports WHERE incident_id = ?", (i,))), t, st)
            for i, t, st in c.execute("SELECT id, type, status FROM incidents"))
        n_inputs = c.execute("SELECT count(*) FROM link_inputs").fetchone()[0]
    finally:
        c.close()
    return dup, stories, incidents, n_inputs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A scheduler and worker processes on 127.0.0.1."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen] = {}
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self._spawn("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                  self.address.rsplit(":", 1)[1], "--no-dashboard"])

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)

    def add_worker(self, name: str) -> None:
        self._spawn(name, [DASK, "worker", self.address, "--name", name, "--nthreads", "1",
                           "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                           "--death-timeout", "60"])

    def wait_for(self, names: set[str], timeout: float = 180) -> dict[str, str]:
        """{name: address} once the named workers are connected."""
        from distributed import Client
        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=60) as client:
            while time.monotonic() < deadline:
                workers = client.scheduler_info(n_workers=-1)["workers"]
                have = {w["name"]: addr for addr, w in workers.items()}
                if names <= set(have):
                    return have
                time.sleep(0.5)
        raise TimeoutError(f"workers {names} did not join: see {self.tmp}/*.log")

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()

    def close(self) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask-cluster"))
    try:
        c.add_worker("w1")
        c.add_worker("w2")
        c.wait_for({"w1", "w2"})
        yield c
    finally:
        c.close()


def run(corpus, db, cluster, **kw) -> dict:
    with open_store(db) as store:
        return ingest_dask([str(corpus)], store, scheduler=cluster.address,
                           files_per_partition=3, partition_bytes=1500, **kw)


# -- partitions, no cluster -------------------------------------------------------------

def test_partitions_read_the_pages_one_process_reads(corpus):
    parts = plan_partitions([str(corpus)], files_per_partition=3, partition_bytes=1500)
    assert sum(p.is_range for p in parts) >= 3  # the wire feed is cut into ranges
    assert len({p.id for p in parts}) == len(parts)
    assert [p.id for p in plan_partitions([str(corpus)], files_per_partition=3,
                                          partition_bytes=1500)] == [p.id for p in parts]
    got, lines = [], {}
    for p in parts:
        if p.is_range:  # what the workers count before reading
            first = lines.get(p.files[0], 0)
            lines[p.files[0]] = first + count_lines(p)
            p = replace(p, first_line=first)
        got.extend(read_partition(p))
    want = list(read_pages([str(corpus)]))
    assert [(x.source, type(x).__name__) for x in got] == [(x.source, type(x).__name__) for x in want]


# -- on the cluster -----------------------------------------------------------------------

def test_dask_gives_the_in_process_articles_shards_and_a_rerun_adds_nothing(
        corpus, reference, cluster, tmp_path):
    db, out = str(tmp_path / "dask.db"), tmp_path / "shards"
    stats = run(corpus, db, cluster, output=str(out))
    assert stats["run"] == stats["partitions"] > 4 and stats["skipped"] == 0
    got = dump(db)
    assert got[0] == reference[0]  # the same articles, field by field
    assert got[1] == reference[1] and got[2] == reference[2]
    wire = [a for a in got[0].values() if "lakeside-ledger" in (a.get("url") or "")]
    assert len(wire) == len(TOWNS)
    assert sum(BLURB[:40] in a["text"] for a in wire) < len(TOWNS) - 3  # the template was learned

    import pyarrow.parquet as pq
    markers = sorted(out.glob("*.done"))
    assert len(markers) == stats["partitions"]
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]
    rows = 0
    for m in markers:
        info = json.loads(m.read_text())
        table = pq.read_table(out / info["shard"])
        assert table.num_rows == info["articles"]
        rows += table.num_rows
        for rec in table.column("record").to_pylist():
            assert json.loads(rec) == got[0][json.loads(rec)["id"]]
    assert rows == len(got[0])

    again = run(corpus, db, cluster)
    assert again == {"partitions": stats["partitions"], "skipped": stats["partitions"], "run": 0}
    assert dump(db) == got


def test_cli_on_a_scheduler_with_another_partitioning_stores_nothing_twice(
        corpus, reference, cluster, tmp_path):
    db = str(tmp_path / "cli.db")
    run(corpus, db, cluster)  # small partitions
    cmd = [sys.executable, "-m", "newsdesk", "ingest", str(corpus), "--db", db,
           "--executor", "dask", "--scheduler", cluster.address]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    n = len(reference[0])
    assert f"added 0, skipped {n} (already stored)" in res.stdout  # other partitions: all run
    assert dump(db)[0] == reference[0]


def test_link_inputs_made_on_the_workers_give_the_in_process_links(
        corpus, reference_db, cluster, tmp_path):
    from newsdesk.store import links as store_links

    used: list = []
    orig = store_links.link_new

    def spy(store, *a, prepared=None, **kw):
        used.append(len(prepared or {}))
        return orig(store, *a, prepared=prepared, **kw)

    db = str(tmp_path / "linked.db")
    store_links.link_new = spy
    try:
        report = ingest([str(corpus)], db=db, executor="dask", scheduler=cluster.address)
    finally:
        store_links.link_new = orig
    assert used == [report.added] and report.added > 10  # every new article's inputs came back
    assert dump(db)[0] == dump(reference_db)[0]
    assert links(db) == links(reference_db)


STORY = ["Flood waters cut the road between {a} and {b} on Sunday, stranding dozens of "
         "trucks, the regional governor said.",
         "Rescue teams from {a} evacuated forty families overnight as the river rose past "
         "its spring record, according to the fire service.",
         "The governor said repairs to the bridge near {b} would take at least three weeks "
         "and asked drivers to use the northern bypass."]


def copies_corpus(root: Path) -> Path:
    """The wire feed and an agency story carried by three outlets (one JSONL line each):
    a duplicate family whose head is whichever copy is linked first."""
    root.mkdir()
    wire_feed(root / "wire.jsonl")
    with open(root / "agency.jsonl", "w", encoding="utf-8") as fh:
        for n, host in enumerate(["first-daily", "second-post", "third-times"]):
            body = "".join(f"<p>{p.format(a='Varna', b='Ruse')}</p>" for p in STORY)
            page = (f"<html><head><title>Floods cut road, {host}</title></head><body><article>"
                    f"<h1>Floods cut the Varna road</h1>{body}</article></body></html>")
            fh.write(json.dumps({"url": f"https://{host}.example/floods", "html": page,
                                 "date": f"2024-06-0{n + 1}"}) + "\n")
    return root


def test_links_follow_input_order_not_commit_order(cluster, tmp_path, monkeypatch):
    """One process whose clock runs backwards (each article stamped a second before the one
    stored before it: commit order is the reverse of input order) and Dask (partitions
    commit whole, as they finish) link the same corpus alike, in input order: the family's
    head is its first copy in the inputs."""
    from newsdesk.store import sqlite as sqlite_store

    corpus = copies_corpus(tmp_path / "copies")
    clock = iter(range(10**6))

    def backwards() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(2_000_000_000 - next(clock)))

    one = str(tmp_path / "one.db")
    with monkeypatch.context() as m:
        m.setattr(sqlite_store, "_now", backwards)
        ingest([str(corpus)], db=one)
    c = sqlite3.connect(one)
    try:
        stamps = [r[0] for r in c.execute(
            "SELECT ingested_at FROM articles WHERE url LIKE '%/floods' ORDER BY url")]
        first = c.execute("SELECT id FROM articles WHERE url LIKE '%first-daily%'").fetchone()[0]
    finally:
        c.close()
    assert stamps == sorted(stamps, reverse=True)  # the last copy in the inputs: the oldest stamp
    dup, stories, incidents, n_inputs = links(one)
    assert sorted(v for v in dup.values() if v) == [first, first]  # two copies of the first

    dask_db = str(tmp_path / "dask.db")
    with open_store(dask_db) as store:  # no linking yet: partitions of one or two pages
        ingest_dask([str(corpus)], store, scheduler=cluster.address, files_per_partition=1,
                    partition_bytes=800)
    assert dump(dask_db)[0] == dump(one)[0]
    from newsdesk.store.links import link_new, relink
    with open_store(dask_db) as store:
        link_new(store)
    assert links(dask_db) == links(one)
    with open_store(dask_db) as store:  # a rebuild links in the order they were linked
        relink(store)
    assert links(dask_db) == links(one)


def test_a_worker_killed_midway_costs_a_retry_not_the_run(corpus, reference, cluster, tmp_path):
    from distributed import Client

    cluster.add_worker("victim")
    addr = cluster.wait_for({"w1", "w2", "victim"})["victim"]
    db = str(tmp_path / "killed.db")
    result: dict = {}

    def go():
        try:
            result["stats"] = run(corpus, db, cluster)
        except BaseException as exc:  # reported by the assertion below
            result["error"] = exc

    thread = threading.Thread(target=go)
    thread.start()
    killed = False
    with Client(cluster.address, timeout=60) as client:
        deadline = time.monotonic() + 300
        while thread.is_alive() and time.monotonic() < deadline:
            busy = client.processing(workers=[addr]).get(addr, [])
            if any(str(k).startswith("partition-") for k in busy):
                cluster.kill("victim")
                killed = True
                break
            time.sleep(0.05)
    thread.join(timeout=600)
    assert killed, "the victim never ran a partition"
    assert "error" not in result, result.get("error")
    assert result["stats"]["run"] == result["stats"]["partitions"]
    assert dump(db)[0] == reference[0]


@pytest.mark.parametrize("argv, message", [
    (["-", "--executor", "dask"], "not stdin"),
    (["pages/", "--scheduler", "tcp://127.0.0.1:1"], "need --executor dask"),
    (["pages/", "--output", "shards"], "need --executor dask"),
])
def test_cli_refuses_what_dask_cannot_do(argv, message, tmp_path):
    from newsdesk.cli import main
    with pytest.raises(SystemExit) as exc:
        main(["ingest", *argv, "--db", str(tmp_path / "x.db")])
    assert message in str(exc.value)
