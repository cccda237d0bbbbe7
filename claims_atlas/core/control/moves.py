"""What a plan would move: km² and shares passing between the sides, per region.

The rules (which disposition moves which part towards whom) live with the disposition
vocabulary, :data:`claims_atlas.core.vocab.MOVE_RULES`.
"""

from __future__ import annotations

from claims_atlas.core.vocab import MOVE_RULES, MOVING_PART, PARTS, TO_RUSSIA

# --- what a plan would move ----------------------------------------------------------------


def moved_by(dispositions_by_region: dict[str, list[tuple[str, str]]],
             stats: list[dict]) -> list[dict]:
    """Per region, the km² and share a plan moves between the sides; last row: totals.

    See the module docstring and MOVE_RULES. ValueError for an unknown region, part or
    disposition.
    """
    by_region = {r["region"]: r for r in stats}
    for rid in dispositions_by_region:
        if rid not in by_region:
            raise ValueError(f"no stats for region {rid!r}")
    rows = []
    for rid, st in by_region.items():
        if rid not in dispositions_by_region:
            continue
        to_russia = to_ukraine = False
        why: list[str] = []
        for part, disp in dispositions_by_region[rid]:
            if part not in PARTS:
                raise ValueError(f"{rid}: unknown part {part!r} (one of {', '.join(PARTS)})")
            if disp not in MOVE_RULES:
                raise ValueError(f"{rid}: unknown disposition {disp!r}")
            direction = MOVE_RULES[disp]
            if direction is None or part not in ("whole", MOVING_PART[direction]):
                continue
            why.append(f"{part}:{disp}")
            if direction == TO_RUSSIA:
                to_russia = True
            else:
                to_ukraine = True
        area = st["area_km2"]
        r_km2 = st["ukrainian_km2"] if to_russia else 0.0
        u_km2 = st["russian_km2"] if to_ukraine else 0.0
        rows.append({"region": rid, "name": st.get("name", rid), "area_km2": area,
                     "to_russia_km2": r_km2, "to_russia_share": r_km2 / area if area else 0.0,
                     "to_ukraine_km2": u_km2,
                     "to_ukraine_share": u_km2 / area if area else 0.0,
                     "net_to_russia_km2": r_km2 - u_km2, "moved_by": why})
    total_area = sum(r["area_km2"] for r in stats)
    r_sum = sum(r["to_russia_km2"] for r in rows)
    u_sum = sum(r["to_ukraine_km2"] for r in rows)
    rows.append({"region": "total", "name": "Total", "area_km2": total_area,
                 "to_russia_km2": r_sum,
                 "to_russia_share": r_sum / total_area if total_area else 0.0,
                 "to_ukraine_km2": u_sum,
                 "to_ukraine_share": u_sum / total_area if total_area else 0.0,
                 "net_to_russia_km2": r_sum - u_sum, "moved_by": []})
    return rows
