"""Filters for the console log (settings.LOGGING)."""

import copy
import logging
import re


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (4xx) is the client's doing: one line, not a traceback.

    Django attaches the exception to the records of refusals it raises itself (permission
    denied, bad request, a disallowed host). Server errors (5xx) keep their traceback.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if record.exc_info and status is not None and 400 <= status < 500:
            record = copy.copy(record)
            record.exc_info = record.exc_text = None
        return record


# The value of a `preview` query parameter (a reader-site or REST preview link).
PREVIEW_TOKEN = re.compile(r"(?<=[?&;]preview=)[^&;#\s\"']+")


def _redact(value):
    return PREVIEW_TOKEN.sub("[redacted]", value) if isinstance(value, str) else value


class PreviewTokenRedaction(logging.Filter):
    """Whoever holds a preview link reads the draft it opens: a log line carries the link
    without its token (the request lines of the development server and of gunicorn's access
    log, Referer included, and any message that quotes a URL)."""

    def filter(self, record):
        if isinstance(record.args, dict):
            args = {key: _redact(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            args = tuple(_redact(value) for value in record.args)
        else:
            args = record.args
        msg = _redact(record.msg)
        if args == record.args and msg == record.msg:
            return record
        record = copy.copy(record)
        record.msg, record.args = msg, args
        return record
