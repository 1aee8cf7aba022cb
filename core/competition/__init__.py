"""The competition of the plan's six items: each period's score sheet, the units' self-assessments
with evidence and the office's review, bonus and penalty lines, ranking and classification, frozen
sơ kết and tổng kết reviews that can be verified against the raw data, award proposals, publication.

- `settings`: a period's score sheet (points per item, item 4's rule, classes) and its defaults.
- `memberships`: the competition group of each unit, kept per period.
- `inputs`: self-assessments, reviews, evidence files, dossier counts, bonus and penalty lines.
- `sheet`: the score sheet computed from the data as it stood at a moment.
- `reviews`: freezing, verifying, publishing, deciding awards and criticism.
"""
