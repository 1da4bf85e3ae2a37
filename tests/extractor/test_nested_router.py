"""A moved URLconf that includes its own router under a nested path (tests/fixtures/
nested_router, pretalx's ``api`` and its ``event_router``): mounted once, where the monolith
mounts it, and every route resolves in the service where it does in the monolith."""

from __future__ import annotations

import json
from pathlib import Path

from decompose.cli import main
from tests.extractor.projects import analysed_copy
from tests.extractor.test_shared_router import resolves


def test_the_urlconf_is_mounted_once_with_its_nested_router(tmp_path: Path):
    shop = analysed_copy("nested_router", tmp_path / "shop")
    main(["extract", "api", "--project", str(shop)])
    service = shop.parent / "services" / "api"
    record = json.loads((service / "extraction.json").read_text())
    assert record["mounts"] == [{"prefix": "api/", "urlconf": "api.urls"}]
    assert record["routes"] == ["/api/"]
    assert resolves(service, "/api/", "/api/events/ev/notes/", "/api/events/ev/notes/3/",
                    "/api/events/ev/events/ev/notes/") == (
        "/api/ view\n/api/events/ev/notes/ NoteViewSet\n/api/events/ev/notes/3/ NoteViewSet\n"
        "/api/events/ev/events/ev/notes/ 404\n")
