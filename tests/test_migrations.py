"""The migration history runs from empty and back on this test's engine, and matches the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from core.extensions import db
from core.models import Criterion, Reason, Survey


def test_downgrade_to_empty_and_upgrade_again(app):
    with app.app_context():
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"units", "points", "surveys", "responses", "answers", "visit_codes", "kiosk_devices"} <= tables
        survey = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        assert (survey.code, survey.version, survey.scores) == ("default", 1, [1, 2, 3, 4, 5])
        assert [item["label"] for item in survey.scale] == [
            "Rất không hài lòng",
            "Không hài lòng",
            "Bình thường",
            "Hài lòng",
            "Rất hài lòng",
        ]
        criteria = db.session.scalars(sa.select(Criterion).order_by(Criterion.position)).all()
        assert [(c.code, c.required) for c in criteria] == [
            ("overall", True),
            ("welcome", False),
            ("guidance", False),
            ("office", False),
        ]
        assert criteria[0].question == "Ông/Bà có hài lòng với lần làm việc hôm nay không?"
        assert criteria[0].label == "Dân về vui vẻ" and criteria[1].label == "Dân vào niềm nở"
        reasons = db.session.scalars(sa.select(Reason.label).order_by(Reason.position)).all()
        assert reasons[0] == "Phải chờ lâu" and reasons[-1] == "Khác" and len(reasons) == 6


def test_models_and_migrations_agree(app):
    """Every schema change is a migration: autogenerate finds nothing left to write."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
