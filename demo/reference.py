"""The demo generator's reference data (programmes, KBLI sections, cities,
firm names, job titles, visit notes) and small date and text helpers."""
from __future__ import annotations

import calendar
import datetime as dt
import random
import re

from alumni_graph.graph_service.schema import TRACER_STATUSES
from alumni_graph.loaders.employers import normalize_name

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

def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def fmt(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return dt.date.fromordinal(rng.randint(lo.toordinal(), hi.toordinal()))


class NisnPermutation:
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


def slug(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())
