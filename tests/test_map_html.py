"""The folium map, asserted on its generated HTML and JavaScript (no browser)."""

from __future__ import annotations

import json
import re

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.render import map as rmap


@pytest.fixture(scope="module")
def catalog():
    return cat.load_catalog()


@pytest.fixture(scope="module")
def page(catalog):
    return rmap.standalone_html(catalog, "us-28-point-plan")


def test_no_cdn_only_local_leaflet(page):
    srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert srcs and all(s.startswith("/app/static/leaflet/") for s in srcs), srcs
    assert not re.search(r"https?://(?!www\.w3\.org)", page.split("<body>")[0])


def test_every_region_gets_its_class(page):
    ids = set(re.findall(r'"className":\s*"region region-(UA-\d\d)"', page))
    assert len(ids) == 27


def test_state_carries_the_dispositions(catalog):
    state = rmap.map_state(catalog, "us-28-point-plan", highlight=["UA-14"])
    assert state["regions"]["UA-14"]["d"] == ["recognised_russian_de_facto",
                                              "demilitarised_zone"]
    assert state["highlight"] == ["UA-14"]
    assert state["legend"][0] == "recognised_russian_de_facto"
    assert "UA-46" not in state["regions"]  # not addressed: the browser's default


def test_base_map_does_not_depend_on_the_selection(catalog):
    """The iframe survives a switch only if the base map's script is identical."""
    from streamlit_folium import _get_map_string

    a = _get_map_string(rmap.base_map(catalog))
    b = _get_map_string(rmap.base_map(catalog))
    assert re.sub(r"[0-9a-f]{32}", "", a) == re.sub(r"[0-9a-f]{32}", "", b)
    assert all(f'"{p.id}":{{' in a for p in catalog.proposals)  # every proposal, preloaded


def test_picker_script_carries_titles_as_data():
    from claims_atlas.render.html import picker_script

    script = picker_script({"Plan </script><img src=x onerror=alert(1)>": "plan-a"})
    assert "</script><img" not in script and "\\u003c/script\\u003e" in script
    assert script.startswith("<script>") and script.count("</script>") == 1


def test_markdown_in_titles_is_made_literal():
    from claims_atlas.render.html import md_escape

    assert md_escape("[x](javascript:alert(1)) **b**") == (
        "\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*\\*b\\*\\*")


def test_catalog_text_is_json_data_never_markup(catalog):
    nasty = '</script><img src=x onerror=alert(1)>'
    payload = rmap.js_json({"title": nasty})
    assert "</script>" not in payload and "<img" not in payload
    assert json.loads(payload)["title"] == nasty


def test_the_selection_travels_in_a_small_escaped_page_script(catalog):
    state = rmap.map_state(catalog, "us-28-point-plan", selected="UA-14")
    js = rmap.page_script("map", state)
    assert len(js) < 12_000 and js.count("<script>") == 1 and js.endswith("</script>")
    assert '"UA-14"' in js and ".st-key-" + rmap.BOX_PREFIX in js
    nasty = rmap.page_script("</script><img src=x>", {"title": "</script><b>"})
    assert nasty.count("</script>") == 1 and "<img" not in nasty and "<b>" not in nasty


def test_tooltips_are_built_with_text_content(page):
    assert "textContent" in page and "innerHTML" not in page
