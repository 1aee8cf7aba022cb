"""Organisation: who and where. Operations that check, write and audit (never commit).

- `units`: the unit tree, the one scope function (which units a user may see), unit and group edits.
- `points`: reception points and their poster tokens.
- `accounts`: users, passwords, API tokens, sign-in.
- `devices`: kiosk tablets: pairing codes, device tokens, heartbeats, revocation.
- `periods`: competition periods and their milestones.
- `imports`: all-or-nothing spreadsheet imports of units, groups and points.
"""
