"""The one translation catalogue (web/i18n.py): every key once, with both its
Indonesian and its English text, and no template or page asking for a key that
is missing (a missing key would show the raw key to a school officer).
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import web_fixture as fx
from alumni_graph.web import i18n
from alumni_graph.web.i18n_work import WORK_STRINGS
from web_support import login

WEB = Path(i18n.__file__).resolve().parent
TABLES = {"STRINGS": i18n.STRINGS, "PROPERTY_LABELS": i18n.PROPERTY_LABELS,
          "STATUS_LABELS": i18n.STATUS_LABELS, "KBLI_SECTIONS": i18n.KBLI_SECTIONS}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", TABLES)
def test_every_key_has_an_indonesian_and_an_english_text(table):
    bad = [key for key, pair in TABLES[table].items()
           if not (isinstance(pair, tuple) and len(pair) == 2
                   and all(isinstance(x, str) and x.strip() for x in pair))]
    assert not bad, f"{table}: keys without both texts: {bad}"
    # the same placeholders in both languages: "{n} alumni" must not lose {n} in English
    differ = [key for key, (text_id, text_en) in TABLES[table].items()
              if _fields(text_id) != _fields(text_en)]
    assert not differ, f"{table}: placeholders differ between the languages: {differ}"


def test_every_key_is_declared_once():
    """A key written twice in a dict literal silently keeps the last text; a key
    of web/i18n_work.py that is also in the catalogue is dropped by the merge."""
    tree = ast.parse((WEB / "i18n.py").read_text(encoding="utf-8"))
    twice = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            twice += sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, f"keys written twice in web/i18n.py: {twice}"
    clash = [k for k, pair in WORK_STRINGS.items() if i18n.STRINGS[k] != pair]
    assert not clash, f"web/i18n_work.py keys already used with another text: {clash}"


# t('key'), t("key", n=…), _t('key'), translate(lang, "key") — the literal keys asked for.
# (A key built at run time, t('cat_' ~ row.category), is checked by the page walk below.)
_TEMPLATE_KEY = re.compile(r"""\bt\(\s*(['"])([A-Za-z0-9_]+)\1\s*[,)]""")
_PYTHON_KEY = re.compile(r"""(?:\b_t\(|\btranslate\([^,()]+,)\s*(['"])([A-Za-z0-9_]+)\1\s*[,)]""")


def test_no_template_or_page_asks_for_a_missing_key():
    missing = []
    for path in sorted((WEB / "templates").rglob("*.html")):
        for _, key in _TEMPLATE_KEY.findall(path.read_text(encoding="utf-8")):
            if key not in i18n.STRINGS:
                missing.append((str(path.relative_to(WEB)), key))
    for path in sorted(WEB.glob("*.py")):
        for _, key in _PYTHON_KEY.findall(path.read_text(encoding="utf-8")):
            if key not in i18n.STRINGS:
                missing.append((path.name, key))
    assert not missing, f"keys asked for but not in web/i18n.py: {missing}"
    # keys built at run time: the tracer form's sector names, the home page's offices
    from alumni_graph.web import pages

    built = [f"tr_kbli_{letter}" for letter in i18n.KBLI_SECTIONS]
    built += [office for office, _ in pages.OFFICES]
    built += [key for _, links in pages.OFFICES for _, key in links]
    assert [k for k in built if k not in i18n.STRINGS] == []


def test_pages_in_both_languages_ask_for_no_missing_key(embedded_store, data_dir, monkeypatch):
    """Every page without a path parameter, and the entity pages, as admin in
    Indonesian and English, with every lookup recorded (keys built at run time
    included). One store is enough: the catalogue does not depend on it."""
    from alumni_graph.web import create_app

    fx.build(embedded_store)
    app = create_app({"TESTING": True, "DATA_DIR": data_dir}, store=embedded_store)
    asked: set[str] = set()
    real = i18n.translate

    def recording(lang, key, **kwargs):
        asked.add(key)
        return real(lang, key, **kwargs)

    monkeypatch.setattr(i18n, "translate", recording)
    paths = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and not r.rule.startswith(("/static", "/keluar"))]
    paths += [f"/sekolah/{fx.NPSN}", f"/program/{fx.NPSN}/TKR", "/dudi/E-001", "/siswa/0051000001",
              f"/calon-mitra?npsn={fx.NPSN}", "/jalur-referensi?nisn=0051000003&employer=E-002"]
    client = login(app, "admin")
    served = 0
    for lang in i18n.LANGS:
        client.get(f"/bahasa/{lang}")
        for path in paths:
            response = client.get(path)
            assert response.status_code < 500, (lang, path, response.status_code)
            served += response.status_code == 200
    assert served >= 40
    assert len(asked) >= 200
    missing = sorted(k for k in asked if k not in i18n.STRINGS)
    assert not missing, f"pages asked for keys that are not in web/i18n.py: {missing}"
