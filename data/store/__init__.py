"""The program store: issued mentoring lists, the MSMEs on them and the outcomes recorded later.

Import from the modules (nothing here imports SQLAlchemy, so `umkm --help` stays fast):
`repository.ProgramStore` (record and read lists and outcomes, export a history),
`records` (what goes in and comes out), `errors` (`StoreError` and its kinds),
`migrate` (`upgrade`, `downgrade`, `current`), `settings` (`UMKM_DATABASE_URL`).
"""
