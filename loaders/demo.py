"""Deterministic demo-data generator for alumni-graph.

Writes one UTF-8 CSV per kind (``<kind>.csv``) in the loader file contract::

    generate_demo(out_dir, seed=2026, schools=1, today=None) -> {kind: path}
    python -m loaders.demo OUT_DIR [--seed N] [--schools N] [--today YYYY-MM-DD]

All data is synthetic (Faker ``id_ID`` + ``random.Random``).  The same seed,
arguments and Faker version give byte-identical files: no global random
state is used and no wall-clock time enters the data (everything time-like
derives from ``today``, default 2026-11-01).

Rows are streamed school by school, so memory stays bounded by the employer
table (at most 50,000 rows) plus one school's small lookup tables.
"""
from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path
from alumni_graph.loaders.employers import normalize_name

from faker import Faker

from alumni_graph.graph_service.schema import TRACER_STATUSES, UNTRACED_STATUS

__all__ = ["COLUMNS", "KINDS", "DEFAULT_TODAY", "generate_demo", "normalize_company_name"]

DEFAULT_TODAY = dt.date(2026, 11, 1)

COLUMNS: dict[str, list[str]] = {
    "sekolah": ["npsn", "nama", "kota", "provinsi"],
    "program": ["npsn", "kode", "nama", "bidang"],
    "siswa": ["nisn", "nama", "npsn", "kode_program", "jenis_kelamin", "tanggal_lahir",
              "tahun_masuk", "tahun_lulus", "status", "bersedia_dihubungi", "no_hp", "email"],
    "dudi": ["kode", "nama", "bidang_usaha", "kota", "provinsi", "skala", "kontak"],
    "prakerin": ["nisn", "kode_dudi", "nama_dudi", "mulai", "selesai", "nilai",
                 "guru_pembimbing", "kunjungan_monitoring"],
    "pekerjaan": ["nisn", "kode_dudi", "nama_dudi", "jabatan", "mulai", "selesai", "selaras", "sumber"],
    "kemitraan": ["npsn", "kode_program", "kode_dudi", "nama_dudi", "jenis", "nomor_mou", "mulai", "selesai"],
    "kunjungan": ["npsn", "kode_dudi", "nama_dudi", "tanggal", "jenis", "oleh", "catatan"],
}
KINDS = tuple(COLUMNS)

# --------------------------------------------------------------------------- reference data

# kode, nama, bidang (KBLI sections), share of a cohort, share of male students
PROGRAMS = [
    ("TKR", "Teknik Kendaraan Ringan", ("G", "C"), 0.17, 0.95),
    ("TBSM", "Teknik dan Bisnis Sepeda Motor", ("G", "C"), 0.13, 0.96),
    ("TPM", "Teknik Pemesinan", ("C",), 0.10, 0.93),
    ("TITL", "Teknik Instalasi Tenaga Listrik", ("D", "F"), 0.11, 0.94),
    ("TKJ", "Teknik Komputer dan Jaringan", ("J",), 0.14, 0.72),
    ("TAV", "Teknik Audio Video", ("C", "J"), 0.07, 0.85),
    ("DPIB", "Desain Pemodelan dan Informasi Bangunan", ("F", "M"), 0.09, 0.62),
    ("TP", "Teknik Pengelasan", ("C", "F"), 0.07, 0.97),
    ("AKL", "Akuntansi dan Keuangan Lembaga", ("K", "M"), 0.12, 0.18),
]
PROG = {p[0]: p for p in PROGRAMS}

SECTION_WEIGHTS = {"C": 30, "G": 22, "F": 12, "J": 8, "D": 3, "K": 6, "M": 5,
                   "H": 4, "I": 4, "N": 3, "Q": 3}
SECTIONS = list(SECTION_WEIGHTS)

# A few plausible 5-digit KBLI 2020 codes per section (used for ~15% of employers).
KBLI_CODES = {
    "C": ["29100", "29200", "29300", "30911", "25111", "25920", "26120", "27320", "28220", "30111"],
    "G": ["45201", "45202", "45301", "45405", "45407", "46599", "47411"],
    "F": ["41011", "41012", "42101", "43211", "43299"],
    "J": ["61100", "61200", "62019", "63111", "61923"],
    "D": ["35101", "35102", "35103"],
    "K": ["64191", "64141", "65121", "64951"],
    "M": ["69201", "71101", "71102", "70209"],
    "H": ["49431", "52101", "53201"],
    "I": ["55110", "56101"],
    "N": ["78101", "81210", "80100"],
    "Q": ["86103", "86105"],
}

CENTRAL_JAVA = [
    "Semarang", "Surakarta", "Magelang", "Salatiga", "Pekalongan", "Tegal", "Banjarnegara",
    "Banyumas", "Batang", "Blora", "Boyolali", "Brebes", "Cilacap", "Demak", "Grobogan",
    "Jepara", "Karanganyar", "Kebumen", "Kendal", "Klaten", "Kudus", "Pati", "Pemalang",
    "Purbalingga", "Purworejo", "Rembang", "Sragen", "Sukoharjo", "Temanggung", "Wonogiri",
    "Wonosobo",
]
OTHER_CITIES = (
    [(c, "DI Yogyakarta") for c in ["Yogyakarta", "Sleman", "Bantul", "Kulon Progo", "Gunungkidul"]]
    + [(c, "Jawa Timur") for c in [
        "Surabaya", "Malang", "Sidoarjo", "Gresik", "Mojokerto", "Pasuruan", "Kediri", "Madiun",
        "Blitar", "Jember", "Banyuwangi", "Probolinggo", "Lamongan", "Tuban", "Bojonegoro", "Ngawi",
        "Magetan", "Ponorogo", "Pacitan", "Trenggalek", "Tulungagung", "Nganjuk", "Jombang",
        "Lumajang", "Bondowoso", "Situbondo", "Bangkalan", "Pamekasan", "Sumenep", "Batu"]]
    + [(c, "Jawa Barat") for c in [
        "Bandung", "Bogor", "Depok", "Cimahi", "Sukabumi", "Cirebon", "Tasikmalaya", "Garut",
        "Cianjur", "Purwakarta", "Subang", "Sumedang", "Majalengka", "Kuningan", "Indramayu",
        "Ciamis", "Banjar"]]
    + [(c, "Banten") for c in ["Serang", "Cilegon", "Pandeglang", "Lebak"]]
    + [("Bandar Lampung", "Lampung"), ("Metro", "Lampung"), ("Denpasar", "Bali"),
       ("Badung", "Bali"), ("Gianyar", "Bali"), ("Medan", "Sumatera Utara"),
       ("Deli Serdang", "Sumatera Utara"), ("Makassar", "Sulawesi Selatan"),
       ("Balikpapan", "Kalimantan Timur"), ("Samarinda", "Kalimantan Timur"),
       ("Palembang", "Sumatera Selatan"), ("Pontianak", "Kalimantan Barat"),
       ("Mataram", "Nusa Tenggara Barat"), ("Padang", "Sumatera Barat"), ("Pekanbaru", "Riau"),
       ("Batam", "Kepulauan Riau"), ("Banjarmasin", "Kalimantan Selatan"),
       ("Manado", "Sulawesi Utara"), ("Jambi", "Jambi"), ("Bengkulu", "Bengkulu")]
)
# Industrial hubs outside the schools' region (big manufacturers, head offices).
HUBS = [("Bekasi", "Jawa Barat", 30), ("Karawang", "Jawa Barat", 25),
        ("Jakarta Utara", "DKI Jakarta", 12), ("Jakarta Timur", "DKI Jakarta", 10),
        ("Jakarta Pusat", "DKI Jakarta", 8), ("Tangerang", "Banten", 15)]
HUB_KOTA = {h[0] for h in HUBS}
DEFAULT_SCHOOL_CITIES = ["Semarang", "Klaten", "Magelang", "Surakarta", "Kudus"]

# Well-known-style big employers (fictional).  Pekerjaan rows sometimes refer to
# them by a messy name only (empty kode_dudi).
# (legal prefix, core name, legal suffix, section, kbli code, kota, provinsi)
BIG_FIRMS = [
    ("PT", "Garuda Motor Indonesia", "Tbk", "C", "29100", "Karawang", "Jawa Barat"),
    ("PT", "Sinar Otomotif Nusantara", "Tbk", "G", "45201", "Jakarta Utara", "DKI Jakarta"),
    ("PT", "Mitra Sepeda Motor Indonesia", "", "C", "30911", "Bekasi", "Jawa Barat"),
    ("PT", "Baja Presisi Indonesia", "Tbk", "C", "25111", "Bekasi", "Jawa Barat"),
    ("PT", "Jawa Elektrindo Utama", "", "C", "26120", "Semarang", "Jawa Tengah"),
    ("PT", "Energi Listrik Nusantara", "(Persero)", "D", "35101", "Jakarta Pusat", "DKI Jakarta"),
    ("PT", "Bangun Karya Persada", "(Persero) Tbk", "F", "41011", "Jakarta Timur", "DKI Jakarta"),
    ("PT", "Telekomunikasi Nusa Data", "Tbk", "J", "61100", "Jakarta Pusat", "DKI Jakarta"),
    ("PT", "Bank Rakyat Sejahtera", "(Persero) Tbk", "K", "64191", "Jakarta Pusat", "DKI Jakarta"),
    ("PT", "Galangan Baja Samudra", "", "C", "30111", "Semarang", "Jawa Tengah"),
]

GENERIC_WORDS = ["Sinar", "Jaya", "Makmur", "Abadi", "Sentosa", "Mandiri", "Karya", "Mitra",
                 "Cahaya", "Putra", "Sejahtera", "Utama", "Nusantara", "Perkasa", "Sukses",
                 "Berkah", "Maju", "Bintang", "Surya", "Mulia", "Agung", "Lestari", "Prima",
                 "Tunggal", "Indah", "Harapan", "Sakti", "Gemilang", "Sumber", "Anugerah"]
SECTION_WORDS = {
    "C": ["Teknik", "Logam", "Presisi", "Manufaktur", "Industri", "Baja", "Mesin", "Komponen",
          "Plastik", "Elektronik", "Engineering", "Metal"],
    "G": ["Motor", "Mobil", "Otomotif", "Auto Service", "Sparepart", "Niaga", "Dealer", "Ban"],
    "F": ["Konstruksi", "Bangun", "Kontraktor", "Beton", "Arsitek", "Graha"],
    "J": ["Komputer", "Data", "Net", "Media", "Teknologi", "Digital", "Solusi IT", "Telekom"],
    "D": ["Energi", "Elektrik", "Listrik", "Daya", "Power"],
    "K": ["Finance", "Dana", "Artha", "Kredit", "Syariah"],
    "M": ["Konsultan", "Desain", "Survei", "Rekayasa", "Studio"],
    "H": ["Logistik", "Transport", "Ekspres", "Kargo"],
    "I": ["Hotel", "Resto", "Catering", "Boga"],
    "N": ["Outsourcing", "Servis", "Sarana", "Tenaga"],
    "Q": ["Medika", "Husada", "Farma", "Sehat"],
}
# Names for micro/small businesses without a legal form
SMALL_TEMPLATES = {
    "C": ["Bengkel Las {first}", "Bengkel Bubut {w1}", "Konveksi {first}"],
    "G": ["Bengkel {first} Motor", "Bengkel {w1} Motor", "Toko {w1} {w2}", "Service Motor {first}"],
    "F": ["Toko Bangunan {w1} {w2}", "Pemborong {first}"],
    "J": ["{w1} Komputer", "Warnet {w1}", "Servis HP {first}"],
    "D": ["Instalatir {first}", "{w1} Elektrik"],
    "K": ["KSP {w1} {w2}", "BPR {w1} {w2}", "BMT {w1}"],
    "M": ["KJA {last} dan Rekan", "Studio {w1} {w2}"],
    "H": ["PO {w1} {w2}", "Ekspedisi {w1}"],
    "I": ["Rumah Makan {first}", "Hotel {w1} {w2}", "Warung {first}"],
    "N": ["{w1} Cleaning Service", "Jasa {w1} {w2}"],
    "Q": ["Klinik {w1} Medika", "Apotek {w1}", "RS {w1} Husada"],
}

OPERATOR_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0814",
                     "0815", "0816", "0855", "0856", "0857", "0858", "0817", "0818", "0819",
                     "0859", "0877", "0878", "0831", "0838", "0895", "0896", "0897", "0898",
                     "0899", "0881", "0882", "0887", "0888"]

TEACHER_TITLES = ["S.Pd.", "S.Pd.", "S.Pd.", "S.T.", "S.T.", "M.Pd.", "S.Pd., M.Pd.", "S.Kom.",
                  "S.E.", "S.Pd.T.", "Drs.", "S.T., M.T."]

JABATAN = {
    "TKR": ["Mekanik", "Teknisi Otomotif", "Service Advisor", "Operator Produksi", "Quality Control",
            "Teknisi Body Repair", "Partsman"],
    "TBSM": ["Mekanik Sepeda Motor", "Teknisi Sepeda Motor", "Service Advisor", "Operator Perakitan",
             "Sales Counter", "Partsman"],
    "TPM": ["Operator CNC", "Machinist", "Operator Produksi", "QC Inspector", "Operator Bubut",
            "Toolmaker"],
    "TITL": ["Teknisi Listrik", "Electrician", "Teknisi Maintenance", "Instalatir", "Operator Panel",
             "Yantek"],
    "TKJ": ["Teknisi Jaringan", "IT Support", "Admin Jaringan", "Teknisi FTTH", "Programmer Junior",
            "Helpdesk"],
    "TAV": ["Teknisi Elektronika", "Operator Produksi Elektronik", "Teknisi Audio Video",
            "Teknisi CCTV", "Quality Control"],
    "DPIB": ["Drafter", "Estimator", "Pelaksana Lapangan", "Surveyor", "Drafter BIM"],
    "TP": ["Welder", "Juru Las", "Fabricator", "Operator Produksi", "Fitter", "Welding Inspector"],
    "AKL": ["Staf Akuntansi", "Kasir", "Teller", "Admin Keuangan", "Staf Pajak", "Customer Service"],
}
JABATAN_SENIOR = {
    "TKR": ["Kepala Mekanik", "Foreman Bengkel"], "TBSM": ["Kepala Mekanik", "Kepala Bengkel"],
    "TPM": ["Leader Produksi", "Supervisor Machining"], "TITL": ["Supervisor Maintenance", "Foreman Listrik"],
    "TKJ": ["Network Engineer", "Koordinator IT"], "TAV": ["Leader Produksi", "Supervisor QC"],
    "DPIB": ["Site Engineer", "Drafter Senior"], "TP": ["Leader Welding", "Supervisor Fabrikasi"],
    "AKL": ["Supervisor Keuangan", "Kepala Kasir"],
}
JABATAN_GENERIC = ["Operator Produksi", "Sales", "Staf Admin", "Staf Gudang", "Driver", "Pramuniaga",
                   "Security", "Customer Service", "Kurir", "Helper", "Barista"]

STATUS = [*TRACER_STATUSES, ""]  # "": the tracer study has no answer (an empty cell)
STATUS_WEIGHTS = {  # by years since graduation bucket
    0: [42, 15, 3, 27, 7, 6],
    1: [60, 12, 6, 10, 6, 6],
    4: [62, 7, 10, 6, 8, 7],
    10: [62, 5, 11, 4, 10, 8],
}
JENIS_MITRA = ["prakerin", "rekrutmen", "sinkronisasi_kurikulum", "guru_tamu", "kelas_industri"]
KUNJUNGAN_JENIS = ["kunjungan", "promosi", "rapat", "monitoring"]
CATATAN = {
    "kunjungan": ["Penjajakan kerja sama {prog}", "Silaturahmi dengan bagian HRD",
                  "Penyerahan sertifikat siswa PKL {prog}", "Kunjungan industri siswa kelas XI {prog}",
                  "Penjajakan kelas industri {prog}", "Penawaran kerja sama guru tamu"],
    "promosi": ["Promosi lulusan {year} ke HRD", "Penyerahan profil lulusan {prog}",
                "Sosialisasi BKK sekolah", "Menawarkan tenaga kerja lulusan {prog}"],
    "rapat": ["Rapat sinkronisasi kurikulum {prog}", "Rapat evaluasi MoU",
              "Pembahasan perpanjangan MoU", "Rapat persiapan uji kompetensi {prog}",
              "Rapat rencana rekrutmen lulusan {year}"],
    "monitoring": ["Monitoring {n} siswa PKL {prog}", "Monitoring PKL, siswa disiplin baik",
                   "Monitoring PKL, {n} siswa perlu pembinaan", "Penjemputan siswa PKL {prog}"],
}

# One rule for employer names, the loader's (legal forms, "P.T", "(Persero)",
# abbreviations): the demo keeps its firms' names unique by the same key.
normalize_company_name = normalize_name


# --------------------------------------------------------------------------- helpers

def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _fmt(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return dt.date.fromordinal(rng.randint(lo.toordinal(), hi.toordinal()))


class _NisnPermutation:
    """Bijective shuffle of 0..9,999,999 (Feistel + cycle walking) so NISNs are
    unique without remembering the ones already issued."""

    LIMIT = 10_000_000

    def __init__(self, rng: random.Random):
        self.keys = [rng.getrandbits(32) for _ in range(4)]
        self.counter = 0

    def next(self) -> int:
        if self.counter >= self.LIMIT:
            raise RuntimeError("more than 10 million people: NISN space exhausted")
        x = self.counter
        self.counter += 1
        while True:
            left, right = x >> 12, x & 0xFFF
            for k in self.keys:
                left, right = right, left ^ ((((right + 1) * 2654435761 ^ k) >> 11) & 0xFFF)
            x = (left << 12) | right
            if x < self.LIMIT:
                return x


def _slug(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())


class _Emp:
    __slots__ = ("idx", "kode", "nama", "sec", "kota", "prov", "skala", "big", "variants")

    def __init__(self, idx, kode, nama, sec, kota, prov, skala, big=False, variants=()):
        self.idx, self.kode, self.nama, self.sec = idx, kode, nama, sec
        self.kota, self.prov, self.skala, self.big, self.variants = kota, prov, skala, big, variants


def _big_firm_variants(prefix: str, core: str, suffix: str) -> tuple[str, ...]:
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

def _company_name(rng: random.Random, fk: Faker, sec: str, skala: str) -> str:
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


def _phone(rng: random.Random, fk: Faker) -> str:
    return fk.numerify(rng.choice(OPERATOR_PREFIXES) + "#" * rng.choice((7, 8, 8, 8)))


def _gen_employers(rng: random.Random, fk: Faker, n: int, school_locs: list[tuple[str, str]]):
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
    emps: list[_Emp] = []
    dudi_rows = []
    for i in range(n):
        kode = f"DUDI-{i + 1:0{width}d}"
        if i in big_slots:
            prefix, core, suffix, sec, code, kota, prov = next(big_iter)
            nama = f"{prefix} {core} {suffix}".strip()
            e = _Emp(i, kode, nama, sec, kota, prov, "besar", True, _big_firm_variants(prefix, core, suffix))
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
                nama = _company_name(rng, fk, sec, skala)
                if attempt >= 20:
                    nama = f"{nama} {kota}"
                key = normalize_company_name(nama)
                if key and key not in used_keys:
                    break
            else:  # pragma: no cover - practically unreachable
                nama = f"{nama} {i + 1}"
                key = normalize_company_name(nama)
            used_keys.add(key)
            e = _Emp(i, kode, nama, sec, kota, prov, skala)
            bidang = sec + rng.choice(KBLI_CODES[sec]) if rng.random() < 0.15 else sec
        r = rng.random()
        if r < 0.85:
            kontak = f"{fk.name()} ({_phone(rng, fk)})"
        elif r < 0.9:
            kontak = _phone(rng, fk)
        else:
            kontak = ""
        emps.append(e)
        dudi_rows.append((e.kode, e.nama, bidang, e.kota, e.prov, e.skala, kontak))
    return emps, dudi_rows


class _EmpIndex:
    def __init__(self, emps: list[_Emp]):
        self.by_sec: dict[str, list[_Emp]] = {}
        self.by_sec_kota: dict[tuple[str, str], list[_Emp]] = {}
        self.by_sec_prov: dict[tuple[str, str], list[_Emp]] = {}
        self.hub_by_sec: dict[str, list[_Emp]] = {}
        self.by_kota: dict[str, list[_Emp]] = {}
        self.by_prov: dict[str, list[_Emp]] = {}
        self.hub_all: list[_Emp] = []
        self.big: list[_Emp] = []
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


# --------------------------------------------------------------------------- schools

def _school_specs(rng: random.Random, n: int):
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


def _school_calendar(today: dt.date) -> int:
    """Year of the last completed graduation (= latest intake year).

    The school year starts in July: on/after 1 July of year Y, cohort Y has
    graduated and intake Y has started.
    """
    return today.year if today >= dt.date(today.year, 7, 1) else today.year - 1


class _Ctx:
    """Per-run state shared by all schools."""

    def __init__(self, rng, fk, today, emps, index, nisn_perm, writers, counts):
        self.rng, self.fk, self.today = rng, fk, today
        self.emps, self.index, self.nisn_perm = emps, index, nisn_perm
        self.w, self.counts = writers, counts
        self.last_grad = _school_calendar(today)
        self.emails_seen: set[str] = set()  # ~70 bytes per person with an email

    def write(self, kind: str, row) -> None:
        self.w[kind].writerow(row)
        self.counts[kind] += 1


def _fits(e: _Emp, code: str) -> bool:
    return e.sec in PROG[code][2]


def _teacher_name(rng: random.Random, fk: Faker) -> str:
    male = rng.random() < 0.55
    first = fk.first_name_male() if male else fk.first_name_female()
    last = fk.last_name_male() if male else fk.last_name_female()
    title = rng.choice(TEACHER_TITLES)
    if title == "Drs.":
        return f"Drs. {first} {last}" if male else f"Dra. {first} {last}"
    return f"{first} {last}, {title}"


def _build_pool(ctx: _Ctx, school, code: str) -> list[_Emp]:
    rng, ix = ctx.rng, ctx.index
    secs = PROG[code][2]
    local = [e for s in secs for e in ix.by_sec_kota.get((s, school["kota"]), ())]
    region = [e for s in secs for e in ix.by_sec_prov.get((s, school["prov"]), ()) if e.kota != school["kota"]]
    hub = [e for s in secs for e in ix.hub_by_sec.get(s, ()) if e.prov != school["prov"]]
    size = rng.randint(30, 60)
    want = [(local, round(size * 0.6)), (region, round(size * 0.25)), (hub, round(size * 0.15))]
    pool: list[_Emp] = []
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
        if _fits(b, code) and b.idx not in seen and rng.random() < 0.6:
            seen.add(b.idx)
            pool.append(b)
    rng.shuffle(pool)
    return pool


def _gen_partnerships(ctx: _Ctx, school, pools):
    rng, today = ctx.rng, ctx.today
    scale = len(school["codes"]) / 9
    rows = []  # dicts: emp, code ('' = whole school), jenis, mulai, selesai
    used_nomor: set[str] = set()

    def dates():
        # more MoUs in recent years (link-and-match push): max of two uniform draws
        lo, hi = dt.date(2012, 1, 1), today - dt.timedelta(days=30)
        mulai = max(_rand_date(rng, lo, hi), _rand_date(rng, lo, hi))
        r = rng.random()
        if r < 0.3:
            selesai = None
        else:
            years = rng.choice([1, 2, 3, 3, 4, 5, 5])
            selesai = _add_months(mulai, 12 * years) - dt.timedelta(days=1)
        return mulai, selesai

    # whole-school partnerships: big firms and larger pool members of any programme
    n_whole = max(4, round(rng.randint(15, 21) * scale))
    cands = [b for b in ctx.index.big if any(_fits(b, c) for c in school["codes"])]
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
                                _fmt(mulai), _fmt(selesai)))
    return rows


def _active(p, d: dt.date) -> bool:
    mulai, selesai = p["dates"]
    return mulai <= d and (selesai is None or d <= selesai)


def _status_weights(years_since: int):
    if years_since == 0:
        return STATUS_WEIGHTS[0]
    if years_since < 4:
        return STATUS_WEIGHTS[1]
    if years_since < 10:
        return STATUS_WEIGHTS[4]
    return STATUS_WEIGHTS[10]


def _gen_school(ctx: _Ctx, school) -> None:
    rng, fk, today = ctx.rng, ctx.fk, ctx.today
    npsn = school["npsn"]
    codes = school["codes"]
    scale = len(codes) / 9
    ctx.write("sekolah", (npsn, school["nama"], school["kota"], school["prov"]))
    for c in codes:
        p = PROG[c]
        ctx.write("program", (npsn, c, p[1], ";".join(p[2])))

    # teachers: productive teachers per programme + a few normative/adaptive ones
    n_teachers = max(25, round(40 * scale))
    teachers = [_teacher_name(rng, fk) for _ in range(n_teachers)]
    per_prog = max(3, (n_teachers - 6) // len(codes))
    prog_teachers = {c: teachers[i * per_prog:(i + 1) * per_prog] or teachers[:3] for i, c in enumerate(codes)}
    humas = rng.sample(teachers, rng.randint(4, 6))

    pools = {c: _build_pool(ctx, school, c) for c in codes}
    pool_cum = {}
    for c in codes:
        acc, cum = 0.0, []
        for r in range(len(pools[c])):
            acc += 1.0 / (r + 1) ** 0.8
            cum.append(acc)
        pool_cum[c] = cum
    partners = _gen_partnerships(ctx, school, pools)
    partner_ids = {p["emp"].idx for p in partners}
    host_partners = {c: [p for p in partners if "prakerin" in p["jenis"]
                         and (p["code"] == c or (p["code"] == "" and _fits(p["emp"], c)))]
                     for c in codes}
    recruit = {}
    for p in partners:
        if "rekrutmen" in p["jenis"]:
            recruit.setdefault(p["emp"].idx, []).append(p)

    ix = ctx.index
    local_all = ix.by_kota.get(school["kota"], [])
    region_all = ix.by_prov.get(school["prov"], [])
    big_fit = {c: [b for b in ix.big if _fits(b, c)] for c in codes}
    local_fit = {c: [e for s in PROG[c][2] for e in ix.by_sec_kota.get((s, school["kota"]), ())] for c in codes}
    region_fit = {c: [e for s in PROG[c][2] for e in ix.by_sec_prov.get((s, school["prov"]), ())] for c in codes}
    hub_fit = {c: [e for s in PROG[c][2] for e in ix.hub_by_sec.get(s, ())] for c in codes}
    any_fit = {c: [e for s in PROG[c][2] for e in ix.by_sec.get(s, ())] for c in codes}

    last_grad = ctx.last_grad
    first_cohort = last_grad - 16
    kunj_from = _add_months(today, -60)
    hosts_by_year: dict[int, dict[int, int]] = {}  # school-year start -> emp idx -> interns
    emails_seen = ctx.emails_seen

    def job_employer(c: str) -> _Emp:
        r = rng.random()
        lst = None
        if r < 0.14:
            lst = big_fit[c] or ix.big
        elif r < 0.50:
            lst = local_fit[c] or region_fit[c]
        elif r < 0.66:
            lst = hub_fit[c]
        elif r < 0.74:
            lst = region_fit[c]
        elif r < 0.87:
            lst = local_all or region_all
        elif r < 0.95:
            lst = ix.hub_all
        return rng.choice(lst or any_fit[c] or ix.all)

    def emp_ref(e: _Emp) -> tuple[str, str]:
        if e.big and rng.random() < 0.35:
            return "", rng.choice(e.variants)
        return e.kode, e.nama

    def jabatan(c: str, selaras: bool, k: int) -> str:
        if not selaras:
            return rng.choice(JABATAN_GENERIC)
        if k > 0 and rng.random() < 0.3:
            return rng.choice(JABATAN_SENIOR[c])
        return rng.choice(JABATAN[c])

    def sumber(first: bool) -> str:
        if first:
            return rng.choices(["tracer", "bkk", "alumni", "lainnya"], weights=[40, 30, 18, 12])[0]
        return rng.choices(["tracer", "bkk", "alumni", "lainnya"], weights=[50, 8, 27, 15])[0]

    # (tahun_lulus, current?) for 17 graduated cohorts + 3 active intakes
    cohorts = [(y, False) for y in range(first_cohort, last_grad + 1)]
    cohorts += [(y, True) for y in range(last_grad + 1, last_grad + 4)]
    for lulus, current in cohorts:
        masuk = lulus - 3
        years_since = last_grad - lulus
        if current:
            size = rng.randint(400, 460) * scale
        else:
            size = rng.randint(350, 430) * scale
        wsum = sum(PROG[c][3] for c in codes)
        school_year_start = dt.date(lulus - 1, 7, 1)
        final_year_now = current and lulus == last_grad + 1
        do_prakerin = (not current) or final_year_now
        for c in codes:
            kode, pnama, bidang, share, male_share = PROG[c]
            n = max(1, round(size * share / wsum * rng.uniform(0.85, 1.15)))
            # PKL batches for this programme and school year
            batches = []
            if do_prakerin:
                for _ in range(rng.choice((1, 2, 2, 3))):
                    months = rng.randint(3, 6)
                    lo = dt.date(lulus - 1, 7, 15)
                    hi = _add_months(dt.date(lulus, 6, 1), -months)
                    if final_year_now:
                        hi = min(hi, today)
                    if hi >= lo:
                        batches.append((_rand_date(rng, lo, hi), months))
            active_hp = [p for p in host_partners[c] if _active(p, school_year_start + dt.timedelta(days=120))]
            pool, pcum = pools[c], pool_cum[c]
            for _ in range(n):
                male = rng.random() < male_share
                gender = "L" if male else "P"
                r = rng.random()
                if male:
                    first, last = fk.first_name_male(), fk.last_name_male()
                    if r < 0.06:
                        first = "Muhammad " + first
                else:
                    first, last = fk.first_name_female(), fk.last_name_female()
                nama = first if r > 0.92 else f"{first} {last}"
                born_lo = dt.date(masuk - (17 if rng.random() < 0.07 else 16), 7, 1)
                lahir = dt.date.fromordinal(born_lo.toordinal() + rng.randint(0, 364))
                nisn = f"{lahir.year % 1000:03d}{ctx.nisn_perm.next():07d}"

                if current:
                    status = ""
                    consent = rng.random() < 0.05
                    p_phone, p_mail = 0.9, 0.7
                else:
                    status = rng.choices(STATUS, weights=_status_weights(years_since))[0]
                    known = status not in ("", UNTRACED_STATUS)
                    consent = rng.random() < (0.47 if known else 0.08)
                    p_phone, p_mail = (0.85, 0.6) if known else (0.5, 0.3)
                phone = _phone(rng, fk) if rng.random() < p_phone else ""
                if rng.random() < p_mail:
                    sep = rng.choice((".", "_", ""))
                    local = _slug(first.split()[-1]) + (sep + _slug(last) if rng.random() < 0.7 else "")
                    if rng.random() < 0.6:
                        local += str(rng.choice((lahir.year % 100, rng.randint(1, 999))))
                    email = f"{local}@{fk.safe_domain_name()}"
                    while email in emails_seen:  # unique over the whole run
                        email = f"{local}{rng.randint(1, 9999)}@{fk.safe_domain_name()}"
                    emails_seen.add(email)
                else:
                    email = ""
                ctx.write("siswa", (nisn, nama, npsn, c, gender, lahir.isoformat(), masuk,
                                    "" if current else lulus, status, "ya" if consent else "tidak",
                                    phone, email))

                # --- prakerin
                host = None
                prak_end = None
                if batches and (final_year_now or rng.random() < 0.97):
                    b_start, months = rng.choice(batches)
                    mulai = b_start + dt.timedelta(days=rng.choice((0, 0, 0, 0, 1, 7, 14)))
                    if final_year_now and mulai > today:
                        mulai = b_start
                    selesai = _add_months(mulai, months) - dt.timedelta(days=1)
                    if active_hp and rng.random() < 0.4:
                        hp = rng.choice(active_hp)
                        host = hp["emp"]
                    else:
                        host = rng.choices(pool, cum_weights=pcum)[0]
                    if selesai <= today:
                        nilai = str(max(60, min(98, round(rng.gauss(82, 7)))))
                        monit = rng.choices(range(5), weights=(10, 25, 35, 20, 10))[0]
                    else:
                        nilai = ""
                        monit = rng.randint(0, min(4, (today - mulai).days // 30))
                    guru = rng.choice(prog_teachers[c]) if rng.random() < 0.9 else rng.choice(teachers)
                    prak_end = selesai
                    ctx.write("prakerin", (nisn, host.kode, host.nama, _fmt(mulai), _fmt(selesai),
                                           nilai, guru, monit))
                    if mulai >= kunj_from - dt.timedelta(days=200):
                        hy = hosts_by_year.setdefault(school_year_start.year, {})
                        hy[host.idx] = hy.get(host.idx, 0) + 1

                # --- pekerjaan
                if current:
                    continue
                if status == "bekerja":
                    if rng.random() >= 0.7:
                        continue
                    n_jobs = 1 if years_since == 0 else (
                        rng.choice((1, 1, 2)) if years_since < 3 else rng.choice((1, 1, 2, 2, 3)))
                    keep_current = True
                elif status == "mencari_kerja" and years_since > 0 and rng.random() < 0.25:
                    n_jobs, keep_current = rng.choice((1, 1, 2)), False
                else:
                    continue
                grad = dt.date(lulus, 5, 5)
                span = (today - grad).days
                hired_by_host = False
                if host is not None:
                    recs = recruit.get(host.idx)
                    p_hire = 0.45 if recs and any(_active(p, grad) for p in recs) else 0.18
                    hired_by_host = rng.random() < p_hire
                if hired_by_host:
                    start = grad + dt.timedelta(days=rng.randint(-4, min(110, span)))
                    if prak_end is not None and start <= prak_end:
                        start = prak_end + dt.timedelta(days=rng.randint(1, 30))
                else:
                    start = grad + dt.timedelta(days=rng.randint(min(14, span), min(300, span)))
                if start > today:
                    start = today
                jobs = []
                for k in range(n_jobs):
                    e = host if (k == 0 and hired_by_host) else job_employer(c)
                    dur = rng.randint(6, 48)
                    end = _add_months(start, dur) - dt.timedelta(days=1)
                    last_job = k == n_jobs - 1 or end >= today
                    if last_job and keep_current:
                        end = None
                    elif end >= today:  # past job of a job seeker: must have ended
                        end = today - dt.timedelta(days=rng.randint(1, 60))
                        if end < start:
                            end = start
                    jobs.append((e, start, end))
                    if last_job:
                        break
                    start = end + dt.timedelta(days=rng.randint(1, 180))
                    if start >= today:
                        break
                if keep_current and jobs[-1][2] is not None:
                    # ran out of time before reaching the last job: last one is current
                    e, s, _ = jobs[-1]
                    jobs[-1] = (e, s, None)
                if keep_current and rng.random() < 0.006:  # a second, concurrent current job
                    s2 = _rand_date(rng, jobs[-1][1] + dt.timedelta(days=1), today)
                    e2 = job_employer(c)
                    if e2 is not jobs[-1][0] and s2 > jobs[-1][1]:
                        jobs.append((e2, s2, None))
                for k, (e, s, en) in enumerate(jobs):
                    fit = _fits(e, c)
                    sel = rng.random() < (0.88 if fit else 0.08)
                    kd, nm = emp_ref(e)
                    ctx.write("pekerjaan", (nisn, kd, nm, jabatan(c, sel, k), _fmt(s), _fmt(en),
                                            "ya" if sel else "tidak",
                                            "bkk" if (k == 0 and hired_by_host and rng.random() < 0.4)
                                            else sumber(k == 0)))

    # --- kunjungan (Humas contacts over the last five years)
    n_kunj = round(300 * scale * rng.uniform(0.9, 1.1))
    partner_emps = sorted({p["emp"].idx for p in partners})
    non_partner = [e for c in codes for e in pools[c] if e.idx not in partner_ids]
    non_partner += [e for e in local_all[:200] if e.idx not in partner_ids]
    rows = []
    seen_kunj: set[tuple] = set()  # (employer, tanggal, jenis) is the loader's row key
    while len(rows) < n_kunj:
        tanggal = _rand_date(rng, kunj_from, today)
        jenis = rng.choices(KUNJUNGAN_JENIS, weights=(35, 15, 20, 30))[0]
        sy = tanggal.year if tanggal.month >= 7 else tanggal.year - 1
        hosts = hosts_by_year.get(sy)
        if jenis == "monitoring" and hosts:
            ids = sorted(hosts)
            e = ctx.emps[rng.choices(ids, weights=[hosts[i] for i in ids])[0]]
            n_int = hosts[e.idx]
        elif rng.random() < 0.65 and partner_emps:
            e = ctx.emps[rng.choice(partner_emps)]
            n_int = 0
        else:
            e = rng.choice(non_partner or ctx.emps)
            n_int = 0
        if (e.idx, tanggal, jenis) in seen_kunj:
            continue
        seen_kunj.add((e.idx, tanggal, jenis))
        fit_codes = [c for c in codes if _fits(e, c)] or codes
        if rng.random() < 0.1:
            catatan = ""
        else:
            catatan = rng.choice(CATATAN[jenis]).format(
                prog=rng.choice(fit_codes), year=sy + 1, n=max(1, min(n_int, rng.randint(1, 6))))
        rows.append((tanggal, e.idx, (npsn, e.kode, e.nama, _fmt(tanggal), jenis, rng.choice(humas), catatan)))
    rows.sort(key=lambda r: (r[0], r[1]))
    for _, _, row in rows:
        ctx.write("kunjungan", row)


# --------------------------------------------------------------------------- entry points

def _generate(out_dir: Path, seed: int, schools: int, today: dt.date | None):
    if schools < 1:
        raise ValueError("schools must be >= 1")
    today = today or DEFAULT_TODAY
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    fk = Faker("id_ID")
    fk.seed_instance(seed)

    specs = _school_specs(rng, schools)
    n_emp = min(800 + 300 * (schools - 1), 50_000)
    emps, dudi_rows = _gen_employers(rng, fk, n_emp, [(s["kota"], s["prov"]) for s in specs])
    index = _EmpIndex(emps)
    nisn_perm = _NisnPermutation(rng)

    paths = {k: out_dir / f"{k}.csv" for k in KINDS}
    counts = {k: 0 for k in KINDS}
    files = {k: open(p, "w", encoding="utf-8", newline="") for k, p in paths.items()}
    try:
        writers = {k: csv.writer(f, lineterminator="\n") for k, f in files.items()}
        for k in KINDS:
            writers[k].writerow(COLUMNS[k])
        ctx = _Ctx(rng, fk, today, emps, index, nisn_perm, writers, counts)
        for row in dudi_rows:
            ctx.write("dudi", row)
        del dudi_rows
        for school in specs:
            _gen_school(ctx, school)
    finally:
        for f in files.values():
            f.close()
    return paths, counts


def generate_demo(out_dir: Path, *, seed: int = 2026, schools: int = 1,
                  today: dt.date | None = None) -> dict[str, Path]:
    """Write ``<kind>.csv`` for every kind into *out_dir*; return ``{kind: path}``.

    Deterministic: same seed and arguments (and Faker version) give
    byte-identical files.  ``today`` (default 2026-11-01) anchors cohorts,
    current jobs, ongoing internships and the five-year Humas window.
    """
    paths, _ = _generate(out_dir, seed, schools, today)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m loaders.demo", description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--schools", type=int, default=1)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None,
                    help="reference date YYYY-MM-DD (default 2026-11-01)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths, counts = _generate(args.out_dir, args.seed, args.schools, args.today)
    elapsed = time.perf_counter() - t0
    for k in KINDS:
        print(f"{k:<10} {counts[k]:>10,}  {paths[k]}")
    print(f"generated in {elapsed:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
