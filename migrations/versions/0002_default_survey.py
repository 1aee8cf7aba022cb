"""The default survey from the plan: four criteria, the five-level scale, reasons for a low score.

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCALE = [
    {"score": 1, "label": "Rất không hài lòng", "label_en": "Very dissatisfied"},
    {"score": 2, "label": "Không hài lòng", "label_en": "Dissatisfied"},
    {"score": 3, "label": "Bình thường", "label_en": "Neutral"},
    {"score": 4, "label": "Hài lòng", "label_en": "Satisfied"},
    {"score": 5, "label": "Rất hài lòng", "label_en": "Very satisfied"},
]
# code, label, label_en, question, question_en, required, SIPAS element
CRITERIA = [
    ("overall", "Dân về vui vẻ", "Leave happy",
     "Ông/Bà có hài lòng với lần làm việc hôm nay không?",
     "Are you satisfied with your visit today?", True, "result"),
    ("welcome", "Dân vào niềm nở", "Welcomed warmly",
     "Ông/Bà có được đón tiếp niềm nở không?",
     "Were you welcomed warmly?", False, "civil_servant"),
    ("guidance", "Hướng dẫn tận tình", "Guided wholeheartedly",
     "Ông/Bà có được hướng dẫn tận tình, dễ hiểu không?",
     "Were you guided clearly and wholeheartedly?", False, "procedure"),
    ("office", "Thân thiện – Sạch sẽ – Gọn gàng – Hiện đại", "Friendly – clean – tidy – modern",
     "Nơi làm việc có thân thiện, sạch sẽ, gọn gàng, hiện đại không?",
     "Was the office friendly, clean, tidy and modern?", False, "access"),
]
REASONS = [
    ("wait", "Phải chờ lâu", "Long wait"),
    ("attitude", "Thái độ chưa tốt", "Unfriendly attitude"),
    ("guidance", "Hướng dẫn chưa rõ", "Unclear guidance"),
    ("procedure", "Thủ tục rườm rà", "Cumbersome procedure"),
    ("facilities", "Cơ sở vật chất chưa tốt", "Poor facilities"),
    ("other", "Khác", "Other"),
]

surveys = sa.table(
    "surveys",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("version", sa.Integer),
    sa.column("title", sa.String), sa.column("scale", sa.JSON), sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
criteria = sa.table(
    "criteria",
    sa.column("survey_id", sa.Integer), sa.column("code", sa.String), sa.column("label", sa.String),
    sa.column("label_en", sa.String), sa.column("question", sa.String), sa.column("question_en", sa.String),
    sa.column("position", sa.Integer), sa.column("required", sa.Boolean), sa.column("sipas_element", sa.String),
)
reasons = sa.table(
    "reasons",
    sa.column("survey_id", sa.Integer), sa.column("code", sa.String), sa.column("label", sa.String),
    sa.column("label_en", sa.String), sa.column("position", sa.Integer),
)


def upgrade():
    bind = op.get_bind()
    now = datetime.now(UTC)
    created = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
    survey_id = bind.execute(
        sa.insert(surveys)
        .values(code="default", version=1, title="Khảo sát mức độ hài lòng", scale=SCALE, active=True,
                created_at=created)
        .returning(surveys.c.id)
    ).scalar_one()
    op.bulk_insert(criteria, [
        {"survey_id": survey_id, "code": code, "label": label, "label_en": label_en, "question": question,
         "question_en": question_en, "position": position, "required": required, "sipas_element": element}
        for position, (code, label, label_en, question, question_en, required, element) in enumerate(CRITERIA)
    ])
    op.bulk_insert(reasons, [
        {"survey_id": survey_id, "code": code, "label": label, "label_en": label_en, "position": position}
        for position, (code, label, label_en) in enumerate(REASONS)
    ])


def downgrade():
    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.select(surveys.c.id).where(surveys.c.code == "default",
                                                                          surveys.c.version == 1))]
    if ids:
        bind.execute(sa.delete(criteria).where(criteria.c.survey_id.in_(ids)))
        bind.execute(sa.delete(reasons).where(reasons.c.survey_id.in_(ids)))
        bind.execute(sa.delete(surveys).where(surveys.c.id.in_(ids)))
