"""What a region search found, said in words: an autoescaped fragment, no Markdown."""

from __future__ import annotations

from markupsafe import Markup

from claims_atlas.core.models import Catalog
from claims_atlas.core.query import NameMatch
from claims_atlas.render.templating import fragment


def region_label(catalog: Catalog, region_id: str) -> str:
    """'Kyiv (city)' / 'Kyiv Oblast (oblast)': the English name and the kind of unit."""
    r = catalog.region(region_id)
    return f"{r.name_en} ({r.kind.replace('_', ' ')})" if r else region_id


def match_html(catalog: Catalog, typed: str, match: NameMatch) -> Markup:
    """One sentence on what the search did: selected a region, a group (all its members
    highlighted), a place's region, offered choices, or found nothing."""
    names = [catalog.region(i).name_en if catalog.region(i) else i for i in match.regions]
    first = (region_label(catalog, match.regions[0]) if match.kind == "region"
             else names[0] if names else "")
    return fragment("search_result", match.kind, typed.strip(), match.name, names,
                    [region_label(catalog, r) for r in match.regions], first)
