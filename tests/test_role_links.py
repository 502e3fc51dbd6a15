"""Navigation by role: every role logs in, starts at Beranda and follows every
link on every page it can reach (nav, cards, tables, detail links, the graph
data's detail links, lazy graph sources, exports, the JSON twin), on both
stores. None may end in 401, 403, 404 or 500: a page, card or link is shown
only to roles that may open it (web.access.may_open, from the routes'
declared roles)."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

import web_fixture as fx
from web_support import app, login, web_store  # noqa: F401 (fixtures)

#: Enough for every page of the fixture graph; the walk stops there.
MAX_PAGES = 250


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self._json = [], None
        self.data_blocks = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("data-src"):
            self.links.append(a["data-src"])
        if tag == "script" and a.get("type") == "application/json":
            self._json = []

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            self.data_blocks.append("".join(self._json))
            self._json = None


def _urls_in(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "url" and isinstance(v, str):
                yield v
            else:
                yield from _urls_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from _urls_in(v)


def links_of(html: str) -> list[str]:
    p = _Links()
    p.feed(html)
    out = list(p.links)
    for block in p.data_blocks:
        try:
            out.extend(_urls_in(json.loads(block)))
        except ValueError:
            pass
    return out


def walk(client, start="/"):
    """Breadth-first over same-site links; returns {url: status} and the pages' links."""
    seen, queue, bad, pages = {}, [start], [], 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = resp.status_code
        if resp.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(resp.headers["Location"])
            queue.append(target.path + ("?" + target.query if target.query else ""))
            continue
        if resp.status_code >= 400:
            bad.append((url, resp.status_code))
            continue
        if resp.mimetype != "text/html":
            continue
        pages += 1
        for href in links_of(resp.get_data(as_text=True)):
            parts = urlsplit(urljoin(url, href))
            if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc != "localhost"):
                continue  # tel:, https://wa.me/...: outside the app
            path = parts.path + ("?" + parts.query if parts.query else "")
            if parts.path.startswith(("/static/", "/vendor/")) or path in seen:
                continue
            queue.append(path)
    return seen, bad


@pytest.mark.parametrize("role", ["admin", "bkk", "humas", "viewer"])
def test_every_link_a_role_is_shown_opens(app, role):
    client = login(app, role)
    seen, bad = walk(client)
    assert not bad, f"{role}: links that fail: {bad}"
    # the walk really went somewhere: the nav's pages and detail pages
    assert len(seen) >= 8, seen
    assert any(u.startswith("/dudi/") for u in seen), sorted(seen)
    expected = {"admin": ("/calon-mitra", "/jalur-referensi", "/impor", "/analisis/tak-terlacak"),
                "bkk": ("/jalur-referensi", "/analisis/tak-terlacak"),
                "humas": ("/calon-mitra", "/analisis/prakerin"),
                "viewer": ("/graf", "/analisis/penelusuran")}[role]
    for page in expected:
        assert any(u.split("?")[0] == page for u in seen), (role, page)


def test_cards_follow_the_roles(app):
    viewer = login(app, "viewer")
    home = viewer.get("/").get_data(as_text=True)
    assert 'id="task-partners"' not in home and 'id="task-referral"' not in home
    analyses = viewer.get("/analisis/").get_data(as_text=True)
    assert "/analisis/penelusuran" in analyses and "/analisis/tak-terlacak" not in analyses
    humas = login(app, "humas").get("/analisis/").get_data(as_text=True)
    assert "/analisis/prakerin" in humas and "/analisis/tak-terlacak" not in humas
    bkk_home = login(app, "bkk").get("/").get_data(as_text=True)
    assert 'id="task-referral"' in bkk_home and 'id="task-partners"' not in bkk_home
    # humas sees a display-consented person by name on an employer page, but no
    # link to the person page (bkk and admin only)
    page = login(app, "humas").get("/dudi/E-002").get_data(as_text=True)
    assert "/siswa/" not in page
    assert "/siswa/" in login(app, "bkk").get("/dudi/E-002").get_data(as_text=True)
    assert fx.NPSN in page
