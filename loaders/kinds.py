"""The file contract: which columns each kind of file has, and how cells parse.

A parser takes one non-empty cell (a string from CSV/JSON, or a typed value
from XLSX: int, float, bool, datetime) and returns the value to store, or
raises :class:`Invalid` with a message in Bahasa Indonesia and in English.
Messages never quote the value: the report shows it in its own column.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from alumni_graph.graph_service.schema import TRACER_STATUSES
from alumni_graph.loaders.values import (
    DateError, NumberError, PhoneError, canonical_phone, pad_digits, parse_date, parse_number,
)
from alumni_graph.graph_service.schema import OUTREACH_STATUSES, REFERRAL_STATUSES, VACANCY_ORIGINS


class Invalid(ValueError):
    """A cell or row is invalid; ``msg`` is Indonesian, ``msg_en`` English."""

    def __init__(self, msg: str, msg_en: str):
        super().__init__(msg_en)
        self.msg = msg
        self.msg_en = msg_en


# -- cell parsers --------------------------------------------------------------

def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    """A cell as text: Excel numbers lose their ``.0``, dates become ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text(max_len: int = 500) -> Callable:
    """Free text: surrounding whitespace removed, the rest kept byte-for-byte."""

    def parse(value):
        s = as_text(value).strip()
        if len(s) > max_len:
            raise Invalid(f"terlalu panjang (lebih dari {max_len} karakter)",
                          f"too long (more than {max_len} characters)")
        return s

    return parse


def digits(n: int) -> Callable:
    """An identifier of exactly ``n`` digits (NISN 10, NPSN 8).

    Numeric XLSX cells are zero-padded: Excel drops leading zeros of numbers.
    """

    def parse(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if float(value).is_integer() and 0 <= value < 10**n:
                return str(int(value)).zfill(n)
        s = as_text(value).strip()
        if len(s) == n and s.isdigit():
            return s
        padded, _ = pad_digits(s, n, n - 3) if n == 10 else (None, False)
        if padded:  # NISN only: many start with 00; an NPSN never does
            return padded  # lost leading zeros: the reader lists each padded row
        if not re.fullmatch(rf"\d{{{n}}}", s):
            hint = ""
            hint_en = ""
            if re.fullmatch(r"\d+", s) and len(s) < n:
                hint = "; nol di depan mungkin hilang karena Excel (format kolom sebagai Teks)"
                hint_en = "; leading zeros may have been dropped by Excel (format the column as Text)"
            raise Invalid(f"harus {n} digit angka{hint}", f"must be {n} digits{hint_en}")
        return s

    return parse


def code(max_len: int = 20) -> Callable:
    """A programme code such as TKR: letters, digits, ``-`` and ``_``; upper-cased."""

    def parse(value):
        s = as_text(value).strip().upper()
        if not re.fullmatch(rf"[A-Z0-9][A-Z0-9_-]{{0,{max_len - 1}}}", s):
            raise Invalid(f"kode hanya boleh huruf, angka, - dan _ (paling panjang {max_len})",
                          f"a code has only letters, digits, - and _ (at most {max_len})")
        return s

    return parse


def date(value) -> str:
    """A date cell → ISO text: date cells, Excel serials, ``YYYY-MM-DD``,
    ``DD/MM/YYYY`` (also ``-`` and ``.``, two-digit years) and month names
    (``13 Mei 2006``). Day first: a column read month first (a US-settings
    CSV) is decided per column by :mod:`loaders.sheets`.

    >>> date("05/07/2024"), date("2024-7-5"), date("13 Mei 2006")
    ('2024-07-05', '2024-07-05', '2006-05-13')
    """
    try:
        return parse_date(value)
    except DateError as exc:
        raise Invalid(exc.msg, exc.msg_en) from None


def number(lo: float, hi: float, what: str = "angka", what_en: str = "number") -> Callable:
    """A number, decimal comma or point, thousands separators (``85,5``)."""

    def parse(value):
        try:
            n = parse_number(value)
        except NumberError:
            raise Invalid(f"{what} harus angka (boleh desimal, mis. 85,5)",
                          f"{what_en} must be a number (decimals allowed, e.g. 85.5)") from None
        if not lo <= n <= hi:
            raise Invalid(f"{what} harus antara {lo:g} dan {hi:g}", f"{what_en} must be between {lo:g} and {hi:g}")
        return n

    return parse


def integer(lo: int, hi: int, what: str = "angka", what_en: str = "number") -> Callable:
    def parse(value):
        if isinstance(value, bool):
            raise Invalid(f"{what} harus bilangan bulat", f"{what_en} must be a whole number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        s = as_text(value).strip()
        s = s[:-2] if re.fullmatch(r"-?\d+[.,]0", s) else s
        s = s.replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", s) else s  # 1.234
        if not re.fullmatch(r"-?\d+", s):
            raise Invalid(f"{what} harus bilangan bulat", f"{what_en} must be a whole number")
        n = int(s)
        if not lo <= n <= hi:
            raise Invalid(f"{what} harus antara {lo} dan {hi}", f"{what_en} must be between {lo} and {hi}")
        return n

    return parse


year = integer(1950, 2100, "tahun", "year")

_TRUE = {"ya", "y", "yes", "true", "1", "benar", "t"}
_FALSE = {"tidak", "n", "no", "false", "0", "salah", "f", "tdk", "tidak bersedia"}


def boolean(value) -> bool:
    """ya/tidak, y/n, yes/no, true/false, 1/0 (any case).

    >>> boolean("Ya"), boolean(" TIDAK "), boolean(0)
    (True, False, False)
    """
    if isinstance(value, bool):
        return value
    s = as_text(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise Invalid("harus ya/tidak (atau y/n, yes/no, true/false, 1/0)",
                  "must be ya/tidak (or y/n, yes/no, true/false, 1/0)")


def _enum_key(value) -> str:
    return re.sub(r"[\s\-]+", "_", as_text(value).strip().lower())


def enum(values: tuple[str, ...], aliases: dict[str, str] | None = None) -> Callable:
    """One of ``values``, case-insensitive, spaces or dashes for underscores."""
    aliases = aliases or {}

    def parse(value):
        s = _enum_key(value)
        s = aliases.get(s, s)
        if s not in values:
            raise Invalid(f"harus salah satu dari: {', '.join(values)}",
                          f"must be one of: {', '.join(values)}")
        return s

    return parse


def enum_list(values: tuple[str, ...]) -> Callable:
    """``;``-separated (``,`` accepted) values of an enum, de-duplicated, in order."""
    one = enum(values)

    def parse(value):
        items = [one(p) for p in re.split(r"[;,]", as_text(value)) if p.strip()]
        if not items:
            raise Invalid("wajib diisi", "required")
        return list(dict.fromkeys(items))

    return parse


def gender(value) -> str:
    s = as_text(value).strip().lower().replace("-", " ")
    if s in ("l", "laki laki", "laki", "pria", "male", "m"):
        return "L"
    if s in ("p", "perempuan", "wanita", "female", "f", "w"):
        return "P"
    raise Invalid("harus L atau P", "must be L or P")


#: KBLI 2020: the two-digit divisions of each section letter.
KBLI_SECTIONS = {
    "A": range(1, 4), "B": range(5, 10), "C": range(10, 34), "D": range(35, 36),
    "E": range(36, 40), "F": range(41, 44), "G": range(45, 48), "H": range(49, 54),
    "I": range(55, 57), "J": range(58, 64), "K": range(64, 67), "L": range(68, 69),
    "M": range(69, 76), "N": range(77, 83), "O": range(84, 85), "P": range(85, 86),
    "Q": range(86, 89), "R": range(90, 94), "S": range(94, 97), "T": range(97, 99),
    "U": range(99, 100),
}


def section_of(kbli: str) -> str | None:
    division = int(kbli[:2])
    return next((s for s, r in KBLI_SECTIONS.items() if division in r), None)


def sections(value) -> list[str]:
    """``G;C`` → ``["G", "C"]``: KBLI section letters, upper-cased, de-duplicated.

    >>> sections("g; c;G")
    ['G', 'C']
    """
    items = [p.strip().upper() for p in re.split(r"[;,/\s]+", as_text(value)) if p.strip()]
    bad = [p for p in items if p not in KBLI_SECTIONS]
    if bad or not items:
        raise Invalid("harus huruf seksi KBLI A-U dipisah ';' (misalnya G;C)",
                      "must be KBLI section letters A-U separated by ';' (e.g. G;C)")
    return list(dict.fromkeys(items))


def sector(value) -> tuple[str, str | None]:
    """``G``, ``45201``, ``G45201`` or ``G 45201`` → ``(section, kbli or None)``.

    >>> sector("g"), sector("45201"), sector("G45201")
    (('G', None), ('G', '45201'), ('G', '45201'))
    """
    s = as_text(value).strip().upper()
    m = re.fullmatch(r"([A-Z])?[\s;,./-]*(\d{5})?", s)
    if not s or not m:
        raise Invalid("harus huruf seksi KBLI (A-U), boleh diikuti kode KBLI 5 digit",
                      "must be a KBLI section letter (A-U), optionally followed by a 5-digit KBLI code")
    letter, kbli = m.groups()
    if letter and letter not in KBLI_SECTIONS:
        raise Invalid("huruf seksi KBLI harus A-U", "the KBLI section letter must be A-U")
    if kbli:
        derived = section_of(kbli)
        if derived is None:
            raise Invalid("kode KBLI tidak dikenal", "unknown KBLI code")
        if letter and letter != derived:
            raise Invalid(f"kode KBLI ini termasuk seksi {derived}, bukan {letter}",
                          f"this KBLI code belongs to section {derived}, not {letter}")
        letter = derived
    return letter, kbli


_E164_ID_MOBILE = re.compile(r"\+628[1-9]\d{7,10}")


def phone(value) -> str:
    """One canonical form, E.164 (``+6281234567890``), through ``phonenumbers``;
    a leading 0 that a spreadsheet dropped (``8123456789``) is restored.

    >>> phone("0812-3456-7890"), phone(81234567890)
    ('+6281234567890', '+6281234567890')
    """
    if isinstance(value, str) and _E164_ID_MOBILE.fullmatch(value):
        return value  # already canonical (the reader normalised it)
    try:
        return canonical_phone(value)[0]
    except PhoneError as exc:
        raise Invalid(exc.msg, exc.msg_en) from None


def email(value) -> str:
    s = as_text(value).strip()
    if len(s) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", s):
        raise Invalid("alamat email tidak valid", "not a valid email address")
    return s


def vacancy_id(value) -> str:
    """A vacancy's code (``L-...``): letters, digits, ``-`` and ``_``, upper-cased."""
    s = as_text(value).strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_-]{0,39}", s):
        raise Invalid("kode lowongan hanya boleh huruf, angka, - dan _ (paling panjang 40)",
                      "a vacancy code has only letters, digits, - and _ (at most 40)")
    return s


def alias_list(value) -> list[str]:
    """``AHM; Astra Honda | Kota Tegal`` → another name per item (``;`` apart;
    "name | city" for a name that holds in one city only), spaces collapsed.

    >>> alias_list("AHM;  Astra  Honda | Kota Tegal ;")
    ['AHM', 'Astra Honda | Kota Tegal']
    """
    items = []
    for part in as_text(value).split(";"):
        name, _, city = " ".join(part.split()).partition("|")
        name, city = name.strip(), city.strip()
        if not name and not city:
            continue
        if not re.search(r"\w", name):
            raise Invalid(f"nama lain tanpa huruf atau angka: {part.strip()!r}",
                          f"another name without letters or digits: {part.strip()!r}")
        if len(name) > 200:
            raise Invalid("nama lain paling panjang 200 karakter", "another name has at most 200 characters")
        items.append(f"{name} | {city}" if city else name)
    if not items:
        raise Invalid("wajib diisi", "required")
    return list(dict.fromkeys(items))


def code_list(value) -> list[str]:
    """``TKR; TKJ`` → ``["TKR", "TKJ"]``: programme codes, de-duplicated, in order.

    >>> code_list("tkr; TKJ,tkr")
    ['TKR', 'TKJ']
    """
    one = code()
    items = [one(p) for p in re.split(r"[;,/\s]+", as_text(value)) if p.strip()]
    if not items:
        raise Invalid("wajib diisi", "required")
    return list(dict.fromkeys(items))


# -- the contract ---------------------------------------------------------------

STATUSES = TRACER_STATUSES  # graph_service.schema: the one list
SCALES = ("mikro", "kecil", "menengah", "besar")
#: How a job was obtained: the tracer form's answers add ``prakerin`` (the
#: internship host hired them) and ``mandiri`` (their own effort).
CHANNELS = ("tracer", "bkk", "alumni", "lainnya", "prakerin", "mandiri")
PARTNERSHIP_KINDS = ("prakerin", "rekrutmen", "sinkronisasi_kurikulum", "guru_tamu", "kelas_industri")
CONTACT_KINDS = ("kunjungan", "promosi", "rapat", "monitoring", "telepon", "catatan")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """One kind of file. ``key``: the columns that identify a row (the same
    key twice in a file with other values is an error). ``one_of``: groups of
    columns of which at least one must be filled."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    stems: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_EMP_REF = (
    Column("kode_dudi", text(100), aliases=("employer_code", "kode_du_di", "kode_perusahaan", "kode_industri")),
    Column("nama_dudi", text(200), aliases=(
        "employer_name", "nama_du_di", "nama_perusahaan", "perusahaan", "employer", "du_di", "dudi",
        "nama_industri", "industri", "nama_instansi", "instansi", "tempat_pkl", "tempat_prakerin",
        "tempat_kerja", "tempat_bekerja", "nama_tempat_kerja", "nama_tempat_pkl", "perusahaan_tempat_bekerja")),
    Column("kota_dudi", text(100), aliases=("employer_city", "kota_perusahaan", "kota_du_di", "kota_industri",
                                            "kota_tempat_kerja", "lokasi", "kota")),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("sekolah", (
            Column("npsn", digits(8), True),
            Column("nama", text(200), True, ("name", "nama_sekolah", "sekolah", "nama_satuan_pendidikan")),
            Column("kota", text(100), aliases=("city", "kabupaten_kota", "kab_kota")),
            Column("provinsi", text(100), aliases=("province",)),
        ), key=("npsn",), stems=("school", "schools")),
        Kind("program", (
            Column("npsn", digits(8), True, ("school_npsn",)),
            Column("kode", code(), True, ("code", "kode_program", "program_code", "kode_jurusan", "singkatan")),
            Column("nama", text(200), True, ("name", "nama_program", "kompetensi_keahlian", "konsentrasi_keahlian",
                                             "program_keahlian", "nama_jurusan", "jurusan")),
            Column("bidang", sections, aliases=("sectors", "sector", "kbli")),
        ), key=("npsn", "kode"), stems=("programs", "programme", "programmes")),
        Kind("siswa", (
            Column("nisn", digits(10), True, ("no_nisn", "nomor_nisn", "nisn_siswa")),
            Column("nama", text(200), True, ("name", "nama_siswa", "nama_lengkap", "nama_peserta_didik",
                                             "nama_pd", "nama_alumni", "nama_lengkap_siswa", "nama_murid")),
            Column("npsn", digits(8), True, ("school_npsn", "npsn_sekolah")),
            Column("kode_program", code(), True, (
                "program_code", "program", "jurusan", "kompetensi_keahlian", "konsentrasi_keahlian",
                "program_keahlian", "kode_jurusan", "kode_kompetensi", "paket_keahlian", "kompetensi",
                "program_studi", "prodi", "kode_prodi")),
            Column("jenis_kelamin", gender, aliases=("gender", "jk", "l_p", "lp", "sex", "kelamin")),
            Column("tanggal_lahir", date, aliases=("birth_date", "tgl_lahir", "date_of_birth", "tgl_lhr",
                                                   "tanggal_lhr")),
            Column("tahun_masuk", year, aliases=("entry_year", "angkatan", "thn_masuk", "th_masuk",
                                                 "tahun_angkatan", "tahun_diterima")),
            Column("tahun_lulus", year, aliases=("graduation_year", "thn_lulus", "th_lulus", "lulus_tahun",
                                                 "tahun_kelulusan", "lulusan", "lulusan_tahun", "tahun_tamat")),
            Column("status", enum(STATUSES, {"kerja": "bekerja", "kuliah": "melanjutkan",
                                              "belum_bekerja": "mencari_kerja"})),
            Column("bersedia_dihubungi", boolean, aliases=("consent_contact", "consent", "bersedia",
                                                           "boleh_dihubungi", "setuju_dihubungi")),
            Column("boleh_ditampilkan", boolean, aliases=("consent_display", "boleh_ditampilkan_namanya")),
            Column("sumber_persetujuan", text(200), aliases=("consent_source",)),
            Column("tanggal_persetujuan", date, aliases=("consent_date",)),
            Column("ref_persetujuan_wali", text(200), aliases=("guardian_consent_ref", "persetujuan_wali")),
            Column("no_hp", phone, aliases=(
                "phone", "hp", "telepon", "no_telepon", "nomor_hp", "no_wa", "no_hp_wa", "nomor_wa",
                "no_whatsapp", "nomor_whatsapp", "whatsapp", "wa", "hp_wa", "no_telp", "telp", "nomor_telepon",
                "no_handphone", "handphone", "no_hp_whatsapp", "kontak", "no_kontak")),
            Column("email", email, aliases=("e_mail", "surel", "alamat_email", "email_aktif")),
        ), key=("nisn",), stems=("students", "student", "alumni", "people")),
        Kind("dudi", (
            Column("nama", text(200), True, ("name", "nama_dudi", "nama_perusahaan", "nama_du_di", "perusahaan",
                                             "nama_industri", "industri", "nama_mitra", "nama_instansi")),
            Column("kode", text(100), aliases=("code", "kode_dudi")),
            Column("bidang_usaha", sector, aliases=("sector", "kbli", "bidang")),
            Column("kota", text(100), aliases=("city", "kabupaten_kota", "kab_kota", "kota_kabupaten", "kabupaten")),
            Column("provinsi", text(100), aliases=("province", "prov")),
            Column("skala", enum(SCALES), aliases=("scale", "skala_usaha")),
            Column("kontak", text(300), aliases=("contact", "narahubung", "contact_person", "cp", "no_telp",
                                                 "telepon")),
            Column("alamat", text(300), aliases=("address", "alamat_lengkap")),
            Column("nama_lain", alias_list, aliases=("alias", "aliases", "nama_alias")),
        ), key=("kode",), stems=("employers", "employer", "du_di")),
        Kind("prakerin", (
            Column("nisn", digits(10), True),
            *_EMP_REF,
            Column("mulai", date, True, ("start", "tanggal_mulai", "tgl_mulai", "mulai_tanggal", "tanggal_masuk")),
            Column("selesai", date, aliases=("end", "tanggal_selesai", "tgl_selesai", "sampai", "tanggal_keluar")),
            Column("nilai", number(0, 100, "nilai", "score"), aliases=("score", "nilai_pkl", "nilai_prakerin", "nilai_akhir")),
            Column("guru_pembimbing", text(200), aliases=("supervisor", "pembimbing", "pembimbing_sekolah", "guru_pembimbing_pkl")),
            Column("kunjungan_monitoring", integer(0, 1000, "jumlah kunjungan", "number of visits"),
                   aliases=("monitoring_visits",)),
        ), key=("nisn", "_employer", "mulai"), stems=("internships", "pkl"),
            one_of=(("kode_dudi", "nama_dudi"),)),
        Kind("pekerjaan", (
            Column("nisn", digits(10), True),
            *_EMP_REF,
            Column("jabatan", text(200), aliases=("title", "job_title", "posisi", "bagian", "jabatan_posisi")),
            Column("mulai", date, True, ("start", "tanggal_mulai", "tgl_mulai", "mulai_tanggal", "tanggal_masuk")),
            Column("selesai", date, aliases=("end", "tanggal_selesai", "tgl_selesai", "sampai", "tanggal_keluar")),
            Column("selaras", boolean, aliases=("aligned",)),
            Column("sumber", enum(CHANNELS), aliases=("channel", "source")),
        ), key=("nisn", "_employer", "mulai"), stems=("jobs", "employment", "tracer", "bkk"),
            one_of=(("kode_dudi", "nama_dudi"),)),
        Kind("kemitraan", (
            Column("npsn", digits(8), True, ("school_npsn",)),
            Column("kode_program", code(), aliases=("program_code",)),
            *_EMP_REF,
            Column("jenis", enum_list(PARTNERSHIP_KINDS), True, ("kinds", "jenis_kerja_sama")),
            Column("nomor_mou", text(200), aliases=("mou_number", "no_mou", "dokumen")),
            Column("mulai", date, True, ("start", "tanggal_mulai", "tgl_mulai", "mulai_tanggal", "tanggal_masuk")),
            Column("selesai", date, aliases=("end", "tanggal_selesai", "tgl_selesai", "sampai", "tanggal_keluar")),
            Column("lingkup", text(1000), aliases=("scope", "ruang_lingkup")),
            Column("oleh", text(200), aliases=("by", "petugas")),
        ), key=("npsn", "kode_program", "_employer", "mulai"), stems=("partnerships", "mou"),
            one_of=(("kode_dudi", "nama_dudi"),)),
        Kind("kunjungan", (
            Column("npsn", digits(8), True, ("school_npsn",)),
            *_EMP_REF,
            Column("tanggal", date, True, ("date",)),
            Column("jenis", enum(CONTACT_KINDS), aliases=("kind", "type")),
            Column("oleh", text(200), aliases=("by", "petugas")),
            Column("catatan", text(2000), aliases=("notes", "keterangan")),
            # The outreach pipeline as of this contact (issue 14).
            Column("status", enum(OUTREACH_STATUSES), aliases=("status_penjajakan", "outreach_status")),
            Column("penanggung_jawab", text(100), aliases=("owner", "pic")),
            Column("tindakan_berikut", text(500), aliases=("next_action",)),
            Column("tanggal_tindakan", date, aliases=("next_action_date", "tanggal_tindak_lanjut")),
        ), key=("npsn", "_employer", "tanggal", "jenis"), stems=("contacts", "visits", "humas"),
            one_of=(("kode_dudi", "nama_dudi"),)),
        # BKK's vacancies and referrals (issue 14).
        Kind("lowongan", (
            Column("npsn", digits(8), True, ("school_npsn",)),
            Column("kode_lowongan", vacancy_id, aliases=("vacancy_id", "id", "kode")),
            *_EMP_REF,
            Column("posisi", text(200), True, ("title", "jabatan", "position")),
            Column("program", code_list, aliases=("programs", "kode_program", "program_dicari")),
            Column("jumlah", integer(1, 10000, "jumlah lowongan", "openings"), aliases=("openings", "kuota")),
            Column("batas_waktu", date, aliases=("deadline", "tanggal_tutup")),
            Column("asal", enum(VACANCY_ORIGINS, {"mitra": "permintaan_mitra"}), aliases=("origin", "sumber")),
            Column("catatan", text(2000), aliases=("notes", "keterangan")),
            Column("dicatat_oleh", text(100), aliases=("created_by",)),
            Column("tanggal_dicatat", date, aliases=("created_on",)),
        ), key=("kode_lowongan",), stems=("vacancies", "vacancy", "loker"),
            one_of=(("kode_dudi", "nama_dudi"),)),
        Kind("rujukan", (
            Column("nisn", digits(10), True),
            Column("kode_lowongan", vacancy_id, True, ("vacancy_id",)),
            Column("status", enum(REFERRAL_STATUSES), True, ("outcome", "hasil")),
            Column("tanggal", date, True, ("date", "tanggal_status")),
            Column("tanggal_rujuk", date, aliases=("referred_on",)),
            Column("oleh", text(200), aliases=("by", "petugas")),
            Column("catatan", text(2000), aliases=("notes", "keterangan")),
        ), key=("nisn", "kode_lowongan"), stems=("referrals", "referral", "lamaran")),
    )
}

#: The order kinds are written in: what a row refers to is written before it.
ORDER = ("sekolah", "program", "dudi", "siswa", "prakerin", "pekerjaan", "kemitraan", "kunjungan",
         "lowongan", "rujukan")

#: Columns the loader writes itself into rejected-row files; ignored on re-load.
ERROR_COLUMN = "kesalahan"


def header_key(header) -> str:
    """``" Tahun Lulus "`` → ``"tahun_lulus"``; ``"No. HP"`` → ``"no_hp"``."""
    s = as_text(header).replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", s).strip("_")


def kind_of_name(file_name: str) -> str | None:
    """The kind a file name tells: the first word of its stem.

    >>> kind_of_name("Siswa 2024.xlsx"), kind_of_name("dudi2.csv"), kind_of_name("data.csv")
    ('siswa', 'dudi', None)
    """
    stem = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    words = re.split(r"[^0-9a-z]+", stem.lower())
    first = next((w for w in words if w), "")
    first = first.rstrip("0123456789") or first  # "siswa2024.csv"
    if first in KINDS:
        return first
    if first == "du" and words[1:2] == ["di"]:
        return "dudi"
    return next((k.name for k in KINDS.values() if first in k.stems), None)


def columns_by_header(kind: Kind) -> dict[str, str]:
    """Normalised header → canonical column name, Indonesian names first."""
    out = {c.name: c.name for c in kind.columns}
    for c in kind.columns:
        for a in c.aliases:
            out.setdefault(a, c.name)
    return out
