"""The map as a static picture: PNG and multi-page PDF, drawn on the server without a browser.

Used by the "download map as PNG" button, for briefing-deck handouts (one 1920x1080 page per
scene) and by the CLI. Plain data in, bytes out: this module imports neither streamlit nor
folium, uses matplotlib's object-oriented API on the Agg canvas (never pyplot, never global
rcParams, so it is safe to call from several threads) and gives the same bytes for the same
scene.

Layout (landscape, readable on a projector from the back of a room): the map fills the left
~70% in a Lambert conformal conic projection centred on the regions; neighbours light grey on
a pale-blue sea; every region filled with its disposition's colour *and* hatch (colour never
carries meaning alone); a region split between two provisions is drawn as alternating bands
of both, or part by part when the scene gives the parts. The right panel holds the title,
subtitle, date line, the wrapped caption, a legend of the dispositions shown and, at the
bottom, the sources.

Every string is plain data: mathtext and TeX are off for every text artist, so a caption with
``$x$`` or ``<script>`` prints literally.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Bbox
from pyproj import CRS, Transformer
from shapely import affinity
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

from claims_atlas.core import vocab

__all__ = ["MapScene", "render_pdf", "render_png", "render_pngs"]

# -- style ---------------------------------------------------------------------------------

FONT = "DejaVu Sans"  # ships with matplotlib: same metrics, same bytes on every machine
TEXT = "#111111"
MUTED = "#3a3a3a"
SEA = "#d6e6f2"
LAND = "#d9d9d9"
LAND_EDGE = "#ffffff"
LAND_TEXT = "#6b6b6b"
SEA_TEXT = "#5b7a93"
REGION_EDGE = "#ffffff"
BORDER = "#3d3d3d"
HIGHLIGHT = "#000000"
CONTACT = "#000000"
RULE = "#c8c8c8"

# Sizes in points for a 19.2 x 10.8 in figure (1920 x 1080 px at 100 dpi); scaled otherwise.
PT_TITLE = 30
PT_SUBTITLE = 20
PT_DATE = 16
PT_CAPTION = 17
PT_CAPTION_STEPS = (17, 15.5, 14)  # tried in turn when the caption does not fit
PT_LEGEND_HEAD = 18
PT_LEGEND = 18
PT_SOURCES = 12
PT_REGION = 15
PT_COUNTRY = 14
PT_SEA = 14
PT_SCALE = 12

MAP_FRACTION = 0.695  # of the figure's width
PANEL_PAD = 0.021  # of the figure's width, each side of the panel's text
TITLE_MAX_LINES = 4  # longer titles, subtitles, date lines and sources end in an ellipsis
SUBTITLE_MAX_LINES = 3
DATE_MAX_LINES = 2
SOURCES_MAX_LINES = 10
MAX_CHARS = 4000  # of any one text: more than the panel can show
STRIPE_PX = 30  # width of one band of a split region, in pixels at 1920 x 1080
STRIPE_ANGLE = 30.0  # degrees; none of the hatches runs at this angle
BASE_W_IN, BASE_H_IN = 19.2, 10.8

# Open water worth naming, (label, lon, lat); drawn only where the point is sea and in view.
SEA_LABELS = (("Black Sea", 31.2, 44.75), ("Sea of Azov", 36.75, 46.15))

_PNG_METADATA_KEY = "Software"
_PNG_SOFTWARE = "claims-atlas static_map"
_LONLAT = "EPSG:4326"


@dataclass(frozen=True)
class MapScene:
    title: str  # e.g. "US 28-point plan (leaked, 20 Nov 2025)"
    # region id -> 1 or 2 disposition ids (2 = region split between provisions, drawn as
    # alternating stripes of both colours/hatches, or, when `split_geoms` gives the parts,
    # each part filled separately)
    dispositions: Mapping[str, Sequence[str]]
    caption: str = ""
    highlight: Sequence[str] = ()  # region ids drawn with a thick outline
    date_line: str = ""  # e.g. "Proposal dated 20 Nov 2025 · status: leaked"
    source_lines: Sequence[str] = ()  # sources, printed small at the bottom; the last (the
    # boundaries' and the catalog's credit) is printed whole, the others cut to fit
    subtitle: str = ""
    # optional shapely (Multi)Polygon (or GeoJSON-like mapping), EPSG:4326, of the
    # Russian-held area: drawn as the line of contact, named in the legend
    control: Any = None
    # region -> [(disposition_id, geometry EPSG:4326), ...]
    split_geoms: Mapping[str, Sequence[tuple[str, Any]]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # region id -> label on the map


# -- public API ----------------------------------------------------------------------------


def render_png(scene: MapScene, regions: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame | None,
               size=(1920, 1080), dpi=100) -> bytes:
    """The scene as a PNG of exactly `size` pixels."""
    fig = _draw(scene, _prepared(regions, neighbours), size, dpi)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi,
                metadata={_PNG_METADATA_KEY: _PNG_SOFTWARE, "Title": _plain(scene.title)})
    return buf.getvalue()


def render_pngs(scenes: Sequence[MapScene], regions: gpd.GeoDataFrame,
                neighbours: gpd.GeoDataFrame | None, size=(1920, 1080)) -> list[bytes]:
    """One PNG per scene."""
    return [render_png(scene, regions, neighbours, size=size) for scene in scenes]


def render_pdf(scenes: Sequence[MapScene], regions: gpd.GeoDataFrame,
               neighbours: gpd.GeoDataFrame | None, size=(1920, 1080)) -> bytes:
    """A PDF with one landscape page per scene (vector; page = `size` at 100 px per inch)."""
    if not scenes:
        raise ValueError("render_pdf needs at least one scene")
    prepared = _prepared(regions, neighbours)
    buf = io.BytesIO()
    metadata = {"CreationDate": None, "ModDate": None, "Creator": "claims-atlas",
                "Title": "claims-atlas maps"}
    with PdfPages(buf, metadata=metadata) as pdf:
        for scene in scenes:
            pdf.savefig(_draw(scene, prepared, size, 100))
    return buf.getvalue()


# -- geometry, projected once per pair of frames -----------------------------------------


@dataclass
class _Prepared:
    crs: CRS
    to_map: Transformer
    ids: list[str]
    names: dict[str, str]
    geoms: dict[str, BaseGeometry]
    paths: dict[str, Path]
    anchors: dict[str, tuple[float, float]]
    areas: dict[str, float]
    bounds: tuple[float, float, float, float]
    country: BaseGeometry  # union of the regions
    country_path: Path
    inner_country: BaseGeometry  # the union shrunk a little: clips the line of contact
    neighbours: list[tuple[str, BaseGeometry]]
    neighbours_path: Path | None
    land: BaseGeometry


_CACHE: OrderedDict[tuple[int, int], tuple[Any, Any, _Prepared]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def _prepared(regions: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame | None) -> _Prepared:
    """Projected geometry for these frames, cached on their identity.

    The cache holds the frames themselves, so an id cannot be reused by another frame while
    its entry lives; frames are treated as immutable (geo.regions_frame() is).
    """
    key = (id(regions), id(neighbours))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is regions and hit[1] is neighbours:
            _CACHE.move_to_end(key)
            return hit[2]
    prepared = _prepare(regions, neighbours)
    with _CACHE_LOCK:
        _CACHE[key] = (regions, neighbours, prepared)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return prepared


def _projection(bounds_lonlat) -> CRS:
    """Lambert conformal conic centred on the regions (Ukraine: lon 31.2, parallels 45.6/51.2)."""
    minx, miny, maxx, maxy = bounds_lonlat
    lon0 = round((minx + maxx) / 2 * 10) / 10
    lat0 = round((miny + maxy) / 2 * 10) / 10
    span = max(maxy - miny, 1.0)
    lat1 = round((miny + span / 6) * 10) / 10
    lat2 = round((maxy - span / 6) * 10) / 10
    return CRS.from_proj4(f"+proj=lcc +lat_0={lat0} +lon_0={lon0} +lat_1={lat1} +lat_2={lat2} "
                          "+x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs")


def _lonlat(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is None:
        return frame.set_crs(_LONLAT)
    return frame if frame.crs.equals(CRS.from_user_input(_LONLAT)) else frame.to_crs(_LONLAT)


def _region_ids(frame: gpd.GeoDataFrame) -> list[str]:
    if "id" in frame.columns:
        return [str(v) for v in frame["id"]]
    return [str(v) for v in frame.index]


def _short_name(name: str) -> str:
    prefix = "Autonomous Republic of "
    return name[len(prefix):] if name.startswith(prefix) else name


def _prepare(regions: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame | None) -> _Prepared:
    regions = _lonlat(regions)
    crs = _projection(regions.total_bounds)
    to_map = Transformer.from_crs(_LONLAT, crs, always_xy=True)
    projected = regions.geometry.to_crs(crs).make_valid()
    ids = _region_ids(regions)
    names_col = regions["name"] if "name" in regions.columns else ids
    names, geoms, paths, anchors, areas = {}, {}, {}, {}, {}
    for rid, name, geom in zip(ids, names_col, projected, strict=True):
        if geom is None or geom.is_empty:
            continue
        geom = _polygonal(geom)
        names[rid] = _short_name(str(name)) if isinstance(name, str) and name else rid
        geoms[rid] = geom
        paths[rid] = _path(geom)
        anchors[rid] = _anchor(geom)
        areas[rid] = geom.area
    kept = [rid for rid in ids if rid in geoms]
    country = shapely.union_all(list(geoms.values())) if geoms else shapely.Polygon()
    bounds = tuple(country.bounds) if geoms else (-1.0, -1.0, 1.0, 1.0)
    width = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0)
    inner = country.buffer(-0.002 * width) if geoms else country

    neighbour_items: list[tuple[str, BaseGeometry]] = []
    neighbours_path = None
    if neighbours is not None and len(neighbours):
        nb = _lonlat(neighbours)
        lon_lat_box = box(*_grow(tuple(regions.total_bounds), 0.9))
        clipped = nb.geometry.make_valid().intersection(lon_lat_box)
        keep = ~(clipped.is_empty | clipped.isna())
        view_box = box(*_grow(bounds, 0.6))
        names_nb = nb["name"] if "name" in nb.columns else [""] * len(nb)
        for name, geom in zip(np.asarray(names_nb, dtype=object)[keep.to_numpy()],
                              gpd.GeoSeries(clipped[keep], crs=_LONLAT).to_crs(crs),
                              strict=True):
            geom = _polygonal(geom.intersection(view_box))
            if not geom.is_empty:
                neighbour_items.append((str(name or ""), geom))
        if neighbour_items:
            neighbours_path = Path.make_compound_path(*[_path(g) for _, g in neighbour_items])
    land = shapely.union_all([country] + [g for _, g in neighbour_items])
    return _Prepared(crs=crs, to_map=to_map, ids=kept, names=names, geoms=geoms, paths=paths,
                     anchors=anchors, areas=areas, bounds=bounds, country=country,
                     country_path=_path(country), inner_country=inner,
                     neighbours=neighbour_items, neighbours_path=neighbours_path, land=land)


def _grow(bounds, fraction: float) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * fraction, (maxy - miny) * fraction
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygons of a geometry (intersections can leave lines and points)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon",
                                                                           "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _polygons(geom: BaseGeometry) -> list:
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _polygons(g)]


def _ring(coords) -> tuple[np.ndarray, np.ndarray]:
    xy = np.asarray(coords)[:, :2]
    codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
    codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
    return xy, codes


def _path(geom: BaseGeometry) -> Path:
    """A compound matplotlib path for a (multi)polygon (outer rings CCW, holes CW)."""
    verts, codes = [], []
    for poly in _polygons(geom):
        poly = orient(poly, sign=1.0)
        for ring in (poly.exterior, *poly.interiors):
            if len(ring.coords) < 4:
                continue
            xy, c = _ring(ring.coords)
            verts.append(xy)
            codes.append(c)
    if not verts:
        return Path(np.zeros((1, 2)), [Path.MOVETO])
    return Path(np.concatenate(verts), np.concatenate(codes))


def _line_path(geom: BaseGeometry) -> Path | None:
    verts, codes = [], []
    stack = [geom]
    while stack:
        g = stack.pop()
        if g.is_empty:
            continue
        if g.geom_type in ("LineString", "LinearRing"):
            xy = np.asarray(g.coords)[:, :2]
            if len(xy) >= 2:
                c = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
                c[0] = Path.MOVETO
                verts.append(xy)
                codes.append(c)
        elif hasattr(g, "geoms"):
            stack.extend(reversed(list(g.geoms)))
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _anchor(geom: BaseGeometry) -> tuple[float, float]:
    """A good label point: the pole of inaccessibility of the largest part."""
    polys = _polygons(geom)
    if not polys:
        return (0.0, 0.0)
    largest = max(polys, key=lambda p: p.area)
    tolerance = max(math.sqrt(largest.area) / 50, 1e-9)
    point = polylabel(largest, tolerance=tolerance)
    return (point.x, point.y)


def _to_map(prepared: _Prepared, geom: Any) -> BaseGeometry:
    """A scene geometry (EPSG:4326, shapely or GeoJSON-like) in the map's projection."""
    if geom is None:
        return shapely.Polygon()
    if not isinstance(geom, BaseGeometry):
        geom = shape(geom)
    if geom.is_empty:
        return geom

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = prepared.to_map.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.make_valid(shapely.transform(geom, project))


# -- drawing --------------------------------------------------------------------------------


def _plain(text: Any) -> str:
    """Text from the catalog as a str (drawn with mathtext off, so nothing is interpreted)."""
    return "" if text is None else str(text)


def _ids(value: Any) -> list[str]:
    """A sequence of ids as strings (a lone string counts as one id, not as characters)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _ink(colour: str) -> str:
    """Black or white hatch marks, whichever shows on the colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#1a1a1a" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def _hatch_width(k: float) -> float:
    """Hatch lines in points: 1.1 at full size, never thinner than 0.8 (they must show)."""
    return max(1.1 * k, 0.8)


def _disposition(did: str) -> vocab.Disposition:
    try:
        return vocab.get(did)
    except KeyError:
        raise ValueError(f"unknown disposition {did!r}") from None


def _fill(ax, path: Path, did: str, k: float, zorder: float = 2.0) -> None:
    d = _disposition(did)
    ax.add_artist(PathPatch(path, facecolor=d.colour, edgecolor="none", linewidth=0,
                            zorder=zorder))
    if d.hatch:
        ax.add_artist(PathPatch(path, facecolor="none", edgecolor="none", linewidth=0,
                                hatch=d.hatch, hatchcolor=_ink(d.colour),
                                hatch_linewidth=_hatch_width(k), zorder=zorder + 0.1))


def _stripes(geom: BaseGeometry, dids: Sequence[str], width: float) -> list[tuple[str, Any]]:
    """Alternating bands of the dispositions across the region."""
    centre = geom.centroid
    turned = affinity.rotate(geom, -STRIPE_ANGLE, origin=centre)
    minx, miny, maxx, maxy = turned.bounds
    diag = math.hypot(maxx - minx, maxy - miny)
    width = max(min(width, diag / (2 * len(dids))), 1e-9)
    count = max(math.ceil((maxy - miny) / width), len(dids))
    # centre the bands on the region so that small regions still show every disposition
    start = (miny + maxy) / 2 - count * width / 2
    bands = [affinity.rotate(box(minx - 1, start + i * width, maxx + 1, start + (i + 1) * width),
                             STRIPE_ANGLE, origin=centre) for i in range(count)]
    clipped = shapely.intersection(np.array(bands, dtype=object), geom)
    return [(dids[i % len(dids)], part) for i, part in enumerate(clipped)
            if not part.is_empty]


def _scale(size, dpi) -> float:
    w_in, h_in = size[0] / dpi, size[1] / dpi
    return min(w_in / BASE_W_IN, h_in / BASE_H_IN)


def _font(pt: float, k: float, weight: str = "normal", style: str = "normal") -> FontProperties:
    return FontProperties(family=FONT, size=pt * k, weight=weight, style=style)


def _text(artist_owner, x, y, s, font: FontProperties, **kw):
    """A text artist that never interprets its string (no mathtext, no TeX)."""
    return artist_owner.text(x, y, s, fontproperties=font, parse_math=False, usetex=False, **kw)


def _view(prepared: _Prepared, ax_w_px: float, ax_h_px: float):
    """Axis limits around the regions, stretched to the axes' shape (so the map fills it)."""
    minx, miny, maxx, maxy = prepared.bounds
    pad = 0.035 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    w, h = maxx - minx, maxy - miny
    aspect = ax_w_px / ax_h_px
    if w / h < aspect:
        grow = (h * aspect - w) / 2
        minx, maxx = minx - grow, maxx + grow
    else:
        grow = (w / aspect - h) / 2
        miny, maxy = miny - grow, maxy + grow
    return (minx, maxx), (miny, maxy)


def _draw(scene: MapScene, prepared: _Prepared, size, dpi) -> Figure:
    width_px, height_px = int(size[0]), int(size[1])
    # a hair over the exact inches, so that int(inches * dpi) is never one pixel short
    fig = Figure(figsize=((width_px + 1e-3) / dpi, (height_px + 1e-3) / dpi), dpi=dpi,
                 facecolor="white")
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    k = _scale(size, dpi)

    ax = fig.add_axes((0.0, 0.0, MAP_FRACTION, 1.0))
    ax.set_axis_off()
    ax_w_px, ax_h_px = MAP_FRACTION * width_px, float(height_px)
    xlim, ylim = _view(prepared, ax_w_px, ax_h_px)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box", anchor="C")
    # (artists go in with add_artist: add_patch would walk every vertex to update data limits)
    ax.add_artist(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=SEA,
                            edgecolor="none", zorder=0))
    per_px = (xlim[1] - xlim[0]) / ax_w_px  # map units per pixel

    shown = _draw_map(ax, scene, prepared, k, per_px, dpi)
    boxes: list[Bbox] = []
    _draw_labels(ax, scene, prepared, k, per_px, renderer, boxes)
    _draw_context_labels(ax, prepared, k, renderer, boxes, xlim, ylim)
    _draw_scale_bar(ax, k, per_px, xlim, ylim, dpi)
    _draw_panel(fig, scene, shown, k, renderer, width_px, height_px)
    return fig


def _draw_map(ax, scene: MapScene, prepared: _Prepared, k: float, per_px: float, dpi) -> dict:
    """Neighbours, region fills, borders, highlights, line of contact; what the legend needs."""
    if prepared.neighbours_path is not None:
        ax.add_artist(PathPatch(prepared.neighbours_path, facecolor=LAND, edgecolor=LAND_EDGE,
                                linewidth=1.0 * k, zorder=1))

    used: set[str] = set()
    split: tuple[str, ...] = ()
    for rid in prepared.ids:
        dids = _ids((scene.dispositions or {}).get(rid)) or [vocab.NOT_ADDRESSED]
        for did in dids:
            _disposition(did)
        parts = (scene.split_geoms or {}).get(rid)
        geom = prepared.geoms[rid]
        if parts:
            _fill(ax, prepared.paths[rid], dids[0], k)  # under the parts: no gaps at edges
            used.add(dids[0])
            part_paths = []
            for did, part in parts:
                did = str(did)
                _disposition(did)
                shape_ = _polygonal(_to_map(prepared, part))
                inside = _polygonal(shape_.intersection(geom))
                shape_ = inside if not inside.is_empty else shape_
                if shape_.is_empty:
                    continue
                path = _path(shape_)
                _fill(ax, path, did, k, zorder=2.5)
                part_paths.append(path)
                used.add(did)
            if part_paths:
                ax.add_artist(PathPatch(Path.make_compound_path(*part_paths), facecolor="none",
                                        edgecolor=REGION_EDGE, linewidth=1.0 * k, zorder=3))
        elif len(dids) > 1:
            split = split or tuple(dict.fromkeys(dids))
            for did, part in _stripes(geom, dids, STRIPE_PX * k * per_px * dpi / 100):
                _fill(ax, _path(part), did, k)
            used.update(dids)
        else:
            _fill(ax, prepared.paths[rid], dids[0], k)
            used.add(dids[0])

    if prepared.paths:
        ax.add_artist(PathPatch(Path.make_compound_path(*prepared.paths.values()),
                                facecolor="none", edgecolor=REGION_EDGE, linewidth=1.2 * k,
                                zorder=4))
        ax.add_artist(PathPatch(prepared.country_path, facecolor="none", edgecolor=BORDER,
                                linewidth=1.6 * k, zorder=4.1))

    highlighted = [prepared.paths[r] for r in dict.fromkeys(_ids(scene.highlight))
                   if r in prepared.paths]
    if highlighted:
        path = Path.make_compound_path(*highlighted)
        ax.add_artist(PathPatch(path, facecolor="none", edgecolor="white", linewidth=7.5 * k,
                                joinstyle="round", zorder=6))
        ax.add_artist(PathPatch(path, facecolor="none", edgecolor=HIGHLIGHT, linewidth=4.0 * k,
                                joinstyle="round", zorder=6.1))

    contact = False
    if scene.control is not None:
        held = _polygonal(_to_map(prepared, scene.control))
        if not held.is_empty:
            line = held.boundary.intersection(prepared.inner_country)
            line_path = _line_path(line)
            if line_path is not None:
                contact = True
                ax.add_artist(PathPatch(line_path, facecolor="none", edgecolor="white",
                                        linewidth=6.5 * k, capstyle="round", zorder=7))
                ax.add_artist(PathPatch(line_path, facecolor="none", edgecolor=CONTACT,
                                        linewidth=3.0 * k, linestyle=(0, (4, 1.6)),
                                        capstyle="butt", zorder=7.1))
    return {"dispositions": used, "split": split, "contact": contact,
            "highlight": bool(highlighted)}


def _overlaps(bbox: Bbox, boxes: Sequence[Bbox], pad: float) -> bool:
    grown = bbox.expanded(1, 1).padded(pad)
    return any(grown.overlaps(b) for b in boxes)


def _halo(k: float, colour: str = "white", width: float = 3.5):
    return [patheffects.withStroke(linewidth=width * k, foreground=colour)]


def _draw_labels(ax, scene: MapScene, prepared: _Prepared, k: float, per_px: float,
                 renderer, boxes: list[Bbox]) -> None:
    """Short names of the regions the scene says something about, without overlaps."""
    wanted: dict[str, str] = {}
    for rid in prepared.ids:
        dids = _ids((scene.dispositions or {}).get(rid))
        dids += [str(d) for d, _ in (scene.split_geoms or {}).get(rid) or ()]
        if rid in (scene.labels or {}):
            wanted[rid] = _plain(scene.labels[rid])
        elif any(d != vocab.NOT_ADDRESSED for d in dids):
            wanted[rid] = prepared.names[rid]
    axes_box = ax.get_window_extent(renderer)
    font = _font(PT_REGION, k, weight="bold")
    step = PT_REGION * k * 1.5 * renderer.dpi / 72  # pixels
    offsets = [(0.0, 0.0)] + [(r * math.cos(a), r * math.sin(a))
                              for r in (1.4, 2.2, 3.2)
                              for a in np.radians([90, 270, 0, 180, 45, 135, 315, 225])]
    for rid in sorted(wanted, key=lambda r: -prepared.areas[r]):
        label = wanted[rid].strip()
        if not label:
            continue
        x0, y0 = prepared.anchors[rid]
        text = _text(ax, x0, y0, label, font, color=TEXT, ha="center", va="center",
                     zorder=9, path_effects=_halo(k), clip_on=True)  # never into the panel
        for dx, dy in offsets:
            text.set_position((x0 + dx * step * per_px, y0 + dy * step * per_px))
            bbox = text.get_window_extent(renderer)
            inside = axes_box.containsx(bbox.x0) and axes_box.containsx(bbox.x1) and \
                axes_box.containsy(bbox.y0) and axes_box.containsy(bbox.y1)
            if inside and not _overlaps(bbox, boxes, 3 * k):
                break
        else:
            text.set_position((x0, y0))
            bbox = text.get_window_extent(renderer)
        boxes.append(bbox)
        if (dx, dy) != (0.0, 0.0) and text.get_position() != (x0, y0):
            tx, ty = text.get_position()
            # leader from the region to the nearest edge of the label
            half_w = bbox.width / 2 * per_px
            half_h = bbox.height / 2 * per_px
            ex = tx - math.copysign(min(abs(tx - x0), half_w), tx - x0) if dx else tx
            ey = ty - math.copysign(min(abs(ty - y0), half_h), ty - y0) if dy else ty
            ax.add_line(Line2D([x0, ex], [y0, ey], color=TEXT, linewidth=1.3 * k, zorder=8.9,
                               path_effects=_halo(k, width=3.0), solid_capstyle="round"))
            ax.add_line(Line2D([x0], [y0], marker="o", markersize=4.5 * k, color=TEXT,
                               markeredgecolor="white", markeredgewidth=1.0 * k, zorder=8.95))


def _draw_context_labels(ax, prepared: _Prepared, k: float, renderer, boxes: list[Bbox],
                         xlim, ylim) -> None:
    """Neighbouring countries and seas, in quiet type, where they fit."""
    view = box(xlim[0], ylim[0], xlim[1], ylim[1])
    inv = ax.transData.inverted()
    font = _font(PT_COUNTRY, k, weight="bold")
    for name, geom in prepared.neighbours:
        if not name:
            continue
        visible = _polygonal(geom.intersection(view).difference(prepared.country))
        if visible.is_empty or visible.area < 0.015 * view.area:
            continue
        x, y = _anchor(visible)
        text = _text(ax, x, y, name.upper(), font, color=LAND_TEXT, ha="center",
                     va="center", zorder=5, path_effects=_halo(k, LAND, 2.5))
        bbox = text.get_window_extent(renderer)
        (bx0, by0), (bx1, by1) = inv.transform([(bbox.x0, bbox.y0), (bbox.x1, bbox.y1)])
        label_box = box(bx0, by0, bx1, by1)
        if visible.intersection(label_box).area < 0.97 * label_box.area or \
                _overlaps(bbox, boxes, 4 * k):
            text.remove()
            continue
        boxes.append(bbox)
    font = _font(PT_SEA, k, style="italic")
    for name, lon, lat in SEA_LABELS:
        x, y = prepared.to_map.transform(lon, lat)
        point = shapely.Point(x, y)
        if not view.contains(point) or prepared.land.contains(point):
            continue
        text = _text(ax, x, y, name, font, color=SEA_TEXT, ha="center", va="center",
                     zorder=5, path_effects=_halo(k, SEA, 2.5))
        bbox = text.get_window_extent(renderer)
        (bx0, by0), (bx1, by1) = inv.transform([(bbox.x0, bbox.y0), (bbox.x1, bbox.y1)])
        if prepared.land.intersects(box(bx0, by0, bx1, by1)) or _overlaps(bbox, boxes, 4 * k):
            text.remove()
            continue
        boxes.append(bbox)


def _draw_scale_bar(ax, k: float, per_px: float, xlim, ylim, dpi) -> None:
    """A scale bar in the lower-left corner (true along the projection's standard parallels)."""
    target = 200 * k * per_px * dpi / 100  # about 200 px long
    km = target / 1000
    nice = [n for n in (10, 20, 25, 50, 100, 150, 200, 250, 300, 500, 1000) if n <= km]
    length = (nice[-1] if nice else max(km, 1e-9)) * 1000
    margin = 28 * k * per_px * dpi / 100
    x0, y0 = xlim[0] + margin, ylim[0] + margin
    tick = 7 * k * per_px * dpi / 100
    for colour, lw in (("white", 6.0), (TEXT, 2.5)):
        ax.add_line(Line2D([x0, x0, x0 + length, x0 + length], [y0 + tick, y0, y0, y0 + tick],
                           color=colour, linewidth=lw * k, zorder=10,
                           solid_capstyle="butt", solid_joinstyle="miter"))
    label = f"{length / 1000:g} km"
    _text(ax, x0 + length / 2, y0 + 1.6 * tick, label, _font(PT_SCALE, k, weight="bold"),
          color=TEXT, ha="center", va="bottom", zorder=10, path_effects=_halo(k))


# -- the right-hand panel ----------------------------------------------------------------------


def _wrap(text: str, font: FontProperties, max_px: float, renderer) -> list[str]:
    """Greedy word wrap measured with the renderer (explicit newlines are kept).

    Lines are measured as the sum of their words and spaces (each measured once), with a
    small allowance for kerning, which is far faster than measuring every trial line.
    """
    text = text[:MAX_CHARS]  # far more than any panel can show; keeps wrapping cheap
    cache: dict[str, float] = {}

    def width(s: str) -> float:
        if s not in cache:
            cache[s] = renderer.get_text_width_height_descent(s, font, ismath=False)[0]
        return cache[s]

    limit = max_px * 0.985
    space = width("a a") - width("aa")
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        line, line_w = "", 0.0
        for word in words:
            w = width(word)
            if line and line_w + space + w <= limit:
                line, line_w = f"{line} {word}", line_w + space + w
                continue
            if line:
                lines.append(line)
            while w > limit and len(word) > 1:  # a word longer than the line: cut it
                low, high = 1, len(word) - 1  # the longest head that fits (binary search)
                while low < high:
                    mid = (low + high + 1) // 2
                    if width(word[:mid]) <= limit:
                        low = mid
                    else:
                        high = mid - 1
                cut = low
                lines.append(word[:cut])
                word = word[cut:]
                w = width(word)
            line, line_w = word, w
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _clip_lines(lines: list[str], keep: int) -> list[str]:
    if len(lines) <= keep:
        return lines
    if keep <= 0:
        return []
    kept = lines[:keep]
    words = kept[-1].split()
    kept[-1] = " ".join(words[:-1] if len(words) > 1 else words) + " …"
    return kept


class _Column:
    """Stacks text blocks down the panel, measuring each with the renderer."""

    def __init__(self, fig: Figure, renderer, x_px: float, width_px: float, height_px: float):
        self.fig, self.renderer = fig, renderer
        self.x_px, self.width_px, self.height_px = x_px, width_px, height_px

    def block(self, lines: Sequence[str], font: FontProperties, colour: str, top_px: float,
              linespacing: float = 1.25):
        """A text block whose top is `top_px` above the bottom; returns (artist, height)."""
        fig_w, fig_h = self.fig.bbox.width, self.fig.bbox.height
        artist = _text(self.fig, self.x_px / fig_w, top_px / fig_h, "\n".join(lines), font,
                       color=colour, ha="left", va="top", linespacing=linespacing)
        return artist, artist.get_window_extent(self.renderer).height

    def wrap(self, text: str, font: FontProperties, indent_px: float = 0.0) -> list[str]:
        return _wrap(text, font, self.width_px - indent_px, self.renderer)


def _legend_entries(shown: dict) -> list[tuple[str, str]]:
    entries = [("disposition", d.id) for d in vocab.DISPOSITIONS if d.id in shown["dispositions"]]
    if shown["split"]:
        entries.append(("split", ""))
    if shown["contact"]:
        entries.append(("contact", ""))
    if shown["highlight"]:
        entries.append(("highlight", ""))
    return entries


def _legend_label(kind: str, did: str, short: bool = False) -> str:
    if kind == "disposition":
        return vocab.get(did).short if short else vocab.get(did).label
    if short:
        return {"split": "Split region (stripes)", "contact": "Line of contact",
                "highlight": "Highlighted"}[kind]
    return {"split": "Stripes: region split between two provisions",
            "contact": "Line of contact (edge of the Russian-held area)",
            "highlight": "Highlighted region"}[kind]


def _swatch(fig: Figure, kind: str, did: str, x: float, y: float, w: float, h: float,
            k: float, shown: dict) -> None:
    """A legend key in figure pixels (x, y = lower-left)."""
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    tr = fig.transFigure
    xy, wh = (x / fig_w, y / fig_h), (w / fig_w, h / fig_h)
    if kind == "disposition":
        d = vocab.get(did)
        fig.add_artist(Rectangle(xy, *wh, transform=tr, facecolor=d.colour, edgecolor="none"))
        if d.hatch:
            fig.add_artist(Rectangle(xy, *wh, transform=tr, facecolor="none", edgecolor="none",
                                     linewidth=0, hatch=d.hatch, hatchcolor=_ink(d.colour),
                                     hatch_linewidth=_hatch_width(k)))
        fig.add_artist(Rectangle(xy, *wh, transform=tr, facecolor="none", edgecolor="#555555",
                                 linewidth=1.0 * k))
    elif kind == "split":
        pair = shown["split"]  # the dispositions of the first striped region
        count = 4
        for i in range(count):
            d = vocab.get(pair[i % len(pair)])
            corner = (xy[0] + wh[0] * i / count, xy[1])
            fig.add_artist(Rectangle(corner, wh[0] / count, wh[1], transform=tr,
                                     facecolor=d.colour, edgecolor="none"))
            if d.hatch:
                fig.add_artist(Rectangle(corner, wh[0] / count, wh[1], transform=tr,
                                         facecolor="none", edgecolor="none", linewidth=0,
                                         hatch=d.hatch, hatchcolor=_ink(d.colour),
                                         hatch_linewidth=_hatch_width(k)))
        fig.add_artist(Rectangle(xy, *wh, transform=tr, facecolor="none", edgecolor="#555555",
                                 linewidth=1.0 * k))
    elif kind == "contact":
        ys = [(y + h / 2) / fig_h] * 2
        xs = [x / fig_w, (x + w) / fig_w]
        fig.add_artist(Line2D(xs, ys, transform=tr, color=CONTACT, linewidth=3.0 * k,
                              linestyle=(0, (4, 1.6))))
    elif kind == "highlight":
        fig.add_artist(Rectangle(xy, *wh, transform=tr, facecolor=vocab.get(
            vocab.NOT_ADDRESSED).colour, edgecolor=HIGHLIGHT, linewidth=4.0 * k))


def _draw_panel(fig: Figure, scene: MapScene, shown: dict, k: float, renderer,
                width_px: int, height_px: int) -> None:
    """Title, subtitle, date line, caption, legend; the sources at the foot.

    The legend always shows in full. A caption too long for what is left first gets smaller
    type, then a shorter legend (the dispositions' short labels), then loses its tail (ending
    in an ellipsis). Title, subtitle, date line and sources are clipped to *_MAX_LINES lines.
    """
    u = k * renderer.dpi / 100  # pixels per pixel of the 1920 x 1080 design
    left = MAP_FRACTION * width_px
    pad = PANEL_PAD * width_px
    col = _Column(fig, renderer, left + pad, width_px - left - 2 * pad, height_px)
    top, bottom = height_px - pad * 1.1, pad * 0.9
    gap_small, gap_big = 8 * u, 22 * u
    swatch_w, swatch_h, gap_sw, entry_gap = 62 * u, 34 * u, 14 * u, 7 * u
    fig.add_artist(Line2D([MAP_FRACTION] * 2, [0, 1], transform=fig.transFigure,
                          color="#9a9a9a", linewidth=1.0 * k))

    def height_of(lines, font, linespacing=1.25) -> float:
        if not lines:
            return 0.0
        artist, h = col.block(lines, font, TEXT, 0, linespacing)
        artist.remove()
        return h

    # the heading: (lines, font, colour, line spacing, gap below)
    f_title, f_sub, f_date = (_font(PT_TITLE, k, weight="bold"), _font(PT_SUBTITLE, k),
                              _font(PT_DATE, k))
    heading = [
        (_clip_lines(col.wrap(_plain(scene.title), f_title), TITLE_MAX_LINES), f_title, TEXT,
         1.15, gap_small + 4 * u),
        (_clip_lines(col.wrap(_plain(scene.subtitle), f_sub), SUBTITLE_MAX_LINES), f_sub, TEXT,
         1.25, gap_small),
        (_clip_lines(col.wrap(_plain(scene.date_line), f_date), DATE_MAX_LINES), f_date, MUTED,
         1.25, gap_small)]
    heading = [block for block in heading if block[0]]
    heading_h = sum(height_of(lines, f, sp) + gap for lines, f, _, sp, gap in heading)
    heading_h += gap_big  # down to the rule and below it

    f_head = _font(PT_LEGEND_HEAD, k, weight="bold")
    f_leg = _font(PT_LEGEND, k)
    entries = _legend_entries(shown)
    line_h = renderer.get_text_width_height_descent("Ag", f_leg, ismath=False)[1] * 1.25
    head_h = renderer.get_text_width_height_descent("Key", f_head, ismath=False)[1] * 1.6

    def legend(short: bool):
        lines = [col.wrap(_legend_label(kind, did, short), f_leg, swatch_w + gap_sw)
                 for kind, did in entries]
        heights = [max(swatch_h, len(ls) * line_h) for ls in lines]
        total = head_h + sum(heights) + entry_gap * (len(entries) - 1) if entries else 0.0
        return lines, heights, total

    def most_lines(lines, font, room, linespacing=1.25) -> int:
        """How many of the lines fit in `room` pixels (binary search)."""
        low, high = 0, len(lines)
        while low < high:
            mid = (low + high + 1) // 2
            if height_of(lines[:mid], font, linespacing) <= room:
                low = mid
            else:
                high = mid - 1
        return low

    f_src = _font(PT_SOURCES, k)
    wrapped = [col.wrap(_plain(s), f_src) for s in _ids(scene.source_lines)]
    credit = wrapped[-1] if wrapped else []  # the licences' credit: cut the evidence, not it
    sources = _clip_lines([line for lines in wrapped[:-1] for line in lines],
                          SOURCES_MAX_LINES - len(credit)) + credit
    sources_h = height_of(sources, f_src, 1.3) + 14 * u if sources else 0.0
    text = _plain(scene.caption)

    def caption_fit(room: float):
        """The caption's font and lines at the largest size that fits whole, else None."""
        for pt in PT_CAPTION_STEPS:
            font = _font(pt, k)
            lines = col.wrap(text, font)
            if height_of(lines, font) + gap_big <= room:
                return font, lines
        return None

    # the legend's long labels, unless they squeeze out the sources or a caption that the
    # short labels would let show in full
    legend_lines, entry_h, legend_h = legend(short=False)
    room = top - bottom - heading_h - legend_h - sources_h
    if entries and (room < 0 or (text.strip() and caption_fit(room) is None)):
        shorter = legend(short=True)
        if shorter[2] < legend_h:
            legend_lines, entry_h, legend_h = shorter

    # the sources, from the bottom up, as many lines as fit under the heading and legend
    floor = bottom
    if sources:
        keep = most_lines(sources, f_src, top - bottom - heading_h - legend_h - 14 * u, 1.3)
        sources = _clip_lines(sources, max(keep, 1))
        artist, h = col.block(sources, f_src, MUTED, bottom, linespacing=1.3)
        artist.set_va("bottom")
        floor = bottom + h + 14 * u

    # the caption in what is left: smaller type first, then its tail goes
    room = top - floor - heading_h - legend_h  # for the caption and the gap below it
    caption: list[str] = []
    f_cap = _font(PT_CAPTION, k)
    if text.strip():
        fitted = caption_fit(room)
        if fitted is not None:
            f_cap, caption = fitted
        else:
            f_cap = _font(PT_CAPTION_STEPS[-1], k)
            caption = col.wrap(text, f_cap)
            caption = _clip_lines(caption, most_lines(caption, f_cap, room - gap_big))

    y = top
    for lines, font, colour, spacing, gap in heading:
        _, h = col.block(lines, font, colour, y, spacing)
        y -= h + gap
    y -= gap_big - gap_small
    fig.add_artist(Line2D([col.x_px / width_px, (col.x_px + col.width_px) / width_px],
                          [(y + 4 * u) / height_px] * 2, transform=fig.transFigure,
                          color=RULE, linewidth=1.2 * k))
    y -= gap_small
    if caption:
        _, h = col.block(caption, f_cap, TEXT, y)
        y -= h + gap_big
    if not entries:
        return
    col.block(["Key"], f_head, TEXT, y)
    y -= head_h
    for (kind, did), lines, eh in zip(entries, legend_lines, entry_h, strict=True):
        _swatch(fig, kind, did, col.x_px, y - (eh + swatch_h) / 2, swatch_w, swatch_h, k, shown)
        _text(fig, (col.x_px + swatch_w + gap_sw) / width_px, (y - eh / 2) / height_px,
              "\n".join(lines), f_leg, color=TEXT, ha="left", va="center", linespacing=1.25)
        y -= eh + entry_gap
