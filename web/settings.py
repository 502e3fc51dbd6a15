"""The web app's operator settings: ``ALUMNI_GRAPH_<NAME>`` variables.

One path for every setting a school's operator may choose: the environment
(``Config.from_env`` keeps each ``ALUMNI_GRAPH_<NAME>`` it does not use
itself, as text, in ``Config.web``), then :func:`apply` here, which checks
each value against the type of its default and puts it in the Flask config.
``alumni-graph serve`` passes its ``Config``; so does ``create_app()`` called
without arguments (a WSGI server). The defaults stay beside the code that uses
them (``web.DEFAULTS``, ``web.auth.AUTH_DEFAULTS``, ``web.tracer.TRACER_DEFAULTS``,
``web.cache.CACHE_DEFAULTS``,
:data:`EXTRA` here); the
README's configuration table lists them all (tests/test_config_cli.py checks).

A bad value is one :class:`ConfigError` line naming the variable, the value
and what is allowed; an unknown ``ALUMNI_GRAPH_`` name (a typo?) is a warning
in the log.
"""
from __future__ import annotations

import logging

from alumni_graph.graph_service.errors import ConfigError
from alumni_graph.web import access

log = logging.getLogger("alumni_graph.web")

PREFIX = "ALUMNI_GRAPH_"

#: Settings with no default elsewhere in the web app.
EXTRA = {
    # Behind one HTTPS reverse proxy: trust its X-Forwarded-For/Proto/Host.
    "TRUST_PROXY": False,
    # The session cookie's signing key; None: generated once into the data directory.
    "SECRET_KEY": None,
    # The address alumni open tracer links at; None: the address of the request.
    "PUBLIC_URL": None,
    # ``alumni-graph serve``: server processes and threads in each (alumni_graph/server.py).
    "WORKERS": 1,
    "THREADS": 8,
}

#: Flask settings that are part of the app's security, never the operator's to change.
FIXED = frozenset({"SESSION_COOKIE_NAME", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE"})

#: Settings whose value is one of a few words.
CHOICES = {"CONTACT_DETAILS": access.CONTACT_POLICIES}

TRUE = ("1", "true", "ya", "yes", "on")
FALSE = ("0", "false", "tidak", "no", "off")


def defaults() -> dict:
    """Every operator setting with its default (name without the prefix)."""
    from alumni_graph.web import DEFAULTS
    from alumni_graph.web.auth import AUTH_DEFAULTS
    from alumni_graph.web.cache import CACHE_DEFAULTS
    from alumni_graph.web.tracer import TRACER_DEFAULTS

    every = {**DEFAULTS, **AUTH_DEFAULTS, **TRACER_DEFAULTS, **CACHE_DEFAULTS, **EXTRA}
    return {name: value for name, value in every.items() if name not in FIXED}


def parse(name: str, raw: str, default):
    """The value of ``ALUMNI_GRAPH_<name>`` given as text, typed like its default.

    >>> parse("GRAPH_MAX_NODES", " 800 ", 500), parse("TRUST_PROXY", "ya", False)
    (800, True)
    >>> parse("GRAPH_MAX_NODES", "banyak", 500)
    Traceback (most recent call last):
    ...
    alumni_graph.graph_service.errors.ConfigError: ALUMNI_GRAPH_GRAPH_MAX_NODES must be a whole number of at least 1, got 'banyak'
    """
    var, text = PREFIX + name, raw.strip()
    if name in CHOICES:
        if text.lower() not in CHOICES[name]:
            raise ConfigError(f"{var} must be one of {', '.join(CHOICES[name])}, got {raw!r}")
        return text.lower()
    if isinstance(default, bool):
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ConfigError(f"{var} must be 1 or 0 (true/false, ya/tidak), got {raw!r}")
    if isinstance(default, int):
        if not text.isdigit() or int(text) < 1:
            raise ConfigError(f"{var} must be a whole number of at least 1, got {raw!r}")
        return int(text)
    if not text:
        raise ConfigError(f"{var} must not be empty")
    return raw


def value(raw: dict[str, str], name: str):
    """One setting from ``Config.web`` (checked and typed by :func:`parse`), else
    its default: for the CLI commands that need a web setting (``tracer start``
    and ``tracer links`` read ``PUBLIC_URL``).

    >>> value({"PUBLIC_URL": "https://bkk.contoh.sch.id"}, "PUBLIC_URL"), value({}, "PUBLIC_URL")
    ('https://bkk.contoh.sch.id', None)
    """
    default = defaults()[name]
    return parse(name, raw[name], default) if name in raw else default


def apply(app, raw: dict[str, str]) -> None:
    """Put the operator's settings (``Config.web``) into ``app.config``."""
    known = defaults()
    for name, value in sorted(raw.items()):
        if name not in known:
            log.warning("%s%s is not a setting of the web app (ignored; see the README's "
                        "configuration table)", PREFIX, name)
            continue
        app.config[name] = parse(name, value, known[name])
