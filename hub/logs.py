"""JSON log lines for production (one object a line, for the log collector): time in UTC, level, logger,
message, the venue schema active, and for Django's request records the method, path (without its query
string, which may carry personal data) and status; an exception's traceback as one field."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        schema = _schema()
        if schema:
            line["schema"] = schema
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            line["method"] = getattr(request, "method", None)
            line["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _schema() -> str | None:
    try:
        from django.db import connection

        return getattr(connection, "schema_name", None)
    except Exception:  # settings not ready (a log line at start-up): no schema to tell
        return None
