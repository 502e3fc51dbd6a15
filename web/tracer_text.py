"""The tracer pages' strings (Indonesian, English), merged into ``web.i18n``.

Kept apart from ``web/i18n.py`` so the tracer's many form strings do not
crowd the shared table; :func:`install` adds them (both languages, the same
keys: the i18n test holds).
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "nav_tracer": ("Tracer", "Tracer"),
    # -- the public form
    "tf_title": ("Formulir penelusuran alumni", "Alumni tracer form"),
    "tf_hello": ("Halo, {name}!", "Hello, {name}!"),
    "tf_intro": ("Sekolah ingin tahu kabarmu sekarang. Isian ini hanya dibaca petugas BKK sekolah "
                 "dan baru dipakai setelah mereka memeriksanya. Sekitar 3 menit.",
                 "Your school would like to know how you are doing. Only the school's BKK staff read "
                 "this, and nothing is used before they check it. About 3 minutes."),
    "tf_school": ("Dari {school}", "From {school}"),
    "tf_activity": ("Apa kegiatanmu sekarang?", "What are you doing now?"),
    "tf_act_bekerja": ("Bekerja", "Working (employed)"),
    "tf_act_wirausaha": ("Wirausaha", "Running my own business"),
    "tf_act_melanjutkan": ("Melanjutkan studi", "Studying"),
    "tf_act_mencari_kerja": ("Mencari kerja", "Looking for work"),
    "tf_act_lainnya": ("Lainnya", "Something else"),
    "tf_work": ("Pekerjaan / usaha", "Work / business"),
    "tf_work_help": ("Isi bagian ini jika kamu bekerja atau berwirausaha.",
                     "Fill this in if you work or run a business."),
    "tf_employer": ("Nama perusahaan / tempat kerja / usaha", "Employer / workplace / business name"),
    "tf_employer_city": ("Kota tempat kerja", "City of work"),
    "tf_position": ("Posisi / jabatan", "Position / job title"),
    "tf_start": ("Mulai bekerja sejak", "Started on"),
    "tf_sector": ("Bidang usaha", "Sector"),
    "tf_sector_none": ("— pilih —", "— choose —"),
    "tf_fits": ("Apakah pekerjaan ini sesuai dengan jurusanmu?", "Does this work fit your programme?"),
    "tf_channel": ("Bagaimana kamu mendapatkannya?", "How did you get it?"),
    "tf_ch_bkk": ("Lewat BKK sekolah", "Through the school's BKK"),
    "tf_ch_alumni": ("Dikenalkan alumni", "Referred by an alumnus"),
    "tf_ch_prakerin": ("Dari tempat prakerin/PKL", "From my internship host"),
    "tf_ch_mandiri": ("Usaha sendiri", "On my own"),
    "tf_income": ("Penghasilan per bulan (boleh dikosongkan)", "Monthly income (optional)"),
    "tf_inc_": ("Tidak ingin menjawab", "Prefer not to say"),
    "tf_inc_lt2": ("Di bawah Rp2 juta", "Under Rp2 million"),
    "tf_inc_2_4": ("Rp2–4 juta", "Rp2–4 million"),
    "tf_inc_4_6": ("Rp4–6 juta", "Rp4–6 million"),
    "tf_inc_6_10": ("Rp6–10 juta", "Rp6–10 million"),
    "tf_inc_gt10": ("Di atas Rp10 juta", "Over Rp10 million"),
    "tf_study": ("Studi lanjut", "Further study"),
    "tf_study_help": ("Isi bagian ini jika kamu melanjutkan studi.", "Fill this in if you are studying."),
    "tf_institution": ("Nama kampus / lembaga", "Institution"),
    "tf_study_program": ("Program studi", "Study programme"),
    "tf_contact": ("Kontak terbaru (boleh dikosongkan)", "Your current contact (optional)"),
    "tf_phone": ("Nomor HP / WhatsApp", "Mobile / WhatsApp number"),
    "tf_email": ("Email", "Email"),
    "tf_consents": ("Persetujuan", "Consent"),
    "tf_consents_help": ("Jawab masing-masing. Kamu boleh menjawab tidak; jawabanmu bisa diubah kapan saja "
                         "dengan menghubungi BKK.",
                         "Answer each one. You may say no; you can change your answer any time by "
                         "contacting the BKK."),
    "tf_consent_school": ("Bolehkah sekolah menghubungi saya lagi (misalnya untuk tracer berikutnya "
                          "atau lowongan kerja)?",
                          "May the school contact me again (e.g. for the next tracer or job vacancies)?"),
    "tf_consent_referral": ("Bolehkah nama saya diberikan kepada siswa/alumni sebagai kontak yang bisa "
                            "mengenalkan mereka ke tempat kerja saya?",
                            "May my name be given to students/alumni as a contact who can introduce "
                            "them to my workplace?"),
    "tf_consent_register": ("Bolehkah nama saya tampil di daftar alumni sukses sekolah?",
                            "May my name appear on the school's register of successful alumni?"),
    "tf_yes": ("Ya", "Yes"),
    "tf_no": ("Tidak", "No"),
    "tf_guardian": ("Nomor/rujukan persetujuan orang tua atau wali",
                    "Parent's or guardian's consent reference"),
    "tf_guardian_help": ("Karena kamu belum 18 tahun, persetujuan di atas perlu izin orang tua/wali. "
                         "Tulis nomor surat persetujuan wali dari BKK, atau nama wali dan tanggal izinnya.",
                         "Because you are under 18, the consents above need a parent's or guardian's "
                         "permission. Give the number of the guardian consent letter from the BKK, or "
                         "the guardian's name and the date they agreed."),
    "tf_note": ("Pesan untuk sekolah (boleh dikosongkan)", "A note to the school (optional)"),
    "tf_submit": ("Kirim", "Send"),
    "tf_errors": ("Ada isian yang perlu diperbaiki (ditandai di bawah).",
                  "Some answers need fixing (marked below)."),
    "tf_err_required": ("Wajib diisi.", "Required."),
    "tf_err_too_long": ("Terlalu panjang.", "Too long."),
    "tf_err_date": ("Tanggal tidak valid (contoh 2025-07-01).", "Not a valid date (e.g. 2025-07-01)."),
    "tf_err_date_range": ("Tanggal harus antara 1950 dan hari ini.", "The date must be between 1950 and today."),
    "tf_err_choice": ("Pilih salah satu pilihan.", "Choose one of the options."),
    "tf_err_phone": ("Nomor HP 8–15 digit, misalnya 081234567890.", "A phone number has 8–15 digits, e.g. 081234567890."),
    "tf_err_email": ("Alamat email tidak valid.", "Not a valid email address."),
    "tf_err_guardian": ("Wajib untuk alumni di bawah 18 tahun yang menjawab Ya.",
                        "Required for alumni under 18 who answer Yes."),
    "tf_thanks": ("Terima kasih, {name}!", "Thank you, {name}!"),
    "tf_thanks_text": ("Jawabanmu sudah diterima pada {date} dan akan diperiksa petugas BKK. "
                       "Ini yang kamu kirim:",
                       "Your answers were received on {date} and will be checked by the BKK staff. "
                       "This is what you sent:"),
    "tf_thanks_change": ("Ada yang salah? Hubungi BKK sekolah.", "Something wrong? Contact the school's BKK."),
    "tf_invalid_title": ("Tautan tidak berlaku", "This link does not work"),
    "tf_invalid": ("Tautan ini tidak berlaku atau masa pengisiannya sudah berakhir. Jika kamu alumni, "
                   "minta tautan baru ke BKK sekolah.",
                   "This link is not valid or the form has closed. If you are an alumnus, ask the "
                   "school's BKK for a new link."),
    "tf_too_many": ("Terlalu banyak percobaan. Coba lagi beberapa menit lagi.",
                    "Too many attempts. Try again in a few minutes."),
    "tf_privacy": ("Data ini disimpan sekolah sesuai UU PDP: hanya untuk penelusuran alumni dan "
                   "membantu siswa mendapat kerja.",
                   "The school keeps this under Indonesia's data protection law (UU PDP): only for "
                   "tracing alumni and helping students find work."),
    # -- staff pages
    "tr_title": ("Tracer alumni", "Alumni tracer"),
    "tr_help": ("Buat putaran tracer untuk angkatan tertentu: setiap alumni mendapat tautan pribadi "
                "(WhatsApp, QR atau cetak). Jawaban masuk ke antrean tinjauan dan baru ditulis ke "
                "data setelah disetujui BKK.",
                "Start a tracer round for chosen cohorts: every alumnus gets a personal link "
                "(WhatsApp, QR or print). Answers wait in the review queue and reach the data only "
                "when BKK approves them."),
    "tr_start": ("Mulai putaran baru", "Start a new round"),
    "tr_years": ("Tahun lulus (pisahkan dengan koma)", "Graduation years (comma-separated)"),
    "tr_programs": ("Kode program (boleh kosong = semua)", "Programme codes (empty = all)"),
    "tr_school": ("Sekolah", "School"),
    "tr_until": ("Terbuka sampai", "Open until"),
    "tr_name": ("Nama putaran (boleh kosong)", "Round name (optional)"),
    "tr_start_submit": ("Mulai dan buat tautan", "Start and make the links"),
    "tr_rounds": ("Putaran", "Rounds"),
    "tr_none": ("Belum ada putaran tracer.", "No tracer round yet."),
    "tr_round": ("Putaran", "Round"),
    "tr_period": ("Masa pengisian", "Open period"),
    "tr_links": ("Tautan", "Links"),
    "tr_waiting": ("Menunggu tinjauan", "Awaiting review"),
    "tr_state": ("Keadaan", "State"),
    "tr_open": ("Terbuka", "Open"),
    "tr_closed": ("Ditutup", "Closed"),
    "tr_dashboard": ("Ringkasan putaran", "Round dashboard"),
    "tr_send": ("Kirim tautan", "Send links"),
    "tr_slips": ("Cetak slip QR", "Print QR slips"),
    "tr_review": ("Tinjau jawaban", "Review answers"),
    "tr_csv": ("Unduh CSV (nisn, nama, link, whatsapp)", "Download CSV (nisn, name, link, whatsapp)"),
    "tr_close": ("Tutup putaran", "Close the round"),
    "tr_close_help": ("Menutup putaran membuat semua tautannya tidak berlaku lagi.",
                      "Closing the round makes all its links stop working."),
    "tr_progress": ("Tingkat respons per angkatan dan program", "Response rate per cohort and programme"),
    "tr_sent": ("Dikirim", "Sent"),
    "tr_opened": ("Dibuka", "Opened"),
    "tr_submitted": ("Dijawab", "Submitted"),
    "tr_approved": ("Disetujui", "Approved"),
    "tr_rejected": ("Ditolak", "Rejected"),
    "tr_rate": ("Respons", "Response rate"),
    "tr_indicators": ("Indikator tracer: sebelum dan sesudah putaran", "Tracer indicators: before and after the round"),
    "tr_before": ("Saat putaran dimulai", "When the round started"),
    "tr_after": ("Sekarang", "Now"),
    "tr_untraced": ("Alumni yang belum terlacak dan siapa yang bisa menghubungi",
                    "Untraced alumni still to reach, and who can reach them"),
    "tr_untraced_none": ("Tidak ada alumni tak terlacak di angkatan ini.", "No untraced alumni in these cohorts."),
    "tr_unnamed": ("(tidak bersedia dihubungi)", "(did not consent)"),
    "tr_reachers": ("Bisa dihubungi lewat", "Can be reached through"),
    "tr_nobody": ("belum ada penghubung", "nobody yet"),
    "tr_send_help": ("Ketuk \"WhatsApp\" untuk membuka pesan siap kirim di HP Anda. Tautan bersifat pribadi: "
                     "jangan dibagikan di grup.",
                     "Tap \"WhatsApp\" to open a ready message on your phone. Links are personal: do not "
                     "share them in a group."),
    "tr_whatsapp": ("WhatsApp", "WhatsApp"),
    "tr_no_phone": ("Alumni tanpa nomor HP: hubungi lewat kanal lain", "Alumni without a phone: reach them another way"),
    "tr_no_phone_help": ("Berikan slip QR lewat teman sekelas atau rekan kerja berikut (hanya yang bersedia "
                         "dihubungi), atau saat reuni.",
                         "Hand them a QR slip through these classmates or co-workers (only those who "
                         "consented), or at a reunion."),
    "tr_revoke": ("Cabut", "Revoke"),
    "tr_reissue": ("Tautan baru", "New link"),
    "tr_revoked": ("dicabut", "revoked"),
    "tr_link_state": ("Status", "Status"),
    "tr_st_new": ("belum dibuka", "not opened"),
    "tr_st_opened": ("dibuka", "opened"),
    "tr_st_submitted": ("sudah menjawab", "answered"),
    "tr_slip_text": ("Pindai dengan kamera HP untuk mengisi formulir penelusuran alumni. Tautan ini "
                     "khusus untukmu.",
                     "Scan with your phone's camera to fill in the alumni tracer form. This link is "
                     "for you only."),
    "tr_print_hint": ("Gunakan menu Cetak di peramban (Ctrl+P). Potong di garis putus-putus.",
                      "Use the browser's Print menu (Ctrl+P). Cut along the dashed lines."),
    "tr_queue": ("Antrean tinjauan", "Review queue"),
    "tr_queue_none": ("Tidak ada jawaban yang menunggu.", "No answers waiting."),
    "tr_answered": ("Dijawab", "Answered"),
    "tr_open_review": ("Tinjau", "Review"),
    "tr_response": ("Jawaban tracer", "Tracer answer"),
    "tr_field": ("Isian", "Field"),
    "tr_stored": ("Data tersimpan", "Stored record"),
    "tr_new": ("Jawaban alumni", "Alumnus's answer"),
    "tr_changes": ("berubah", "changes"),
    "tr_employer_match": ("Cocokkan DU/DI", "Match the employer"),
    "tr_employer_help": ("Pilih DU/DI yang sudah dikenal, atau biarkan \"buat baru\" (DU/DI baru dibuat belum "
                         "terverifikasi, masuk daftar DU/DI perlu dicek).",
                         "Choose a known employer, or leave \"create new\" (a new employer is created "
                         "unverified, on the employers-to-check list)."),
    "tr_employer_new": ("buat DU/DI baru dari jawaban", "create a new employer from the answer"),
    "tr_employer_exact": ("nama sama", "same name"),
    "tr_employer_close": ("nama mirip", "similar name"),
    "tr_approve": ("Setujui dan tulis ke data", "Approve and write to the data"),
    "tr_reject": ("Tolak", "Reject"),
    "tr_reason": ("Alasan penolakan", "Reason for rejecting"),
    "tr_approved_done": ("Jawaban disetujui dan ditulis (sumber {source}).", "Answer approved and written (source {source})."),
    "tr_rejected_done": ("Jawaban ditolak; jawaban tetap disimpan.", "Answer rejected; it is kept."),
    "tr_loader_refused": ("Pemuat data menolak jawaban ini; tidak ada yang ditulis:", "The loader refused this answer; nothing was written:"),
    "tr_status_menunggu": ("menunggu", "waiting"),
    "tr_status_disetujui": ("disetujui", "approved"),
    "tr_status_ditolak": ("ditolak", "rejected"),
    "tr_reviewed": ("Ditinjau oleh {by} pada {at}", "Reviewed by {by} on {at}"),
    "tr_writes": ("Yang akan ditulis", "What approval writes"),
    "tr_minor": ("di bawah 18 tahun", "under 18"),
    "tr_consent_school_short": ("Boleh dihubungi sekolah", "School may contact"),
    "tr_started": ("Putaran dimulai: {n} tautan dibuat.", "Round started: {n} links made."),
    "tr_wa_greeting": ("Halo {name}, ini BKK {school}. Kami sedang menelusuri kabar alumni. Mohon isi "
                       "formulir singkat ini (sekitar 3 menit), tautannya khusus untukmu: {link}",
                       "Hello {name}, this is the BKK of {school}. We are catching up with our alumni. "
                       "Please fill in this short form (about 3 minutes); the link is just for you: {link}"),
    "tr_tie_classmate": ("teman sekelas", "classmate"),
    "tr_tie_coworker": ("rekan kerja", "co-worker"),
    "tr_tie_intern_peer": ("teman prakerin", "internship peer"),
    "tr_ind_alumni": ("Alumni", "Alumni"),
    "tr_ind_traced": ("Terlacak", "Traced"),
    "tr_ind_traced_rate": ("Keterlacakan", "Traced rate"),
    "tr_ind_bekerja": ("Bekerja", "Employed"),
    "tr_ind_melanjutkan": ("Melanjutkan studi", "Studying"),
    "tr_ind_wirausaha": ("Wirausaha", "Self-employed"),
    "tr_ind_mencari_kerja": ("Mencari kerja", "Looking for work"),
    "tr_ind_tidak_terdata": ("Tidak terdata", "Not traced"),
    "tr_ind_absorption_rate": ("Keterserapan", "Absorption rate"),
    "tr_ind_employed": ("Punya pekerjaan (data pekerjaan)", "With a current job (job records)"),
    "tr_ind_aligned": ("Bekerja selaras", "Aligned jobs"),
    "tr_ind_alignment_rate": ("Keselarasan", "Alignment rate"),
    "tr_close_confirm": ("Ya, tutup putaran ini", "Yes, close this round"),
    "tr_close_confirm_needed": ("Centang \"Ya, tutup putaran ini\" dulu: putaran belum ditutup.",
                                "Tick \"Yes, close this round\" first: the round is still open."),
    "tr_local_links": ("Perhatian: tautan memakai alamat {base}, yang hanya bisa dibuka di komputer ini. "
                       "Minta admin mengatur ALUMNI_GRAPH_PUBLIC_URL ke alamat yang bisa dibuka alumni "
                       "(misalnya https://bkk.sekolah.sch.id) sebelum mengirim.",
                       "Warning: the links use the address {base}, which only this computer can open. "
                       "Ask the admin to set ALUMNI_GRAPH_PUBLIC_URL to an address alumni can open "
                       "(e.g. https://bkk.school.sch.id) before sending."),
    "tr_writes_note": ("Bila DU/DI lain dipilih di atas, kode DU/DI itu yang ditulis.",
                       "If another employer is chosen above, that employer's code is written."),
    "tr_kbli_A": ('Pertanian, kehutanan dan perikanan', 'Agriculture, forestry and fishing'),
    "tr_kbli_B": ('Pertambangan dan penggalian', 'Mining and quarrying'),
    "tr_kbli_C": ('Industri pengolahan (pabrik)', 'Manufacturing'),
    "tr_kbli_D": ('Listrik, gas dan uap', 'Electricity, gas and steam'),
    "tr_kbli_E": ('Air, limbah dan daur ulang', 'Water, waste and recycling'),
    "tr_kbli_F": ('Konstruksi', 'Construction'),
    "tr_kbli_G": ('Perdagangan; bengkel mobil dan motor', 'Trade; car and motorcycle repair'),
    "tr_kbli_H": ('Transportasi dan pergudangan', 'Transport and storage'),
    "tr_kbli_I": ('Hotel, restoran dan makan minum', 'Accommodation and food'),
    "tr_kbli_J": ('Informasi dan komunikasi (TI)', 'Information and communication (IT)'),
    "tr_kbli_K": ('Keuangan dan asuransi', 'Finance and insurance'),
    "tr_kbli_L": ('Real estat', 'Real estate'),
    "tr_kbli_M": ('Jasa profesional, ilmiah dan teknis', 'Professional, scientific and technical'),
    "tr_kbli_N": ('Jasa penunjang usaha, penyalur tenaga kerja, agen perjalanan', 'Business support, staffing, travel agencies'),
    "tr_kbli_O": ('Pemerintahan dan pertahanan', 'Public administration and defence'),
    "tr_kbli_P": ('Pendidikan', 'Education'),
    "tr_kbli_Q": ('Kesehatan dan kegiatan sosial', 'Health and social work'),
    "tr_kbli_R": ('Kesenian, hiburan dan rekreasi', 'Arts, entertainment and recreation'),
    "tr_kbli_S": ('Jasa lainnya (salon, reparasi, organisasi)', 'Other services (salons, repairs, organisations)'),
    "tr_kbli_T": ('Rumah tangga sebagai pemberi kerja', 'Households as employers'),
    "tr_kbli_U": ('Badan internasional', 'International organisations'),
}


def install(strings: dict) -> None:
    """Add the tracer strings to ``web.i18n.STRINGS`` (existing keys win)."""
    for key, (id_text, en_text) in TEXT.items():
        strings["id"].setdefault(key, id_text)
        strings["en"].setdefault(key, en_text)
