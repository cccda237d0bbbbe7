"""The bibliography as HTML: templates of the one autoescaping environment (render.templating),
links checked for scheme.

Every catalog string reaches the markup through autoescape (text and attributes); outside
URLs pass `html.safe_url` (http(s) only) and the app's own links are built with urlencode.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import jinja2

from claims_atlas.core import sources as src
from claims_atlas.render.html import safe_url
from claims_atlas.render.passage import DOCUMENTS_PAGE
from claims_atlas.render.templating import environment

MAP_PAGE = "./"
PLURALS = {src.WIRE: "wire services", src.ORIGINAL: "original outlets",
           src.REPUBLISHER: "re-publishers", src.STATE_MEDIA: "state media",
           src.UNKNOWN: "unclassified hosts"}
GROUPS = (("proposal", "Proposals"), ("provision", "Provisions"), ("statement", "Statements"))


def _env() -> jinja2.Environment:
    return environment()  # the one environment: autoescape on, undefined names an error


def citer_href(c: src.Citer) -> str:
    """The app link that shows a citing item: the map on the proposal (and region), or the
    map with the statement picked out in the timeline."""
    if c.kind == "statement":
        return f"{MAP_PAGE}?{urlencode({'statement': c.id})}"
    params = {"proposal": c.proposal}
    if c.kind == "provision" and c.region:
        params["region"] = c.region
    return f"{MAP_PAGE}?{urlencode(params)}"


def _row(s: src.Source) -> dict:
    groups = [(label, [{"id": c.id, "label": c.label, "href": citer_href(c)}
                       for c in s.citing(kind)])
              for kind, label in GROUPS if s.citing(kind)]
    return {"id": s.id, "kind": s.kind, "outlet": s.outlet, "title": s.title, "wire": s.wire,
            "date": s.date, "language": s.language, "state_media": s.state_media,
            "url": s.url, "href": safe_url(s.url),
            "doc_href": f"{DOCUMENTS_PAGE}?{urlencode({'doc': s.document})}"
            if s.document else None, "groups": groups}


def counts_html(counts: src.Counts) -> str:
    """One sentence: how many sources and evidence entries, and the share of evidence from
    wire services or the original outlet, from re-publishers, from state media."""
    shares = [(k, counts.share(k)) for k in (src.REPUBLISHER, src.STATE_MEDIA, src.UNKNOWN)
              if counts.by_kind.get(k)]
    return _env().get_template("bibliography_counts.html").render(
        counts=counts, strong=counts.share(*src.STRONG), shares=shares, plurals=PLURALS,
        pct=lambda x: f"{round(100 * x)} %")


def bibliography_html(sources: Sequence[src.Source]) -> str:
    """One table row per source: outlet, title, URL, kind, wire, date, language, and the
    proposals, provisions and statements citing it, linked to the map."""
    return _env().get_template("bibliography.html").render(
        rows=[_row(s) for s in sources], labels=src.KIND_LABELS)
