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
  exactly true (missing counts as no). Cypher: ``p.consent_contact = true``.
"""
from __future__ import annotations


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


def consented(person: dict) -> bool:
    return person.get("consent_contact") is True


def shown_name(person: dict):
    """The person's name, or None when they have not consented to be contacted."""
    return person.get("name") if consented(person) else None
