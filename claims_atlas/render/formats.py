"""The export formats: one table that drives the CLI's `export --format`, the download
buttons and the generated command reference. A new format is one row here.

Each builder takes (catalog, proposal id, highlighted region ids, control=None) and returns
the file's text or bytes; `control` (date ISO, source) is the control snapshot selection (the
PNG draws that day's line of contact and split, the nearest snapshot on or before the date;
SnapshotNotFound when there is none); the other formats ignore it. `scope` says what one
file holds: "catalog" (every proposal) or "proposal" (the selected one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from claims_atlas.core import export, then_now
from claims_atlas.core.models import Catalog

Builder = Callable[..., "str | bytes"]  # (catalog, proposal, highlight, control=None)
Control = tuple[str, str] | None  # (date ISO, source)


@dataclass(frozen=True)
class ExportFormat:
    id: str            # the CLI's --format value
    label: str         # the download button's text
    media_type: str    # IANA media type
    suffix: str        # file name suffix, with the dot
    scope: str         # "catalog" or "proposal"
    build: Builder
    draws_control: bool = False  # the builder draws the `control` snapshot (else ignores it)

    def file_name(self, proposal_id: str) -> str:
        stem = "claims-atlas" if self.scope == "catalog" else proposal_id
        return f"{stem}{self.suffix}"


def _json(catalog: Catalog, _proposal: str, _highlight: Sequence[str],
          control: Control = None) -> str:
    return export.dumps(export.to_json(catalog, control_source=then_now.default_source()))


def _csv(catalog: Catalog, _proposal: str, _highlight: Sequence[str],
         control: Control = None) -> str:
    return export.to_csv(catalog, control_source=then_now.default_source())


def _geojson(catalog: Catalog, proposal: str, _highlight: Sequence[str],
             control: Control = None) -> str:
    return export.dumps(export.to_geojson(catalog, proposal))


def _png(catalog: Catalog, proposal: str, highlight: Sequence[str],
         control: Control = None) -> bytes:
    from claims_atlas.render import handouts  # matplotlib: loaded only when asked for

    return handouts.proposal_png(catalog, proposal, tuple(highlight), control=control)


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("csv", "Table (CSV)", "text/csv", ".csv", "catalog", _csv),
    ExportFormat("geojson", "Regions (GeoJSON)", "application/geo+json", ".geojson",
                 "proposal", _geojson),
    ExportFormat("png", "Map (PNG)", "image/png", ".png", "proposal", _png, draws_control=True),
    ExportFormat("json", "Catalog (JSON)", "application/json", ".json", "catalog", _json),
)
BY_ID = {f.id: f for f in FORMATS}


def get(format_id: str) -> ExportFormat:
    """The format with this id; KeyError for an unknown one."""
    return BY_ID[format_id]
