"""Exact rollups of the answers (counts per point, local day and hour, channel, flag, criterion,
score and reason, the same per local month, and per local week for the trend) and a version counter per point, filled from the
answers already stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _keys(table, period="day"):
    return [
        sa.Column(period, sa.Date(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["points.id"], name=op.f(f"fk_{table}_point_id_points")),
    ]


def _refers(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    op.create_table(
        "rollup_responses",
        *_keys("rollup_responses"),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "point_id", "hour", "channel", "flag", name=op.f("pk_rollup_responses")),
    )
    op.create_table(
        "rollup_answers",
        *_keys("rollup_answers"),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        _refers("rollup_answers", "criterion_id", "criteria"),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "point_id", "channel", "flag", "criterion_id", "score", name=op.f("pk_rollup_answers")
        ),
    )
    op.create_table(
        "rollup_hours",
        *_keys("rollup_hours"),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        _refers("rollup_hours", "criterion_id", "criteria"),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "point_id", "hour", "flag", "criterion_id", name=op.f("pk_rollup_hours")),
    )
    op.create_table(
        "rollup_reasons",
        *_keys("rollup_reasons"),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("reason_id", sa.Integer(), nullable=False),
        _refers("rollup_reasons", "reason_id", "reasons"),
        sa.Column("chosen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "point_id", "channel", "flag", "reason_id", name=op.f("pk_rollup_reasons")),
    )
    op.create_table(
        "rollup_month_responses",
        *_keys("rollup_month_responses", "month"),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "point_id", "channel", "flag", name=op.f("pk_rollup_month_responses")),
    )
    op.create_table(
        "rollup_month_answers",
        *_keys("rollup_month_answers", "month"),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        _refers("rollup_month_answers", "criterion_id", "criteria"),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "point_id", "channel", "flag", "criterion_id", "score", name=op.f("pk_rollup_month_answers")
        ),
    )
    op.create_table(
        "rollup_month_reasons",
        *_keys("rollup_month_reasons", "month"),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("reason_id", sa.Integer(), nullable=False),
        _refers("rollup_month_reasons", "reason_id", "reasons"),
        sa.Column("chosen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "point_id", "channel", "flag", "reason_id", name=op.f("pk_rollup_month_reasons")
        ),
    )
    op.create_table(
        "rollup_week_responses",
        *_keys("rollup_week_responses", "week"),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "point_id", "flag", name=op.f("pk_rollup_week_responses")),
    )
    op.create_table(
        "rollup_week_answers",
        *_keys("rollup_week_answers", "week"),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        _refers("rollup_week_answers", "criterion_id", "criteria"),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "point_id", "flag", "criterion_id", name=op.f("pk_rollup_week_answers")),
    )
    op.create_table(
        "point_versions",
        sa.Column("point_id", sa.Integer(), nullable=False),
        _refers("point_versions", "point_id", "points"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("point_id", name=op.f("pk_point_versions")),
    )
    _fill()


def _fill():
    """Count the answers stored before this revision, with the same SQL `flask rebuild-rollups` uses."""
    from core.ratings import rollups

    bind = op.get_bind()
    for table, _counters in rollups.ALL_TABLES:
        query = rollups.fresh(table, sa.true(), bind.dialect.name)
        bind.execute(sa.insert(table).from_select([c.name for c in table.columns], query))
    bind.execute(sa.text("INSERT INTO point_versions (point_id, version) SELECT id, 1 FROM points"))


def downgrade():
    for name in (
        "point_versions",
        "rollup_week_answers",
        "rollup_week_responses",
        "rollup_month_reasons",
        "rollup_month_answers",
        "rollup_month_responses",
        "rollup_reasons",
        "rollup_hours",
        "rollup_answers",
        "rollup_responses",
    ):
        op.drop_table(name)
