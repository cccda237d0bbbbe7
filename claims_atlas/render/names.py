"""What a region search found, said in words: escaped markup (markupsafe), no Markdown."""

from __future__ import annotations

from markupsafe import Markup

from claims_atlas.core.models import Catalog
from claims_atlas.core.query import NameMatch


def region_label(catalog: Catalog, region_id: str) -> str:
    """'Kyiv (city)' / 'Kyiv Oblast (oblast)': the English name and the kind of unit."""
    r = catalog.region(region_id)
    return f"{r.name_en} ({r.kind.replace('_', ' ')})" if r else region_id


def _names(catalog: Catalog, ids) -> str:
    names = [catalog.region(i).name_en if catalog.region(i) else i for i in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def match_html(catalog: Catalog, typed: str, match: NameMatch) -> Markup:
    """One sentence on what the search did: selected a region, a group (all its members
    highlighted), a place's region, offered choices, or found nothing."""
    if match.kind == "group":
        text = Markup("<b>{}</b> is a group of {} regions: {}, all highlighted on the map; "
                      "the detail shows {}.").format(
            match.name, len(match.regions), _names(catalog, match.regions),
            _names(catalog, match.regions[:1]))
    elif match.kind == "place":
        text = Markup("<b>{}</b> is a place in {}: that region is selected.").format(
            match.name, _names(catalog, match.regions))
    elif match.kind == "choice":
        text = Markup("“{}” can mean {}: pick one.").format(
            typed.strip(), " or ".join(region_label(catalog, r) for r in match.regions))
    elif match.kind == "region":
        text = Markup("“{}”: {} selected.").format(typed.strip(),
                                                   region_label(catalog, match.regions[0]))
    else:
        text = Markup("No region or place is called “{}”.").format(typed.strip())
    return Markup('<p class="search-result" data-testid="search-result" data-kind="{}">'
                  ).format(match.kind) + text + Markup("</p>")
