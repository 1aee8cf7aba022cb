"""Citizens' feedback as cases (phản ánh, kiến nghị): the calendar of working days and the legal
deadlines, the state machine, the operations that open and move cases, and the queries behind the
case lists and the on-time report (item 4 of the plan).

- `calendar`: working days (weekends, the office's table of days off and worked weekend days) and
  deadlines by rule (working or calendar days, effective dates).
- `operations`: open a case from an answer or record one received otherwise; move it through the
  states; each change audited, with an event in the outbox where someone must hear of it.
- `queries`: scoped case lists and the per-unit on-time report.
"""
