"""The alumni tracer form's page weight (issue 16: "under ~50 KB with its
assets" for a cheap Android on a weak connection).

What a phone downloads to show the form: the HTML of ``/t/<token>`` (with
the known employers as ``<datalist>`` suggestions, capped by
``TRACER_MAX_SUGGESTIONS``) and its one stylesheet; no script, no font, no
image (the favicon is ``data:``). Measured on the embedded store with a
school that knows ``--employers`` employers (Faker ``id_ID`` company names,
seeded), in both languages, raw and gzip-compressed (what a proxy such as
Caddy sends), plus the thank-you page after an answer.

    python -m bench.tracer_form_weight [--employers 5000]

Also a section of ``python -m bench`` (``--only tracer_form``).
"""
from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
from pathlib import Path

BAR_BYTES = 50 * 1024


def measure(n_employers: int = 5000, seed: int = 16) -> dict:
    from faker import Faker

    from alumni_graph.graph_service.embedded import EmbeddedStore
    from alumni_graph.loaders.tracer import Tracer
    from alumni_graph.web import create_app

    fake = Faker("id_ID")
    Faker.seed(seed)
    with tempfile.TemporaryDirectory(prefix="tracer-weight-") as tmp:
        data = Path(tmp) / "data"
        store = EmbeddedStore(data)
        store.upsert_nodes("School", [{"npsn": "20300001", "name": "SMK Negeri 1 Contoh Kabupaten Bandung Barat"}],
                           source="bench")
        store.upsert_nodes("Program", [{"school_npsn": "20300001", "code": "TKR",
                                        "name": "Teknik Kendaraan Ringan"}], source="bench")
        store.upsert_nodes("Person", [{
            "nisn": "0051000001", "name": "Muhammad Rizky Pratama Saputra", "school_npsn": "20300001",
            "program_code": "TKR", "graduation_year": 2024, "birth_date": "2006-03-01"}], source="bench")
        store.upsert_nodes("Employer", [
            {"code": f"E-{i:05d}", "name": f"{fake.company()} {fake.city()}", "verified": i % 3 == 0}
            for i in range(n_employers)], source="bench")
        app = create_app({"TESTING": True, "DATA_DIR": data}, store=store)
        tr = Tracer(data)
        rnd = tr.start_round(store, years=[2024])
        token = tr.links(rnd["id"])[0]["token"]
        client = app.test_client()
        out: dict = {"employers": n_employers,
                     "suggestions_cap": app.config["TRACER_MAX_SUGGESTIONS"], "pages": {}}
        css = client.get("/static/tracer-form.css").data
        for lang in ("id", "en"):
            html = client.get(f"/t/{token}?lang={lang}").data
            assets = re.findall(rb'<link[^>]+href="(/[^"]+)"', html) + re.findall(rb'src="([^"]+)"', html)
            assert assets == [b"/static/tracer-form.css"], assets  # one stylesheet, nothing else
            assert b"<script" not in html
            out["pages"][f"form_{lang}"] = _sizes(html, css)
        key = re.search(rb'name="form_key" value="([^"]+)"', client.get(f"/t/{token}").data).group(1).decode()
        answer = {"activity": "bekerja", "employer": "PT Contoh Jaya Abadi", "employer_city": "Bandung",
                  "position": "Mekanik", "start": "2024-08-01", "sector": "G", "fits": "ya",
                  "channel": "bkk", "consent_school": "ya", "consent_referral": "ya",
                  "consent_register": "tidak", "form_key": key}
        assert client.post(f"/t/{token}", data=answer).status_code == 303
        out["pages"]["thanks_id"] = _sizes(client.get(f"/t/{token}").data, css)
        out["worst_raw"] = max(p["total_raw"] for p in out["pages"].values())
        out["worst_gzip"] = max(p["total_gzip"] for p in out["pages"].values())
        out["bar_bytes"] = BAR_BYTES
        out["met"] = out["worst_raw"] <= BAR_BYTES
        store.close()
    return out


def _sizes(html: bytes, css: bytes) -> dict:
    return {"html_raw": len(html), "css_raw": len(css), "total_raw": len(html) + len(css),
            "html_gzip": len(gzip.compress(html, 6)), "css_gzip": len(gzip.compress(css, 6)),
            "total_gzip": len(gzip.compress(html, 6)) + len(gzip.compress(css, 6))}


def report(res: dict) -> str:
    lines = [f"Tracer form page weight ({res['employers']} employers known, "
             f"{res['suggestions_cap']} suggested); bar: under {res['bar_bytes'] // 1024} KB with its assets",
             "| page | HTML | CSS | total | total gzip |", "|---|---:|---:|---:|---:|"]
    for name, p in res["pages"].items():
        lines.append(f"| {name} | {p['html_raw']:,} B | {p['css_raw']:,} B | {p['total_raw']:,} B "
                     f"| {p['total_gzip']:,} B |")
    lines.append(f"worst: {res['worst_raw']:,} B raw, {res['worst_gzip']:,} B gzip: "
                 + ("met" if res["met"] else "NOT met"))
    return "\n".join(lines)


def run(b) -> None:
    """The ``python -m bench`` section."""
    res = measure()
    b.results["tracer_form"] = res
    b.log(report(res))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.tracer_form_weight", description=__doc__.splitlines()[0])
    ap.add_argument("--employers", type=int, default=5000)
    args = ap.parse_args(argv)
    res = measure(args.employers)
    print(report(res))
    return 0 if res["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
