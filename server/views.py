"""The store -> the views historians look at: a timeline of the dated events of 1917–1921
(filters by type and place), a map drawn offline from the curated coordinates (events, unit
positions and movements), and the SPARQL query editor (YASGUI, served from node_modules).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)

from server.basemap import BaseLayer, Frame, atlas_path, base_layer
from server.iris import TKG, queries
from server.labels import Labeller, Link
from server.lang import current_lang, format_edtf
from server.state import current_state, store
from tarihkg.formats import RDF_FORMATS, RESULTS_FORMATS
from tarihkg.names import DATASET, SPARQL_PROLOGUE

log = logging.getLogger(__name__)

bp = Blueprint("views", __name__)

YEARS = DATASET.period
QUERIES = queries("views")
YASGUI_FILES = {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}


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
    """Every dated event between 1917 and 1921, by its earliest date."""
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


def _layout(events: list[TimelineEvent], width: float) -> float:
    """x by date over 1917-01-01..1922-01-01, y stacked so dots do not overlap."""
    start, end = YEARS[0], YEARS[1] + 1
    lanes: list[float] = []
    for ev in events:
        year, month, day = (int(p) for p in ev.earliest[:10].split("-"))
        frac = (year - start) + (month - 1) / 12 + (day - 1) / 365
        ev.x = 40 + (width - 80) * frac / (end - start)
        lane = next((i for i, last in enumerate(lanes) if ev.x - last > 9), len(lanes))
        if lane == len(lanes):
            lanes.append(ev.x)
        lanes[lane] = ev.x
        ev.y = 50 + 10 * lane
    return 70 + 10 * max(len(lanes), 1)


@bp.get("/timeline")
def timeline() -> str:
    lang = current_lang()
    events = timeline_events(lang)
    types = sorted({(t.iri, t.text) for e in events for t in e.types}, key=lambda x: x[1])
    places = sorted({(p.iri, p.text) for e in events for p in e.places}, key=lambda x: x[1])
    want_type = request.args.get("type", "")
    want_place = request.args.get("place", "")
    shown = [e for e in events
             if (not want_type or any(t.iri == want_type for t in e.types))
             and (not want_place or any(p.iri == want_place for p in e.places))]
    width = 1000.0
    height = _layout(shown, width)
    years = [(y, 40 + (width - 80) * (y - YEARS[0]) / (YEARS[1] + 1 - YEARS[0]))
             for y in range(YEARS[0], YEARS[1] + 2)]
    by_year: dict[str, list[TimelineEvent]] = defaultdict(list)
    for e in shown:
        by_year[e.earliest[:4]].append(e)
    return render_template("timeline.html", events=shown, total=len(events), types=types,
                           places=places, want_type=want_type, want_place=want_place,
                           width=width, height=height, years=years, by_year=by_year)


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
    x: float = 0.0
    y: float = 0.0
    ix: float | None = None
    iy: float | None = None


@dataclass
class Movement:
    """An event that went from one place to another."""

    event: Link
    origin: MapPlace
    destination: MapPlace
    actors: list[Link] = field(default_factory=list)


INSET = Frame(west=49.55, east=50.2, south=40.22, north=40.62, width=560)
REGION = Frame(west=36.0, east=52.0, south=37.0, north=45.0, width=1100)
# Cartographic names of the waters on the base map (Turkish, English, lon, lat, inset sheet?).
WATERS = (("Karadeniz", "Black Sea", 34.5, 43.2, False),
          ("Hazar Denizi", "Caspian Sea", 51.0, 41.2, False),
          ("Hazar Denizi", "Caspian Sea", 49.72, 40.26, True))
MAP_TEXT = {
    "land": ("Kara", "Land"),
    "sea": ("Deniz", "Sea"),
    "coast": ("Kıyı çizgisi", "Coastline"),
    "borders": ("Bugünkü sınırlar (1917–1921 sınırları farklıydı)",
                "Present-day borders (the borders of 1917–1921 were different)"),
    "events": ("Olay yeri", "Place of events"),
    "units": ("Birlik konumu", "Unit position"),
    "other": ("Diğer yer", "Other place"),
    "move": ("Hareket (olayın başlangıç ve varış yeri)", "Movement (an event's origin and "
             "destination)"),
    "credit": ("Altlık harita: Natural Earth (kamu malı, public domain); göller ve akarsular "
               "gösterilmez.", "Base map: Natural Earth (public domain); lakes and rivers "
               "are not drawn."),
    "missing": ("Altlık harita kurulu değil (`npm ci` çalıştırın): yalnızca koordinat ağı "
                "çizildi.", "The base map is not installed (run `npm ci`): only the grid is "
                "drawn."),
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


@dataclass
class MapSheet:
    """One SVG map: its frame, grid, base layer and the water labels that fall inside it."""

    frame: Frame
    grid: tuple[list[tuple[float, float]], list[tuple[float, float]]]
    base: BaseLayer | None
    waters: list[tuple[str, float, float]]


def _sheet(frame: Frame, step: float, lang: str) -> MapSheet:
    base = base_layer(atlas_path(current_app.config["NODE_MODULES"]), frame)
    waters = [(tr if lang == "tr" else en, *frame.xy(lon, lat))
              for tr, en, lon, lat, inset in WATERS
              if frame.contains(lon, lat) and inset == (frame == INSET)]
    return MapSheet(frame=frame, grid=frame.graticule(step), base=base,
                    waters=waters if base else [])


@bp.get("/map")
def map_view() -> str:
    lang = current_lang()
    places, movements = map_data(lang)
    frame = _frame(places)
    for p in places:
        p.x, p.y = frame.xy(p.lon, p.lat)
        if INSET.contains(p.lon, p.lat):
            p.ix, p.iy = INSET.xy(p.lon, p.lat)
    text = {key: tr if lang == "tr" else en for key, (tr, en) in MAP_TEXT.items()}
    return render_template("map.html", places=places, movements=movements, frame=frame,
                           main=_sheet(frame, 2.0, lang), inset=_sheet(INSET, 0.1, lang),
                           text=text, in_inset=[p for p in places if p.ix is not None])


# ---------------------------------------------------------------- query editor


def query_page() -> str:
    """The YASGUI page (also what ``/sparql`` shows a browser)."""
    state = current_state()
    installed = (_yasgui_dir() / "yasgui.min.js").is_file()
    initial = request.args.get("query") or (SPARQL_PROLOGUE + "\nSELECT * WHERE {\n  ?s ?p ?o\n}"
                                            " LIMIT 10\n")
    return render_template("sparql.html", examples=state.examples, installed=installed,
                           initial_query=initial, results_formats=RESULTS_FORMATS,
                           rdf_formats=RDF_FORMATS)


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
