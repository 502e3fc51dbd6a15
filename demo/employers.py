"""The demo's employers (DU/DI): a few fictional big firms with messy
spellings, and ordinary firms near the schools and in industrial hubs."""
from __future__ import annotations

import random

from faker import Faker

from alumni_graph.demo.reference import (
    BIG_FIRMS, CENTRAL_JAVA, GENERIC_WORDS, HUB_KOTA, HUBS, KBLI_CODES, OPERATOR_PREFIXES,
    OTHER_CITIES, SECTION_WEIGHTS, SECTION_WORDS, SECTIONS, SMALL_TEMPLATES, normalize_company_name,
)

class Emp:
    __slots__ = ("idx", "kode", "nama", "sec", "kota", "prov", "skala", "big", "variants")

    def __init__(self, idx, kode, nama, sec, kota, prov, skala, big=False, variants=()):
        self.idx, self.kode, self.nama, self.sec = idx, kode, nama, sec
        self.kota, self.prov, self.skala, self.big, self.variants = kota, prov, skala, big, variants


def big_firm_variants(prefix: str, core: str, suffix: str) -> tuple[str, ...]:
    """Messy spellings that all normalise to the canonical name's key."""
    short_suffix = suffix.replace("(Persero) ", "").replace("(Persero)", "").strip()
    v = [
        f"{prefix}. {core} {short_suffix}".strip(),
        core,
        f"{prefix} {core}".upper(),
        f"{core}, {prefix}",
        f"{prefix}.{core}",
        f"P.T. {core}",
        f"{prefix.lower()} {core.lower()}",
        f"{prefix}  {core}  {short_suffix}".rstrip(),
        f"{core} {suffix}".strip(),
    ]
    seen, out = set(), []
    for x in v:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return tuple(out)


# --------------------------------------------------------------------------- employers

def company_name(rng: random.Random, fk: Faker, sec: str, skala: str) -> str:
    if skala == "mikro":
        legal = rng.choice(["UD", "CV", "", "", ""])
    elif skala == "kecil":
        legal = rng.choice(["CV", "CV", "UD", "PT", ""])
    elif skala == "menengah":
        legal = rng.choice(["PT", "PT", "PT", "CV"])
    else:
        legal = "PT"
    r = rng.random()
    if not legal:
        tpl = rng.choice(SMALL_TEMPLATES[sec])
        name = tpl.format(first=fk.first_name(), last=fk.last_name(),
                          w1=rng.choice(GENERIC_WORDS), w2=rng.choice(GENERIC_WORDS))
        return name
    if r < 0.35:
        # Faker company(): "<prefix> <last> [<last>] [suffix]"; keep the core, re-dress it
        parts = fk.company().replace("(Persero)", "").split()
        core = [p for p in parts[1:] if p != "Tbk"]
        name = f"{legal} {' '.join(core)}"
    elif r < 0.75:
        w1, w2 = rng.sample(GENERIC_WORDS, 2)
        name = f"{legal} {w1} {w2} {rng.choice(SECTION_WORDS[sec])}"
    elif r < 0.9:
        name = f"{legal} {fk.last_name()} {rng.choice(SECTION_WORDS[sec])}"
    else:
        name = f"{legal} {rng.choice(GENERIC_WORDS)} {rng.choice(SECTION_WORDS[sec])} {fk.last_name()}"
    if skala == "besar" and legal == "PT" and rng.random() < 0.2:
        name += " Tbk"
    return name


def phone(rng: random.Random, fk: Faker) -> str:
    return fk.numerify(rng.choice(OPERATOR_PREFIXES) + "#" * rng.choice((7, 8, 8, 8)))


def gen_employers(rng: random.Random, fk: Faker, n: int, school_locs: list[tuple[str, str]]):
    width = max(4, len(str(n)))
    region_provs = {p for _, p in school_locs}
    region = [(c, "Jawa Tengah") for c in CENTRAL_JAVA] + OTHER_CITIES
    region = [(c, p) for c, p in region if p in region_provs]
    big_slots = set(rng.sample(range(n), min(len(BIG_FIRMS), n)))
    big_iter = iter(BIG_FIRMS)
    used_keys = {normalize_company_name(f"{b[1]}") for b in BIG_FIRMS}
    hub_w = [h[2] for h in HUBS]
    sec_w = list(SECTION_WEIGHTS.values())
    hub_sec_w = [w * (3 if s == "C" else 1) for s, w in SECTION_WEIGHTS.items()]
    emps: list[Emp] = []
    dudi_rows = []
    for i in range(n):
        kode = f"DUDI-{i + 1:0{width}d}"
        if i in big_slots:
            prefix, core, suffix, sec, code, kota, prov = next(big_iter)
            nama = f"{prefix} {core} {suffix}".strip()
            e = Emp(i, kode, nama, sec, kota, prov, "besar", True, big_firm_variants(prefix, core, suffix))
            bidang = sec + code
        else:
            r = rng.random()
            if r < 0.5:
                kota, prov = rng.choice(school_locs)
                hub = False
            elif r < 0.75 and region:
                kota, prov = rng.choice(region)
                hub = False
            else:
                h = rng.choices(HUBS, weights=hub_w)[0]
                kota, prov, hub = h[0], h[1], True
            sec = rng.choices(SECTIONS, weights=hub_sec_w if hub else sec_w)[0]
            skala = rng.choices(["mikro", "kecil", "menengah", "besar"],
                                weights=[5, 20, 40, 35] if hub else [30, 38, 22, 10])[0]
            for attempt in range(30):
                nama = company_name(rng, fk, sec, skala)
                if attempt >= 20:
                    nama = f"{nama} {kota}"
                key = normalize_company_name(nama)
                if key and key not in used_keys:
                    break
            else:  # pragma: no cover - practically unreachable
                nama = f"{nama} {i + 1}"
                key = normalize_company_name(nama)
            used_keys.add(key)
            e = Emp(i, kode, nama, sec, kota, prov, skala)
            bidang = sec + rng.choice(KBLI_CODES[sec]) if rng.random() < 0.15 else sec
        r = rng.random()
        if r < 0.85:
            kontak = f"{fk.name()} ({phone(rng, fk)})"
        elif r < 0.9:
            kontak = phone(rng, fk)
        else:
            kontak = ""
        emps.append(e)
        dudi_rows.append((e.kode, e.nama, bidang, e.kota, e.prov, e.skala, kontak))
    return emps, dudi_rows


class EmpIndex:
    def __init__(self, emps: list[Emp]):
        self.by_sec: dict[str, list[Emp]] = {}
        self.by_sec_kota: dict[tuple[str, str], list[Emp]] = {}
        self.by_sec_prov: dict[tuple[str, str], list[Emp]] = {}
        self.hub_by_sec: dict[str, list[Emp]] = {}
        self.by_kota: dict[str, list[Emp]] = {}
        self.by_prov: dict[str, list[Emp]] = {}
        self.hub_all: list[Emp] = []
        self.big: list[Emp] = []
        for e in emps:
            self.by_sec.setdefault(e.sec, []).append(e)
            self.by_sec_kota.setdefault((e.sec, e.kota), []).append(e)
            self.by_sec_prov.setdefault((e.sec, e.prov), []).append(e)
            self.by_kota.setdefault(e.kota, []).append(e)
            self.by_prov.setdefault(e.prov, []).append(e)
            if e.kota in HUB_KOTA:
                self.hub_by_sec.setdefault(e.sec, []).append(e)
                self.hub_all.append(e)
            if e.big:
                self.big.append(e)
        self.all = emps
