"""Search benchmark: query latency of the stores on a synthetic 100,000-article corpus.

    python bench/search.py                      # 100,000 articles, SQLite and PostgreSQL
    python bench/search.py --n 5000             # a quick run
    python bench/search.py --engines sqlite --keep /tmp/bench.db

Articles are generated, deterministically (--seed), from a Zipfian vocabulary (s = 1): a
core of ~190 common English words, then 60,000 synthetic word forms ("zamboure",
"trurfor"), so a common query word (Zipf rank 150-450) is in 10-30% of the articles and a
rare one (rank 5,000-40,000) in 0.1-1%. Bodies are lognormal around 450 words (80-2,500)
in paragraphs, with a title, one of 20 outlets, a publication time over two years, and
annotation rows drawn from Zipf-like pools (20,000 names, 2,000 places; about 8 entities,
3 places, 3 events, 2 statements per article); names and places appear in the text.
Both engines store them through ``newsdesk.store.bulk.bulk_load`` (SQLite: executemany,
2,000 articles a transaction; PostgreSQL: COPY, the GIN indexes built after the rows);
bench/bulk_load.py times it against the loads used before.

Timed through the store contract (``store.articles`` & co.), with the API's ``count_cap``
(so facets of a common word are estimated from a sample, as the API serves them), each
query ``--reps`` times with varying parameters: a full-text word, a phrase, outlet + date
range, an event type (events and articles), an entity, facets and the timeline. Latency
p50/p95 per engine, and how far the estimated facets of five common words are from the
exact ones.
Then the API is served by uvicorn in its own process on 127.0.0.1: each typical call
(the same queries, and the web page's call with ``facets=1``) is timed from one client,
then 32 concurrent clients send a bounded number of requests of that mix: requests per
second and latency per engine.

PostgreSQL: --pg-url, or a throwaway server started from the installed binaries
(/usr/lib/postgresql/<ver>/bin; as the "postgres" user when run as root) and removed after.
This bench does not read ../shared and is not part of the quality gate.
"""
from __future__ import annotations

import argparse
import glob
import itertools
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsdesk.model import FACTUALITY, PLOVER_TYPES, Article, Entity, Event, Place, Statement  # noqa: E402
from newsdesk.store import Filters as F  # noqa: E402
from newsdesk.store import SQLiteStore, open_store  # noqa: E402

COUNT_CAP = 10_000  # the API's (newsdesk.api.models.COUNT_CAP), without importing FastAPI

OUTLETS = [f"{a} {b}" for a, b in zip(
    ["Harbor", "Eastline", "Meridian", "Plains", "Danube", "Northgate", "Coastal", "Valley", "Atlas",
     "Borderland", "Crosswind", "Hilltop", "River", "Summit", "Lantern", "Altiplano", "Baltic",
     "Steppe", "Delta", "Fjord"],
    ["Ledger", "Post", "Wire", "Gazette", "Courier", "Tribune", "Dispatch", "Courier", "Daily",
     "Review", "News", "Herald", "Current", "Observer", "Times", "Voice", "Echo", "Standard",
     "Monitor", "Journal"])]
LABELS = ["PERSON", "ORG", "GPE", "NORP"]


# A core of common English words, most frequent first (ranks 1-~190 of the Zipf law):
# function words and the everyday vocabulary of news.
CORE = """the of and to a in that is for on was with he it as said at by his from be have
has but are were not this they an which their had its been who will would after more also
people than year one two new first government about over last up out into there when all
could we she her no or minister president told other time some them what years can said
police state country war our week officials just while against since only before between
city during under former three us world because most may security told if national group
military several day now political report during public second made international percent
told four forces both many so very party where support been including million any those
including days month killed foreign even through back news such then both council region
says show later however power part around well court army local economic help early major
""".split()
CORE = list(dict.fromkeys(CORE))

# Synthetic word forms: syllables that read like words ("dravenic", "solmark"), unique,
# never a core word. Zipf ranks follow the core.
_ONSETS = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l",
           "m", "n", "p", "pl", "pr", "r", "s", "sh", "sl", "st", "t", "tr", "v", "w", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
_CODAS = ["", "", "", "n", "r", "l", "m", "st", "nd", "rk", "nt", "x", "th"]
_ENDINGS = ["", "", "", "ic", "ar", "on", "ment", "ity", "ian", "ence", "ure", "al"]
VOCAB_SIZE = 60_000   # synthetic forms; with CORE the vocabulary follows Zipf (s = 1)
MEDIAN_WORDS = 450    # article body: lognormal, median 450 words, 80-2,500


def synthetic_words(n: int, rng: random.Random) -> list[str]:
    seen, out = set(CORE), []
    while len(out) < n:
        k = rng.choice((1, 2, 2, 2, 2, 3))
        w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                    for _ in range(k)) + rng.choice(_ENDINGS)
        if 4 <= len(w) <= 12 and w not in seen:
            seen.add(w)
            out.append(w)
    return out


_VOCAB: list = []


def vocabulary() -> tuple[list[str], list[float]]:
    """The word list, most frequent first, and its cumulative Zipf weights (1/rank). Each
    word's document frequency at about 500 words per article is ~1 - exp(-44 / rank):
    rank 150-450 is in 10-30% of the articles, rank 4,500-45,000 in 0.1-1%."""
    if not _VOCAB:
        words = CORE + synthetic_words(VOCAB_SIZE, random.Random(1234))
        cum = list(itertools.accumulate(1 / (r + 1) for r in range(len(words))))
        _VOCAB[:] = [words, cum]
    return _VOCAB[0], _VOCAB[1]


FIRST = ["Anna", "Ivan", "Maria", "Omar", "Li", "Sara", "Tomas", "Nadia", "Pavel", "Elena",
         "James", "Fatima", "Ahmed", "Olga", "Chen", "Lucia", "Daniel", "Amina", "Yusuf",
         "Ingrid", "Kofi", "Mei", "Rafael", "Svetlana", "David", "Leila", "Hassan", "Irina",
         "Jonas", "Priya", "Mateo", "Zainab", "Andriy", "Hana", "Viktor", "Grace"]


def pools(rng: random.Random, words: list[str] | None = None):
    """The entity names (most mentioned first: 20,000 people and organisations) and the
    places (2,000 with coordinates) the articles draw from, Zipf-like."""
    surnames = [w.capitalize() for w in synthetic_words(8000, random.Random(99))]
    persons = []
    seen = set()
    while len(persons) < 20000:
        name = f"{rng.choice(FIRST)} {rng.choice(surnames)}"
        if name not in seen:
            seen.add(name)
            persons.append(name)
    towns = [w.capitalize() for w in synthetic_words(2000, random.Random(77))]
    places = [(towns[i], rng.choice(["UA", "NO", "MD", "AM", "GE", "SD", "ML", "TW", "KE", "PE"]),
               round(rng.uniform(-40, 65), 4), round(rng.uniform(-20, 140), 4), 100000 + i)
              for i in range(2000)]
    return persons, places


TRIGGERS = ["attacked", "agreed", "met", "protested", "rejected", "accused", "sanctioned",
            "deployed", "arrested", "signed", "urged", "warned", "withdrew", "supported",
            "condemned", "promised", "delivered", "threatened", "struck", "negotiated"]


def make_articles(n: int, seed: int):
    rng = random.Random(seed)
    words, cum = vocabulary()
    persons, places = pools(random.Random(SEED[0]))
    zipf_cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(persons))))
    zipf_pl = list(itertools.accumulate(1 / (i + 1) for i in range(len(places))))
    start = time.mktime((2023, 1, 1, 0, 0, 0, 0, 0, 0))
    for i in range(n):
        length = int(min(2500, max(80, rng.lognormvariate(math.log(MEDIAN_WORDS), 0.5))))
        body = rng.choices(words, cum_weights=cum, k=length)
        ents = [persons[j] for j in rng.choices(range(len(persons)), cum_weights=zipf_cum, k=8)]
        pls = [places[j] for j in rng.choices(range(len(places)), cum_weights=zipf_pl, k=3)]
        # Names and places appear in the text too (search finds them).
        for name in ents[:4] + [p[0] for p in pls]:
            body.insert(rng.randrange(0, len(body)), name)
        sentences, k = [], 0
        while k < len(body):
            m = rng.randint(8, 28)
            s = " ".join(body[k:k + m])
            sentences.append(s[:1].upper() + s[1:] + ".")
            k += m
        paras, k = [], 0
        while k < len(sentences):  # paragraphs of 2-5 sentences
            m = rng.randint(2, 5)
            paras.append(" ".join(sentences[k:k + m]))
            k += m
        text = "\n\n".join(paras)
        title = " ".join(rng.choices(words, cum_weights=cum, k=rng.randint(6, 12))).capitalize()
        ts = time.gmtime(start + rng.random() * 2 * 365 * 86400)
        published = time.strftime("%Y-%m-%dT%H:%M", ts)
        L = len(text)

        def sp():
            a = rng.randrange(0, max(1, L - 20))
            return a, a + rng.randint(3, 15)

        yield Article(
            id=f"b{i:07d}", text=text, title=title, published=published, outlet=rng.choice(OUTLETS),
            url=f"https://bench.example/{i}", language="en", source=f"bench:{i}",
            entities=[Entity(e, rng.choice(LABELS), *sp(), e) for e in ents],
            places=[Place(p[0], *sp(), p[0], p[1], p[2], p[3], p[4], "city") for p in pls],
            events=[Event(rng.choice(PLOVER_TYPES), rng.choice(TRIGGERS), *sp(), actors=[rng.choice(ents)],
                          targets=[rng.choice(ents)], place=rng.choice(pls)[0],
                          time=published[:10] if rng.random() < 0.7 else None,
                          factuality=rng.choices(FACTUALITY, weights=[60, 10, 10, 10, 5, 5])[0],
                          attributed_to=rng.choice(ents) if rng.random() < 0.5 else None)
                    for _ in range(3)],
            statements=[Statement(rng.choice(ents), *sp(), "said", *sp(), " ".join(body[:12]), *sp(),
                                  rng.choice(["direct", "reported"])) for _ in range(2)],
        )


# -- a throwaway PostgreSQL server -----------------------------------------------------------

class TempPostgres:
    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise SystemExit("no PostgreSQL binaries (apt-get install postgresql), or pass --pg-url")
        self.bindir = os.path.dirname(found[-1])
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="newsdesk-bench-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.user = "postgres" if self.root else os.environ.get("USER", "postgres")

    def _run(self, *cmd):
        if self.root:
            shutil.chown(self.dir, "postgres")
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd="/")

    def start(self) -> str:
        self._run(f"{self.bindir}/initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8")
        self._run(f"{self.bindir}/pg_ctl", "start", "-w", "-D", self.data, "-l", f"{self.dir}/log",
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                        "-c fsync=off -c shared_buffers=512MB -c max_connections=200 "
                        "-c max_wal_size=8GB -c synchronous_commit=off")
        self._run(f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "bench")
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/bench"

    def stop(self):
        try:
            self._run(f"{self.bindir}/pg_ctl", "stop", "-D", self.data, "-m", "fast")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# -- timing ------------------------------------------------------------------------------------

SEED = [7]
QUERY_POOLS: dict = {}


def query_words() -> tuple[list[str], list[str]]:
    """Query words by Zipf rank: rare ones (ranks 5,000-40,000: in 0.1-1% of the articles,
    a typical search) and common ones (ranks 150-450: in 10-30%)."""
    words, _ = vocabulary()
    return words[5000:40000], [w for w in words[150:450] if w not in CORE]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def queries(rng: random.Random, store):
    """(name, [callables]) of typical queries with varying parameters."""
    rare, common = query_words()
    core = set(CORE)
    sample = store.articles(F(), limit=200).items
    texts = [store.get(a["id"]).text.split() for a in sample[:50]]
    phrases = []
    for t in texts:  # two adjacent words of an article, neither a core word
        pairs = [(a.strip(".").lower(), b.strip(".").lower()) for a, b in zip(t, t[1:])
                 if not a.endswith(".")]
        pairs = [p for p in pairs if p[0] not in core and p[1] not in core]
        a, b = rng.choice(pairs)
        phrases.append(f'"{a} {b}"')
    QUERY_POOLS["phrases"] = phrases
    # Entities of typical frequency: ranks 50-500 of the Zipf pool (0.1-1% of articles).
    ents = pools(random.Random(SEED[0]))[0][50:500]
    QUERY_POOLS["entities"] = ents

    def month():
        y, m = rng.choice([2023, 2024]), rng.randint(1, 12)
        return f"{y}-{m:02d}-01", f"{y}-{m:02d}-28"

    def outlet_range():
        s, u = month()
        return F(outlet=rng.choice(OUTLETS), since=s, until=u)

    return [
        ("articles q=rare word", lambda: store.articles(F(q=rng.choice(rare)))),
        ("articles q=common word", lambda: store.articles(F(q=rng.choice(common)))),
        ("articles q=\"phrase\"", lambda: store.articles(F(q=rng.choice(phrases)))),
        ("articles outlet+dates", lambda: store.articles(outlet_range())),
        ("articles event_type", lambda: store.articles(F(event_type=rng.choice(PLOVER_TYPES)))),
        ("events event_type", lambda: store.events(F(event_type=rng.choice(PLOVER_TYPES)), limit=100)),
        ("articles entity", lambda: store.articles(F(entity=rng.choice(ents)))),
        ("facets q=rare word", lambda: store.facets(F(q=rng.choice(rare)))),
        ("facets q=common word", lambda: store.facets(F(q=rng.choice(common)))),
        ("facets outlet+dates", lambda: store.facets(outlet_range())),
        ("timeline event_type", lambda: store.timeline(F(event_type=rng.choice(PLOVER_TYPES)))),
        ("articles page 50", lambda: store.articles(F(), offset=1000)),
    ]


def time_store(url: str, reps: int, seed: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed + 1)
    out = {}
    with open_store(url) as store:
        store.count_cap = COUNT_CAP  # as the API opens it
        for name, fn in queries(rng, store):
            fn()  # warm
            lat = []
            for _ in range(reps):
                t = time.perf_counter()
                fn()
                lat.append((time.perf_counter() - t) * 1000)
            out[name] = (pct(lat, 50), pct(lat, 95))
        FACET_ERRORS[url] = facet_errors(store, rng)
    return out


FACET_ERRORS: dict = {}


def facet_errors(store, rng: random.Random, words: int = 5) -> dict[str, tuple[float, float]]:
    """How far the estimated facets (count_cap set) of common words are from the exact
    ones (count_cap None): {facet: (median, max) relative error in %} over the values
    holding at least 1% of the matches."""
    from newsdesk.store import Filters
    common = query_words()[1]
    errs: dict[str, list[float]] = {"outlet": [], "event_type": [], "factuality": []}
    for word in rng.sample(common, words):
        cap = store.count_cap
        est = store.facets(Filters(q=word))
        store.count_cap = None
        try:
            exact = store.facets(Filters(q=word))
        finally:
            store.count_cap = cap
        if not est.get("is_estimate"):
            continue
        n = sum(r["count"] for r in exact["outlet"])
        for name in errs:
            got = {r["value"]: r["count"] for r in est[name]}
            for r in exact[name]:
                if r["count"] >= 0.01 * n:
                    errs[name].append(100 * abs(got.get(r["value"], 0) - r["count"]) / r["count"])
    return {k: (pct(v, 50), max(v)) for k, v in errs.items() if v}


def api_paths(rng: random.Random) -> list[tuple[str, list[str]]]:
    """(name, [paths]) of the typical API calls, with varying parameters."""
    from urllib.parse import quote
    rare, common = query_words()
    phrases, ents = QUERY_POOLS["phrases"], QUERY_POOLS["entities"]

    def outlet_range():
        y, m = rng.choice([2023, 2024]), rng.randint(1, 12)
        return f"outlet={quote(rng.choice(OUTLETS))}&since={y}-{m:02d}-01&until={y}-{m:02d}-28"

    n = 60
    return [
        ("articles q=rare word", [f"/api/articles?q={quote(rng.choice(rare))}" for _ in range(n)]),
        ("articles q=common word", [f"/api/articles?q={quote(rng.choice(common))}" for _ in range(n)]),
        ("articles q=\"phrase\"", [f"/api/articles?q={quote(rng.choice(phrases))}" for _ in range(n)]),
        ("articles q=2 words", [f"/api/articles?q={quote(rng.choice(common) + ' ' + rng.choice(rare))}"
                                for _ in range(n)]),
        ("articles outlet+dates", [f"/api/articles?{outlet_range()}" for _ in range(n)]),
        ("articles event_type", [f"/api/articles?event_type={rng.choice(PLOVER_TYPES)}" for _ in range(n)]),
        ("articles entity", [f"/api/articles?entity={quote(rng.choice(ents))}" for _ in range(n)]),
        ("articles page 50", ["/api/articles?offset=1000"] * n),
        ("events event_type", [f"/api/events?event_type={rng.choice(PLOVER_TYPES)}&limit=100"
                               for _ in range(n)]),
        ("page call: q=rare +facets", [f"/api/articles?q={quote(rng.choice(rare))}&facets=1"
                                       for _ in range(n)]),
        ("page call: q=common +facets", [f"/api/articles?q={quote(rng.choice(common))}&facets=1"
                                         for _ in range(n)]),
        ("page call: outlet+dates +facets", [f"/api/articles?{outlet_range()}&facets=1"
                                             for _ in range(n)]),
        ("timeline event_type", [f"/api/timeline?event_type={rng.choice(PLOVER_TYPES)}"
                                 for _ in range(n)]),
    ]


def serve(url: str):
    """The API in its own process (uvicorn on 127.0.0.1), as deployed: (process, base URL)."""
    import httpx
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import sys, uvicorn; from newsdesk.api import create_app; "
            "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), "
            "log_level='warning')")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-c", code, url, str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the API server did not start")
        time.sleep(0.1)
    return proc, base


def time_api(url: str, clients: int, requests_total: int, seed: int, reps: int):
    """Per-call latency through the API (one client, ``reps`` calls each), then throughput:
    ``clients`` concurrent clients sending ``requests_total`` requests of the same mix."""
    try:
        import httpx
        import uvicorn  # noqa: F401
    except ImportError as exc:
        print(f"API bench skipped: {exc}")
        return None, None
    rng = random.Random(seed + 2)
    named = api_paths(rng)
    proc, base = serve(url)
    try:
        single = {}
        with httpx.Client(base_url=base, timeout=60) as c:
            for name, paths in named:
                c.get(paths[-1])  # warm
                lat = []
                for i in range(reps):
                    t = time.perf_counter()
                    r = c.get(paths[i % len(paths)])
                    lat.append((time.perf_counter() - t) * 1000)
                    if r.status_code != 200:
                        raise SystemExit(f"{paths[i % len(paths)]}: HTTP {r.status_code} {r.text[:200]}")
                single[name] = (pct(lat, 50), pct(lat, 95))
        mix = [p for i in range(60) for _, paths in named for p in paths[i:i + 1]]
        lat, errors, lock = [], [0], threading.Lock()
        counter = iter(range(requests_total))

        def client():
            with httpx.Client(base_url=base, timeout=60) as c:
                for i in counter:
                    path = mix[i % len(mix)]
                    t = time.perf_counter()
                    try:
                        ok = c.get(path).status_code == 200
                    except httpx.HTTPError:  # a timeout counts as an error, with its latency
                        ok = False
                    d = (time.perf_counter() - t) * 1000
                    with lock:
                        lat.append(d)
                        if not ok:
                            errors[0] += 1

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        conc = {"rps": len(lat) / wall, "p50": pct(lat, 50), "p95": pct(lat, 95),
                "errors": errors[0], "requests": len(lat)}
        return single, conc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _pg_value(v):
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return v.replace("\x00", "") if isinstance(v, str) else v


def load(url: str, n: int, seed: int) -> float:
    """Store n generated articles through ``newsdesk.store.bulk.bulk_load`` (SQLite:
    executemany per table per 2,000 articles; PostgreSQL: COPY on two loader connections,
    the secondary indexes, GIN and B-tree, built after). bench/bulk_load.py compares it with the old loads."""
    from newsdesk.store.bulk import bulk_load
    t = time.perf_counter()
    with open_store(url) as store:
        have = store.counts()["articles"]
        if have >= n:
            return 0.0
        if have:
            raise SystemExit(f"{url} holds {have} articles (fewer than {n}): start from an empty store")

        def progress(done):
            if done % 20000 == 0:
                print(f"  {done} articles, {time.perf_counter() - t:.0f} s", flush=True)
        bulk_load(store, make_articles(n, seed), batch_size=2000,
                  defer_indexes=not isinstance(store, SQLiteStore), progress=progress, workers=2)
        if not isinstance(store, SQLiteStore):
            store.conn.autocommit = True
            store.conn.execute("VACUUM ANALYZE")  # the visibility map index-only scans need
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="articles to generate (default: 100000)")
    ap.add_argument("--engines", default="sqlite,postgresql", help="comma-separated (default: both)")
    ap.add_argument("--pg-url", help="PostgreSQL database to use (default: a throwaway server)")
    ap.add_argument("--keep", metavar="PATH", help="SQLite file to (re)use instead of a temporary one")
    ap.add_argument("--reps", type=int, default=50, help="timed runs per query (default: 50)")
    ap.add_argument("--clients", type=int, default=32, help="concurrent API clients (default: 32)")
    ap.add_argument("--requests", type=int, default=2000, help="API requests in all (default: 2000)")
    ap.add_argument("--no-api", action="store_true", help="skip the API benchmark")
    ap.add_argument("--load-only", action="store_true", help="only generate and store the articles")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    SEED[0] = args.seed

    results, api, api_single, loads, facet_errs = {}, {}, {}, {}, {}
    tmp = tempfile.mkdtemp(prefix="newsdesk-bench-")
    pg = None
    try:
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            if engine == "sqlite":
                url = args.keep or os.path.join(tmp, "bench.db")
            elif engine == "postgresql":
                if args.pg_url:
                    url = args.pg_url
                else:
                    pg = TempPostgres()
                    url = pg.start()
            else:
                raise SystemExit(f"unknown engine {engine!r}")
            print(f"[{engine}] loading {args.n} articles ...", flush=True)
            loads[engine] = load(url, args.n, args.seed)
            print(f"[{engine}] loaded in {loads[engine]:.0f} s", flush=True)
            if args.load_only:
                continue
            print(f"[{engine}] timing queries ...", flush=True)
            results[engine] = time_store(url, args.reps, args.seed)
            facet_errs[engine] = FACET_ERRORS.get(url)
            if not args.no_api:
                print(f"[{engine}] API: {args.clients} clients, {args.requests} requests ...", flush=True)
                api_single[engine], api[engine] = time_api(url, args.clients, args.requests,
                                                           args.seed, args.reps)
            if pg is not None:
                pg.stop()
                pg = None
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    engines = list(results)
    if not engines:
        return 0
    print(f"\nstore queries, {args.n} articles, {args.reps} runs each: p50 / p95 in ms")
    names = list(next(iter(results.values())))
    w = max(map(len, names)) + 2
    print("query".ljust(w) + "".join(f"{e:>22}" for e in engines))
    for name in names:
        print(name.ljust(w) + "".join(f"{results[e][name][0]:>10.1f} /{results[e][name][1]:>9.1f}" for e in engines))
    print("load (s)".ljust(w) + "".join(f"{loads[e]:>22.0f}" for e in engines))
    for e in engines:
        errs = facet_errs.get(e)
        if errs:
            print(f"{e}: estimated facets of 5 common words vs exact, relative error of the values "
                  "holding >= 1% of the matches, median / max: " +
                  ", ".join(f"{k} {a:.1f} / {b:.1f} %" for k, (a, b) in errs.items()))
    if any(api_single.values()):
        print(f"\nAPI calls over HTTP (uvicorn in its own process, 127.0.0.1), one client, "
              f"{args.reps} calls each: p50 / p95 in ms")
        names = list(next(v for v in api_single.values() if v))
        w = max(map(len, names)) + 2
        print("call".ljust(w) + "".join(f"{e:>22}" for e in api_single))
        for name in names:
            print(name.ljust(w) + "".join(
                f"{api_single[e][name][0]:>10.1f} /{api_single[e][name][1]:>9.1f}"
                for e in api_single if api_single[e]))
    if any(api.values()):
        print(f"\nAPI over uvicorn on 127.0.0.1, {args.clients} concurrent clients, the mix above")
        print("engine".ljust(12) + f"{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
        for e, r in api.items():
            if r:
                print(e.ljust(12) + f"{r['requests']:>10}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p95']:>10.1f}{r['errors']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
