"""The program managers' web page, served at `/`.

Routes, thin: `pages` (the HTML page and its assets), `uploads` (files in), `downloads` (files
out), in the order `routes` gives the app. Below them, no HTTP: `upload_options`, `upload_file`
and `lists` (a file to a list), `issued` (recorded lists, outcomes files), `exports` (its
summary sheet in `export_summary`, the words both use in `export_words`) and `problem_files`
(what the files hold), `export_files` (their bytes, CSV or XLSX), `problems`, `form_numbers`
and `i18n` (the page's words).
"""
