"""Forms that forgive and the first login, on both stores: Jalur referensi
takes names (not only NISN/codes) and resolves them on the server; several
matches come back as a short list, none as a message beside the field with the
input kept; nothing a user can type gives a raw error page. A one-time
password must be changed before anything else."""
from __future__ import annotations

import re

import web_fixture as fx
from web_support import PASSWORD, accounts, app, form_login, login, ok_json, web_store  # noqa: F401


def test_referral_takes_typed_names(app):
    c = login(app, "bkk")
    page = c.get("/jalur-referensi", query_string={"nisn": "citra lestari",
                                                    "employer": "Jaringan Nusantara"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="paths"' in html, html[:2000]
    # the student is named, and the reader is not addressed as the student
    assert "Citra Lestari" in html and "Anda" not in html.split('id="paths"')[1]
    body = ok_json(c.get("/jalur-referensi.json", query_string={"nisn": "Citra Lestari",
                                                                 "employer": "CV Jaringan Nusantara"}))
    assert body["rows"] and body["student"]["key"] == "0051000003" and body["target"]["key"] == "E-002"
    row = body["rows"][0]
    assert row["strength_word"] in ("kuat", "sedang", "lemah")
    # every person and firm on the path is a link
    assert all(n["url"] for n in row["nodes"])
    # contact links for the consenting intermediaries (bkk sees contacts)
    for n in row["intermediaries"]:
        assert n["contact"]["tel"].startswith("tel:") and n["contact"]["wa"].startswith("https://wa.me/62")


def test_referral_several_and_none_come_back_to_the_form(app):
    c = login(app, "bkk")
    # "PT" matches several firms: a short list to pick from, the input kept
    page = c.get("/jalur-referensi", query_string={"nisn": "0051000003", "employer": "PT"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="employer-choices"' in html and 'value="PT"' in html
    picks = re.findall(r'<ul class="choices" id="employer-choices">(.*?)</ul>', html, re.S)[0]
    assert "E-001" in picks and "E-003" in picks
    # nothing matches: a message beside the field, the text kept, no raw error page
    page = c.get("/jalur-referensi", query_string={"nisn": "Nama Yang Tidak Ada", "employer": "E-002"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="nisn-error"' in html and 'value="Nama Yang Tidak Ada"' in html
    # bad numbers: the message beside the field, not a 400 page
    page = c.get("/jalur-referensi", query_string={"nisn": "0051000003", "employer": "E-002", "k": "99"})
    assert page.status_code == 200 and "field-error" in page.get_data(as_text=True)
    # a partial firm name that matches one firm is used
    body = ok_json(c.get("/jalur-referensi.json", query_string={"nisn": "0051000003", "employer": "nusantara"}))
    assert body["target"]["key"] == "E-002" and body["rows"] is not None


def test_one_time_password_must_be_changed_first(app):
    accounts(app).add_user("baru", "bkk", PASSWORD, must_change=True)
    c = app.test_client()
    form_login(c, "baru")
    home = c.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/sandi")
    assert c.get("/jalur-referensi", headers={"Accept": "application/json"}).status_code == 403
    page = c.get("/sandi").get_data(as_text=True)
    assert 'id="must-change"' in page and 'id="nav-referral"' not in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = c.post("/sandi", data={"current_password": PASSWORD, "new_password": "sandi-baru-saya-1",
                                  "new_password2": "sandi-baru-saya-1", "csrf_token": csrf})
    assert done.status_code == 200
    c2 = app.test_client()
    form_login(c2, "baru", "sandi-baru-saya-1")
    assert c2.get("/").status_code == 200


def test_users_page_gives_one_time_passwords(app):
    admin = login(app, "admin")
    body = ok_json(admin.post("/pengguna", data={"name": "guru-a", "role": "bkk"},
                              headers={"Accept": "application/json"}))
    assert accounts(app).get_user("guru-a")["must_change"] == 1
    assert body["password"]


def test_skip_link_and_api_link(app):
    html = login(app, "bkk").get("/").get_data(as_text=True)
    assert html.index('class="skip" href="#main"') < html.index("<nav")
    assert 'id="main"' in html and "Data JSON" not in html
    assert re.search(r'<footer>\s*<a class="json-twin"[^>]*>API</a>', html)


def test_partners_page_explains_pages_and_filters(app):
    c = login(app, "humas")
    html = c.get(f"/calon-mitra?npsn={fx.NPSN}").get_data(as_text=True)
    assert 'id="partners-formula"' in html and "3 × alumni" in html
    assert "Industri pengolahan" in html  # KBLI C by name
    home = ok_json(c.get(f"/index.json?npsn={fx.NPSN}"))
    total = home["overview"]["prospects"]
    assert f"dari {total} calon mitra" in html
    # one row a page: the pager walks every prospect, the count as on Beranda
    seen = []
    for n in range(1, total + 1):
        body = ok_json(c.get(f"/calon-mitra.json?npsn={fx.NPSN}&limit=1&hal={n}"))
        assert body["total"] == total and len(body["rows"]) == 1
        seen.append(body["rows"][0]["code"])
    assert len(set(seen)) == total
    # a programme's list keeps only firms with evidence from that programme
    rows = ok_json(c.get(f"/calon-mitra.json?npsn={fx.NPSN}&program=TKJ"))["rows"]
    assert rows and all(r["current_alumni"] + r["past_alumni"] + r["internships"] > 0 for r in rows)
    assert all(r["evidence_text"] for r in rows)
    printed = c.get(f"/calon-mitra/cetak?npsn={fx.NPSN}").get_data(as_text=True)
    assert "SMK Negeri 1 &lt;b&gt;Contoh&lt;/b&gt;" in printed and 'id="partners-print"' in printed


def test_register_feature_button(app):
    from web_support import csrf_from  # noqa: F401

    c = login(app, "bkk")
    html = c.get(f"/analisis/alumni-sukses?npsn={fx.NPSN}").get_data(as_text=True)
    assert 'id="register-rule"' in html and 'id="no-featured"' in html
    assert "/analisis/alumni-sukses/0051000001/unggulan" in html
    done = c.post("/analisis/alumni-sukses/0051000001/unggulan",
                  data={"on": "1", "next": f"/analisis/alumni-sukses?npsn={fx.NPSN}"})
    assert done.status_code == 302
    html = c.get(f"/analisis/alumni-sukses?npsn={fx.NPSN}").get_data(as_text=True)
    featured = html.split('id="register-featured"')[1].split("</table>")[0]
    assert "Ani" in featured
    actions = [e["action"] for e in app.extensions["alumni_graph_audit"].entries()]
    assert "feature_alumnus" in actions
    # no CSRF token: refused
    from web_support import user

    plain = app.test_client()
    assert plain.post("/analisis/alumni-sukses/0051000001/unggulan", data={"on": "0"}).status_code in (302, 401, 403)
    assert user(app, "bkk")
