"""Katalog Bahasa Indonesia: kode -> pesan dengan `{parameter}` (lihat `data.messages`).

Alasan tingkat sel dibaca setelah "nilai", seperti di halaman dan berkas ekspor.
"""

from __future__ import annotations

# The contract's pattern hints (ColumnSpec.pattern_hint), in Bahasa Indonesia.
FORMS: dict[str, str] = {
    "2 digits, like 11": "2 angka, mis. 11",
    "YYYY-MM, like 2024-07": "TTTT-BB, mis. 2024-07",
}

# Nama bulan, Januari lebih dulu, untuk parameter `month` (`data.messages.format_param`).
MONTHS: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

MESSAGES: dict[str, str] = {
    # --- data.validation: sel (setelah "nilai") --------------------------------------------------
    "value_missing": "kosong (kolom ini wajib diisi)",
    "value_not_integer": "bukan bilangan bulat",
    "value_too_large": "terlalu besar untuk bilangan bulat",
    "value_not_number": "bukan angka (pakai titik untuk desimal, tanpa pemisah ribuan)",
    "value_not_number_decimal_comma": (
        "bukan angka (pakai koma untuk desimal dan titik atau tanpa pemisah untuk ribuan, hanya "
        "angka, mis. 1.500.000 atau 2,5)"
    ),
    "value_not_number_thousands_comma": (
        "bukan angka (pakai titik untuk desimal dan koma atau tanpa pemisah untuk ribuan, hanya "
        "angka, mis. 1,500,000 atau 2.5)"
    ),
    "value_boolean_ambiguous_t": (
        "berisi T, yang artinya tidak jelas di kolom ini: T dibaca ya bila kolom juga memakai F "
        "(T/F) dan tidak bila kolom juga memakai Y (Y/T); tulis ya/tidak atau true/false"
    ),
    "value_not_boolean": "bukan ya/tidak (yang diterima, huruf besar/kecil bebas: {accepted})",
    "value_not_province": (
        "bukan salah satu dari 38 kode provinsi (2 angka, mis. 33) dan bukan nama provinsi (mis. "
        "Jawa Tengah)"
    ),
    "value_not_province_suggestion": (
        "bukan salah satu dari 38 kode provinsi (2 angka, mis. 33) dan bukan nama provinsi; "
        "maksud Anda {province} ({code})?"
    ),
    "value_control_character": (
        "berisi karakter kontrol (tab, pindah baris, atau karakter tak terlihat lain); hapus"
    ),
    "value_spreadsheet_error": (
        "adalah galat lembar kerja {error} (rumus yang gagal, atau nilai yang tidak dapat "
        "ditampilkan lembar kerja); perbaiki atau kosongkan sel ini"
    ),
    "value_wrong_form": "tidak sesuai bentuk yang diharapkan ({form})",
    # data.outcomes_file: tanggal berbentuk benar yang tidak ada di kalender
    "value_date_not_a_day": "menyebut {date}, tanggal yang tidak ada: {why}",
    "value_date_not_a_day.date": "{day} {month} {year}",
    "value_date_not_a_day.date_month_number": "tanggal {day} bulan ke-{month_number} tahun {year}",
    "value_date_not_a_day.month_days": "{month} {year} hanya {days} hari",
    "value_date_not_a_day.day_zero": "tanggal dalam sebulan dimulai dari 1",
    "value_date_not_a_day.year_months": "setahun hanya 12 bulan",
    "value_date_not_a_day_fix": (
        "Tulis tanggal yang ada di kalender, misalnya 27/02/2026 atau 2026-02-27."
    ),
    "value_not_allowed": "tidak diizinkan (yang diizinkan: {allowed})",
    "value_out_of_range": "di luar rentang {minimum}–{maximum}",
    "file_problems_more": "dan {count} masalah lain pada seluruh berkas",
    "value_below_minimum": "di bawah batas minimum {minimum}",
    "value_above_maximum": "di atas batas maksimum {maximum}",
    "value_duplicate": "ganda di kolom {column}",
    "value_duplicate_of_row": "ganda di kolom {column} (juga di baris {row})",
    "value_duplicate_of_rows": "ganda di kolom {column} (juga di baris {rows})",
    "value_duplicate_of_rows_and_more": (
        "ganda di kolom {column} (juga di baris {rows} dan {more} baris lainnya)"
    ),
    "value_check_failed": "tidak lolos pemeriksaan {check}",
    "value_mentored_already_digital": (
        "tidak mungkin: UMKM yang sudah digital (digital_status digital) tidak pernah didampingi "
        "dalam program; perbaiki mentored atau digital_status"
    ),
    "value_province_name_disagrees": (
        "menyebut {name_province}, padahal {code_column} {code} adalah {province}: perbaiki "
        "salah satunya agar keduanya sama, atau hapus kolom {name_column} (provinsi dibaca dari "
        "kolom {code_column})"
    ),
    "cell_value": "nilai {reason}",
    # --- data.validation: seluruh berkas ---------------------------------------------------------
    "column_missing": "kolom wajib tidak ada",
    "column_not_in_contract": "kolom tidak termasuk kolom yang dikenal",
    "column_repeated": (
        "kolom muncul {count} kali di baris judul (kolom ke-{positions}); simpan satu saja"
    ),
    "column_check_failed": "kolom tidak lolos pemeriksaan {check}",
    "header_not_found": (
        "tidak ada baris di antara {searched_rows} baris pertama yang memuat cukup judul kolom: "
        "baris {header_row} dibaca sebagai judul dan memuat {header_columns} judul yang dikenal"
    ),
    "header_not_found_elsewhere": (
        "tidak ada baris di antara {searched_rows} baris pertama yang memuat cukup judul kolom: "
        "baris {header_row} dibaca sebagai judul dan memuat {header_columns} judul yang dikenal; "
        "baris {best_row} memuat {best_columns}"
    ),
    # --- data.validation: baris riwayat yang dapat dipakai, bersama-sama (validate dan train) --
    "arm_too_few_treated": (
        "terlalu sedikit baris yang didampingi yang dapat dipakai untuk mempelajari dampak "
        "pendampingan: {count}, perlu paling sedikit {minimum}"
    ),
    "arm_too_few_control": (
        "terlalu sedikit baris yang tidak didampingi (kontrol) yang dapat dipakai untuk "
        "mempelajari dampak pendampingan: {count}, perlu paling sedikit {minimum}"
    ),
    "arm_one_outcome_treated": (
        "semua baris yang didampingi yang dapat dipakai punya hasil yang sama: dampak "
        "pendampingan tidak dapat dipelajari"
    ),
    "arm_one_outcome_control": (
        "semua baris yang tidak didampingi (kontrol) yang dapat dipakai punya hasil yang sama: "
        "dampak pendampingan tidak dapat dipelajari"
    ),
    # --- data.io, data.xlsx: berkas melewati batas ---------------------------------------------
    "too_many_rows": (
        "berkas berisi lebih dari {limit} baris data, batas yang dibaca di sini (pecah berkas)"
    ),
    "too_many_columns": (
        "tabel selebar {found} kolom; paling banyak {limit} yang dibaca di sini (hapus kolom yang "
        "tidak diperlukan)"
    ),
    "too_many_cells": (
        "tabel mencakup {found} sel (baris × kolom); paling banyak {limit} yang dibaca di sini "
        "(hapus baris dan kolom kosong di sekitar data, atau pecah berkas)"
    ),
    "too_many_strings": (
        "workbook berisi {found} teks berbeda; paling banyak {limit} yang dibaca di sini (pecah "
        "berkas)"
    ),
    "unzipped_too_large": (
        "berkas terurai menjadi lebih dari {limit} bita; simpan ulang sebagai CSV UTF-8 atau "
        "workbook Excel tanpa gambar"
    ),
    "text_too_long": "sebuah sel berisi teks lebih dari {limit} bita; perpendek teks itu",
    # --- data.io, data.xlsx: berkas yang tidak bisa dibaca atau ditulis sebagai tabel ----------
    "file_unknown_type": "jenis berkas {suffix} tidak dikenal; pakai salah satu dari {allowed}",
    "file_not_found": "berkas tidak ditemukan",
    "file_empty": "berkas kosong",
    "file_no_data_rows": "berkas hanya berisi baris judul kolom, tanpa baris data",
    "file_duplicate_columns": "judul kolom ini muncul lebih dari sekali: {columns}",
    "file_not_text": (
        "berkas bukan teks UTF-8 maupun Windows-1252 (bita tak terbaca di posisi {byte}); simpan "
        "sebagai 'CSV UTF-8'"
    ),
    "file_not_csv": "berkas bukan berkas CSV yang bisa dibaca",
    "file_csv_extra_fields": (
        "baris {row} berisi {found} sel, padahal baris judul hanya {expected} kolom: ada "
        "pemisah yang berlebih, atau sel berisi pemisah tanpa tanda kutip di sekelilingnya"
    ),
    "file_csv_unclosed_quote": (
        "sel bertanda kutip mulai baris {line} tidak pernah ditutup, sehingga sisa berkas terbaca "
        'sebagai satu sel: tambahkan tanda kutip penutup (") atau hapus tanda kutip pembukanya'
    ),
    "file_not_parquet": "berkas bukan berkas Parquet yang bisa dibaca",
    "file_nested_columns": (
        "kolom berisi daftar, struktur atau peta tidak bisa dibaca: {columns}; isi satu nilai "
        "biasa per sel"
    ),
    "file_not_xlsx": "berkas bukan buku kerja Excel .xlsx (bukan arsip zip)",
    "file_not_workbook": "berkas bukan buku kerja Excel .xlsx yang bisa dibaca",
    "file_too_many_parts": (
        "arsip zip buku kerja berisi sedikitnya {found} berkas, padahal buku kerja biasanya hanya "
        "puluhan; paling banyak {limit} yang dibaca di sini"
    ),
    "file_too_many_pages": (
        "berkas Parquet terpotong menjadi lebih dari {limit} halaman, padahal berkas dengan "
        "jumlah baris yang diizinkan paling banyak beberapa ribu (halamannya ditulis terlalu kecil)"
    ),
    "file_parquet_footer_too_large": (
        "metadata berkas Parquet berukuran {found} bita, padahal berkas dengan jumlah baris yang "
        "diizinkan perlu kurang dari satu juta; paling banyak {limit} yang dibaca di sini "
        "(berkas terpotong menjadi terlalu banyak kelompok baris)"
    ),
    "file_no_worksheet": "buku kerja tidak punya lembar kerja",
    "file_cannot_write": "tabel tidak bisa ditulis sebagai {format}",
    "write_no_space": "ruang penyimpanan penuh; kosongkan sebagian atau simpan di tempat lain",
    "write_quota": "kuota disk terlampaui; kosongkan sebagian atau simpan di tempat lain",
    "write_read_only": "folder ada di sistem berkas hanya-baca; simpan di tempat lain",
    "write_permission": "izin ditolak; simpan di folder yang boleh Anda tulisi",
    "write_failed": "hasil tidak bisa ditulis (tidak ada yang ditulis)",
    # --- service.web: pilihan di halaman (jenis galat pydantic) ----------------------------------
    "option_too_large": "{field} melebihi batas atas {limit}",
    "option_too_small": "{field} di bawah batas bawah {limit}",
    "option_not_integer": "{field} harus bilangan bulat",
    "option_not_number": "{field} harus angka",
    "option_not_boolean": "{field} harus ya atau tidak",
    "option_missing": "{field} belum diisi",
    "option_unknown": "{field} bukan pilihan daftar",
    "option_too_many": "{field} berisi terlalu banyak entri",
    "option_invalid": "{field} tidak sah",
    "field_repeated": "{field} diberikan lebih dari sekali; berikan sekali saja",
    "field_cost_column_needed": (
        "anggaran membutuhkan kolom biaya: isi nama kolom di berkas yang memuat biaya "
        "pendampingan tiap UMKM (Kolom biaya di berkas)"
    ),
    # --- service.request_problems: isi permintaan yang tidak lolos validasi (422) --------------
    "invalid_request": (
        "Permintaan memiliki {count} masalah; tidak ada yang diproses. Perbaiki setiap masalah "
        "yang tercantum."
    ),
    "invalid_request_one": (
        "Permintaan memiliki {count} masalah; tidak ada yang diproses. Perbaiki masalah yang "
        "tercantum."
    ),
    "invalid_request_grouped": (
        "Permintaan memiliki {count} masalah; tidak ada yang diproses. Masalah yang berulang di "
        "beberapa baris dicantumkan sekali, dengan baris-barisnya: perbaiki setiap masalah yang "
        "tercantum."
    ),
    "invalid_request_cut": (
        "Permintaan memiliki {count} masalah; tidak ada yang diproses. Hanya {listed} yang pertama "
        "dicantumkan (masalah yang berulang di beberapa baris sekali, dengan baris-barisnya) dan "
        "{left_out} tidak dicantumkan: perbaiki yang tercantum lalu kirim ulang permintaan untuk "
        "melihat sisanya."
    ),
    "problem_in_every_row": "{problem}: di setiap baris dari {first} sampai {last} ({count} baris)",
    "problem_in_rows": "{problem}: di {count} baris, yang pertama {first}, yang terakhir {last}",
    "field_body": "isi permintaan",
    "field_missing": "{field} wajib diisi",
    "field_unknown": "{field} tidak dikenal dalam permintaan ini; hapus",
    "field_not_text": "{field} harus berupa teks (string JSON)",
    "field_not_integer": "{field} harus bilangan bulat",
    "field_not_number": "{field} harus berupa angka",
    "field_not_boolean": "{field} harus true atau false",
    "field_not_above": "{field} harus lebih dari {limit}",
    "field_below_minimum": "{field} tidak boleh kurang dari {limit}",
    "field_not_below": "{field} harus kurang dari {limit}",
    "field_above_maximum": "{field} tidak boleh lebih dari {limit}",
    "field_empty": "{field} tidak boleh kosong",
    "field_text_too_short": "{field} harus berisi paling sedikit {limit} karakter",
    "field_text_too_long": "{field} paling panjang {limit} karakter",
    "field_text_too_long_one": "{field} paling panjang {limit} karakter",
    "field_list_too_short": "{field} harus berisi paling sedikit {limit} entri",
    "field_list_too_long": "{field} paling banyak berisi {limit} entri",
    "field_list_too_long_one": "{field} paling banyak berisi {limit} entri",
    "field_too_many_msmes": "{field} paling banyak berisi {limit} UMKM di layanan ini",
    "field_too_many_msmes_one": "{field} paling banyak berisi {limit} UMKM di layanan ini",
    "field_wrong_form": "{field} tidak sesuai pola {pattern}",
    "field_not_allowed": "{field} harus salah satu dari: {expected}",
    "field_json_invalid": "{field} bukan JSON yang sah",
    "field_json_invalid_at": "{field} bukan JSON yang sah (baris {line}, kolom {column})",
    "field_json_number_too_long_at": "{field} memuat angka yang terlalu panjang untuk dibaca "
    "(baris {line}, kolom {column}): kirim paling banyak 4.300 digit",
    "field_not_object": "{field} harus berupa objek JSON",
    "field_not_list": "{field} harus berupa daftar (array JSON)",
    "field_not_date": "{field} harus tanggal berbentuk TTTT-BB-HH, mis. 2025-03-01",
    "field_invalid": "{field} tidak sah",
    "field_not_province": "{field} bukan salah satu dari 38 kode provinsi (11 sampai 96)",
    "field_not_contract_boolean": (
        "{field} harus ya atau tidak: teks ya/tidak atau 1/0, atau true/false"
    ),
    "field_share_value": "{field}: value bukan nilai {column}; pakai salah satu dari: {expected}",
    "field_share_value_not_province": (
        "{field}: value bukan kode provinsi; pakai salah satu dari 38 kode provinsi (11 sampai 96)"
    ),
    "field_share_twice": "min_share menyebut kolom dan nilai yang sama dua kali",
    "field_duplicate": "{field} sama dengan {first}; setiap msme_id harus unik",
    "field_cost_needed": "{field} wajib diisi bila permintaan menetapkan anggaran (budget)",
    "field_control_character": (
        "{field} berisi karakter kontrol (tab, pindah baris, atau karakter tak terlihat lain)"
    ),
    "field_not_cell": "{field} harus berupa teks, angka, true/false, atau null (satu sel)",
    "field_own_column_profile_name": (
        "{field}: kolom tambahan (extra) tidak boleh memakai nama kolom profil; ganti namanya"
    ),
    # --- data.numbers: angka yang diketik di formulir --------------------------------------------
    "number_empty": "angka belum diisi",
    "number_too_long": "angka paling panjang {limit} karakter",
    "number_invalid": "{text} bukan angka",
    "number_ambiguous": (
        "{text} bermakna ganda: {readings}? Tulis tanpa koma, atau dengan koma desimal dan "
        "lebih sedikit angka di belakang koma"
    ),
    "number_not_integer": "{text} bukan bilangan bulat",
    "share_out_of_range": "{text} bukan porsi antara 0 dan 1 (atau 0% dan 100%)",
    # --- data.store: penyimpanan program ---------------------------------------------------------
    "store_url_not_url": "UMKM_DATABASE_URL bukan URL basis data",
    "store_url_other_database": (
        "UMKM_DATABASE_URL menyebut {driver}: penyimpanan program berjalan di SQLite "
        "(sqlite:///umkm.db) atau PostgreSQL (postgresql+psycopg://pengguna:sandi@host/basisdata)"
    ),
    "store_url_unencoded_at": (
        "UMKM_DATABASE_URL: bagian host-nya memuat @, jadi @ di dalam kata sandi belum "
        "dikodekan: tulis @ sebagai %40 (juga : sebagai %3A, / sebagai %2F, % sebagai %25)"
    ),
    "store_driver_missing": (
        "UMKM_DATABASE_URL: driver PostgreSQL (psycopg) belum terpasang: pasang extra postgres "
        "proyek ini"
    ),
    "store_error": "penyimpanan program gagal",
    "list_not_found": "tidak ada daftar pendampingan dengan id {list_id}",
    "invalid_list": "daftar tidak dicatat: {reason}",
    "invalid_list_no_msmes": "daftar memerlukan setidaknya satu UMKM",
    "invalid_list_exploration_share": (
        "porsi slot yang diundi acak (exploration_share) harus antara 0 dan 1"
    ),
    "invalid_list_msme_id_too_long": (
        "msme_id lebih panjang dari {limit} karakter ({count}): {msme_ids}"
    ),
    "invalid_list_msmes_twice": "UMKM tercantum dua kali ({count}): {msme_ids}",
    "invalid_list_selection_probability": (
        "peluang terpilih (selection_probability) UMKM {msme_id} tidak antara 0 dan 1"
    ),
    "invalid_list_selected_by": (
        "{msme_id}: UMKM terpilih harus menyebut caranya (model atau undian acak), dan UMKM yang "
        "tidak terpilih tidak menyebut apa pun"
    ),
    "invalid_list_extra_columns": (
        "UMKM membawa {count} kolom tambahan (extra); satu daftar menyimpan paling banyak "
        "{limit}: hapus kolom yang tidak diperlukan"
    ),
    "invalid_list_extra_column_name": (
        "nama kolom tambahan (extra) harus 1 sampai {limit} karakter dan bukan nama kolom profil: "
        "{column}"
    ),
    "invalid_list_extra_cell_too_long": (
        "teks di kolom tambahan (extra) lebih dari {limit} karakter ({count}): {msme_ids}"
    ),
    "invalid_list_input_columns": (
        "input_columns harus menyebut setiap kolom sekali, tidak lebih dari yang dapat disimpan "
        "satu daftar, termasuk semua kolom tambahan (extra)"
    ),
    "unknown_ids": (
        "hasil tidak dicatat: id daftar tidak dikenal ({unknown_lists}) atau UMKM tidak ada di "
        "daftarnya ({unknown_msmes})"
    ),
    "conflicting_outcomes": (
        "hasil tidak dicatat: dua hasil berbeda dalam satu kiriman untuk UMKM yang sama ({pairs})"
    ),
    "invalid_outcome_dates": (
        "hasil tidak dicatat, {count} tanggal yang tidak mungkin benar: {problems}"
    ),
    "invalid_outcome_dates.problems": "{msme_id} (daftar {list_id}) {field}: {reason}",
    "outcome_date_in_future": (
        "{date} ada di masa depan (tanggal paling akhir yang diterima {latest}: hari ini menurut "
        "UTC ditambah satu hari untuk zona waktu)"
    ),
    "outcome_observed_before_mentored": (
        "diamati pada {observed_on} (sebelum pendampingan pada {mentored_on})"
    ),
    "outcome_date_before_list": (
        "{date} lebih awal dari terbitnya daftar pada {issued} (tanggal paling awal yang "
        "diterima {earliest})"
    ),
    "outcome_date_in_future_fix": (
        "Isi hari saat hal itu terjadi, paling lambat {latest}; tanggal di masa depan sering "
        "karena salah ketik tahun, atau hari dan bulan tertukar."
    ),
    "outcome_observed_before_mentored_fix": (
        "Periksa kedua tanggal: hasil diamati pada atau setelah hari pendampingan ({mentored_on})."
    ),
    "outcome_date_before_list_fix": (
        "Periksa tanggalnya, atau pilih daftar tempat hasil ini berada: daftar ini diterbitkan "
        "pada {issued}, dan pendampingan serta hasilnya terjadi setelah daftar."
    ),
    "migration_failed": "skema penyimpanan program tidak dapat dimigrasi",
    "store_unavailable": (
        "server basis data tidak menerima koneksi dalam {seconds} detik ({reason}); jalankan "
        "servernya, atau tunggu lebih lama dengan UMKM_DATABASE_WAIT_SECONDS"
    ),
    "store_missing": (
        "tidak ada penyimpanan program di {path}; periksa --url / UMKM_DATABASE_URL, atau jalankan "
        "`umkm serve` / `umkm db upgrade` untuk membuatnya"
    ),
    # --- service.errors: penolakan penyimpanan program di API dan halaman -----------------------
    "refusal_list_not_found": "Tidak ada daftar pendampingan dengan id {list_id}.",
    "refusal_unknown_list": "tidak ada daftar pendampingan {list_id}",
    "refusal_not_on_list": "UMKM {msme_id} tidak ada di daftar {list_id}",
    "refusal_unknown_id": (
        "{count} id tidak dikenal, disebutkan di bawah; tidak ada hasil yang dicatat."
    ),
    "refusal_unknown_ids": (
        "{count} id tidak dikenal, masing-masing disebutkan di bawah; tidak ada hasil yang dicatat."
    ),
    "refusal_conflicting_outcome": "dua hasil berbeda untuk UMKM {msme_id} di daftar {list_id}",
    "refusal_conflicting_outcomes": (
        "Satu permintaan memberi dua hasil berbeda untuk UMKM yang sama di daftar yang sama; tidak "
        "ada hasil yang dicatat."
    ),
    "refusal_outcome_date": "UMKM {msme_id} di daftar {list_id}: {reason}",
    "refusal_impossible_date": (
        "{count} tanggal tidak mungkin benar, disebutkan di bawah; tidak ada hasil yang dicatat."
    ),
    "refusal_impossible_dates": (
        "{count} tanggal tidak mungkin benar, masing-masing disebutkan di bawah; tidak ada hasil "
        "yang dicatat."
    ),
    "refusal_invalid_list": "Daftar tidak dapat dicatat.",
    "refusal_store_unavailable": (
        "Penyimpanan program tidak dapat digunakan saat ini; tidak ada yang ditulis."
    ),
    "idempotency_key_invalid": (
        "Idempotency-Key harus 1 sampai {limit} karakter ASCII yang dapat dicetak, tanpa spasi "
        "atau tanda kutip di dalamnya (misalnya sebuah UUID)"
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk permintaan lain dalam 24 jam terakhir; kirim "
        "kunci baru untuk setiap permintaan baru"
    ),
    "refusal_idempotency_key_reused": (
        "Idempotency-Key sudah dipakai untuk permintaan yang berbeda; tidak ada yang dicatat."
    ),
    "request_in_progress": (
        "permintaan pertama dengan Idempotency-Key ini masih sedang dijawab; kirim lagi dalam "
        "beberapa detik untuk mendapatkan jawabannya"
    ),
    "refusal_request_in_progress": (
        "Permintaan ini sedang dijawab; tidak ada yang dicatat dua kali."
    ),
    # --- service.body: isi JSON yang tidak dapat dibaca sebagaimana dikirim (415) ---------------
    "body_not_json": "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
    "body_encoded": (
        "Isi permintaan dikirim terkompresi (Content-Encoding); kirim sebagai JSON biasa, tanpa "
        "Content-Encoding."
    ),
    # --- service.limits: isi permintaan melewati batas rutenya (413), dengan jalan keluarnya ---
    "body_limit_default": (
        "Isi permintaan melebihi batas rute ini, {limit} byte ({megabytes} MB); kirim isi yang "
        "lebih kecil."
    ),
    "body_limit_scores": (
        "Isi permintaan melebihi batas rute ini, {limit} byte ({megabytes} MB); kirim lebih "
        "sedikit UMKM per permintaan (bagi daftar menjadi beberapa permintaan, atau beri skor "
        "sebuah berkas dengan `umkm score`)."
    ),
    "body_limit_lists": (
        "Isi permintaan melebihi batas rute ini, {limit} byte ({megabytes} MB); kirim lebih "
        "sedikit UMKM per permintaan (atau gunakan `umkm prioritize` dengan berkas untuk daftar "
        "yang sangat panjang)."
    ),
    "body_limit_outcomes": (
        "Isi permintaan melebihi batas rute ini, {limit} byte ({megabytes} MB); kirim lebih "
        "sedikit hasil per kiriman (paling banyak {maximum}) dengan membagi kiriman yang panjang "
        "menjadi beberapa permintaan: setiap kiriman idempoten, jadi yang gagal dapat dikirim "
        "ulang."
    ),
    "body_limit_file": (
        "Berkas unggahan melebihi batas rute ini, {limit} byte ({megabytes} MB); kirim berkas "
        "yang lebih kecil: lebih sedikit baris, atau baris yang sama disimpan sebagai CSV, yang "
        "lebih kecil daripada XLSX."
    ),
    # --- service.program: peringatan atas hasil yang dicatat (API dan halaman) ------------------
    "warning_mentored_not_selected_one": (
        "{count} hasil menyatakan didampingi untuk UMKM yang tidak dipilih daftar {list_number}. "
        "Hasil tetap dicatat (penggantian peserta bisa terjadi), tetapi periksa apakah hasil ini "
        "memang milik daftar ini: hasil dari daftar lain sering terlihat seperti ini."
    ),
    "warning_mentored_not_selected_checked_one": (
        "{count} hasil menyatakan didampingi untuk UMKM yang tidak dipilih daftar {list_number}. "
        "Hasil ini akan tetap dicatat (penggantian peserta bisa terjadi), tetapi periksa apakah "
        "hasil ini memang milik daftar ini: hasil dari daftar lain sering terlihat seperti ini."
    ),
    "warning_mentored_not_selected_checked": (
        "{count} hasil menyatakan didampingi untuk UMKM yang tidak dipilih daftar {list_number}. "
        "Hasil ini akan tetap dicatat (penggantian peserta bisa terjadi), tetapi periksa apakah "
        "hasil ini memang milik daftar ini: hasil dari daftar lain sering terlihat seperti ini."
    ),
    "warning_mentored_not_selected": (
        "{count} hasil menyatakan didampingi untuk UMKM yang tidak dipilih daftar {list_number}. "
        "Hasil tetap dicatat (penggantian peserta bisa terjadi), tetapi periksa apakah hasil ini "
        "memang milik daftar ini: hasil dari daftar lain sering terlihat seperti ini."
    ),
    # --- models.policy_value: arti status nilai kebijakan (note API, evaluate-policy) ------------
    "value_status_no_model_slots": (
        "model tidak mengisi satu slot pun di daftar ini: tidak ada yang dapat dinilai"
    ),
    "value_status_no_model_outcomes": (
        "belum ada hasil yang masuk untuk UMKM pilihan model: belum ada yang dapat diperkirakan"
    ),
    "value_status_no_exploration": (
        "daftar ini tidak menyisihkan slot untuk undian acak (porsinya 0): slot pilihan model "
        "ditampilkan, tetapi nilai pemilihan acak tidak dapat diperkirakan dari daftar ini"
    ),
    "value_status_no_explored_outcomes": (
        "kurang dari dua hasil yang masuk untuk slot acak: nilai pemilihan acak belum dapat "
        "diperkirakan"
    ),
    "value_status_few_explored_outcomes": (
        "baru sedikit hasil dari slot acak: rentangnya hanya perkiraan kasar"
    ),
    # --- umkm evaluate-policy: baris, tabel dan penolakannya -------------------------------------
    "policy_which_lists": "sebutkan --list-id ID atau --all",
    "policy_store_unreadable": (
        "penyimpanan program tidak dapat dibaca (sudah menjalankan `umkm db upgrade`?): {detail}"
    ),
    "policy_no_lists": "belum ada daftar yang diterbitkan",
    "policy_counts": (
        "daftar {list_id}: {model_slots} slot pilihan model ({model_outcomes} hasil), "
        "{explored_slots} slot acak ({explored_outcomes} hasil), {eligible} kandidat yang "
        "memenuhi syarat"
    ),
    "policy_counts_take_up": (
        "daftar {list_id}: {model_slots} slot pilihan model ({model_outcomes} hasil), "
        "{explored_slots} slot acak ({explored_outcomes} hasil), {eligible} kandidat yang "
        "memenuhi syarat, tingkat keikutsertaan {take_up}"
    ),
    "policy_status": "daftar {list_id}: {note}",
    "policy_title": "UMKM go digital per slot, rentang {level}",
    "policy_estimate": "perkiraan",
    "policy_ips": "propensitas terbalik",
    "policy_dr": "kokoh ganda",
    "policy_model_rate": "slot pilihan model",
    "policy_random_rate": "pemilihan acak",
    "policy_difference": "selisih per slot",
    "policy_extra": "tambahan UMKM go digital",
    "policy_interval": "{value} [{low}; {high}]",
    "policy_not_available": "tidak ada",
    "policy_verdict_better": (
        "daftar {list_id}: daftar model lebih baik daripada undian: {difference} UMKM go digital "
        "per slot ({method}, rentang {level} di atas nol)"
    ),
    "policy_verdict_worse": (
        "daftar {list_id}: daftar model lebih buruk daripada undian: {difference} UMKM go digital "
        "per slot ({method}, rentang {level} di bawah nol)"
    ),
    "policy_verdict_unclear": (
        "daftar {list_id}: model belum terbukti lebih baik daripada undian: selisih {difference} "
        "mencakup nol ({method}, rentang {level})"
    ),
    # --- allocation: batasan yang tidak dapat dipenuhi -------------------------------------------
    "quota_too_tight": (
        "batas provinsi hanya mengizinkan {possible} dari {asked} slot terisi, padahal masih ada "
        "{remaining} kandidat lain yang memenuhi syarat; batas yang membatasi: {limiting}; naikkan "
        "batas itu atau turunkan kapasitas menjadi {possible}"
    ),
    "quota_too_tight.limiting": "{province} ({quota} dari {candidates} kandidat)",
    "quota_leaves_no_slot": (
        "batas 0 untuk {provinces} tidak menyisakan slot bagi {remaining} kandidat yang memenuhi "
        "syarat, dan tidak ada kandidat lain; naikkan batas itu atau hapus"
    ),
    "quotas_leave_no_slot": (
        "batas 0 untuk {provinces} tidak menyisakan slot bagi {remaining} kandidat yang memenuhi "
        "syarat, dan tidak ada kandidat lain; naikkan batas-batas itu atau hapus"
    ),
    "share_too_few_candidates": (
        "porsi minimum {value} ({fraction}) membutuhkan {needed} dari {slots} slot, tetapi "
        "kandidat {value} yang memenuhi syarat hanya {available}"
    ),
    "share_blocked_by_quotas": (
        "porsi minimum {value} ({fraction}) membutuhkan {needed} dari {slots} slot, tetapi batas "
        "provinsi hanya memberi tempat bagi {possible} kandidat {value}"
    ),
    "shares_exceed_list": (
        "porsi minimum pada kolom {column} bersama-sama membutuhkan {needed} = {total} slot, "
        "padahal daftar hanya {slots} slot"
    ),
    "shares_exceed_list.needed": "{needed} ({value} {fraction})",
    "budget_too_small": (
        "anggaran Rp {budget} hanya cukup untuk {possible} dari {asked} slot ({asked} kandidat "
        "termurah yang memenuhi syarat berbiaya Rp {cheapest_cost}); naikkan anggaran atau "
        "turunkan kapasitas menjadi {possible}"
    ),
    "budget_pays_no_slot": (
        "anggaran Rp {budget} tidak cukup untuk satu pun dari {asked} slot (kandidat termurah "
        "yang memenuhi syarat berbiaya Rp {cheapest_cost}); naikkan anggaran"
    ),
    "budget_below_share": (
        "anggaran Rp {budget} tidak cukup untuk porsi minimum {value} ({fraction}): {needed} "
        "kandidat termurahnya berbiaya Rp {cheapest_cost}"
    ),
    "no_whole_number_list": (
        "batasan tidak dapat dipenuhi bersamaan oleh daftar UMKM utuh, walau daftar pecahan dapat; "
        "longgarkan porsi minimum atau anggaran"
    ),
    "constraints_clash": (
        "batasan tidak dapat dipenuhi bersamaan pada daftar {slots} slot: {constraints}; daftar "
        "dapat disusun bila salah satu dari batasan ini dihapus: {culprits}"
    ),
    "constraints_clash_unnamed": (
        "batasan tidak dapat dipenuhi bersamaan pada daftar {slots} slot: {constraints}"
    ),
    "constraint_quotas": "batas per provinsi",
    "constraint_share": "porsi minimum {value} ({fraction})",
    "constraint_budget": "anggaran Rp {budget}",
    "exploration_crowds_out_share": (
        "porsi minimum {value} ({fraction}) membutuhkan {needed} dari {slots} slot, tetapi "
        "undian acak hanya menyisakan {model_slots} slot untuk pilihan model; kecilkan {option}"
    ),
    # --- umkm validate --lang: bingkai tiap baris ------------------------------------------------
    "cli_where_header": "baris judul",
    "cli_where_header_column": "baris judul, kolom {column}",
    "cli_where_row": "baris {row}",
    "cli_where_row_column": "baris {row}, kolom {column}",
    "cli_where_column": "kolom {column}",
    "feature_missing": "tidak ada di masukan (dibutuhkan untuk fitur {feature})",
    "feature_value_not_number": "nilai {text} bukan angka",
    "feature_value_not_boolean": (
        "nilai {text} bukan ya/tidak (pakai ya/tidak, true/false atau 1/0, huruf besar/kecil bebas)"
    ),
    "feature_value_unknown_level": (
        "nilai {text} bukan salah satu kategori yang dikenal model ({levels})"
    ),
    "feature_value_unknown_level_many": (
        "nilai {text} bukan salah satu dari {count} kategori yang dikenal model (lihat "
        "konfigurasi pelatihannya)"
    ),
    "cli_value": "nilai {reason}",
    "cli_value_cell": "nilai {cell} {reason}",
    "cli_more_problems": "... dan {count} masalah lainnya",
    "cli_checked_profile": "{path}: diperiksa sebagai berkas profil UMKM, {count} masalah",
    "cli_checked_history": "{path}: diperiksa sebagai berkas riwayat pendampingan, {count} masalah",
    "cli_rows": "{rows} baris: {valid} valid, {rejected} ditolak",
    # --- models.model_lookup: URI model yang tidak menunjuk model apa pun -----------------------
    "model_no_store": (
        "model {uri} tidak ditemukan: tidak ada penyimpanan pelacakan MLflow di {path} ({store}); "
        "periksa folder tempat perintah dijalankan (penyimpanan bawaan MLflow adalah mlflow.db di "
        "folder kerja) atau atur MLFLOW_TRACKING_URI ke penyimpanan yang memuat model itu"
    ),
    "model_no_registered_name": (
        "model {uri} tidak ditemukan: tidak ada model terdaftar bernama {name} di penyimpanan "
        "pelacakan {store}; {registered}; periksa namanya, atau periksa folder tempat perintah "
        "dijalankan (penyimpanan bawaan MLflow adalah mlflow.db di folder kerja) atau atur "
        "MLFLOW_TRACKING_URI ke penyimpanan yang memuat model itu"
    ),
    "model_no_alias": (
        "model {uri} tidak ditemukan: {name} tidak punya alias {alias} di penyimpanan pelacakan "
        "{store}; aliasnya: {aliases}; periksa aliasnya, atau periksa folder tempat perintah "
        "dijalankan (penyimpanan bawaan MLflow adalah mlflow.db di folder kerja) atau atur "
        "MLFLOW_TRACKING_URI ke penyimpanan yang memuat model itu"
    ),
    "model_no_alias.aliases": "{alias} (v{version})",
    "model_no_alias_none": (
        "model {uri} tidak ditemukan: {name} tidak punya alias {alias} di penyimpanan pelacakan "
        "{store}; aliasnya: tidak ada; periksa aliasnya, atau periksa folder tempat perintah "
        "dijalankan (penyimpanan bawaan MLflow adalah mlflow.db di folder kerja) atau atur "
        "MLFLOW_TRACKING_URI ke penyimpanan yang memuat model itu"
    ),
    "model_no_version": (
        "model {uri} tidak ditemukan: {name} tidak punya versi {version} di penyimpanan pelacakan "
        "{store}; {versions}; periksa versinya, atau periksa folder tempat perintah dijalankan "
        "(penyimpanan bawaan MLflow adalah mlflow.db di folder kerja) atau atur "
        "MLFLOW_TRACKING_URI ke penyimpanan yang memuat model itu"
    ),
    "model_not_found": (
        "model {uri} tidak ditemukan di penyimpanan pelacakan {store}: {detail}; periksa folder "
        "tempat perintah dijalankan (penyimpanan bawaan MLflow adalah mlflow.db di folder kerja) "
        "atau atur MLFLOW_TRACKING_URI ke penyimpanan yang memuat model itu"
    ),
    "model_store_default": "{uri}, bawaan MLflow di {folder}: MLFLOW_TRACKING_URI tidak diatur",
    "model_names_listed": "yang terdaftar di sana: {names}",
    "model_names_listed_more": "yang terdaftar di sana: {names} dan lainnya",
    "model_names_none": "belum ada model yang terdaftar di sana",
    "model_names_unlisted": "nama model yang terdaftar tidak dapat dibaca",
    "model_versions_range": "versinya: {first} sampai {last}",
    "model_versions_one": "versinya: hanya {first}",
    "model_versions_none": "model itu belum punya versi",
    "model_versions_unlisted": "versinya tidak dapat dibaca",
    # --- data.console: label pembuka pesan perintah di stderr -----------------------------------
    "console_error": "galat:",
    "console_warning": "peringatan:",
    "console_note": "catatan:",
    # --- umkm prioritize --lang: tabel daftar ---------------------------------------------------
    "summary_title": "Daftar pendampingan",
    "summary_slots": "slot",
    "summary_filled": "terisi",
    "summary_candidates": "kandidat",
    "summary_eligible": "memenuhi syarat",
    "summary_expected_gain": "tambahan UMKM go digital yang diharapkan",
    "summary_random_gain": "pilihan acak berjumlah sama",
    "summary_success_rate": "perkiraan tingkat keberhasilan",
    "summary_cost": "biaya",
    "summary_cost_of_budget": "{cost} dari {budget}",
    "summary_method": "metode",
    "summary_optimality_gap": "selisih optimalitas",
    "summary_binding": "batasan yang mengikat",
    "summary_note": "catatan",
    "summary_not_selected": "tidak terpilih: {reason}",
    "summary_reason.already_digital": "sudah digital",
    "summary_reason.missing_uplift": "tidak ada skor",
    "summary_reason.not_beneficial": "tidak bermanfaat",
    "summary_reason.below_rank_cutoff": "di bawah batas peringkat",
    "summary_reason.province_quota_full": "kuota provinsi penuh",
    "summary_reason.min_share_reserved": "slot untuk porsi minimum",
    "summary_reason.over_budget": "melebihi anggaran",
    "summary_reason.not_drawn": "tidak terundi",
    "summary_figure": "keterangan",
    "summary_value": "nilai",
    "summary_evidence": "bukti lemah",
    # --- umkm prioritize: yang dikatakan di sekitar tabel -----------------------------------------
    "prioritize_scoring": "Menghitung skor",
    "prioritize_rows": "{path}: {read} baris dibaca, {valid} valid, {rejected} ditolak",
    "prioritize_stale_quarantine_removed": (
        "tidak ada baris yang ditolak: berkas baris ditolak dari proses sebelumnya dihapus: {path}"
    ),
    "prioritize_quarantine": "baris yang ditolak beserta alasannya: {path}",
    "prioritize_recomputed": (
        "kolom masukan dihitung ulang, nilai aslinya tidak disimpan: {columns}"
    ),
    "prioritize_list": "daftar: {path}",
    "prioritize_not_selected": "tidak terpilih, beserta alasannya: {path}",
    "prioritize_not_selected_sheet": (
        "tidak terpilih, beserta alasannya: lembar not_selected di {path}"
    ),
    "prioritize_infeasible": "batasan tidak dapat dipenuhi bersamaan:",
    "prioritize_not_contract": "berkas tidak mengikuti kontrak data profil: {problems}",
    "prioritize_too_many_for_sheet": (
        "{count} UMKM tidak terpilih, lebih dari yang muat di satu lembar kerja; tulis ke .csv "
        "atau .parquet"
    ),
    # umkm prioritize: opsi seperti diketik, ditolak menurut nomor butirnya, tanpa mengulang isinya
    "prioritize_quota_form": (
        "{option}: butir ke-{position} tidak berbentuk 31=40 (kode provinsi=jumlah slot)"
    ),
    "prioritize_quota_not_whole": (
        "{option}: batas pada butir ke-{position} harus bilangan bulat (jumlah slot)"
    ),
    "prioritize_quota_twice": (
        "{option}: butir ke-{position} menyebut provinsi yang sama dengan butir ke-{first}; "
        "sebut setiap provinsi sekali saja"
    ),
    "prioritize_quota_file_unreadable": "{option}: berkas JSON tidak dapat dibaca",
    "prioritize_quota_file_too_large": (
        "{option}: {path} berisi lebih dari {limit} bita (1 MB), batas berkas kuota"
    ),
    "prioritize_quota_file_invalid": (
        "{option}: berkas bukan JSON yang sah (baris {line}, kolom {column})"
    ),
    "prioritize_quota_file_not_object": (
        "{option}: berkas harus berisi satu objek JSON berisi kode provinsi dan jumlah slot"
    ),
    "prioritize_share_form": (
        "{option}: butir ke-{position} tidak berbentuk owner_gender=female:0.5 (kolom=nilai:porsi)"
    ),
    "prioritize_share_column": (
        "{option}: butir ke-{position} memakai kolom yang tidak bisa diberi porsi; pakai salah "
        "satu dari {allowed}"
    ),
    "prioritize_share_not_number": (
        "{option}: porsi pada butir ke-{position} harus angka seperti 0.5 atau 50% "
        "(titik sebagai pemisah desimal)"
    ),
    "prioritize_cost_column_missing": (
        "baris judul: anggaran membutuhkan biaya per UMKM, tetapi berkas tidak memiliki kolom "
        "{column} (sebutkan kolomnya dengan {option})"
    ),
    # umkm prioritize: biaya satu baris, di berkas karantina (setelah "column <kolom biaya>: value")
    "prioritize_cost_missing": "kosong (anggaran membutuhkannya)",
    "prioritize_cost_invalid": "bukan angka >= 0",
    # --- allocation: batasan yang membentuk daftar, catatan ---------------------------------------
    "binding_capacity": (
        "Kapasitas: semua {used} slot terisi, sementara {waiting} UMKM lain yang memenuhi syarat "
        "menunggu"
    ),
    "binding_capacity_one": (
        "Kapasitas: {used} slot yang tersedia sudah terisi, sementara {waiting} UMKM lain yang "
        "memenuhi syarat menunggu"
    ),
    "binding_capacity_single": (
        "Kapasitas: semua {used} slot terisi, sementara {waiting} UMKM lain yang memenuhi syarat "
        "menunggu"
    ),
    "binding_capacity_single_one": (
        "Kapasitas: {used} slot yang tersedia sudah terisi, sementara {waiting} UMKM lain yang "
        "memenuhi syarat menunggu"
    ),
    "binding_quota": (
        "Batas {province}: {used} dari {limit} slot terpakai (tanpa batas akan mendapat "
        "{unconstrained})"
    ),
    "binding_quota_one": (
        "Batas {province}: {used} dari {limit} slot terpakai (tanpa batas akan mendapat "
        "{unconstrained})"
    ),
    "binding_min_share": (
        "Porsi minimum {value} ({fraction}): {used} dari {slots} slot, tepat di batas (tanpa "
        "syarat ini: {unconstrained})"
    ),
    "binding_min_share_one": (
        "Porsi minimum {value} ({fraction}): {used} dari {slots} slot, tepat di batas (tanpa "
        "syarat ini: {unconstrained})"
    ),
    "binding_min_share_explored": (
        "Porsi minimum {value} ({fraction}): {used} dari {model_slots} pilihan model, tepat di "
        "batas untuk {slots} slot (tanpa syarat ini: {unconstrained}); {drawn} lagi dari undian "
        "acak"
    ),
    "binding_min_share_explored_one": (
        "Porsi minimum {value} ({fraction}): {used} dari {model_slots} pilihan model, tepat di "
        "batas untuk {slots} slot (tanpa syarat ini: {unconstrained}); {drawn} lagi dari undian "
        "acak"
    ),
    "binding_budget": (
        "Anggaran: Rp {spent} dari Rp {budget} terpakai (tanpa batas anggaran: Rp {cost})"
    ),
    "note_shortfall": (
        "Hanya {eligible} UMKM yang memenuhi syarat untuk {capacity} slot: "
        "semuanya masuk daftar dan {free} slot tetap kosong."
    ),
    "note_shortfall_one": (
        "Hanya {eligible} UMKM yang memenuhi syarat untuk {capacity} slot: "
        "semuanya masuk daftar dan {free} slot tetap kosong."
    ),
    "note_shortfall_single": (
        "Hanya {eligible} UMKM yang memenuhi syarat untuk {capacity} slot: "
        "UMKM itu masuk daftar dan {free} slot tetap kosong."
    ),
    "note_shortfall_single_one": (
        "Hanya {eligible} UMKM yang memenuhi syarat untuk {capacity} slot: "
        "UMKM itu masuk daftar dan {free} slot tetap kosong."
    ),
    "note_shortfall_none": (
        "Tidak ada UMKM yang memenuhi syarat untuk {capacity} slot: semua slot tetap kosong."
    ),
    "note_shortfall_none_one": (
        "Tidak ada UMKM yang memenuhi syarat untuk {capacity} slot: slot itu tetap kosong."
    ),
    "note_not_beneficial": (
        "{count} UMKM di daftar tidak diperkirakan terbantu (tambahan peluang ≤ 0); aktifkan "
        "{option} agar slot-slot itu dibiarkan kosong"
    ),
    "note_not_beneficial_one": (
        "{count} UMKM di daftar tidak diperkirakan terbantu (tambahan peluang ≤ 0); aktifkan "
        "{option} agar slot itu dibiarkan kosong"
    ),
    "note_time_limit": (
        "Penyelesai berhenti di batas waktu: total tambahan peluang daftar ini paling jauh {gap} "
        "di bawah yang terbaik"
    ),
    "note_exploration_none": (
        "Porsi slot yang diundi acak, {fraction} dari {slots} slot, dibulatkan menjadi 0: tidak "
        "ada slot yang diundi"
    ),
    "note_exploration_none_one": (
        "Porsi slot yang diundi acak, {fraction} dari {slots} slot, dibulatkan menjadi 0: tidak "
        "ada slot yang diundi"
    ),
    "note_exploration_short": (
        "Undian acak: terlalu sedikit UMKM yang memenuhi syarat dan sesuai batas provinsi serta "
        "anggaran untuk diundi, sehingga semua yang sesuai masuk daftar dengan peluang 1 (slot "
        "acak: {asked}, terisi: {pool}, kosong: {free}; nomor undian {seed})"
    ),
    "note_exploration": (
        "Undian acak: {asked} slot diundi di antara {pool} UMKM yang memenuhi syarat tetapi tidak "
        "dipilih model, masing-masing dengan peluang {asked}/{pool} (nomor undian {seed})"
    ),
    # --- allocation: kandidat yang tidak dapat diperingkat ---------------------------------------
    "missing_column": "kandidat tidak memiliki kolom {column}",
    "missing_value": "kolom {column}: kosong (baris {rows}; {more} lainnya)",
    "duplicate_ids": "kolom {column}: ID ganda ({ids})",
    "not_a_number": "kolom {column}: bukan angka (baris {rows}; {more} lainnya)",
    "not_finite": "kolom {column}: bukan angka terhingga (baris {rows}; {more} lainnya)",
    "bad_cost": (
        "kolom {column}: harus angka 0 atau lebih bila anggaran diisi (baris {rows}; {more} "
        "lainnya)"
    ),
    "missing_province": (
        "kolom {column}: kosong, sehingga batas provinsi tidak dapat diterapkan (baris {rows}; "
        "{more} lainnya)"
    ),
    "unknown_island": (
        "kolom {column}: provinsi tidak dikenal, sehingga wilayah pulaunya tidak diketahui (baris "
        "{rows}; {more} lainnya)"
    ),
    # --- allocation: penyelesai ------------------------------------------------------------------
    "lp_failed": "penyelesai gagal menyelesaikan relaksasi LP",
    "lp_time_limit": "relaksasi LP melewati batas waktu",
    "milp_time_limit": "tidak ada daftar dalam {seconds} detik; naikkan batas waktu ({option})",
    "milp_failed": "penyelesai tidak menemukan daftar dalam batas waktu",
    # --- allocation: mengapa UMKM tidak masuk daftar ---------------------------------------------
    "already_digital": "Sudah digital: termasuk kelompok stimulus, bukan pendampingan",
    "missing_uplift": "Tidak punya skor tambahan peluang, sehingga tidak bisa diperingkat",
    "not_beneficial": (
        "Tambahan peluang {uplift} tidak positif: pendampingan tidak diperkirakan membantu"
    ),
    "below_rank_cutoff": (
        "Tambahan peluang {uplift} di bawah yang terendah di antara pilihan model ({cutoff})"
    ),
    "below_rank_cutoff_tied": (
        "Tambahan peluang {uplift}, sama dengan yang terendah di antara pilihan model: slot habis "
        "di antara UMKM dengan tambahan peluang yang sama"
    ),
    "province_quota_full": "{province} sudah mencapai batasnya ({quota} slot)",
    # Tanpa bentuk jamak (1 slot, 2 slot): sama dengan bentuk umumnya.
    "province_quota_full_one": "{province} sudah mencapai batasnya ({quota} slot)",
    "min_share_reserved": "Slot dipakai UMKM yang dibutuhkan untuk porsi minimum {shares}",
    "min_share_reserved_many": "Slot dipakai UMKM yang dibutuhkan untuk porsi minimum {shares}",
    "min_share_reserved.shares": "{value} ({fraction})",
    "over_budget": "Biayanya tidak muat dalam anggaran (sisa Rp {leftover})",
    "over_budget_with_constraints": (
        "Anggaran, bersama batasan lainnya, tidak menyisakan slot untuknya (sisa Rp {leftover})"
    ),
    "not_drawn": (
        "Bisa terpilih untuk slot undian acak, tetapi tidak terundi ({drawn} dari {pool} UMKM "
        "terundi)"
    ),
    # --- service: alasan per UMKM ----------------------------------------------------------------
    "reason_above_average": "{factor}: perkiraan manfaat pendampingan di atas rata-rata",
    "reason_below_average": "{factor}: perkiraan manfaat pendampingan di bawah rata-rata",
    "factor.area_type.urban": "Berlokasi di perkotaan",
    "factor.area_type.rural": "Berlokasi di perdesaan",
    "factor.sector.food_beverage": "Usaha makanan dan minuman",
    "factor.sector.retail_trade": "Usaha perdagangan eceran",
    "factor.sector.fashion_textile": "Usaha fesyen dan tekstil",
    "factor.sector.craft": "Usaha kerajinan",
    "factor.sector.agri_processing": "Usaha pengolahan hasil pertanian",
    "factor.sector.services": "Usaha jasa",
    "factor.sector.other_manufacturing": "Usaha manufaktur lainnya",
    "factor.owner_gender.female": "Usaha milik perempuan",
    "factor.owner_gender.male": "Usaha milik laki-laki",
    "factor.owner_education.primary_or_less": "Pemilik berpendidikan SD atau lebih rendah",
    "factor.owner_education.junior_secondary": "Pemilik berpendidikan SMP",
    "factor.owner_education.senior_secondary": "Pemilik berpendidikan SMA/SMK",
    "factor.owner_education.diploma": "Pemilik berpendidikan diploma",
    "factor.owner_education.bachelor_or_higher": "Pemilik berpendidikan S1 atau lebih tinggi",
    "factor.internet_access.none": "Tidak ada akses internet",
    "factor.internet_access.weak": "Akses internet lemah",
    "factor.internet_access.good": "Akses internet baik",
    "factor.digital_status.offline": "Belum berjualan daring",
    "factor.digital_status.digital": "Sudah berjualan daring",
    "factor.has_smartphone.true": "Punya ponsel pintar",
    "factor.has_smartphone.false": "Tidak punya ponsel pintar",
    "factor.has_bank_account.true": "Punya rekening bank",
    "factor.has_bank_account.false": "Tidak punya rekening bank",
    "factor.has_business_id.true": "Punya NIB",
    "factor.has_business_id.false": "Belum punya NIB",
    "factor.prior_digital_training.true": "Pernah ikut pelatihan digital",
    "factor.prior_digital_training.false": "Belum pernah ikut pelatihan digital",
    "factor.business_age_years": "Usaha berumur {years} tahun",
    "factor.business_age_years.under_a_year": "Usaha berumur kurang dari setahun",
    "factor.workers": "Usaha dengan {count} tenaga kerja",
    "factor.workers.alone": "Pemilik bekerja sendiri",
    "factor.monthly_revenue_idr": "Omzet bulanan Rp{amount}",
    "factor.monthly_revenue_idr.million": "Omzet bulanan Rp{amount} juta",
    "factor.monthly_revenue_idr.billion": "Omzet bulanan Rp{amount} miliar",
    "factor.monthly_revenue_idr.trillion": "Omzet bulanan Rp{amount} triliun",
    "factor.owner_age": "Pemilik berusia {age} tahun",
    "factor.province_code": "Berlokasi di {province}",
    "factor.island_group": "Berada di wilayah {island}",
    "factor.business_age_years.unknown": "Lama usaha tidak diketahui",
    "factor.monthly_revenue_idr.unknown": "Omzet bulanan tidak diketahui",
    "factor.workers.unknown": "Jumlah tenaga kerja tidak diketahui",
    "factor.owner_age.unknown": "Usia pemilik tidak diketahui",
    "factor.province_code.unknown": "Provinsi tidak diketahui",
    "factor.island_group.unknown": "Wilayah pulau tidak diketahui",
    "factor.other": "{feature}: {value}",
    "weak_evidence": (
        "Model ini dilatih dengan bukti yang lemah: urutannya belum terbukti lebih baik daripada "
        "acak ({events_treated} kejadian hasil di antara UMKM yang didampingi dan "
        "{events_control} di antara yang tidak didampingi dalam data pelatihan). Sisihkan "
        "sebagian slot untuk pemilihan acak, atau pilih secara acak sampai riwayatnya lebih "
        "banyak."
    ),
    "infeasible_constraints": "Batasan tidak dapat dipenuhi bersamaan; tidak ada daftar dibuat.",
    "invalid_candidates": "Kandidat tidak dapat diperingkat.",
    "solver_time_limit": (
        "Penyelesai tidak menemukan daftar dalam batas waktu; tidak ada daftar dibuat."
    ),
    # --- service.web.repeats: berkas dan pengaturan yang sama diterbitkan lagi dalam sehari ---
    "list_already_issued": (
        "Berkas ini dengan pengaturan yang sama sudah diterbitkan sebagai daftar nomor "
        "{list_number} pada {date} pukul {time} WIB oleh {issuer}; tidak ada daftar kedua yang "
        "dicatat. Untuk tetap menerbitkan daftar baru, kirim lagi dengan repeat=true."
    ),
    "list_issuer_page": "halaman web (tanpa kunci API)",
    # --- service.list_settings: pengaturan sebuah daftar secara singkat (daftar diterbitkan) --
    "settings.capacity": "{capacity} slot",
    "settings.capacity_one": "{capacity} slot",
    "settings.exploration": "undian acak {fraction}",
    "settings.no_exploration": "tanpa undian acak",
    "settings.quotas": "batas {count} provinsi",
    "settings.quotas_one": "batas di {count} provinsi",
    "settings.budget": "anggaran Rp {rupiah}",
    "settings.min_share": "porsi minimum {value} {fraction}",
    "settings.digital_included": "UMKM yang sudah digital ikut dipilih",
    "settings.only_beneficial": "hanya UMKM yang diuntungkan",
    # --- service.web.export_summary: kapan daftar dibuat, di lembar ringkasan unduhannya (WIB)
    "export_made": "{date} pukul {time} WIB",
}
