"""The OpenAPI 3.1 document of /api/v1. Keep it complete as the API grows."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict:
    return {
        str(code): {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, unknown or revoked token",
    404: "Not found",
    403: "A read-only account may not change anything",
    409: "The same id was stored with another body, or a transition the case's state machine refuses",
    413: "Body over 64 KiB",
    415: "The body is not declared JSON (Content-Type: application/json)",
    422: "Invalid input; `fields` names each bad field (the body itself as `body`: not JSON, nested "
    "deeper than 32 levels, an integer past 64 bits)",
    429: "Throttled; see Retry-After",
}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict:
    date_param = {"in": "query", "schema": {"type": "string", "format": "date"}, "required": False}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Citizen satisfaction service API",
            "version": "1.0.0",
            "description": "Kiosk device API and admin API. Errors are JSON: "
            '{"error": {"code", "message", "fields"}}. Admin endpoints see only the caller\'s units. '
            "Text is cleaned on the way in: NUL and other control characters are dropped, unpaired "
            "surrogates become U+FFFD, and it is stored in Unicode NFC.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "apiToken": {"type": "http", "scheme": "bearer", "description": "Admin API token"},
                "deviceToken": {"type": "http", "scheme": "bearer", "description": "Kiosk device token"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "fields"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                            },
                        }
                    },
                },
                "Unit": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {"type": "string"},
                        "parent": {"type": ["string", "null"]},
                        "group": {"type": ["string", "null"]},
                    },
                },
                "Point": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "unit": {"type": "string"},
                        "survey_url": {"type": "string", "format": "uri"},
                    },
                },
                "CriterionFigures": {
                    "type": "object",
                    "properties": {
                        "answers": {"type": "integer"},
                        "index": {"type": ["number", "null"], "description": "% of answers scoring 4 or 5"},
                        "mean": {"type": ["number", "null"]},
                        "ci95": {
                            "type": ["array", "null"],
                            "items": {"type": "number"},
                            "description": "Wilson score interval, z = 1.96, no continuity correction, %",
                        },
                    },
                },
                "UnitSatisfaction": {
                    "type": "object",
                    "properties": {
                        "unit": {"type": "string"},
                        "name": {"type": "string"},
                        "group": {"type": ["string", "null"]},
                        "responses": {"type": "integer", "description": "Counted (unflagged) responses"},
                        "flagged": {"type": "integer", "description": "Stored but left out (misuse, repeat, clock)"},
                        "index": {"type": ["number", "null"], "description": "Mean of the criteria's indices, %"},
                        "criteria": {
                            "type": "object",
                            "additionalProperties": {"$ref": "#/components/schemas/CriterionFigures"},
                        },
                        "ranked": {"type": "boolean", "description": "At least the minimum sample"},
                        "rank": {"type": ["integer", "null"], "description": "Rank within the group"},
                        "index_ci95": {
                            "type": ["array", "null"],
                            "items": {"type": "number"},
                            "description": "Wilson interval of the index over the counted answers, %",
                        },
                        "close_to_previous": {
                            "type": "boolean",
                            "description": "The index differs not significantly (95 %) from the unit ranked just above",
                        },
                    },
                },
                "CompetitionRow": {
                    "type": "object",
                    "properties": {
                        "unit": {"type": "string"},
                        "name": {"type": "string"},
                        "group": {"type": ["string", "null"], "description": "The unit's group in this period"},
                        "items": {
                            "type": "object",
                            "description": "Items 1 to 6 of the plan",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {
                                    "points": {"type": "number"},
                                    "max": {"type": "number"},
                                    "value": {"type": ["number", "null"], "description": "The percentage behind it"},
                                    "source": {
                                        "enum": [
                                            "self",
                                            "review",
                                            "none",
                                            "dossiers",
                                            "cases",
                                            "no_case_due",
                                            "answers",
                                            "no_answers",
                                        ]
                                    },
                                },
                            },
                        },
                        "bonus": {"type": "number", "description": "Sum of the bonus lines"},
                        "penalty": {"type": "number", "description": "Sum of the penalty lines, as points deducted"},
                        "score": {"type": "number", "description": "Items + bonus − penalty"},
                        "ranked": {"type": "boolean", "description": "At least MIN_SAMPLE counted answers"},
                        "rank": {
                            "type": ["integer", "null"],
                            "description": "Within the group; ties share (1, 2, 2, 4)",
                        },
                        "class": {"enum": ["xuat_sac", "tot", "kha", "trung_binh", "yeu", None]},
                        "responses": {"type": "integer"},
                        "index": {"type": ["number", "null"], "description": "Satisfaction index, %"},
                        "ci95": {"type": ["array", "null"], "items": {"type": "number"}},
                        "close_to_previous": {
                            "type": "boolean",
                            "description": "The index differs not significantly (95 %) from the unit ranked just above",
                        },
                    },
                },
                "Case": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "unit": {"type": "string"},
                        "point": {"type": ["string", "null"]},
                        "source": {"enum": ["kiosk", "qr", "manual"]},
                        "status": {"enum": ["new", "assigned", "answered", "closed", "dismissed", "reopened"]},
                        "received_at": {"type": "string", "format": "date-time"},
                        "due": {"type": "string", "format": "date", "description": "Local date (Asia/Ho_Chi_Minh)"},
                        "overdue": {"type": "boolean"},
                        "answered_at": {"type": ["string", "null"], "format": "date-time"},
                        "on_time": {"type": ["boolean", "null"], "description": "null while open or dismissed"},
                    },
                },
                "CaseFigures": {
                    "type": "object",
                    "properties": {
                        "unit": {"type": "string"},
                        "received": {"type": "integer"},
                        "answered_on_time": {"type": "integer"},
                        "answered_late": {"type": "integer"},
                        "open": {"type": "integer"},
                        "overdue": {"type": "integer"},
                        "dismissed": {"type": "integer"},
                        "on_time_rate": {
                            "type": ["number", "null"],
                            "description": "answered_on_time / (answered_on_time + answered_late + overdue) × 100; "
                            "null when nothing is due or answered",
                        },
                    },
                },
                "Alert": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "rule": {"type": "integer"},
                        "kind": {"enum": ["low_share", "lowest_comment"]},
                        "unit": {"type": "string"},
                        "point": {"type": "string"},
                        "status": {"enum": ["open", "acknowledged"]},
                        "opened_at": {"type": "string", "format": "date-time"},
                        "details": {"type": "object"},
                        "acknowledged_at": {"type": ["string", "null"], "format": "date-time"},
                        "acknowledged_by": {"type": ["string", "null"]},
                        "note": {"type": ["string", "null"]},
                    },
                },
                "KioskResponse": {
                    "type": "object",
                    "required": ["id", "answers"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "answers": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "reasons": {"type": "array", "items": {"type": "string"}},
                        "comment": {"type": ["string", "null"], "maxLength": 2000},
                        "contact": {
                            "type": ["object", "null"],
                            "properties": {
                                "name": {"type": "string"},
                                "phone": {"type": "string"},
                                "consent": {"type": "boolean", "const": True},
                            },
                        },
                        "answered_at": {"type": "string", "format": "date-time"},
                        "survey": {"type": "integer", "description": "Survey version id the answer was given under"},
                    },
                },
            },
        },
        "paths": {
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OK"}}}},
            "/api/v1/units": {
                "get": {
                    "summary": "Units in the caller's scope",
                    "security": [{"apiToken": []}, {"session": []}],
                    "responses": {
                        "200": {
                            "description": "OK",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/Unit"}}),
                        },
                        **_errors(401),
                    },
                }
            },
            "/api/v1/points": {
                "get": {
                    "summary": "Reception points in the caller's scope, with their QR survey URL",
                    "security": [{"apiToken": []}, {"session": []}],
                    "responses": {
                        "200": {
                            "description": "OK",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/Point"}}),
                        },
                        **_errors(401),
                    },
                }
            },
            "/api/v1/reports/satisfaction": {
                "get": {
                    "summary": "Satisfaction per unit, local dates from..to both included (default: last 30 days)",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [{"name": "from", **date_param}, {"name": "to", **date_param}],
                    "responses": {
                        "200": {
                            "description": "One row per unit in scope",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/UnitSatisfaction"}}),
                        },
                        **_errors(401, 422),
                    },
                }
            },
            "/api/v1/reports/competition": {
                "get": {
                    "summary": "The score sheet of a competition period, ranked within groups",
                    "description": "Without `stage`: over the period up to today. With `stage=so_ket|tong_ket`: the "
                    "frozen review (404 when that stage is not frozen). Rows are cut to the caller's scope; ranks are "
                    "among every unit of a group.",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [
                        {"name": "period", "in": "query", "required": True, "schema": {"type": "string"}},
                        {"name": "stage", "in": "query", "required": False, "schema": {"enum": ["so_ket", "tong_ket"]}},
                    ],
                    "responses": {
                        "200": {
                            "description": "One row per unit in scope",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/CompetitionRow"}}),
                        },
                        **_errors(401, 404, 422),
                    },
                }
            },
            "/api/v1/cases": {
                "get": {
                    "summary": "Cases in the caller's scope, overdue first",
                    "description": "Filters: `status`, `unit` (a unit code: that unit and the units under it; "
                    "404 for a unit outside the scope), `overdue` (true or false). At most 1000 rows; "
                    "`X-Total-Count` gives the number matching.",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [
                        {"name": "status", "in": "query", "required": False, "schema": {"type": "string"}},
                        {"name": "unit", "in": "query", "required": False, "schema": {"type": "string"}},
                        {"name": "overdue", "in": "query", "required": False, "schema": {"type": "boolean"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/Case"}}),
                        },
                        **_errors(401, 404, 422),
                    },
                }
            },
            "/api/v1/cases/{case_id}": {
                "patch": {
                    "summary": "Move a case through its states",
                    "description": "new → assigned (assignee); new, assigned, reopened → answered (answer, "
                    "contact_method phone|email|letter|in_person optional); answered → closed; new, assigned, "
                    "reopened → dismissed (reason); answered, closed → reopened. A session also sends its CSRF "
                    "token in `X-CSRFToken`.",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "requestBody": _json(
                        {
                            "type": "object",
                            "required": ["status"],
                            "properties": {
                                "status": {"enum": ["assigned", "answered", "closed", "dismissed", "reopened"]},
                                "answer": {"type": "string", "maxLength": 5000},
                                "contact_method": {"enum": ["phone", "email", "letter", "in_person"]},
                                "assignee": {"type": "string", "maxLength": 120},
                                "reason": {"type": "string", "maxLength": 500},
                            },
                        }
                    ),
                    "responses": {
                        "200": {"description": "Moved", **_json({"$ref": "#/components/schemas/Case"})},
                        **_errors(401, 403, 404, 409, 415, 422),
                    },
                }
            },
            "/api/v1/reports/cases": {
                "get": {
                    "summary": "Per unit: cases received in from..to (local dates) and where they stand",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [{"name": "from", **date_param}, {"name": "to", **date_param}],
                    "responses": {
                        "200": {
                            "description": "One row per unit in scope",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/CaseFigures"}}),
                        },
                        **_errors(401, 422),
                    },
                }
            },
            "/api/v1/alerts": {
                "get": {
                    "summary": "Alerts in the caller's scope, newest first",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": {"enum": ["open", "acknowledged"]},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            **_json({"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}),
                        },
                        **_errors(401, 422),
                    },
                }
            },
            "/api/v1/alerts/{alert_id}/ack": {
                "post": {
                    "summary": "Acknowledge an open alert with a note; the rule may then open a new one",
                    "security": [{"apiToken": []}, {"session": []}],
                    "parameters": [{"name": "alert_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "requestBody": _json(
                        {
                            "type": "object",
                            "required": ["note"],
                            "properties": {"note": {"type": "string", "maxLength": 2000}},
                        }
                    ),
                    "responses": {
                        "200": {"description": "Acknowledged", **_json({"$ref": "#/components/schemas/Alert"})},
                        **_errors(401, 403, 404, 409, 415, 422),
                    },
                }
            },
            "/api/v1/kiosk/pair": {
                "post": {
                    "summary": "Exchange a one-time pairing code for a device token",
                    "description": "Codes come from the admin area or `flask pair-kiosk POINT_CODE`; they work once "
                    "and expire. Wrong codes are throttled per address (429 after a few tries).",
                    "requestBody": _json(
                        {
                            "type": "object",
                            "required": ["code"],
                            "properties": {
                                "code": {"type": "string", "maxLength": 64},
                                "name": {"type": "string", "maxLength": 120, "description": "Device name"},
                            },
                        }
                    ),
                    "responses": {
                        "200": {
                            "description": "Paired; keep the token, it is shown once",
                            **_json(
                                {
                                    "type": "object",
                                    "required": ["token", "point"],
                                    "properties": {
                                        "token": {"type": "string"},
                                        "point": {
                                            "type": "object",
                                            "properties": {
                                                "code": {"type": "string"},
                                                "name": {"type": "string"},
                                                "unit": {
                                                    "type": "object",
                                                    "properties": {
                                                        "code": {"type": "string"},
                                                        "name": {"type": "string"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                }
                            ),
                        },
                        **_errors(404, 413, 415, 422, 429),
                    },
                }
            },
            "/api/v1/kiosk/survey": {
                "get": {
                    "summary": "The active survey for the tablet's point, with the kiosk's settings",
                    "security": [{"deviceToken": []}],
                    "responses": {
                        "200": {
                            "description": "OK",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "point": {"type": "object"},
                                        "survey": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "integer", "description": "Send it back as `survey`"},
                                                "code": {"type": "string"},
                                                "version": {"type": "integer"},
                                                "title": {"type": "string"},
                                                "scale": {"type": "array", "items": {"type": "object"}},
                                                "criteria": {"type": "array", "items": {"type": "object"}},
                                                "reasons": {"type": "array", "items": {"type": "object"}},
                                            },
                                        },
                                        "settings": {
                                            "type": "object",
                                            "properties": {
                                                "idle_seconds": {"type": "integer"},
                                                "thanks_seconds": {"type": "integer"},
                                                "low_score": {"type": "integer"},
                                                "heartbeat_seconds": {"type": "integer"},
                                                "sync_seconds": {"type": "integer"},
                                            },
                                        },
                                        "server_time": {"type": "string", "format": "date-time"},
                                    },
                                }
                            ),
                        },
                        **_errors(401, 404, 429),
                    },
                }
            },
            "/api/v1/kiosk/responses": {
                "post": {
                    "summary": "Store one answer, idempotent on its id",
                    "description": "`survey` (optional) is the id of the survey version the answer was given "
                    "under (default: the active one); `answered_at` (optional, ISO 8601) is the time of the "
                    "first tap, by which taps closer than KIOSK_MISUSE_SECONDS are flagged misuse.",
                    "security": [{"deviceToken": []}],
                    "requestBody": _json({"$ref": "#/components/schemas/KioskResponse"}),
                    "responses": {
                        "201": {
                            "description": "Stored",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "string", "format": "uuid"},
                                        "created": {"const": True},
                                    },
                                }
                            ),
                        },
                        "200": {
                            "description": "Already stored with the same body (stored once)",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "string", "format": "uuid"},
                                        "created": {"const": False},
                                    },
                                }
                            ),
                        },
                        **_errors(401, 409, 413, 415, 422, 429),
                    },
                }
            },
            "/api/v1/kiosk/heartbeat": {
                "post": {
                    "summary": "Report the app version, the queue and the answers refused for good; returns the "
                    "active survey version",
                    "security": [{"deviceToken": []}],
                    "requestBody": _json(
                        {
                            "type": "object",
                            "properties": {
                                "version": {"type": "string", "maxLength": 32},
                                "queue": {"type": "integer", "minimum": 0, "description": "Answers waiting"},
                                "rejected": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "description": "Answers the server refused for good (a 4xx other than 401 and "
                                    "429), kept on the tablet; shown on the admin devices page",
                                },
                                "rejected_reason": {
                                    "type": "string",
                                    "maxLength": 255,
                                    "description": "The latest refusal, e.g. `422 validation_failed: answers.overall`",
                                },
                            },
                        }
                    ),
                    "responses": {
                        "200": {
                            "description": "OK",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "survey": {
                                            "type": ["object", "null"],
                                            "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}},
                                        },
                                        "settings": {"type": "object"},
                                        "server_time": {"type": "string", "format": "date-time"},
                                    },
                                }
                            ),
                        },
                        **_errors(401, 413, 415, 422, 429),
                    },
                }
            },
        },
    }
