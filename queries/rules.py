"""The date and consent rules every query applies, in one place.

The Cypher files spell the same rules out in Cypher; each rule below names
the Cypher it matches, and the parity tests hold the two together.

Dates are ISO strings (``YYYY-MM-DD``) and compare as strings.

* Nothing that starts after ``as_of`` exists yet: a job, internship or
  partnership with ``start > as_of`` is ignored (``r.start <= $as_of``).
* A job is **current** on ``as_of`` when it has started and has no end or
  ends after ``as_of``; a job that ended on ``as_of`` itself is past (its end
  date is the day the person left). Cypher:
  ``r.start <= $as_of AND (r.end IS NULL OR r.end > $as_of)``.
* A partnership (MoU) is **active** on ``as_of`` when it has started and has
  no end or ends on or after ``as_of``: an MoU is valid *through* its end
  date. It has **ended** when its end is before ``as_of``; one that ended
  yesterday is ended today. Cypher: ``m.start <= $as_of AND (m.end IS NULL OR
  m.end >= $as_of)`` and ``m.end < $as_of``.
* An **alumnus** is a person with a graduation year; anyone else is a student.
* A person may be **named** in a result only when ``consent_contact`` is
  exactly true (missing counts as no) **and**, for a minor, a guardian gave
  consent too: a person whose ``birth_date`` makes them younger than 18 on
  ``as_of`` counts as not consenting unless ``guardian_consent_ref`` is
  filled (UU PDP art. 25: a child's data needs a parent's or guardian's
  consent). Age 18 is reached on the 18th birthday (29 February: on 28
  February of a common year). Without a birth date the minor rule does not
  apply. Cypher: ``@consented(p)``, which :func:`expand_cypher` replaces by
  :data:`CONSENTED_CYPHER` (with ``$adult_born_by``, the latest birth date of
  an adult on ``as_of``, added to every query's parameters by
  ``queries.framework.read_cypher``): this module is the one place the rule
  is written, for both stores.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache


def started(rel: dict, as_of: str) -> bool:
    """True when a relationship with a ``start`` began on or before ``as_of``;
    relationships without a start (STUDIED_IN) always count."""
    start = rel.get("start")
    return start is None or start <= as_of


def job_is_current(job: dict, as_of: str) -> bool:
    """A started WORKS_AT with no end, or ending after ``as_of``."""
    end = job.get("end")
    return started(job, as_of) and (end is None or end > as_of)


def job_is_past(job: dict, as_of: str) -> bool:
    """A WORKS_AT that ended on or before ``as_of``."""
    end = job.get("end")
    return started(job, as_of) and end is not None and end <= as_of


def partnership_is_active(mou: dict, as_of: str) -> bool:
    end = mou.get("end")
    return started(mou, as_of) and (end is None or end >= as_of)


def partnership_has_ended(mou: dict, as_of: str) -> bool:
    end = mou.get("end")
    return end is not None and end < as_of


def is_alumnus(person: dict) -> bool:
    return person.get("graduation_year") is not None


ADULT_AGE = 18


def adult_born_by(as_of: str | None = None) -> str:
    """The latest birth date (ISO) of someone who is 18 or older on ``as_of``
    (default today): ``as_of`` 18 years earlier, 29 February as 28 February.

    >>> adult_born_by("2026-03-10"), adult_born_by("2024-02-29")
    ('2008-03-10', '2006-02-28')
    """
    return _adult_born_by(as_of or dt.date.today().isoformat())


@lru_cache(maxsize=256)
def _adult_born_by(as_of: str) -> str:
    # Asked once per person a walk meets (referral_paths' consent check): cached.
    day = dt.date.fromisoformat(as_of)
    try:
        return day.replace(year=day.year - ADULT_AGE).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year - ADULT_AGE, day=28).isoformat()


def is_minor(person: dict, as_of: str | None = None) -> bool:
    """Younger than 18 on ``as_of`` by ``birth_date`` (unknown birth date: no)."""
    born = person.get("birth_date")
    return bool(born) and str(born) > adult_born_by(as_of)


def guardian_consented(person: dict) -> bool:
    ref = person.get("guardian_consent_ref")
    return isinstance(ref, str) and ref.strip() != ""


def effective_consent(person: dict, flag: str, as_of: str | None = None) -> bool:
    """A consent flag (``consent_contact`` or ``consent_display``) as it counts
    on ``as_of``: exactly true, and for a minor only with a guardian reference."""
    if person.get(flag) is not True:
        return False
    return guardian_consented(person) or not is_minor(person, as_of)


def consented(person: dict, as_of: str | None = None) -> bool:
    """May be named as a referral intermediary / in query results on ``as_of``
    (default today): ``consent_contact`` with the minor rule."""
    return effective_consent(person, "consent_contact", as_of)


def display_consented(person: dict, as_of: str | None = None) -> bool:
    """May appear by name to employers or in exports: ``consent_display``
    (boleh_ditampilkan) with the minor rule."""
    return effective_consent(person, "consent_display", as_of)


def outreach_named(person: dict, as_of: str | None = None) -> bool:
    """May be named to Humas (the outreach office) on ``as_of``: display
    consent, or an alumnus who agreed to be contacted (a champion: the
    people Humas asks for an introduction to a firm), each with the minor
    rule. Humas' rule everywhere (pages, graph, search, exports), so a
    champion named on Calon mitra opens on the person page too."""
    return display_consented(person, as_of) or (is_alumnus(person) and consented(person, as_of))


def shown_name(person: dict, as_of: str | None = None):
    """The person's name, or None when they have not consented to be contacted."""
    return person.get("name") if consented(person, as_of) else None


def _consent_cypher(flag: str) -> str:
    return (
        "coalesce({v}.%s = true AND ({v}.birth_date IS NULL "
        "OR {v}.birth_date <= $adult_born_by OR trim(coalesce({v}.guardian_consent_ref, '')) <> ''), false)"
    ) % flag


#: The consent rule in Cypher, for a node variable ``{v}``; needs ``$adult_born_by``.
CONSENTED_CYPHER = _consent_cypher("consent_contact")
#: :func:`display_consented` in Cypher (``@display_consented(x)``); needs ``$adult_born_by``.
DISPLAY_CONSENTED_CYPHER = _consent_cypher("consent_display")
#: Only the contact flag of :data:`CONSENTED_CYPHER` (``@consent_flag(x)``), for
#: reads kept for every date: the minor rule depends on ``as_of``, so such a
#: read returns the birth date and guardian reference and Python applies
#: :func:`guardian_consented` / :func:`is_minor` (referral_paths' kept reads).
CONSENT_FLAG_CYPHER = "coalesce({v}.consent_contact = true, false)"
_RULES = {"consented": CONSENTED_CYPHER, "display_consented": DISPLAY_CONSENTED_CYPHER,
          "consent_flag": CONSENT_FLAG_CYPHER}
_MACRO = re.compile(
    r"@(consented|display_consented|consent_flag)\(\s*([A-Za-z_][A-Za-z0-9_]*(?:\[[A-Za-z0-9_]+\])?)\s*\)")


def expand_cypher(text: str) -> str:
    """Replace each ``@consented(x)`` in Cypher text by :data:`CONSENTED_CYPHER`
    for ``x`` (a variable, or an indexed one like ``ns[i]``), and each
    ``@display_consented(x)`` by :data:`DISPLAY_CONSENTED_CYPHER` and each
    ``@consent_flag(x)`` by :data:`CONSENT_FLAG_CYPHER`."""
    return _MACRO.sub(lambda m: "(" + _RULES[m.group(1)].format(v=m.group(2)) + ")", text)
