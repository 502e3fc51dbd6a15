"""Values as school files hold them: dates, numbers, NISN, phone numbers.

Plain functions over one value (for :mod:`loaders.kinds`' parsers, which
also serve ``load_rows``) and over a whole column (the day/month order of a
date column is decided from all its values). Messages come in Bahasa
Indonesia and English; they never quote personal values.
"""
from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    # Indonesian, with the abbreviations and old spellings people type
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agu": 8, "agt": 8, "agst": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "okt": 10, "november": 11, "nopember": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}

_NAMED = re.compile(r"(\d{1,2})[\s\-./]+([A-Za-z]+)\.?[\s\-./,]+(\d{2}|\d{4})")
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")


class DateError(ValueError):
    def __init__(self, msg: str, msg_en: str):
        super().__init__(msg_en)
        self.msg, self.msg_en = msg, msg_en


def full_year(y: int, today: dt.date | None = None) -> int:
    """A two-digit year: 00..(this year + 1) → 20yy, else 19yy.

    >>> full_year(6, dt.date(2026, 1, 1)), full_year(98, dt.date(2026, 1, 1))
    (2006, 1998)
    """
    if y >= 100:
        return y
    today = today or dt.date.today()
    return 2000 + y if 2000 + y <= today.year + 1 else 1900 + y


def day_month(text: str) -> tuple[int, int, int] | None:
    """The (first, second, year) numbers of a ``D/M/Y``-like text, else None."""
    m = _NUMERIC.fullmatch(text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(3)), full_year(int(m.group(4)))


def parse_date(value, order: str = "dmy") -> str:
    """A cell → ISO ``YYYY-MM-DD``.

    Accepts date cells, Excel serial numbers, ``YYYY-MM-DD``, ``D/M/YYYY``
    (also ``-`` and ``.``; two-digit years), and month names in Bahasa
    Indonesia or English (``13 Mei 2006``, ``13-Agt-06``). ``order`` "mdy"
    reads numeric dates month first (a US-settings CSV; decided per column
    by :func:`column_order`).

    >>> parse_date("13 Mei 2006"), parse_date("5/12/2006"), parse_date("5/12/2006", "mdy")
    ('2006-05-13', '2006-12-05', '2006-05-12')
    >>> parse_date(38718), parse_date("13-Agt-06")
    ('2006-01-01', '2006-08-13')
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466 and float(value).is_integer():
            # Excel's day 1 is 1900-01-01 and it counts a 29 Feb 1900 that never was.
            base = dt.date(1899, 12, 30) if value >= 61 else dt.date(1899, 12, 31)
            return (base + dt.timedelta(days=int(value))).isoformat()
        raise DateError("bukan tanggal", "not a date")
    s = str(value).strip()
    m = _ISO.fullmatch(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC.fullmatch(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), full_year(int(m.group(4)))
        d, mo = (b, a) if order == "mdy" else (a, b)
        return _make(y, mo, d)
    m = _NAMED.fullmatch(s)
    if m:
        month = MONTHS.get(m.group(2).lower())
        if month is None:
            raise DateError("nama bulan tidak dikenal", "unknown month name")
        return _make(full_year(int(m.group(3))), month, int(m.group(1)))
    if re.fullmatch(r"\d{5}(\.0+)?", s):  # an Excel serial that became text
        return parse_date(int(float(s)))
    raise DateError("tanggal harus YYYY-MM-DD, DD/MM/YYYY atau '13 Mei 2006'",
                    "a date must be YYYY-MM-DD, DD/MM/YYYY or '13 Mei 2006'")


def _make(y: int, m: int, d: int) -> str:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        raise DateError("tanggal tidak ada di kalender", "no such date in the calendar") from None


def column_order(values: list[tuple[int, object]]) -> tuple[str, str, list[int], list[int]]:
    """Decide the day/month order of one column from its text values.

    Returns ``(order, verdict, dmy_rows, mdy_rows)``: ``verdict`` is
    "proven" (a value like 31/12 or 12/31 decides it), "ambiguous" (every
    value could be either: read day first, the Indonesian order), "none"
    (no numeric text dates) or "contradicts" (some values prove day first,
    others month first).

    >>> column_order([(2, "31/12/2006"), (3, "5/6/2006")])[:2]
    ('dmy', 'proven')
    >>> column_order([(2, "12/31/2006"), (3, "5/6/2006")])[:2]
    ('mdy', 'proven')
    >>> column_order([(2, "5/6/2006")])[:2]
    ('dmy', 'ambiguous')
    >>> column_order([(2, "31/12/2006"), (3, "12/31/2006")])[:2]
    ('dmy', 'contradicts')
    """
    dmy, mdy, ambiguous = [], [], 0
    for n, v in values:
        if not isinstance(v, str):
            continue
        parts = day_month(v)
        if parts is None:
            continue
        a, b, _ = parts
        if a > 12 >= b:
            dmy.append(n)
        elif b > 12 >= a:
            mdy.append(n)
        elif a != b:
            ambiguous += 1
    if dmy and mdy:
        return "dmy", "contradicts", dmy, mdy
    if mdy:
        return "mdy", "proven", dmy, mdy
    if dmy:
        return "dmy", "proven", dmy, mdy
    return "dmy", ("ambiguous" if ambiguous else "none"), dmy, mdy


class NumberError(ValueError):
    pass


def parse_number(value) -> float | int:
    """A number as people type it: ``85,5`` and ``85.5``; ``1.234.567`` and
    ``1,234,567`` (thousands); ``1.234,5`` and ``1,234.5``.

    >>> parse_number("85,5"), parse_number("1.234.567"), parse_number("1.234,5"), parse_number(" 90 ")
    (85.5, 1234567, 1234.5, 90)
    """
    if isinstance(value, bool):
        raise NumberError("boolean")
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else value
    s = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    if re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", s) or re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", s):
        s = s.replace(".", "").replace(",", ".")  # Indonesian thousands
    elif re.fullmatch(r"-?\d{1,3}(,\d{3}){2,}", s) or re.fullmatch(r"-?\d{1,3}(,\d{3})+\.\d+", s):
        s = s.replace(",", "")  # English thousands
    elif re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(",", ".")  # decimal comma
    elif not re.fullmatch(r"-?\d+\.\d+", s):
        raise NumberError(s)
    f = float(s)
    return int(f) if f.is_integer() else f


# -- identifiers and phones ---------------------------------------------------------

def pad_digits(value, n: int, min_len: int) -> tuple[str | None, bool]:
    """``(digits, padded)`` for an identifier of ``n`` digits whose leading
    zeros a spreadsheet may have dropped (a number, or digit text of
    ``min_len``..``n`` digits); ``(None, False)`` if it is not such a value.

    >>> pad_digits(12345678.0, 10, 7), pad_digits("0012345678", 10, 7), pad_digits("123", 10, 7)
    (('0012345678', True), ('0012345678', False), (None, False))
    """
    if isinstance(value, bool):
        return None, False
    if isinstance(value, float):
        if not value.is_integer():
            return None, False
        value = int(value)
    s = str(value).strip()
    if re.fullmatch(r"\d+\.0", s):
        s = s[:-2]
    if not re.fullmatch(r"\d+", s) or not min_len <= len(s) <= n:
        return None, False
    return s.zfill(n), len(s) < n


_ID_MOBILE = re.compile(r"(?:\+62|0)(8[1-9]\d{7,10})")


class PhoneError(ValueError):
    def __init__(self, msg: str, msg_en: str):
        super().__init__(msg_en)
        self.msg, self.msg_en = msg, msg_en


def canonical_phone(value, region: str = "ID") -> tuple[str, str | None]:
    """A phone number in E.164 (``+6281234567890``) and what was repaired
    ("zero" when a leading 0 that a spreadsheet dropped was restored).

    >>> canonical_phone("0812-3456-7890"), canonical_phone(81234567890.0), canonical_phone("6281234567890")
    (('+6281234567890', None), ('+6281234567890', 'zero'), ('+6281234567890', None))
    >>> canonical_phone("(0283) 351234")
    ('+62283351234', None)
    """
    if isinstance(value, str):
        quick = _ID_MOBILE.fullmatch(value.strip())
        if quick:
            return "+62" + quick.group(1), None
    import phonenumbers

    repaired = None
    if isinstance(value, bool):
        raise PhoneError("bukan nomor telepon", "not a phone number")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise PhoneError("nomor HP terbaca sebagai angka pecahan; format kolom sebagai Teks",
                             "the phone number was read as a fraction; format the column as Text")
        s = str(int(value))
    else:
        s = str(value).strip()
        if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", s.replace(",", ".")):
            raise PhoneError(
                "nomor HP tersimpan dalam format ilmiah (mis. 8,12345E+11): digit terakhirnya sudah hilang; "
                "ketik ulang nomornya di kolom berformat Teks",
                "the phone number was saved in scientific notation (e.g. 8.12345E+11): its last digits are "
                "lost; type it again in a column formatted as Text")
        s = re.sub(r"[\s\-.()/]+", "", s)
    if re.fullmatch(r"8\d{8,12}", s):
        s, repaired = "0" + s, "zero"  # 0812... typed as a number: the 0 went
    elif re.fullmatch(r"62\d{8,13}", s):
        s = "+" + s
    mobile = _ID_MOBILE.fullmatch(s)
    if mobile:  # the common case, without the general parser: 08…/+628… with 9-12 digits after 8
        return "+62" + mobile.group(1), repaired
    try:
        num = phonenumbers.parse(s, region)
    except phonenumbers.NumberParseException:
        num = None
    if num is None or not phonenumbers.is_possible_number(num):
        raise PhoneError("nomor telepon tidak valid (contoh: 081234567890 atau +6281234567890)",
                         "not a valid phone number (e.g. 081234567890 or +6281234567890)")
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), repaired


def lost_letters(text: str) -> bool:
    """A ``?`` in a name: a letter the file's code page could not hold
    (a Windows-1252 save of ``Đình`` gives ``?ình``; of ``Ŝŭli`` ``??li``).

    >>> lost_letters("??li?"), lost_letters("Ani")
    (True, False)
    """
    return "?" in text or "\ufffd" in text
