"""Every core CLI command through runner.invoke, against a real database."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from core.extensions import db
from core.models import ApiToken, CompetitionGroup, CompetitionPeriod, Point, Response, Unit, User


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_data_is_idempotent_and_prints_the_accounts(app, runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "admin / demo-admin-2026" in first.output
    assert "sample responses added:" in first.output
    with app.app_context():
        counts = [count(m) for m in (Unit, CompetitionGroup, Point, User, CompetitionPeriod, Response)]
        # 18 districts have two points; the movement's period and this year's sample period.
        assert counts[:5] == [39, 4, 57, 3, 2]
        assert counts[5] > 500
        period = db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code == "2023-2024"))
        assert (str(period.start_date), str(period.end_date)) == ("2023-07-01", "2024-11-30")
        assert [m.kind for m in period.milestones] == ["so_ket", "tong_ket"]
        hoi_an = db.session.scalar(sa.select(CompetitionGroup).where(CompetitionGroup.code == "cum-dong-bang"))
        assert hoi_an.leader.code == "H-HOIAN" and hoi_an.name.startswith("Cụm thi đua")
        # This year's sample period: its sơ kết frozen, published, and reproducible from the data.
        from core.competition.reviews import verify
        from core.models import FrozenReview

        [review] = db.session.scalars(sa.select(FrozenReview)).all()
        assert (review.stage, review.published_at is not None, verify(review)) == ("so_ket", True, [])
        assert sum(row["ranked"] for row in review.sheet) > 10
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0 and "sample responses added" not in second.output
    with app.app_context():
        assert [count(m) for m in (Unit, CompetitionGroup, Point, User, CompetitionPeriod, Response)] == counts


def test_demo_data_bulk_adds_responses(app, runner):
    result = runner.invoke(args=["demo-data", "--responses", "2000"])
    assert result.exit_code == 0, result.output
    assert "bulk responses added: 2000" in result.output
    with app.app_context():
        sample = db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.body_hash == "demo"))
        assert sample >= 2000


def test_create_user_reads_two_lines_from_stdin(app, runner, demo):
    result = runner.invoke(
        args=["create-user", "lan", "--role", "unit_manager", "--unit", "H-TAMKY"], input="s3cret-pass\ns3cret-pass\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "lan"))
        assert user.role == "unit_manager" and user.unit.code == "H-TAMKY"
        assert user.password_hash.startswith("scrypt:") and user.check_password("s3cret-pass")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-user", "a", "--role", "viewer", "--unit", "TTT"], "one-pass-1\nother-pass\n", "differ"),
        (["create-user", "a", "--role", "viewer", "--unit", "NOPE"], "long-enough\nlong-enough\n", "unknown unit"),
        (["create-user", "a", "--role", "viewer"], "long-enough\nlong-enough\n", "required for this role"),
        (["create-user", "a", "--role", "province_admin"], "short\nshort\n", "at least 8"),
        (["create-user", "admin", "--role", "province_admin"], "long-enough\nlong-enough\n", "already taken"),
        (["create-user", "a", "--role", "boss"], "long-enough\nlong-enough\n", "Invalid value"),
    ],
)
def test_create_user_refuses_bad_input(app, runner, demo, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert count(User) == 3


def test_create_api_token_prints_a_working_token(app, runner, demo, client):
    result = runner.invoke(args=["create-api-token", "hoian"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("sat_") and len(token) > 40
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken.token_hash))
        assert stored != token and len(stored) == 64  # only the hash is kept
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and [u["code"] for u in response.get_json()] == ["H-HOIAN"]
    missing = runner.invoke(args=["create-api-token", "nobody"])
    assert missing.exit_code != 0 and "unknown user" in missing.output


UNITS_CSV = (
    "code,name,kind,parent,group\n"
    "ROOT,Thanh tra tỉnh,province,,\n"
    "KID,Thanh tra huyện Điện Bàn,district,ROOT,cum-dong-bang\n"
    "GRAND,Phòng một cửa,office,KID,\n"
)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_import_units_csv_with_or_without_bom(app, runner, tmp_path, bom):
    path = write(tmp_path, "units.csv", bom + UNITS_CSV.encode())
    result = runner.invoke(args=["import-units", path])
    assert result.exit_code == 0, result.output
    assert "units: 3 created, 0 updated" in result.output
    with app.app_context():
        kid = db.session.scalar(sa.select(Unit).where(Unit.code == "KID"))
        assert kid.name == "Thanh tra huyện Điện Bàn" and kid.parent.code == "ROOT"
        assert kid.group.code == "cum-dong-bang"
        assert db.session.scalar(sa.select(Unit).where(Unit.code == "GRAND")).parent.code == "KID"
    again = runner.invoke(args=["import-units", path])
    assert "units: 0 created, 3 updated" in again.output


def test_import_units_and_points_from_xlsx(app, runner, tmp_path):
    def workbook(rows):
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    units = write(
        tmp_path,
        "units.xlsx",
        workbook(
            [
                ["code", "name", "kind", "parent", "group"],
                ["ROOT", "Thanh tra tỉnh", "province", None, None],
                ["KID", "Thanh tra huyện Quế Sơn", "district", "ROOT", "cum-dong-bang"],
            ]
        ),
    )
    points = write(
        tmp_path,
        "points.xlsx",
        workbook(
            [
                ["code", "name", "unit"],
                ["KID-P1", "Bộ phận tiếp công dân", "KID"],
            ]
        ),
    )
    assert runner.invoke(args=["import-units", units]).exit_code == 0
    result = runner.invoke(args=["import-points", points])
    assert result.exit_code == 0, result.output
    with app.app_context():
        point = db.session.scalar(sa.select(Point))
        assert (point.code, point.unit.code, point.name) == ("KID-P1", "KID", "Bộ phận tiếp công dân")
        assert len(point.public_token) >= 22


@pytest.mark.parametrize(
    ("name", "data", "errors"),
    [
        ("units.csv", "code,name,type,parent,group\nA,B,c,,\n", ["line 1: expected columns"]),
        ("units.csv", UNITS_CSV + "X,Đơn vị X,office,MISSING,\n", ["line 5: unknown parent 'MISSING'"]),
        ("units.csv", UNITS_CSV + "KID,Trùng,office,ROOT,\n", ["line 5: duplicate code 'KID' (first on line 3)"]),
        ("units.csv", UNITS_CSV + "Y,,office,ROOT,\nZ,Z,,ROOT,\n", ["line 5: name is empty", "line 6: kind is empty"]),
        (
            "units.csv",
            "code,name,kind,parent,group\nA,A,x,B,\nB,B,x,A,\n",
            ["line 2: parent chain", "line 3: parent chain"],
        ),
        (
            "units.csv",
            UNITS_CSV.encode("utf-8") + "Q,Thanh tra Sơn Trà,x,ROOT,\n".encode("cp1258"),
            ["line 5: the file is not UTF-8"],
        ),
        ("units.csv", b"", ["line 1: the file is empty"]),
        ("units.xlsx", b"not a workbook", ["not a readable .xlsx"]),
        ("units.ods", UNITS_CSV, ["unsupported file type"]),
    ],
)
def test_bad_unit_files_store_nothing_and_name_the_line(app, runner, tmp_path, name, data, errors):
    result = runner.invoke(args=["import-units", write(tmp_path, name, data)])
    assert result.exit_code != 0
    assert "nothing imported" in result.output
    for error in errors:
        assert error in result.output
    with app.app_context():
        assert (count(Unit), count(CompetitionGroup)) == (0, 0)


def test_bad_point_files_store_nothing(app, runner, demo, tmp_path):
    data = "code,name,unit\nN1,Bàn 1,H-HOIAN\nN2,Bàn 2,NOWHERE\nN1,Bàn 3,H-HOIAN\n"
    result = runner.invoke(args=["import-points", write(tmp_path, "points.csv", data)])
    assert result.exit_code != 0
    assert "line 3: unknown unit 'NOWHERE'" in result.output
    assert "line 4: duplicate code 'N1'" in result.output
    with app.app_context():
        assert count(Point) == 57


def test_import_groups_sets_names_and_leaders(app, runner, demo, tmp_path):
    data = "code,name,leader_unit\ncum-moi,Cụm mới,H-TAMKY\nsai,Sai,NOPE\n"
    bad = runner.invoke(args=["import-groups", write(tmp_path, "g.csv", data)])
    assert bad.exit_code != 0 and "line 3: unknown leader unit 'NOPE'" in bad.output
    good = runner.invoke(
        args=["import-groups", write(tmp_path, "g.csv", data.splitlines()[0] + "\n" + data.splitlines()[1])]
    )
    assert good.exit_code == 0, good.output
    with app.app_context():
        group = db.session.scalar(sa.select(CompetitionGroup).where(CompetitionGroup.code == "cum-moi"))
        assert group.name == "Cụm mới" and group.leader.code == "H-TAMKY"


def test_show_urls_prints_working_addresses(app, runner, demo, client):
    result = runner.invoke(args=["show-urls"])
    assert result.exit_code == 0
    assert "http://test.local/kiosk/pair?code=" in result.output
    assert "demo login: admin / demo-admin-2026" in result.output
    survey_line = next(line for line in result.output.splitlines() if line.startswith("QR survey"))
    path = survey_line.split("http://test.local", 1)[1].strip()
    assert client.get(path).status_code == 200


def test_db_upgrade_from_empty(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from core.models import Survey

        survey = db.session.scalar(sa.select(Survey))
        assert survey.active and [c.code for c in survey.criteria] == ["overall", "welcome", "guidance", "office"]
