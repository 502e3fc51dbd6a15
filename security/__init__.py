"""Security and privacy: who may sign in and do what, what is recorded, and
what the law lets a person ask of the school's data (UU PDP).

- ``accounts``  staff accounts, roles, passwords (Argon2id), session tokens
- ``audit``     the append-only audit log of every change and export
- ``subject``   data-subject requests: access and deletion across every file
- ``private``   files private by default (data directory 0700, files 0600)
- ``uploads``   checked uploads waiting for confirmation (``DATA_DIR/uploads``)
"""
