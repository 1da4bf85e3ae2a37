"""Request id and event id on every log line the relay and the consumer write, and on those
of the receivers the consumer runs, whatever logging configuration the side has.

The workers stamp both ids on each record (a handler filter); a handler whose format already
shows them (the services' JSON lines print every extra attribute) is left as it is, any other
(the monolith's own format) gets them appended to its first line.
"""

from __future__ import annotations

import logging

from decompose_runtime.events import context

_PROBE = "decompose-probe-id"


class EventContextFilter(logging.Filter):
    """Stamp ``request_id`` and ``event_id`` (None outside a request or an event)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = context.current_request_id() or None
        if getattr(record, "event_id", None) is None:
            record.event_id = context.event_id.get()
        return True


class EventContextFormatter(logging.Formatter):
    """Another formatter's text with `` request=<id> event=<id>`` after its first line."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        first, newline, rest = text.partition("\n")
        ids = (f" request={getattr(record, 'request_id', None) or '-'}"
               f" event={getattr(record, 'event_id', None) or '-'}")
        return f"{first}{ids}{newline}{rest}"


def _shows_ids(formatter: logging.Formatter) -> bool:
    probe = logging.makeLogRecord({"msg": "", "request_id": _PROBE, "event_id": _PROBE})
    try:
        return _PROBE in formatter.format(probe)
    except Exception:  # a formatter that needs attributes of its own: it shows no ids
        return False


def _handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict
                                      .values() if isinstance(logger, logging.Logger))]
    found: dict[int, logging.Handler] = {}
    for logger in loggers:
        for handler in logger.handlers:
            found.setdefault(id(handler), handler)
    return list(found.values())


def install() -> None:
    """Put both ids on every handler's lines; a process with no handler on the root logger
    (Django's default logging) gets one on stderr at INFO, or its workers would be mute."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for handler in _handlers():
        if not any(isinstance(f, EventContextFilter) for f in handler.filters):
            handler.addFilter(EventContextFilter())
        formatter = handler.formatter or logging.Formatter()
        if not isinstance(formatter, EventContextFormatter) and not _shows_ids(formatter):
            handler.setFormatter(EventContextFormatter(handler.formatter))
