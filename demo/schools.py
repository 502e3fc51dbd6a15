"""The demo's schools, their programmes' internship hosts and their MoUs, and
the run's shared state (:class:`Ctx`)."""
from __future__ import annotations

import datetime as dt
import random

from faker import Faker

from alumni_graph.demo.employers import Emp
from alumni_graph.demo.reference import (
    CENTRAL_JAVA, DEFAULT_SCHOOL_CITIES, JENIS_MITRA, OTHER_CITIES, PROG, PROGRAMS, STATUS_WEIGHTS,
    TEACHER_TITLES, add_months, fmt, rand_date,
)

def school_specs(rng: random.Random, n: int):
    specs = []
    used_npsn: set[str] = set()
    used_names: set[str] = set()
    if n == 1:
        cities = [(rng.choice(DEFAULT_SCHOOL_CITIES), "Jawa Tengah")]
    else:
        cj = [(c, "Jawa Tengah") for c in CENTRAL_JAVA]
        rng.shuffle(cj)
        other = list(OTHER_CITIES)
        rng.shuffle(other)
        cities = cj + other
    for i in range(n):
        kota, prov = cities[i % len(cities)]
        while True:
            npsn = f"20{rng.randint(0, 999_999):06d}"
            if npsn not in used_npsn:
                used_npsn.add(npsn)
                break
        if n == 1:
            nama = f"SMK Negeri 2 {kota}"
            codes = [p[0] for p in PROGRAMS]
        else:
            k = rng.randint(5, 9)
            chosen = set(rng.sample([p[0] for p in PROGRAMS], k))
            codes = [p[0] for p in PROGRAMS if p[0] in chosen]
            while True:
                r = rng.random()
                num = rng.choice([1, 1, 2, 2, 2, 3, 4, 5])
                if r < 0.75:
                    nama = f"SMK Negeri {num} {kota}"
                elif r < 0.9:
                    nama = f"SMK Muhammadiyah {num} {kota}"
                else:
                    nama = f"SMK PGRI {num} {kota}"
                if nama not in used_names:
                    break
        used_names.add(nama)
        specs.append({"npsn": npsn, "nama": nama, "kota": kota, "prov": prov, "codes": codes})
    return specs


def school_calendar(today: dt.date) -> int:
    """Year of the last completed graduation (= latest intake year).

    The school year starts in July: on/after 1 July of year Y, cohort Y has
    graduated and intake Y has started.
    """
    return today.year if today >= dt.date(today.year, 7, 1) else today.year - 1


class Ctx:
    """Per-run state shared by all schools."""

    def __init__(self, rng, fk, today, emps, index, nisn_perm, writers, counts):
        self.rng, self.fk, self.today = rng, fk, today
        self.emps, self.index, self.nisn_perm = emps, index, nisn_perm
        self.w, self.counts = writers, counts
        self.last_grad = school_calendar(today)
        self.emails_seen: set[str] = set()  # ~70 bytes per person with an email

    def write(self, kind: str, row) -> None:
        self.w[kind].writerow(row)
        self.counts[kind] += 1


def fits(e: Emp, code: str) -> bool:
    return e.sec in PROG[code][2]


def teacher_name(rng: random.Random, fk: Faker) -> str:
    male = rng.random() < 0.55
    first = fk.first_name_male() if male else fk.first_name_female()
    last = fk.last_name_male() if male else fk.last_name_female()
    title = rng.choice(TEACHER_TITLES)
    if title == "Drs.":
        return f"Drs. {first} {last}" if male else f"Dra. {first} {last}"
    return f"{first} {last}, {title}"


def build_pool(ctx: Ctx, school, code: str) -> list[Emp]:
    rng, ix = ctx.rng, ctx.index
    secs = PROG[code][2]
    local = [e for s in secs for e in ix.by_sec_kota.get((s, school["kota"]), ())]
    region = [e for s in secs for e in ix.by_sec_prov.get((s, school["prov"]), ()) if e.kota != school["kota"]]
    hub = [e for s in secs for e in ix.hub_by_sec.get(s, ()) if e.prov != school["prov"]]
    size = rng.randint(30, 60)
    want = [(local, round(size * 0.6)), (region, round(size * 0.25)), (hub, round(size * 0.15))]
    pool: list[Emp] = []
    seen: set[int] = set()
    for cand, k in want:
        for e in rng.sample(cand, min(k, len(cand))):
            if e.idx not in seen:
                seen.add(e.idx)
                pool.append(e)
    fallback = [e for s in secs for e in ix.by_sec.get(s, ())]
    tries = 0
    while len(pool) < size and tries < size * 4 and fallback:
        e = rng.choice(fallback)
        tries += 1
        if e.idx not in seen:
            seen.add(e.idx)
            pool.append(e)
    for b in ix.big:  # big firms fitting the programme usually take interns too
        if fits(b, code) and b.idx not in seen and rng.random() < 0.6:
            seen.add(b.idx)
            pool.append(b)
    rng.shuffle(pool)
    return pool


def gen_partnerships(ctx: Ctx, school, pools):
    rng, today = ctx.rng, ctx.today
    scale = len(school["codes"]) / 9
    rows = []  # dicts: emp, code ('' = whole school), jenis, mulai, selesai
    used_nomor: set[str] = set()

    def dates():
        # more MoUs in recent years (link-and-match push): max of two uniform draws
        lo, hi = dt.date(2012, 1, 1), today - dt.timedelta(days=30)
        mulai = max(rand_date(rng, lo, hi), rand_date(rng, lo, hi))
        r = rng.random()
        if r < 0.3:
            selesai = None
        else:
            years = rng.choice([1, 2, 3, 3, 4, 5, 5])
            selesai = add_months(mulai, 12 * years) - dt.timedelta(days=1)
        return mulai, selesai

    # whole-school partnerships: big firms and larger pool members of any programme
    n_whole = max(4, round(rng.randint(15, 21) * scale))
    cands = [b for b in ctx.index.big if any(fits(b, c) for c in school["codes"])]
    larger = [e for c in school["codes"] for e in pools[c] if e.skala in ("menengah", "besar")]
    seen: set[int] = set()
    whole = []
    for e in rng.sample(cands, min(len(cands), max(1, n_whole // 3))) + rng.sample(larger, min(len(larger), n_whole * 2)):
        if len(whole) >= n_whole:
            break
        if e.idx not in seen:
            seen.add(e.idx)
            whole.append(e)
    for e in whole:
        k = rng.choice([1, 2, 2, 3])
        jenis = set(rng.sample(JENIS_MITRA, k))
        if rng.random() < 0.6:
            jenis.add("prakerin")
        rows.append({"emp": e, "code": "", "jenis": jenis, "dates": dates()})
    # programme-level partnerships: mostly among the programme's regular hosts
    for c in school["codes"]:
        n = rng.randint(3, 6)
        top = pools[c][:12]
        for e in rng.sample(top, min(n, len(top))):
            jenis = {"prakerin"} if rng.random() < 0.85 else set()
            jenis |= set(rng.sample(JENIS_MITRA[1:], rng.choice([0, 1, 1, 2, 3])))
            if not jenis:
                jenis = {rng.choice(JENIS_MITRA)}
            rows.append({"emp": e, "code": c, "jenis": jenis, "dates": dates()})
    rows.sort(key=lambda r: (r["dates"][0], r["emp"].idx, r["code"]))
    for r in rows:
        mulai, selesai = r["dates"]
        while True:
            nomor = f"421.5/{rng.randint(1, 999)}/{mulai.year}"
            if nomor not in used_nomor:
                used_nomor.add(nomor)
                break
        e = r["emp"]
        ctx.write("kemitraan", (school["npsn"], r["code"], e.kode, e.nama,
                                ";".join(j for j in JENIS_MITRA if j in r["jenis"]), nomor,
                                fmt(mulai), fmt(selesai)))
    return rows


def active(p, d: dt.date) -> bool:
    mulai, selesai = p["dates"]
    return mulai <= d and (selesai is None or d <= selesai)


def status_weights(years_since: int):
    if years_since == 0:
        return STATUS_WEIGHTS[0]
    if years_since < 4:
        return STATUS_WEIGHTS[1]
    if years_since < 10:
        return STATUS_WEIGHTS[4]
    return STATUS_WEIGHTS[10]
