"""Search benchmark: query latency of the stores on a synthetic 100,000-article corpus.

    python bench/search.py                      # 100,000 articles, SQLite and PostgreSQL
    python bench/search.py --n 5000             # a quick run
    python bench/search.py --engines sqlite --keep /tmp/bench.db

Articles are generated, deterministically (--seed), from the vocabulary of the sample
corpus (examples/corpus): word frequencies as there, 300-800 words each, a title, one of
20 outlets, a publication time over two years, and annotation rows drawn from Zipf-like
pools (about 8 entities, 3 places with coordinates, 3 events, 2 statements per article).
They are stored through the store's own ``add_many`` (the ingest path).

Timed through the store contract (``store.articles`` & co.), each query ``--reps`` times
with varying parameters: a full-text word, a phrase, outlet + date range, an event type
(events and articles), an entity, and the facets the API adds to every article page.
Latency p50/p95 per engine. Then, if ``newsdesk.api.create_app`` exists, the API is served
by uvicorn on 127.0.0.1 and hit by 32 concurrent clients for a bounded number of requests:
requests per second and latency per engine.

PostgreSQL: --pg-url, or a throwaway server started from the installed binaries
(/usr/lib/postgresql/<ver>/bin; as the "postgres" user when run as root) and removed after.
This bench does not read ../shared and is not part of the quality gate.
"""
from __future__ import annotations

import argparse
import collections
import glob
import os
import random
import re
import shutil
import socket
import statistics
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
from newsdesk.store import open_store  # noqa: E402

OUTLETS = [f"{a} {b}" for a, b in zip(
    ["Harbor", "Eastline", "Meridian", "Plains", "Danube", "Northgate", "Coastal", "Valley", "Atlas",
     "Borderland", "Crosswind", "Hilltop", "River", "Summit", "Lantern", "Altiplano", "Baltic",
     "Steppe", "Delta", "Fjord"],
    ["Ledger", "Post", "Wire", "Gazette", "Courier", "Tribune", "Dispatch", "Courier", "Daily",
     "Review", "News", "Herald", "Current", "Observer", "Times", "Voice", "Echo", "Standard",
     "Monitor", "Journal"])]
LABELS = ["PERSON", "ORG", "GPE", "NORP"]


def vocabulary(skip_broken: bool = False) -> tuple[list[str], list[int]]:
    """Words of the sample corpus with their counts (tags stripped from HTML). The
    articles are generated from all of them; queries skip the binary junk of broken/."""
    counts: collections.Counter = collections.Counter()
    for path in (ROOT / "examples" / "corpus").rglob("*"):
        if path.suffix not in (".txt", ".html", ".jsonl") or not path.is_file():
            continue
        if skip_broken and "broken" in path.parts:
            continue
        text = path.read_text("utf-8", errors="ignore")
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
        counts.update(w.lower() for w in re.findall(r"[A-Za-z][a-z']{1,}", text))
    words = [w for w, c in counts.items() if c >= 1 and len(w) < 20]
    return words, [counts[w] for w in words]


def pools(rng: random.Random, words: list[str]):
    """The entity names (most mentioned first) and places the articles draw from."""
    persons = [f"{rng.choice(['Anna', 'Ivan', 'Maria', 'Omar', 'Li', 'Sara', 'Tomas', 'Nadia', 'Pavel', 'Elena'])} "
               f"{rng.choice(words).capitalize()}{i}" for i in range(2000)]
    places = [(f"Town{i}", rng.choice(["UA", "NO", "MD", "AM", "GE", "SD", "ML", "TW"]),
               round(rng.uniform(-40, 65), 4), round(rng.uniform(-20, 140), 4), 100000 + i) for i in range(300)]
    return persons, places


def make_articles(n: int, seed: int):
    rng = random.Random(seed)
    words, weights = vocabulary()
    cum = list(__import__("itertools").accumulate(weights))
    persons, places = pools(rng, words)
    zipf_p = [1 / (i + 1) for i in range(len(persons))]
    zipf_cum = list(__import__("itertools").accumulate(zipf_p))
    zipf_pl = list(__import__("itertools").accumulate(1 / (i + 1) for i in range(len(places))))
    start = time.mktime((2023, 1, 1, 0, 0, 0, 0, 0, 0))
    for i in range(n):
        length = rng.randint(300, 800)
        body = rng.choices(words, cum_weights=cum, k=length)
        sentences, k = [], 0
        while k < length:
            m = rng.randint(8, 25)
            s = " ".join(body[k:k + m])
            sentences.append(s[:1].upper() + s[1:] + ".")
            k += m
        text = " ".join(sentences)
        title = " ".join(rng.choices(words, cum_weights=cum, k=rng.randint(5, 10))).capitalize()
        ts = time.gmtime(start + rng.random() * 2 * 365 * 86400)
        published = time.strftime("%Y-%m-%dT%H:%M", ts)
        ents = [persons[j] for j in (rng.choices(range(len(persons)), cum_weights=zipf_cum, k=8))]
        pls = [places[j] for j in rng.choices(range(len(places)), cum_weights=zipf_pl, k=3)]
        L = len(text)

        def sp():
            a = rng.randrange(0, max(1, L - 20))
            return a, a + rng.randint(3, 15)

        yield Article(
            id=f"b{i:07d}", text=text, title=title, published=published, outlet=rng.choice(OUTLETS),
            url=f"https://bench.example/{i}", language="en", source=f"bench:{i}",
            entities=[Entity(e, rng.choice(LABELS), *sp(), e) for e in ents],
            places=[Place(p[0], *sp(), p[0], p[1], p[2], p[3], p[4], "city") for p in pls],
            events=[Event(rng.choice(PLOVER_TYPES), rng.choice(words), *sp(), actors=[rng.choice(ents)],
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
                        "-c fsync=off -c shared_buffers=512MB -c max_connections=200")
        self._run(f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "bench")
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/bench"

    def stop(self):
        try:
            self._run(f"{self.bindir}/pg_ctl", "stop", "-D", self.data, "-m", "fast")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# -- timing ------------------------------------------------------------------------------------

SEED = [7]


def query_words() -> tuple[list[str], list[str]]:
    """Query words: rare ones (seen once or twice in the sample corpus: in about 2-5% of
    the generated articles, a typical search) and common ones (3-40 times: 10-70%)."""
    words, weights = vocabulary()
    clean = set(vocabulary(skip_broken=True)[0])
    pairs = [(w, c) for w, c in zip(words, weights) if w in clean]
    words, weights = [w for w, _ in pairs], [c for _, c in pairs]
    rare = [w for w, c in zip(words, weights) if c <= 2 and len(w) > 3]
    common = [w for w, c in zip(words, weights) if 3 <= c <= 40 and len(w) > 3]
    return rare or words, common or words


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def queries(rng: random.Random, store):
    """(name, [callables]) of typical queries with varying parameters."""
    words, weights = vocabulary()
    rare, common = query_words()
    sample = store.articles(F(), limit=200).items
    texts = [store.get(a["id"]).text.split() for a in sample[:50]]
    phrases = []
    for t in texts:
        k = rng.randrange(0, len(t) - 3)
        phrases.append('"' + " ".join(w.strip(".") for w in t[k:k + 2]) + '"')
    # Entities of typical frequency: ranks 50-500 of the Zipf pool (0.2-2% of articles).
    ents = pools(random.Random(SEED[0]), words)[0][50:500]

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
        for name, fn in queries(rng, store):
            fn()  # warm
            lat = []
            for _ in range(reps):
                t = time.perf_counter()
                fn()
                lat.append((time.perf_counter() - t) * 1000)
            out[name] = (pct(lat, 50), pct(lat, 95))
    return out


def time_api(url: str, clients: int, requests_total: int, seed: int):
    try:
        from newsdesk.api import create_app
        import httpx
        import uvicorn
    except ImportError as exc:
        print(f"API bench skipped: {exc}")
        return None
    rng = random.Random(seed + 2)
    rare, _ = query_words()
    app = create_app(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/api/health", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    paths = [f"/api/articles?q={rng.choice(rare)}" for _ in range(50)] + \
            [f"/api/articles?outlet={OUTLETS[i % 20].replace(' ', '%20')}&since=2024-01-01&until=2024-03-31"
             for i in range(20)] + \
            [f"/api/events?event_type={t}&limit=50" for t in PLOVER_TYPES]
    lat, errors, lock = [], [0], threading.Lock()
    counter = iter(range(requests_total))

    def client():
        with httpx.Client(base_url=base, timeout=30) as c:
            for i in counter:
                path = paths[i % len(paths)]
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
    server.should_exit = True
    thread.join(timeout=10)
    return {"rps": len(lat) / wall, "p50": pct(lat, 50), "p95": pct(lat, 95), "errors": errors[0],
            "requests": len(lat)}


def load(url: str, n: int, seed: int) -> float:
    t = time.perf_counter()
    with open_store(url) as store:
        if store.counts()["articles"] >= n:
            return 0.0
        for _ in store.add_many(make_articles(n, seed), **({"commit_every": 500})):
            pass
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

    results, api, loads = {}, {}, {}
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
            if not args.no_api:
                print(f"[{engine}] API: {args.clients} clients, {args.requests} requests ...", flush=True)
                api[engine] = time_api(url, args.clients, args.requests, args.seed)
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
    if any(api.values()):
        print(f"\nAPI over uvicorn on 127.0.0.1, {args.clients} concurrent clients")
        print("engine".ljust(12) + f"{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
        for e, r in api.items():
            if r:
                print(e.ljust(12) + f"{r['requests']:>10}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p95']:>10.1f}{r['errors']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
