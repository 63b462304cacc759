"""Filters for the console log (settings.LOGGING)."""

import copy
import logging


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
