"""Notifications that are never lost: the outbox and its delivery.

- `outbox`: `emit()` writes an event, with one delivery per channel, in the transaction of the
  change that caused it (an alert opened, a case opened or overdue, a reminder from the office).
- `delivery`: `deliver_pending()` sends what is due by e-mail (SMTP, to the unit's managers) and
  by webhook (JSON signed with HMAC-SHA256), retrying with back-off; `flask deliver-notifications`.
"""
