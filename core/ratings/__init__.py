"""Ratings: how a citizen's answer enters the database and what it counts for.

- `responses`: `record_response`, THE one write path of a rating (kiosk, QR poster, visit code),
  idempotent on the client's UUID, with the misuse, repeat and clock flags.
- `surveys`: the active survey version; new versions and their activation.
- `scoring`: pure functions, every formula once (indices, Wilson intervals, ranking, classes).
- `visit_codes`: one-time survey codes printed on appointment slips.
- `privacy`: the consent text shown to citizens and the erasure of expired contact details.
"""
