"""Reporting: reads and renderers. Nothing here writes.

- `queries`: SQL aggregation (GROUP BY) returning plain dataclasses; formulas from `core.ratings.scoring`.
- `exports`: tables as XLSX and CSV.
- `charts`: matplotlib figures as PNG/SVG, with a bounded cache.
- `meeting_report`: the printable PDF for review meetings.
- `posters`: QR posters and visit slips.
"""
