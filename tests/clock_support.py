"""Dates the way the app reads them: at the request, not at import.

The app asks the clock (``datetime.date.today()``, the school's local time)
when it serves a request or runs a query. A test that computed "today" when
its module was imported, or before a slow step, disagrees with the app when a
CI run crosses midnight in between. So a test reads the clock around the call
and accepts the day, or the two days, it saw::

    with Days() as days:
        result = run_query(store, "prospective_partners", {"npsn": SCHOOL_A})
    assert result.params["as_of"] in days
"""
from __future__ import annotations

import datetime as dt


class Days:
    """The dates the clock showed from entering to leaving a ``with`` block:
    one day, or two if the block ran across midnight. ``iso in days`` checks a
    ``YYYY-MM-DD`` string; ``days.dates`` lists them as ``datetime.date``."""

    def __enter__(self) -> "Days":
        self.first = self.last = dt.date.today()
        return self

    def __exit__(self, *exc) -> bool:
        self.last = dt.date.today()
        return False

    @property
    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def __contains__(self, iso: object) -> bool:
        return iso in {d.isoformat() for d in self.dates}

    def __repr__(self) -> str:
        return f"Days({', '.join(d.isoformat() for d in self.dates)})"
