"""Natural Earth TopoJSON in node_modules (world-atlas) + a lon/lat frame -> SVG path data for
land, coastlines and present-day borders, clipped to the frame and projected as the markers are;
or the same layers as GeoJSON in lon/lat for the zoomable (Leaflet) map.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ATLAS_PACKAGE = "world-atlas"
ATLAS_FILE = "countries-10m.json"
TOLERANCE = 0.6  # px: a point closer than this to the last one drawn is dropped

Point = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """A lon/lat box drawn into a width x height SVG (equirectangular, scaled by cos(lat))."""

    west: float
    east: float
    south: float
    north: float
    width: float

    @property
    def height(self) -> float:
        k = math.cos(math.radians((self.north + self.south) / 2))
        return self.width * (self.north - self.south) / ((self.east - self.west) * k)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.width * (lon - self.west) / (self.east - self.west)
        y = self.height * (self.north - lat) / (self.north - self.south)
        return round(x, 1), round(y, 1)

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def grown(self, degrees: float) -> Frame:
        """The same projection's box widened by ``degrees`` on every side."""
        return Frame(west=self.west - degrees, east=self.east + degrees,
                     south=self.south - degrees, north=self.north + degrees, width=self.width)

    def graticule(self, step: float) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
        """(lon, x) and (lat, y) of the grid lines at every ``step`` degrees."""
        lons = _steps(self.west, self.east, step)
        lats = _steps(self.south, self.north, step)
        return ([(lo, self.xy(lo, self.north)[0]) for lo in lons],
                [(la, self.xy(self.west, la)[1]) for la in lats])


def _steps(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 3) for i in range(int((hi - first) / step) + 1)]


@dataclass(frozen=True)
class BaseLayer:
    """SVG path data of one frame, and where the data comes from."""

    land: str
    coast: str
    borders: str
    attribution: str


@dataclass(frozen=True)
class Atlas:
    """A decoded TopoJSON topology: arcs in lon/lat, land rings, coast and border arcs."""

    arcs: list[list[Point]]
    land: list[list[int]]
    coast: list[int]
    borders: list[int]
    attribution: str


def atlas_path(node_modules: str | Path) -> Path:
    """Where ``npm ci`` puts the Natural Earth countries topology."""
    return Path(node_modules) / ATLAS_PACKAGE / ATLAS_FILE


@functools.lru_cache(maxsize=2)
def load_atlas(path: Path) -> Atlas | None:
    """The topology at ``path`` decoded once per process; None (logged) if it is missing."""
    if not path.is_file():
        log.warning("no base map at %s (run `npm ci`): the map is drawn without it", path)
        return None
    topology = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = [list(zip((x * sx + tx for x in accumulate(p[0] for p in arc)),
                     (y * sy + ty for y in accumulate(p[1] for p in arc)), strict=True))
            for arc in topology["arcs"]]
    land = [ring for geometry in topology["objects"]["land"]["geometries"]
            for polygon in _polygons(geometry) for ring in polygon]
    used_by: Counter[int] = Counter()
    for geometry in topology["objects"]["countries"]["geometries"]:
        used_by.update({_arc_index(i) for polygon in _polygons(geometry)
                        for ring in polygon for i in ring})
    package = json.loads((path.parent / "package.json").read_text(encoding="utf-8"))
    attribution = f"Natural Earth 1:10m via {package['name']} {package['version']}"
    return Atlas(arcs=arcs, land=land,
                 coast=sorted(i for i, n in used_by.items() if n == 1),
                 borders=sorted(i for i, n in used_by.items() if n > 1),
                 attribution=attribution)


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


def _arc_index(i: int) -> int:
    return i if i >= 0 else ~i


def _ring(atlas: Atlas, indices: list[int]) -> list[Point]:
    points: list[Point] = []
    for i in indices:
        arc = atlas.arcs[i] if i >= 0 else atlas.arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


@functools.lru_cache(maxsize=8)
def base_layer(path: Path, frame: Frame) -> BaseLayer | None:
    """Land, coastlines and present-day borders of ``frame`` as SVG path data."""
    atlas = load_atlas(path)
    if atlas is None:
        return None
    box = frame.grown(0.2)
    land = [_clip_ring(_ring(atlas, ring), box) for ring in atlas.land]
    return BaseLayer(land=_path((frame.xy(*p) for p in ring) for ring in land if len(ring) > 2),
                     coast=_lines(atlas, atlas.coast, frame, box),
                     borders=_lines(atlas, atlas.borders, frame, box),
                     attribution=atlas.attribution)


def _clip_ring(ring: list[Point], box: Frame) -> list[Point]:
    """Sutherland–Hodgman: the part of a closed ring inside ``box`` (edges along the box where
    it was cut; the fill hides them and the coastline is drawn from the arcs)."""
    edges = ((0, box.west, True), (0, box.east, False), (1, box.south, True),
             (1, box.north, False))
    for axis, limit, keep_above in edges:
        if not ring:
            break
        clipped: list[Point] = []
        previous = ring[-1]
        for point in ring:
            inside = (point[axis] >= limit) == keep_above
            was_inside = (previous[axis] >= limit) == keep_above
            if inside != was_inside:
                clipped.append(_cut(previous, point, axis, limit))
            if inside:
                clipped.append(point)
            previous = point
        ring = clipped
    return ring


def _cut(a: Point, b: Point, axis: int, limit: float) -> Point:
    t = (limit - a[axis]) / (b[axis] - a[axis])
    other = a[1 - axis] + t * (b[1 - axis] - a[1 - axis])
    return (limit, other) if axis == 0 else (other, limit)


def _lines(atlas: Atlas, indices: list[int], frame: Frame, box: Frame) -> str:
    """The arcs as polylines, broken where they leave ``box``."""
    runs: list[list[tuple[float, float]]] = []
    for i in indices:
        run: list[tuple[float, float]] = []
        for lon, lat in atlas.arcs[i]:
            if box.contains(lon, lat):
                run.append(frame.xy(lon, lat))
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    return _path(runs, closed=False)


def _path(rings: Iterable[Iterable[tuple[float, float]]], *, closed: bool = True) -> str:
    parts = []
    for ring in rings:
        kept: list[tuple[float, float]] = []
        for x, y in ring:
            if not kept or abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= TOLERANCE:
                kept.append((x, y))
        if len(kept) < 2:
            continue
        head, *tail = kept
        parts.append(f"M{head[0]:g} {head[1]:g}" + "".join(f"L{x:g} {y:g}" for x, y in tail)
                     + ("Z" if closed else ""))
    return "".join(parts)


def _thin(points: Iterable[Point], tolerance: float) -> list[list[float]]:
    """[lon, lat] pairs (3 decimals) without points closer than ``tolerance`` degrees."""
    kept: list[list[float]] = []
    for lon, lat in points:
        if not kept or abs(lon - kept[-1][0]) + abs(lat - kept[-1][1]) >= tolerance:
            kept.append([round(lon, 3), round(lat, 3)])
    return kept


@functools.lru_cache(maxsize=4)
def base_geojson(path: Path, frame: Frame, tolerance: float = 0.01) -> dict[str, Any] | None:
    """Land (one polygon whose rings are drawn even-odd, as in the SVG), coastlines and
    present-day borders of ``frame`` (grown by 1°) as GeoJSON in lon/lat, for a zoomable map."""
    atlas = load_atlas(path)
    if atlas is None:
        return None
    box = frame.grown(1.0)
    land = [_thin(_clip_ring(_ring(atlas, ring), box), tolerance) for ring in atlas.land]

    def runs(indices: list[int]) -> list[list[list[float]]]:
        out: list[list[list[float]]] = []
        for i in indices:
            run: list[Point] = []
            for lon, lat in atlas.arcs[i]:
                if box.contains(lon, lat):
                    run.append((lon, lat))
                elif run:
                    out.append(_thin(run, tolerance))
                    run = []
            if run:
                out.append(_thin(run, tolerance))
        return [r for r in out if len(r) > 1]

    def feature(layer: str, kind: str, coordinates: list[Any]) -> dict[str, Any]:
        return {"type": "Feature", "properties": {"layer": layer},
                "geometry": {"type": kind, "coordinates": coordinates}}

    return {"type": "FeatureCollection", "attribution": atlas.attribution, "features": [
        feature("land", "Polygon", [r for r in land if len(r) > 3]),
        feature("border", "MultiLineString", runs(atlas.borders)),
        feature("coast", "MultiLineString", runs(atlas.coast)),
    ]}
