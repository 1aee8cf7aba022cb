"""What the write path knows of an answer it has just stored: enough for the cases and alerts that
follow it, without reading the answer back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from core.models import Point


@dataclass(frozen=True)
class StoredAnswer:
    id: uuid.UUID
    point: Point
    channel: str
    answered_at: datetime
    scores: dict[str, int]
    # The survey's main question (its first required criterion) and the scores of its scale.
    main_code: str
    scale_scores: tuple[int, ...]
    comment: str | None
    contact: dict | None
    consent_text: str | None
    flag: str | None
