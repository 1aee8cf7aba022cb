"""Changing a stored answer's flag after the fact: the office leaves out an answer it finds
to be misuse, or counts again one the write path flagged wrongly. The answer itself never
changes; its counts move between the flags in the rollups, in the same transaction, and the
change is audited with its reason."""

from __future__ import annotations

import dataclasses
import uuid

from flask_babel import lazy_gettext as _l

from core.audit import Actor, record
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.inputs import check_text
from core.models import FLAGS, Response
from core.ratings import rollups


def change_flag(actor: Actor, response_id: uuid.UUID, flag: str | None, reason: str) -> Response:
    """Set (a code of FLAGS) or clear (None) the flag of a stored response; a reason is required."""
    if flag is not None and flag not in FLAGS:
        raise ValidationFailed(_l("Loại đánh dấu không hợp lệ."), {"flag": f"one of {', '.join(FLAGS)} or none"})
    reason = check_text(reason, "reason", 500, required=True)
    response = db.session.get(Response, response_id, with_for_update=True)
    if response is None:
        raise NotFound(_l("Không tìm thấy câu trả lời."), {"id": "unknown response"})
    before = response.flag
    if before == flag:
        return response
    counted = rollups.counted_of(response.id)
    rollups.count_response(counted, sign=-1)
    response.flag = flag
    db.session.flush()
    rollups.count_response(dataclasses.replace(counted, flag=flag))
    record(actor, "response.flag", str(response.id), {"flag": [before, flag]}, details=reason)
    return response
