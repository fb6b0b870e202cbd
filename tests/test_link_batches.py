"""The sentence encoder's padded batches (onnx_bert.OrtForward.many) give each text the bits it
gets alone, so linking decides the same with them or without: on the demo corpus, in memory
and stored (both engines), links, incidents and every kept vector are equal."""
import json
from pathlib import Path

import numpy as np
import pytest

from newsdesk.model import Article, RawPage

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_store import PG_CTL, PG_SKIP

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc_b = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db_b = factories.postgresql("pg_proc_b", dbname="newsdesk_link_batch_test")


@pytest.fixture(scope="module")
def news():
    from newsdesk.pipeline import Pipeline
    from newsdesk.sources import read_pages
    pages = [p for p in read_pages([str(CORPUS)]) if isinstance(p, RawPage)]
    return [a for a in Pipeline().process(pages) if isinstance(a, Article)]


def _model(e):
    """The MiniLM pass of an encoder: itself, or static-lead's event model."""
    return getattr(e, "model", None) or e


@pytest.fixture
def enc():
    """The process's encoder (the linker's), whose model runs on float onnxruntime (make
    test runs it so: NEWSDESK_REQUIRE_SYSTEM); batches back on afterwards."""
    from newsdesk.link.embed import encoder
    e = encoder()
    ort = _model(e)._ort
    assert ort is not None and ort.batches, (
        f"the sentence model is not on float onnxruntime here (backend {e.backend!r}): "
        "these tests check its batches")
    yield e
    ort.batches = True


def test_groups_cover_each_text_once_longest_first():
    from newsdesk.link.onnx_bert import MAX_ROWS, groups
    lengths = [93, 36, 36, 36, 12, 128, 40, 17, 36, 64] * 4
    gs = groups(lengths)
    assert sorted(i for g in gs for i in g) == list(range(len(lengths)))
    flat = [lengths[i] for g in gs for i in g]
    assert flat == sorted(flat, reverse=True) and max(map(len, gs)) <= MAX_ROWS
    assert len(gs) < len(lengths) / 3                 # batched, not one call each
    assert [i for g in gs for i in g if lengths[i] == 36] in [g for g in gs]   # equals together
    assert groups([]) == [] and groups([5]) == [[0]]


def test_a_text_has_the_same_bits_in_any_batch(enc, news):
    enc = _model(enc)
    sents = [s for a in news for s in a.text.split(". ") if s.strip()][:40]
    assert len({len(s) for s in sents}) > 10
    batched = enc.encode(sents)
    alone = np.vstack([enc.encode([s]) for s in sents])
    assert np.array_equal(batched, alone)
    assert np.array_equal(enc.encode(sents, max_tokens=20), np.vstack(
        [enc.encode([s], max_tokens=20) for s in sents]))
    words = [s.split() for s in sents]
    spans = [[(0, 1), (len(w) // 2, len(w) // 2 + 1)] for w in words]
    sv, tv = enc.encode_words(words, spans)
    _model(enc)._ort.batches = False
    sv1, tv1 = enc.encode_words(words, spans)
    assert np.array_equal(sv, sv1) and all(np.array_equal(a, b) for a, b in zip(tv, tv1))
    assert np.abs(sv[0] - sv[1]).max() > 1e-2          # vectors of their own text


def _linked(news, enc, batches: bool):
    from newsdesk.link.linker import Linker
    _model(enc)._ort.batches = batches
    calls = []
    real = _model(enc)._ort.sess.run
    _model(enc)._ort.sess.run = lambda outs, feed: calls.append(len(feed["input_ids"])) or real(outs, feed)
    try:
        ln = Linker(encoder=enc)
        links = ln.add_many(news)
    finally:
        del _model(enc)._ort.sess.run
    return ln, links, calls


def test_linking_decides_the_same_with_batches(enc, news):
    on, links_on, calls_on = _linked(news, enc, True)
    off, links_off, calls_off = _linked(news, enc, False)
    assert links_on == links_off
    assert any(len(lk.incidents) > 1 for lk in links_on)
    assert {i: [m.key for m in inc.mentions] for i, inc in on.incidents.items()} == \
        {i: [m.key for m in inc.mentions] for i, inc in off.incidents.items()}
    assert on.embedded and on.embedded == off.embedded
    for aid, x in on.articles.items():
        assert x.to_row() == off.articles[aid].to_row()
    # the same texts, in fewer calls
    assert set(calls_off) == {1} and sum(calls_on) == len(calls_off) > len(calls_on)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "batch.db", "pg_db_b", PG_CTL, PG_SKIP)


def _empty(url: str) -> None:
    if not url.startswith("postgresql"):
        Path(url).unlink()
        return
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def _stored(url, news, enc, batches: bool) -> dict:
    from newsdesk.store import links as store_links
    from newsdesk.store import open_store
    from newsdesk.store.links import _fetch, link_new
    _model(enc)._ort.batches = batches
    store_links._LINKERS.clear()
    with open_store(url) as store:
        for a in news[: len(news) // 2]:
            store.add(a)
        link_new(store)
        store_links._LINKERS.clear()             # the rest in a new process
        for a in news[len(news) // 2:]:
            store.add(a)
        link_new(store)

        def rows(sql):
            return sorted(json.dumps(r, sort_keys=True, default=str) for r in _fetch(store, sql))
        out = {"links": rows("SELECT article_id, duplicate_of, story_id FROM article_links"),
               "incidents": rows("SELECT id, story_id, status, record FROM incidents"),
               "reports": rows("SELECT incident_id, article_id, n FROM incident_reports"),
               "inputs": {r["article_id"]: bytes(r["vectors"]) for r in
                          _fetch(store, "SELECT article_id, vectors FROM link_inputs")}}
    store_links._LINKERS.clear()
    return out


def test_stored_linking_decides_the_same_with_batches(url, enc, news):
    first = _stored(url, news, enc, True)
    _empty(url)
    second = _stored(url, news, enc, False)
    assert first == second
    assert len(first["reports"]) > 5
    assert any(len(v) > 384 * 2 for v in first["inputs"].values())   # event vectors kept
