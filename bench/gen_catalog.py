"""A synthetic catalog for the scale benchmark: many proposals and statements, all valid.

    python bench/gen_catalog.py OUT_DIR [--proposals 200] [--statements 5000] [--seed 1]

The layout is the one of seeds/: documents/ and places.yaml are copied from the real
catalog; proposals/ gets one file per proposal, statements/ one file per month, briefings/
stays empty. Every value is valid for `claims-atlas validate`: region ids from
geodata/regions.yaml, dispositions from claims_atlas.core.vocab, evidence either a sentence
copied verbatim from a real document or an http(s) address with outlet and date.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":  # run as a script
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from claims_atlas.core import catalog as cat  # noqa: E402
from claims_atlas.core import models, vocab  # noqa: E402
from claims_atlas.core.validate import normalise  # noqa: E402

REAL_SEEDS = ROOT / "seeds"
FIRST_DAY, LAST_DAY = dt.date(2022, 1, 1), dt.date(2025, 12, 31)
SPONSORS = ("United States", "Ukraine", "Russia", "European Union", "United Kingdom", "France",
            "Germany", "Turkey", "China", "Brazil", "India", "Vatican", "Saudi Arabia",
            "South Africa", "Qatar", "Switzerland")
FIRST_NAMES = ("Anna", "Bohdan", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hans", "Irina",
               "Jonas", "Kateryna", "Lars", "Marta", "Nikolai", "Olena", "Pavel", "Quentin",
               "Rosa", "Sergei", "Tamara")
LAST_NAMES = ("Adler", "Bondar", "Costa", "Dvorak", "Evans", "Fischer", "Garcia", "Horvat",
              "Ivanenko", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Orlov")
ROLES = ("Foreign Minister", "President", "Prime Minister", "Envoy", "Spokesperson",
         "Defence Minister", "National Security Adviser", "Ambassador to the UN")
VENUES = ("Press conference", "Television interview", "Social media post", "Summit in Geneva",
          "Briefing in Kyiv", "Speech in Moscow", "Interview with a newspaper",
          "UN Security Council")
OUTLETS = ("Synthetic Wire", "Example Daily", "Bench Broadcasting", "Test Press Agency")
DISPOSITIONS = tuple(d.id for d in vocab.DISPOSITIONS if d.id != vocab.NOT_ADDRESSED)


def document_quotes(documents_dir: Path = REAL_SEEDS / "documents") -> list[tuple[str, str]]:
    """(document id, sentence) pairs, each sentence verbatim in its document's body."""
    out = []
    for path in sorted(documents_dir.glob("*.txt")):
        problems: list = []
        doc = cat.read_document(path, str(path), problems)
        if doc is None or problems:
            continue
        body = normalise(doc.text)
        for raw in re.split(r"(?<=[.!?])\s+|\n+", doc.text):
            sentence = raw.strip()
            if 30 <= len(sentence) <= 220 and normalise(sentence) in body:
                out.append((doc.id, sentence))
    if not out:
        raise RuntimeError(f"no quotable sentence in {documents_dir}")
    return out


def _day(rng: random.Random, first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


class Generator:
    def __init__(self, seed: int, quotes: list[tuple[str, str]], region_ids: list[str],
                 place_ids: list[str]):
        self.rng = random.Random(seed)
        self.quotes, self.regions, self.places = quotes, region_ids, place_ids
        self.url_count = 0
        self.speakers = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(self.speakers)
        self.speakers = self.speakers[:60]

    def evidence(self, n: int = 1) -> list[dict]:
        out = []
        for _ in range(n):
            if self.rng.random() < 0.6:
                doc, sentence = self.rng.choice(self.quotes)
                out.append({"document": doc, "quote": sentence})
            else:
                self.url_count += 1
                out.append({"url": f"https://example.org/synthetic/{self.url_count}",
                            "outlet": self.rng.choice(OUTLETS),
                            "date": _day(self.rng).isoformat(),
                            "quote": f"Synthetic report number {self.url_count}."})
        return out

    def provisions(self) -> list[dict]:
        out = []
        for region in sorted(self.rng.sample(self.regions, self.rng.randint(3, 12))):
            if self.rng.random() < 0.25:
                for part in ("russian_held", "ukrainian_held"):
                    out.append(self.provision(region, part))
            else:
                out.append(self.provision(region, "whole"))
        return out

    def provision(self, region: str, part: str) -> dict:
        d = self.rng.choice(DISPOSITIONS)
        prov = {"region": region, "part": part, "disposition": d,
                "summary": f"{vocab.get(d).label} ({part.replace('_', ' ')}).",
                "evidence": self.evidence(self.rng.randint(1, 2))}
        if self.rng.random() < 0.3:
            prov["conditions"] = ["subject to a synthetic referendum"]
        if self.rng.random() < 0.05:
            prov["disputed"] = True
            prov["readings"] = [{"summary": f"Reading {i}: {vocab.get(r).label}.",
                                 "disposition": r, "evidence": self.evidence()}
                                for i, r in enumerate(self.rng.sample(DISPOSITIONS, 2), 1)]
        return prov

    def proposal(self, index: int, earlier: list[str]) -> dict:
        sponsor = self.rng.choice(SPONSORS)
        date = _day(self.rng)
        pid = f"synthetic-{index:04d}"
        p = {"id": pid,
             "title": f"Synthetic plan {index:04d} ({sponsor}, {date:%B %Y})",
             "short_title": f"Plan {index:04d}", "sponsor": sponsor, "date": date.isoformat(),
             "date_precision": "day", "status": self.rng.choice(models.STATUSES),
             "summary": f"A generated proposal by {sponsor} for the benchmark.",
             "evidence": self.evidence(self.rng.randint(1, 2)),
             "provisions": self.provisions()}
        if earlier and self.rng.random() < 0.1:
            p["revises"] = self.rng.choice(earlier)
        if self.places and self.rng.random() < 0.1:
            p["place_provisions"] = [{"place": self.rng.choice(self.places),
                                      "summary": "Handed to a synthetic operator.",
                                      "evidence": self.evidence()}]
        return p

    def statement(self, index: int, proposal_ids: list[str]) -> dict:
        date = _day(self.rng)
        speaker = self.rng.choice(self.speakers)
        s = {"id": f"st-{index:05d}", "kind": "event" if self.rng.random() < 0.1 else "statement",
             "date": date.isoformat(), "date_precision": "day",
             "speakers": [person_id(speaker)],
             "role": self.rng.choice(ROLES), "affiliation": self.rng.choice(SPONSORS),
             "venue": self.rng.choice(VENUES), "stance": self.rng.choice(models.STANCES),
             "concerns": {"proposals": sorted(self.rng.sample(proposal_ids,
                                                              self.rng.randint(0, 2))),
                          "regions": sorted(self.rng.sample(self.regions,
                                                            self.rng.randint(0, 3)))},
             "evidence": self.evidence(self.rng.randint(1, 2))}
        if self.rng.random() < 0.5:
            # A statement's quote stands in its evidence (validate checks it).
            s["quote"] = s["evidence"][0]["quote"]
        else:
            s["paraphrase"] = f"{speaker} comments on the talks (synthetic entry {index})."
        return s


def person_id(name: str) -> str:
    return name.lower().replace(" ", "-")


def people(names: list[str]) -> list[dict]:
    """The synthetic speakers as a register (seeds/people.yaml)."""
    return [{"id": person_id(n), "name": n, "name_uk": n, "name_ru": n,
             "affiliation": "Synthetic", "roles": [{"role": "Synthetic speaker",
                                                    "from": FIRST_DAY.isoformat()}]}
            for n in sorted(names)]


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def generate(out: Path, proposals: int = 200, statements: int = 5000, seed: int = 1,
             source: Path = REAL_SEEDS) -> dict:
    """Write the catalog into `out` (created; must not exist or be empty). Returns counts."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "documents", out / "documents")
    shutil.copy2(source / "places.yaml", out / "places.yaml")
    (out / "briefings").mkdir()
    regions, _ = cat.read_regions()
    place_data = yaml.safe_load((source / "places.yaml").read_text(encoding="utf-8")) or []
    gen = Generator(seed, document_quotes(out / "documents"), [r.id for r in regions],
                    [p["id"] for p in place_data])
    (out / "proposals").mkdir()
    ids: list[str] = []
    for i in range(1, proposals + 1):
        p = gen.proposal(i, ids)
        ids.append(p["id"])
        (out / "proposals" / f"{p['id']}.yaml").write_text(_dump(p), encoding="utf-8")
    (out / "people.yaml").write_text(_dump(people(gen.speakers)), encoding="utf-8")
    (out / "statements").mkdir()
    by_month: dict[str, list[dict]] = {}
    for i in range(1, statements + 1):
        s = gen.statement(i, ids)
        by_month.setdefault(s["date"][:7], []).append(s)
    for month, entries in sorted(by_month.items()):
        (out / "statements" / f"{month}.yaml").write_text(_dump(entries), encoding="utf-8")
    return {"dir": str(out), "proposals": proposals, "statements": statements,
            "statement_files": len(by_month), "speakers": len(gen.speakers)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--proposals", type=int, default=200)
    ap.add_argument("--statements", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    info = generate(args.out, args.proposals, args.statements, args.seed)
    print(info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
