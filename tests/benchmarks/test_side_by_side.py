"""Bodies are compared as clients read them: the time a page says it was made (Tandoor's
``"timestamp"``, when each side answered) is not a difference; a row's times are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from benchmarks.side_by_side import normalised
from tests.support.http import Reply

ASKED = datetime(2026, 12, 8, 2, 25, 44, tzinfo=UTC)
WINDOW = (ASKED, ASKED + timedelta(seconds=1))


def page(made: str, created: str) -> Reply:
    return Reply(200, {}, {}, (
        f'{{"timestamp": "{made}", "results": [{{"created_at": "{created}"}}]}}').encode())


def test_the_time_of_the_answer_is_blanked_and_a_rows_time_kept():
    monolith = page("2026-12-08T02:25:44.728266+00:00", "2026-12-08T02:20:00+00:00")
    service = page("2026-12-08T02:25:44.781782+00:00", "2026-12-08T02:20:00+00:00")
    assert normalised(monolith, WINDOW) == normalised(service, WINDOW) == {
        "timestamp": "<when answered>", "results": [{"created_at": "2026-12-08T02:20:00+00:00"}]}
    moved = page("2026-12-08T02:25:44.781782+00:00", "2026-12-08T02:21:00+00:00")
    assert normalised(monolith, WINDOW) != normalised(moved, WINDOW)
    naive = page("2026-12-08T02:25:44.781782", "2026-12-08T02:20:00+00:00")
    assert normalised(naive, WINDOW)["timestamp"] == "2026-12-08T02:25:44.781782"
