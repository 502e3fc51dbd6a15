"""One school's rows: its programmes, staff, partnerships, 17 graduated cohorts
and 3 classes in school (students, internships, jobs), and five years of Humas
visits.

:class:`SchoolRun` draws every value from the run's one ``random.Random`` and
Faker in a fixed order (the order of the methods in :meth:`SchoolRun.run`), so
the same seed gives the same files byte for byte (tests/test_demo_generator.py
holds their SHA-256).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alumni_graph.graph_service.schema import UNTRACED_STATUS
from alumni_graph.demo.employers import Emp, phone
from alumni_graph.demo.reference import (
    CATATAN, JABATAN, JABATAN_GENERIC, JABATAN_SENIOR, KUNJUNGAN_JENIS, PROG, STATUS, add_months, fmt,
    rand_date, slug,
)
from alumni_graph.demo.schools import (
    Ctx, active, build_pool, fits, gen_partnerships, status_weights, teacher_name,
)


@dataclass
class Group:
    """One programme's students of one cohort (graduated or still in school)."""

    code: str
    lulus: int
    current: bool
    years_since: int
    final_year_now: bool
    school_year_start: dt.date
    batches: list  # internship batches: (start, months)
    active_hosts: list  # partnerships hosting interns that year

    @property
    def masuk(self) -> int:
        return self.lulus - 3


class SchoolRun:
    def __init__(self, ctx: Ctx, school: dict):
        self.ctx, self.rng, self.fk, self.today = ctx, ctx.rng, ctx.fk, ctx.today
        self.school, self.npsn, self.codes = school, school["npsn"], school["codes"]
        self.scale = len(self.codes) / 9
        self.kunj_from = add_months(self.today, -60)
        self.hosts_by_year: dict[int, dict[int, int]] = {}  # school-year start -> emp idx -> interns

    def run(self) -> None:
        self.write_school()
        self.staff()
        self.partnerships()
        self.employer_lists()
        last_grad = self.ctx.last_grad
        # (tahun_lulus, current?) for 17 graduated cohorts + 3 active intakes
        cohorts = [(y, False) for y in range(last_grad - 16, last_grad + 1)]
        cohorts += [(y, True) for y in range(last_grad + 1, last_grad + 4)]
        for lulus, current in cohorts:
            self.cohort(lulus, current)
        self.visits()

    # -- the school, its staff and partners ----------------------------------------
    def write_school(self) -> None:
        school = self.school
        self.ctx.write("sekolah", (self.npsn, school["nama"], school["kota"], school["prov"]))
        for c in self.codes:
            p = PROG[c]
            self.ctx.write("program", (self.npsn, c, p[1], ";".join(p[2])))

    def staff(self) -> None:
        """Productive teachers per programme, a few normative/adaptive ones, Humas staff."""
        rng, codes = self.rng, self.codes
        n_teachers = max(25, round(40 * self.scale))
        self.teachers = [teacher_name(rng, self.fk) for _ in range(n_teachers)]
        per_prog = max(3, (n_teachers - 6) // len(codes))
        self.prog_teachers = {c: self.teachers[i * per_prog:(i + 1) * per_prog] or self.teachers[:3]
                              for i, c in enumerate(codes)}
        self.humas = rng.sample(self.teachers, rng.randint(4, 6))

    def partnerships(self) -> None:
        """Each programme's pool of regular hosts (ranked: Zipf-like cumulative
        weights) and the school's MoUs."""
        codes = self.codes
        self.pools = {c: build_pool(self.ctx, self.school, c) for c in codes}
        self.pool_cum = {}
        for c in codes:
            acc, cum = 0.0, []
            for r in range(len(self.pools[c])):
                acc += 1.0 / (r + 1) ** 0.8
                cum.append(acc)
            self.pool_cum[c] = cum
        self.partners = gen_partnerships(self.ctx, self.school, self.pools)
        self.partner_ids = {p["emp"].idx for p in self.partners}
        self.host_partners = {c: [p for p in self.partners if "prakerin" in p["jenis"]
                                  and (p["code"] == c or (p["code"] == "" and fits(p["emp"], c)))]
                              for c in codes}
        self.recruit: dict[int, list] = {}
        for p in self.partners:
            if "rekrutmen" in p["jenis"]:
                self.recruit.setdefault(p["emp"].idx, []).append(p)

    def employer_lists(self) -> None:
        """Where alumni find jobs: big firms, local, regional and hub employers
        of each programme's sectors, and any employer nearby."""
        ix, kota, prov = self.ctx.index, self.school["kota"], self.school["prov"]
        self.local_all = ix.by_kota.get(kota, [])
        self.region_all = ix.by_prov.get(prov, [])
        secs = {c: PROG[c][2] for c in self.codes}
        self.big_fit = {c: [b for b in ix.big if fits(b, c)] for c in self.codes}
        self.local_fit = {c: [e for s in secs[c] for e in ix.by_sec_kota.get((s, kota), ())] for c in self.codes}
        self.region_fit = {c: [e for s in secs[c] for e in ix.by_sec_prov.get((s, prov), ())] for c in self.codes}
        self.hub_fit = {c: [e for s in secs[c] for e in ix.hub_by_sec.get(s, ())] for c in self.codes}
        self.any_fit = {c: [e for s in secs[c] for e in ix.by_sec.get(s, ())] for c in self.codes}

    # -- a cohort ------------------------------------------------------------------
    def cohort(self, lulus: int, current: bool) -> None:
        rng, codes = self.rng, self.codes
        size = (rng.randint(400, 460) if current else rng.randint(350, 430)) * self.scale
        wsum = sum(PROG[c][3] for c in codes)
        school_year_start = dt.date(lulus - 1, 7, 1)
        final_year_now = current and lulus == self.ctx.last_grad + 1
        do_prakerin = (not current) or final_year_now
        for c in codes:
            share = PROG[c][3]
            n = max(1, round(size * share / wsum * rng.uniform(0.85, 1.15)))
            batches = self.internship_batches(lulus, final_year_now) if do_prakerin else []
            group = Group(c, lulus, current, self.ctx.last_grad - lulus, final_year_now, school_year_start,
                          batches, [p for p in self.host_partners[c]
                                    if active(p, school_year_start + dt.timedelta(days=120))])
            for _ in range(n):
                self.student(group)

    def internship_batches(self, lulus: int, final_year_now: bool) -> list[tuple[dt.date, int]]:
        """A programme's PKL batches in one school year: (start, months)."""
        rng, batches = self.rng, []
        for _ in range(rng.choice((1, 2, 2, 3))):
            months = rng.randint(3, 6)
            lo = dt.date(lulus - 1, 7, 15)
            hi = add_months(dt.date(lulus, 6, 1), -months)
            if final_year_now:
                hi = min(hi, self.today)
            if hi >= lo:
                batches.append((rand_date(rng, lo, hi), months))
        return batches

    def student(self, group: Group) -> None:
        nisn, status = self.person(group)
        host, prak_end = self.internship(group, nisn)
        if not group.current:
            self.jobs(group, nisn, status, host, prak_end)

    # -- a person ------------------------------------------------------------------
    def person(self, group: Group) -> tuple[str, str]:
        """Write the person's siswa row; return (nisn, tracer status)."""
        rng, fk = self.rng, self.fk
        male = rng.random() < PROG[group.code][4]
        r = rng.random()
        if male:
            first, last = fk.first_name_male(), fk.last_name_male()
            if r < 0.06:
                first = "Muhammad " + first
        else:
            first, last = fk.first_name_female(), fk.last_name_female()
        nama = first if r > 0.92 else f"{first} {last}"
        born_lo = dt.date(group.masuk - (17 if rng.random() < 0.07 else 16), 7, 1)
        lahir = dt.date.fromordinal(born_lo.toordinal() + rng.randint(0, 364))
        nisn = f"{lahir.year % 1000:03d}{self.ctx.nisn_perm.next():07d}"
        if group.current:
            status = ""
            consent = rng.random() < 0.05
            p_phone, p_mail = 0.9, 0.7
        else:
            status = rng.choices(STATUS, weights=status_weights(group.years_since))[0]
            known = status not in ("", UNTRACED_STATUS)
            consent = rng.random() < (0.47 if known else 0.08)
            p_phone, p_mail = (0.85, 0.6) if known else (0.5, 0.3)
        number = phone(rng, fk) if rng.random() < p_phone else ""
        email = self.email(first, last, lahir) if rng.random() < p_mail else ""
        self.ctx.write("siswa", (nisn, nama, self.npsn, group.code, "L" if male else "P", lahir.isoformat(),
                                 group.masuk, "" if group.current else group.lulus, status,
                                 "ya" if consent else "tidak", number, email))
        return nisn, status

    def email(self, first: str, last: str, lahir: dt.date) -> str:
        """An address unique over the whole run."""
        rng, fk = self.rng, self.fk
        sep = rng.choice((".", "_", ""))
        local = slug(first.split()[-1]) + (sep + slug(last) if rng.random() < 0.7 else "")
        if rng.random() < 0.6:
            local += str(rng.choice((lahir.year % 100, rng.randint(1, 999))))
        email = f"{local}@{fk.safe_domain_name()}"
        while email in self.ctx.emails_seen:
            email = f"{local}{rng.randint(1, 9999)}@{fk.safe_domain_name()}"
        self.ctx.emails_seen.add(email)
        return email

    def internship(self, group: Group, nisn: str) -> tuple[Emp | None, dt.date | None]:
        """Write the person's prakerin row (if any); return (host, end)."""
        rng, today = self.rng, self.today
        if not group.batches or not (group.final_year_now or rng.random() < 0.97):
            return None, None
        b_start, months = rng.choice(group.batches)
        mulai = b_start + dt.timedelta(days=rng.choice((0, 0, 0, 0, 1, 7, 14)))
        if group.final_year_now and mulai > today:
            mulai = b_start
        selesai = add_months(mulai, months) - dt.timedelta(days=1)
        if group.active_hosts and rng.random() < 0.4:
            host = rng.choice(group.active_hosts)["emp"]
        else:
            host = rng.choices(self.pools[group.code], cum_weights=self.pool_cum[group.code])[0]
        if selesai <= today:
            nilai = str(max(60, min(98, round(rng.gauss(82, 7)))))
            monit = rng.choices(range(5), weights=(10, 25, 35, 20, 10))[0]
        else:
            nilai = ""
            monit = rng.randint(0, min(4, (today - mulai).days // 30))
        c = group.code
        guru = rng.choice(self.prog_teachers[c]) if rng.random() < 0.9 else rng.choice(self.teachers)
        self.ctx.write("prakerin", (nisn, host.kode, host.nama, fmt(mulai), fmt(selesai), nilai, guru, monit))
        if mulai >= self.kunj_from - dt.timedelta(days=200):
            hy = self.hosts_by_year.setdefault(group.school_year_start.year, {})
            hy[host.idx] = hy.get(host.idx, 0) + 1
        return host, selesai

    # -- jobs ----------------------------------------------------------------------
    def jobs(self, group: Group, nisn: str, status: str, host, prak_end) -> None:
        """Write a graduate's pekerjaan rows: the employed (70 % of them known)
        and some job seekers with past jobs."""
        rng, ys = self.rng, group.years_since
        if status == "bekerja":
            if rng.random() >= 0.7:
                return
            n_jobs = 1 if ys == 0 else (rng.choice((1, 1, 2)) if ys < 3 else rng.choice((1, 1, 2, 2, 3)))
            keep_current = True
        elif status == "mencari_kerja" and ys > 0 and rng.random() < 0.25:
            n_jobs, keep_current = rng.choice((1, 1, 2)), False
        else:
            return
        start, hired_by_host = self.first_start(group, host, prak_end)
        jobs = self.job_spells(group.code, n_jobs, keep_current, start, host if hired_by_host else None)
        for k, (e, s, en) in enumerate(jobs):
            sel = rng.random() < (0.88 if fits(e, group.code) else 0.08)
            kd, nm = self.emp_ref(e)
            title = self.jabatan(group.code, sel, k)
            how = "bkk" if (k == 0 and hired_by_host and rng.random() < 0.4) else self.sumber(k == 0)
            self.ctx.write("pekerjaan", (nisn, kd, nm, title, fmt(s), fmt(en), "ya" if sel else "tidak", how))

    def first_start(self, group: Group, host, prak_end) -> tuple[dt.date, bool]:
        """When the first job starts, and whether the internship host hired them
        (likelier where it has a recruitment MoU)."""
        rng, today = self.rng, self.today
        grad = dt.date(group.lulus, 5, 5)
        span = (today - grad).days
        hired_by_host = False
        if host is not None:
            recs = self.recruit.get(host.idx)
            p_hire = 0.45 if recs and any(active(p, grad) for p in recs) else 0.18
            hired_by_host = rng.random() < p_hire
        if hired_by_host:
            start = grad + dt.timedelta(days=rng.randint(-4, min(110, span)))
            if prak_end is not None and start <= prak_end:
                start = prak_end + dt.timedelta(days=rng.randint(1, 30))
        else:
            start = grad + dt.timedelta(days=rng.randint(min(14, span), min(300, span)))
        return min(start, today), hired_by_host

    def job_spells(self, c: str, n_jobs: int, keep_current: bool, start: dt.date, first_employer):
        """[(employer, start, end or None)]: consecutive jobs, the last one current
        when ``keep_current`` (rarely a second, concurrent current job)."""
        rng, today = self.rng, self.today
        jobs = []
        for k in range(n_jobs):
            e = first_employer if (k == 0 and first_employer is not None) else self.job_employer(c)
            end = add_months(start, rng.randint(6, 48)) - dt.timedelta(days=1)
            last_job = k == n_jobs - 1 or end >= today
            if last_job and keep_current:
                end = None
            elif end >= today:  # past job of a job seeker: must have ended
                end = today - dt.timedelta(days=rng.randint(1, 60))
                if end < start:
                    end = start
            jobs.append((e, start, end))
            if last_job:
                break
            start = end + dt.timedelta(days=rng.randint(1, 180))
            if start >= today:
                break
        if keep_current and jobs[-1][2] is not None:
            # ran out of time before reaching the last job: last one is current
            e, s, _ = jobs[-1]
            jobs[-1] = (e, s, None)
        if keep_current and rng.random() < 0.006:
            s2 = rand_date(rng, jobs[-1][1] + dt.timedelta(days=1), today)
            e2 = self.job_employer(c)
            if e2 is not jobs[-1][0] and s2 > jobs[-1][1]:
                jobs.append((e2, s2, None))
        return jobs

    def job_employer(self, c: str) -> Emp:
        rng, ix = self.rng, self.ctx.index
        r = rng.random()
        lst = None
        if r < 0.14:
            lst = self.big_fit[c] or ix.big
        elif r < 0.50:
            lst = self.local_fit[c] or self.region_fit[c]
        elif r < 0.66:
            lst = self.hub_fit[c]
        elif r < 0.74:
            lst = self.region_fit[c]
        elif r < 0.87:
            lst = self.local_all or self.region_all
        elif r < 0.95:
            lst = ix.hub_all
        return rng.choice(lst or self.any_fit[c] or ix.all)

    def emp_ref(self, e: Emp) -> tuple[str, str]:
        """(kode_dudi, nama_dudi): a big firm is sometimes named only, and messily."""
        if e.big and self.rng.random() < 0.35:
            return "", self.rng.choice(e.variants)
        return e.kode, e.nama

    def jabatan(self, c: str, selaras: bool, k: int) -> str:
        rng = self.rng
        if not selaras:
            return rng.choice(JABATAN_GENERIC)
        if k > 0 and rng.random() < 0.3:
            return rng.choice(JABATAN_SENIOR[c])
        return rng.choice(JABATAN[c])

    def sumber(self, first: bool) -> str:
        weights = [40, 30, 18, 12] if first else [50, 8, 27, 15]
        return self.rng.choices(["tracer", "bkk", "alumni", "lainnya"], weights=weights)[0]

    # -- Humas visits ----------------------------------------------------------------
    def visits(self) -> None:
        """Humas contacts over the last five years (kunjungan), by date."""
        rng, ctx = self.rng, self.ctx
        n_kunj = round(300 * self.scale * rng.uniform(0.9, 1.1))
        partner_emps = sorted({p["emp"].idx for p in self.partners})
        non_partner = [e for c in self.codes for e in self.pools[c] if e.idx not in self.partner_ids]
        non_partner += [e for e in self.local_all[:200] if e.idx not in self.partner_ids]
        rows = []
        seen: set[tuple] = set()  # (employer, tanggal, jenis) is the loader's row key
        while len(rows) < n_kunj:
            tanggal = rand_date(rng, self.kunj_from, self.today)
            jenis = rng.choices(KUNJUNGAN_JENIS, weights=(35, 15, 20, 30))[0]
            sy = tanggal.year if tanggal.month >= 7 else tanggal.year - 1
            hosts = self.hosts_by_year.get(sy)
            if jenis == "monitoring" and hosts:
                ids = sorted(hosts)
                e = ctx.emps[rng.choices(ids, weights=[hosts[i] for i in ids])[0]]
                n_int = hosts[e.idx]
            elif rng.random() < 0.65 and partner_emps:
                e = ctx.emps[rng.choice(partner_emps)]
                n_int = 0
            else:
                e = rng.choice(non_partner or ctx.emps)
                n_int = 0
            if (e.idx, tanggal, jenis) in seen:
                continue
            seen.add((e.idx, tanggal, jenis))
            rows.append((tanggal, e.idx, (self.npsn, e.kode, e.nama, fmt(tanggal), jenis,
                                          *self.visit_note(e, jenis, sy, n_int))))
        rows.sort(key=lambda r: (r[0], r[1]))
        for _, _, row in rows:
            ctx.write("kunjungan", row)

    def visit_note(self, e: Emp, jenis: str, sy: int, n_int: int) -> tuple[str, str]:
        """(oleh, catatan) of one visit."""
        rng = self.rng
        fit_codes = [c for c in self.codes if fits(e, c)] or self.codes
        if rng.random() < 0.1:
            catatan = ""
        else:
            catatan = rng.choice(CATATAN[jenis]).format(
                prog=rng.choice(fit_codes), year=sy + 1, n=max(1, min(n_int, rng.randint(1, 6))))
        return rng.choice(self.humas), catatan
