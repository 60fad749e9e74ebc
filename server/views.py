"""The store -> the views historians look at: a timeline of the dated events of the dataset's
period (``data/dataset.yaml``; filters by type and place), a map drawn offline from the curated
coordinates (events, unit positions and movements), and the SPARQL query editor (YASGUI, served
from node_modules).
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
)

from server.basemap import Frame, atlas_path, base_geojson
from server.errors import bad_request, not_found
from server.iris import TKG, queries
from server.labels import Labeller, Link
from server.lang import PERIOD, current_lang, format_edtf
from server.state import current_state, store
from tarihkg.formats import RDF_FORMATS, RESULTS_FORMATS
from tarihkg.names import DATASET, SPARQL_PROLOGUE

log = logging.getLogger(__name__)

bp = Blueprint("views", __name__)

YEARS = DATASET.period
QUERIES = queries("views")
YASGUI_FILES = {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}
LEAFLET_FILES = {"leaflet.js", "leaflet.css", "leaflet.js.map"}


# ---------------------------------------------------------------- timeline


@dataclass
class TimelineEvent:
    """An event on the timeline."""

    link: Link
    earliest: str
    edtf: str
    date_text: str
    wording: str | None
    types: list[Link] = field(default_factory=list)
    places: list[Link] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0


def timeline_events(lang: str) -> list[TimelineEvent]:
    """Every dated event within the dataset's period (`YEARS`), by its earliest date."""
    st = store()
    first, last = YEARS
    rows = QUERIES.rows(st, "timeline-events", {"first": str(first), "last": str(last)})
    labeller = Labeller(st, lang)
    labeller.prefetch({r["e"] for r in rows} | {r["type"] for r in rows if "type" in r}
                      | {r["place"] for r in rows if "place" in r})
    events: dict[str, TimelineEvent] = {}
    for r in rows:
        ev = events.get(r["e"])
        if ev is None or r["earliest"] < ev.earliest:
            old = ev
            ev = events[r["e"]] = TimelineEvent(labeller.link(r["e"]), r["earliest"], r["edtf"],
                                                format_edtf(r["edtf"], lang), r.get("wording"))
            if old is not None:
                ev.types, ev.places = old.types, old.places
        if "type" in r and r["type"] != TKG + "Event":
            link = labeller.link(r["type"])
            if link not in ev.types:
                ev.types.append(link)
        if "place" in r:
            link = labeller.link(r["place"])
            if link not in ev.places:
                ev.places.append(link)
    return sorted(events.values(), key=lambda e: (e.earliest, e.link.text))


def _years(day: str) -> float:
    """A ``YYYY-MM-DD`` day as a fractional year.

    >>> _years("1918-07-01")
    1918.5
    """
    year, month, day_of_month = (int(p) for p in day[:10].split("-"))
    return year + (month - 1) / 12 + (day_of_month - 1) / 365


def _layout(events: list[TimelineEvent], width: float, start: float, end: float) -> float:
    """x by date over [start, end) (fractional years), y stacked so dots do not overlap."""
    lanes: list[float] = []
    for ev in events:
        ev.x = 40 + (width - 80) * (_years(ev.earliest) - start) / (end - start)
        lane = next((i for i, last in enumerate(lanes) if ev.x - last > 9), len(lanes))
        if lane == len(lanes):
            lanes.append(ev.x)
        lanes[lane] = ev.x
        ev.y = 50 + 10 * lane
    return 70 + 10 * max(len(lanes), 1)


def _day(value: str | None, default: str) -> str:
    """A ``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY``) request value clamped to the dataset's
    period (`YEARS`), else the default; a value that is no date is a 400."""
    if not value:
        return default
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if m is None or not 1 <= int(m.group(2) or 1) <= 12 or not 1 <= int(m.group(3) or 1) <= 31:
        raise bad_request(f"not a date: {value!r}; use YYYY-MM-DD")
    day = f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"
    return min(max(day, f"{YEARS[0]}-01-01"), f"{YEARS[1]}-12-31")


def _shown_events(events: list[TimelineEvent], want_type: str, want_place: str, first: str,
                  last: str) -> list[TimelineEvent]:
    """The events of the wanted type and place (empty: any) whose earliest day is in the range."""
    return [e for e in events
            if (not want_type or any(t.iri == want_type for t in e.types))
            and (not want_place or any(p.iri == want_place for p in e.places))
            and first <= e.earliest[:10] <= last]


def _ticks(start: float, end: float, width: float) -> list[tuple[str, float]]:
    """The axis ticks (label, x): one a year, or one a month for a range under two years."""
    if end - start < 2:
        return [(f"{y}-{m:02d}", 40 + (width - 80) * (y + (m - 1) / 12 - start) / (end - start))
                for y in range(int(start), int(end) + 1) for m in range(1, 13)
                if start <= y + (m - 1) / 12 <= end]
    return [(str(y), 40 + (width - 80) * (y - start) / (end - start))
            for y in range(int(start) + 1 if start > int(start) else int(start), int(end) + 1)]


@bp.get("/timeline")
def timeline() -> str:
    lang = current_lang()
    events = timeline_events(lang)
    types = sorted({(t.iri, t.text) for e in events for t in e.types}, key=lambda x: x[1])
    places = sorted({(p.iri, p.text) for e in events for p in e.places}, key=lambda x: x[1])
    want_type = request.args.get("type", "")
    want_place = request.args.get("place", "")
    first = _day(request.args.get("from"), f"{YEARS[0]}-01-01")
    last = _day(request.args.get("to"), f"{YEARS[1]}-12-31")
    if last < first:
        first, last = last, first
    shown = _shown_events(events, want_type, want_place, first, last)
    width = 1000.0
    start, end = _years(first), _years(last) + 1 / 365
    height = _layout(shown, width, start, end)
    ticks = _ticks(start, end, width)
    by_year: dict[str, list[TimelineEvent]] = defaultdict(list)
    for e in shown:
        by_year[e.earliest[:4]].append(e)
    return render_template("timeline.html", events=shown, total=len(events), types=types,
                           places=places, want_type=want_type, want_place=want_place,
                           first=first, last=last, width=width, height=height, ticks=ticks,
                           by_year=by_year)


# ---------------------------------------------------------------- map


@dataclass
class MapPlace:
    """A place with coordinates and what happened there."""

    link: Link
    lat: float
    lon: float
    name: str
    source: str
    events: list[Link] = field(default_factory=list)
    units: list[tuple[Link, str | None]] = field(default_factory=list)


@dataclass
class Movement:
    """An event that went from one place to another."""

    event: Link
    origin: MapPlace
    destination: MapPlace
    actors: list[Link] = field(default_factory=list)


REGION = Frame(west=36.0, east=52.0, south=37.0, north=45.0, width=1100)
MAP_TEXT = {
    "land": ("Kara", "Land"),
    "sea": ("Deniz", "Sea"),
    "coast": ("Kıyı çizgisi", "Coastline"),
    "borders": (f"Bugünkü sınırlar ({PERIOD} sınırları farklıydı)",
                f"Present-day borders (the borders of {PERIOD} were different)"),
    "events": ("Olay yeri", "Place of events"),
    "units": ("Birlik konumu", "Unit position"),
    "move": ("Hareket (olayın başlangıç ve varış yeri)", "Movement (an event's origin and "
             "destination)"),
    "credit": ("Altlık harita: Natural Earth (kamu malı, public domain); göller ve akarsular "
               "gösterilmez.", "Base map: Natural Earth (public domain); lakes and rivers "
               "are not drawn."),
    "missing": ("Harita kitaplığı (Leaflet) kurulu değil (`npm ci` çalıştırın): yalnızca tablo "
                "gösteriliyor.", "The map library (Leaflet) is not installed (run `npm ci`): "
                "only the table is shown."),
}


def map_data(lang: str) -> tuple[list[MapPlace], list[Movement]]:
    """Places with coordinates, the events at them, units positioned there, and movements."""
    st = store()
    rows = QUERIES.rows(st, "map-places")
    labeller = Labeller(st, lang)
    labeller.prefetch([r["p"] for r in rows])
    places = {r["p"]: MapPlace(labeller.link(r["p"]), float(r["lat"]), float(r["lon"]),
                               r.get("name", ""), r.get("src", "")) for r in rows}
    events = QUERIES.rows(st, "map-events")
    positions = QUERIES.rows(st, "map-positions")
    moves = QUERIES.rows(st, "map-movements")
    labeller.prefetch({r["e"] for r in events} | {r["u"] for r in positions}
                      | {r["e"] for r in moves} | {r["actor"] for r in moves if "actor" in r})
    for r in events:
        link = labeller.link(r["e"])
        if link not in places[r["p"]].events:
            places[r["p"]].events.append(link)
    for r in positions:
        date = format_edtf(r["edtf"], lang) if "edtf" in r else None
        places[r["p"]].units.append((labeller.link(r["u"]), date))
    movements: dict[tuple[str, str, str], Movement] = {}
    for r in moves:
        if r["o"] == r["d"]:
            continue
        key = (r["e"], r["o"], r["d"])
        mv = movements.setdefault(key, Movement(labeller.link(r["e"]), places[r["o"]],
                                                places[r["d"]]))
        if "actor" in r and labeller.link(r["actor"]) not in mv.actors:
            mv.actors.append(labeller.link(r["actor"]))
    return sorted(places.values(), key=lambda p: p.link.text), list(movements.values())


def _frame(places: list[MapPlace]) -> Frame:
    """The region of the texts, widened to every place with coordinates."""
    lons = [p.lon for p in places] or [REGION.west]
    lats = [p.lat for p in places] or [REGION.south]
    return Frame(west=min(math.floor(min(lons) - 0.5), REGION.west),
                 east=max(math.ceil(max(lons) + 0.5), REGION.east),
                 south=min(math.floor(min(lats) - 0.5), REGION.south),
                 north=max(math.ceil(max(lats) + 0.5), REGION.north), width=REGION.width)


@bp.get("/map")
def map_view() -> str:
    lang = current_lang()
    places, movements = map_data(lang)
    text = {key: tr if lang == "tr" else en for key, (tr, en) in MAP_TEXT.items()}
    kinds = sorted({(t.iri, t.text) for e in timeline_events(lang) for t in e.types},
                   key=lambda x: x[1])
    return render_template("map.html", places=places, movements=movements, text=text,
                           kinds=kinds, years=range(YEARS[0], YEARS[1] + 1),
                           leaflet=(_leaflet_dir() / "leaflet.js").is_file())


def _dated(link: Link, dated: dict[str, TimelineEvent]) -> dict[str, object]:
    ev = dated.get(link.iri)
    return {"label": link.text, "href": link.href, "date": ev.date_text if ev else None,
            "year": int(ev.earliest[:4]) if ev else None,
            "kinds": [t.iri for t in ev.types] if ev else []}


@bp.get("/map/places.json")
def map_places() -> Response:
    """The places with coordinates as GeoJSON points, each with its dated events (year, kind),
    the units placed there and its page; the movements as lines."""
    lang = current_lang()
    places, movements = map_data(lang)
    dated = {e.link.iri: e for e in timeline_events(lang)}
    features: list[dict[str, object]] = []
    for p in places:
        features.append({
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {"label": p.link.text, "href": p.link.href,
                           "events": [_dated(e, dated) for e in p.events],
                           "units": [{"label": u.text, "href": u.href, "date": d}
                                     for u, d in p.units]}})
    for m in movements:
        features.append({
            "type": "Feature", "geometry": {"type": "LineString", "coordinates": [
                [m.origin.lon, m.origin.lat], [m.destination.lon, m.destination.lat]]},
            "properties": {"movement": True, **_dated(m.event, dated)}})
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.get("/map/base.json")
def map_base() -> Response:
    """Land, coastlines and present-day borders (Natural Earth) of the region, as GeoJSON."""
    places, _ = map_data(current_lang())
    layer = base_geojson(atlas_path(current_app.config["NODE_MODULES"]), _frame(places))
    if layer is None:
        raise not_found("the base map is not installed (run `npm ci`)")
    response = jsonify(layer)
    response.cache_control.max_age = 3600
    return response


def _leaflet_dir() -> Path:
    return Path(current_app.config["NODE_MODULES"]) / "leaflet" / "dist"


@bp.get("/vendor/leaflet/<name>")
def leaflet(name: str) -> Response:
    """Leaflet's built files from node_modules (installed by ``npm ci``; never from a CDN)."""
    if name not in LEAFLET_FILES or not (_leaflet_dir() / name).is_file():
        abort(404)
    return send_from_directory(_leaflet_dir(), name, max_age=3600)


# ---------------------------------------------------------------- query editor


def query_page() -> str:
    """The YASGUI page (also what ``/sparql`` shows a browser). ``?example={file}`` opens a
    shipped example, ``?query=`` a shared query; either is run as soon as the page loads."""
    state = current_state()
    installed = (_yasgui_dir() / "yasgui.min.js").is_file()
    asked = request.args.get("example")
    example = next((ex for ex in state.examples if ex.name == asked), None)
    if asked is not None and example is None:
        raise not_found(f"no example query {asked!r}")
    initial = example.text if example else request.args.get("query")
    return render_template("sparql.html", examples=state.examples, installed=installed,
                           initial_query=initial or (SPARQL_PROLOGUE + "\nSELECT * WHERE {\n"
                                                     "  ?s ?p ?o\n} LIMIT 10\n"),
                           run=initial is not None, example=example,
                           results_formats=RESULTS_FORMATS, rdf_formats=RDF_FORMATS)


@bp.get("/query")
def query() -> str:
    return query_page()


def _yasgui_dir() -> Path:
    return Path(current_app.config["NODE_MODULES"]) / "@zazuko" / "yasgui" / "build"


@bp.get("/vendor/yasgui/<name>")
def yasgui(name: str) -> Response:
    """YASGUI's built files from node_modules (installed by ``npm ci``; never from a CDN)."""
    if name not in YASGUI_FILES:
        abort(404)
    directory = _yasgui_dir()
    if not (directory / name).is_file():
        log.warning("YASGUI is not installed under %s (run `npm ci`)", directory)
        abort(404)
    response = send_from_directory(directory, name, max_age=3600)
    return response
