"""The monolith's drf-spectacular ENUM_NAME_OVERRIDES (tests/fixtures/enum_names, pretalx's
``SubmissionStateEnum``): an entry whose module the service has names the enum of the moved
serializer in the service's schema as in the monolith's; one it has not is left out, noted."""

from __future__ import annotations

from pathlib import Path

from decompose.cli import main
from tests.extractor.projects import analysed_copy


def test_the_service_names_the_enums_the_monolith_names(tmp_path: Path):
    shop = analysed_copy("enum_names", tmp_path / "shop")
    main(["extract", "api", "--project", str(shop)])
    service = shop.parent / "services" / "api"
    settings = (service / "config/settings/base.py").read_text()
    assert ('    # The monolith\'s names of its enums\' components, by the path of their choices.\n'
            '    "ENUM_NAME_OVERRIDES": {\n'
            '        "NotePriorityEnum": "notes.enums.Priority.choices",\n'
            '    },\n}\n') in settings
    schema = (service / "openapi.yaml").read_text()
    assert "$ref: '#/components/schemas/NotePriorityEnum'" in schema
    assert "PriorityEnum:" not in schema.replace("NotePriorityEnum:", "")
    assert ("- `config/settings.py:16` [plan, **warning**] the monolith's ENUM_NAME_OVERRIDES "
            "entry NoteStateEnum names notes.states.State.choices, which the service cannot "
            "import: its schema names that enum as drf-spectacular guesses\n") in (
        service / "EXTRACTION.md").read_text()
