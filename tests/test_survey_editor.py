"""The survey editor: rows of criteria and reasons, buttons that rearrange them without saving,
friendly errors per field, codes made from labels and kept across versions, the audit row."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditLog, Survey
from core.ratings.surveys import CriterionSpec, ReasonSpec, with_codes
from core.text import fold, slugify
from tests.test_admin_support import login_as, token_from


class FormReader(HTMLParser):
    """What a browser would post from the editor's form: inputs, checked boxes, selected options,
    textareas (submit buttons left out: the test names the one it presses)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.errors: list[str] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._error = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox"):
            self.fields[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.fields[name] = a.get("value") or "y"
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.fields.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "p" and "field-error" in (a.get("class") or ""):
            self._error = True

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "p":
            self._error = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data
        if self._error and data.strip():
            self.errors.append(data.strip())


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def rows(fields: dict[str, str], kind: str) -> list[dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for name, value in fields.items():
        parts = name.split("-")
        if parts[0] == kind and len(parts) == 3:
            found.setdefault(int(parts[1]), {})[parts[2]] = value
    return [found[index] for index in sorted(found)]


@pytest.fixture
def editor(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        survey_id = db.session.scalar(sa.select(Survey.id).where(Survey.active.is_(True)))
    url = f"/admin/surveys/{survey_id}/edit"
    return demo, client, url


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Survey))


def _press(client, url, fields, action):
    return client.post(url, data={**fields, "action": action})


def test_the_editor_is_a_form_of_rows_with_hidden_codes_and_vietnamese_choices(editor):
    app, client, url = editor
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    fields = read_form(html).fields
    criteria = rows(fields, "criteria")
    with app.app_context():
        active = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        expected = [(c.code, c.label, c.label_en, c.question, c.question_en) for c in active.criteria]
        reasons = [(r.code, r.label, r.label_en) for r in active.reasons]
    assert [(r["code"], r["label"], r["label_en"], r["question"], r["question_en"]) for r in criteria] == expected
    assert [(r["code"], r["label"], r["label_en"]) for r in rows(fields, "reasons")] == reasons
    for code, *_rest in expected:
        assert f'type="hidden" value="{code}"' in html  # kept, but never shown
    assert "mã | nhãn" not in html and "<textarea" not in html.split('name="criteria')[0][-200:]
    assert "Kết quả giải quyết" in html and "Mục 5: Chất lượng tiếp dân" in html
    assert "Mục 6: Công sở và cán bộ" in html and "Bắt buộc trả lời" in html


def test_row_buttons_add_move_and_remove_without_saving(editor):
    app, client, url = editor
    fields = read_form(client.get(url).get_data(as_text=True)).fields
    before = rows(fields, "criteria")
    added = _press(client, url, fields, "add-criteria")
    assert added.status_code == 200
    fields = read_form(added.get_data(as_text=True)).fields
    after = rows(fields, "criteria")
    assert len(after) == len(before) + 1 and after[-1]["label"] == "" and after[-1]["code"] == ""
    assert f'id="criteria-{len(before)}-label"' in added.get_data(as_text=True)
    assert "autofocus" in added.get_data(as_text=True)

    fields[f"criteria-{len(before)}-label"] = "Thái độ cán bộ"
    moved = _press(client, url, fields, f"up-criteria-{len(before)}")
    moved_rows = rows(read_form(moved.get_data(as_text=True)).fields, "criteria")
    assert [r["label"] for r in moved_rows] == [r["label"] for r in before[:-1]] + [
        "Thái độ cán bộ",
        before[-1]["label"],
    ]

    fields = read_form(moved.get_data(as_text=True)).fields
    removed = _press(client, url, fields, "remove-criteria-0")
    left = rows(read_form(removed.get_data(as_text=True)).fields, "criteria")
    assert [r["code"] for r in left] == [r["code"] for r in moved_rows[1:]]
    # Beyond the ends and unknown rows change nothing; nothing was saved along the way.
    same = _press(client, url, read_form(removed.get_data(as_text=True)).fields, "down-criteria-99")
    assert [r["code"] for r in rows(read_form(same.get_data(as_text=True)).fields, "criteria")] == [
        r["code"] for r in left
    ]
    assert _versions(app) == 1


def test_saving_makes_a_version_with_generated_and_kept_codes_and_an_audit_row(editor):
    app, client, url = editor
    fields = read_form(client.get(url).get_data(as_text=True)).fields
    old = rows(fields, "criteria")
    fields = read_form(_press(client, url, fields, "add-criteria").get_data(as_text=True)).fields
    n = len(old)
    fields.update(
        {
            f"criteria-{n}-label": "Thái độ cán bộ",
            f"criteria-{n}-label_en": "Staff attitude",
            f"criteria-{n}-question": "Cán bộ tiếp Ông/Bà có lịch sự không?",
            f"criteria-{n}-question_en": "Was the officer polite?",
            f"criteria-{n}-sipas_element": "civil_servant",
            f"criteria-{n}-plan_item": "6",
            f"criteria-{n}-required": "y",
            # An existing criterion renamed keeps its code.
            "criteria-1-label": "Đón tiếp niềm nở",
        }
    )
    fields = read_form(_press(client, url, fields, "add-reasons").get_data(as_text=True)).fields
    r = len(rows(fields, "reasons")) - 1
    fields.update({f"reasons-{r}-label": "Không có chỗ ngồi chờ", f"reasons-{r}-label_en": "No seats"})
    saved = _press(client, url, fields, "save")
    assert saved.status_code == 302, read_form(saved.get_data(as_text=True)).errors
    with app.app_context():
        new = db.session.scalar(sa.select(Survey).where(Survey.version == 2))
        assert not new.active
        codes = [c.code for c in new.criteria]
        assert codes == [row["code"] for row in old] + ["thai-do-can-bo"]
        added = new.criteria[-1]
        assert (added.label, added.label_en, added.question, added.question_en) == (
            "Thái độ cán bộ",
            "Staff attitude",
            "Cán bộ tiếp Ông/Bà có lịch sự không?",
            "Was the officer polite?",
        )
        assert (added.sipas_element, added.plan_item, added.required) == ("civil_servant", 6, True)
        assert new.criteria[1].code == old[1]["code"] and new.criteria[1].label == "Đón tiếp niềm nở"
        assert new.criteria[1].label_en == old[1]["label_en"]
        assert new.reasons[-1].code == "khong-co-cho-ngoi-cho" and new.reasons[-1].label_en == "No seats"
        audit = db.session.scalar(sa.select(AuditLog).order_by(AuditLog.id.desc()))
        assert audit.action == "survey.new_version" and audit.target == "default v2"
        assert audit.changes["from_version"] == 1
        assert audit.changes["criteria"] == ", ".join(codes)
        assert audit.user.username == "admin"
        v2 = new.id

    # Version 3 from version 2: every code carried, the new one included.
    url3 = f"/admin/surveys/{v2}/edit"
    fields = read_form(client.get(url3).get_data(as_text=True)).fields
    fields["criteria-0-question"] = "Ông/Bà có hài lòng không?"
    assert _press(client, url3, fields, "save").status_code == 302
    with app.app_context():
        v3 = db.session.scalar(sa.select(Survey).where(Survey.version == 3))
        assert [c.code for c in v3.criteria] == codes
        assert v3.criteria[0].question == "Ông/Bà có hài lòng không?"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"criteria-0-question": ""}, "Vui lòng điền mục này."),
        ({"criteria-0-label": ""}, "Vui lòng điền mục này."),
        ({"criteria-1-label": "dân về VUI VẺ"}, "Nhãn này trùng với một dòng khác."),
        ({"reasons-1-label": "phải chờ lâu"}, "Nhãn này trùng với một dòng khác."),
        ({"reasons-0-label": ""}, "Vui lòng điền mục này."),
        ({"criteria-0-plan_item": "3"}, "Chọn một mục trong danh sách."),
        ({"criteria-0-sipas_element": "nowhere"}, "Chọn một yếu tố SIPAS trong danh sách."),
        ({"criteria-0-question": "q" * 501}, "Tối đa 500 ký tự."),
        ({"criteria-0-label_en": "e" * 256}, "Tối đa 255 ký tự."),
        ({"title": ""}, "Vui lòng điền mục này."),
        ({"scale": "7"}, "Thang đo là 5 hoặc 3 mức."),
    ],
)
def test_a_wrong_field_is_named_next_to_it_and_nothing_is_saved(editor, change, message):
    app, client, url = editor
    html = client.get(url).get_data(as_text=True)
    fields = read_form(html).fields
    assert fields["criteria-0-label"] == "Dân về vui vẻ" and fields["reasons-0-label"] == "Phải chờ lâu"
    response = _press(client, url, {**fields, **change}, "save")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in read_form(page).errors
    # The error sits inside the row (fieldset) of the field it names.
    field_name = next(iter(change))
    if field_name.count("-") == 2:
        kind, index, _ = field_name.split("-")
        row = page.split(f'data-row="{kind}-{index}"')[1].split("</fieldset>")[0]
        assert message in row
    assert _versions(app) == 1


def test_at_least_one_criterion_and_one_required(editor):
    app, client, url = editor
    fields = read_form(client.get(url).get_data(as_text=True)).fields
    optional = {name: value for name, value in fields.items() if not name.endswith("-required")}
    response = _press(client, url, optional, "save")
    assert response.status_code == 422
    assert "Đánh dấu “Bắt buộc trả lời” cho ít nhất một tiêu chí" in response.get_data(as_text=True)
    empty = {name: value for name, value in fields.items() if not name.startswith("criteria-")}
    response = _press(client, url, empty, "save")
    assert response.status_code == 422
    assert "Phiếu cần ít nhất một tiêu chí" in response.get_data(as_text=True)
    assert _versions(app) == 1


@pytest.mark.parametrize("role", ["viewer", "unit_manager"])
def test_only_the_province_office_edits_surveys(editor, role):
    app, _client, url = editor
    client = app.test_client()
    login_as(client, role)
    assert client.get(url).status_code == 403
    token = token_from(client)
    assert client.post(url, data={"action": "add-criteria", "csrf_token": token}).status_code == 403
    assert client.post(url, data={"action": "save", "csrf_token": token, "title": "x"}).status_code == 403
    assert _versions(app) == 1


def test_codes_are_made_from_vietnamese_labels_and_unique():
    assert fold("Đường ĐI Hội An") == "duong di hoi an"
    assert slugify("Thái độ – Cán bộ!") == "thai-do-can-bo"
    specs = [
        CriterionSpec("", "Cán bộ", "?"),
        CriterionSpec("can-bo", "Cũ", "?"),
        CriterionSpec("", "Cán bộ?", "?"),
        CriterionSpec("", "!!!", "?"),
    ]
    assert [s.code for s in with_codes(specs, "tieu-chi")] == ["can-bo-2", "can-bo", "can-bo-3", "tieu-chi"]
    assert with_codes([ReasonSpec("", "Khác")], "ly-do")[0].code == "khac"
    long = with_codes([CriterionSpec("", "dài " * 40, "?")], "x")[0].code
    assert len(long) <= 60 and long.startswith("dai-dai")
