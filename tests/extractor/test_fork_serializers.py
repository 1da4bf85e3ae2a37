"""A monolith serializing with its own fork of an old DRF (tests/fixtures/fork_serializers,
like taiga's ``taiga.base.api.serializers``): the fork's ModelSerializer of a moved model lists
a relation that is an id column in the service; the service renders it as the monolith does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

RENDERED = """
import django
django.setup()
from notes.models import Note
from notes.serializers import NoteSerializer, NoteSummarySerializer
note = Note(id=1, customer_id=5, text="call back")
print(NoteSerializer(note).data, NoteSummarySerializer(note).data)
"""


def test_the_service_renders_the_fork_s_relations_as_the_monolith(tmp_path: Path):
    root = analysed_copy("fork_serializers", tmp_path / "monolith")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    monolith = subprocess.run([sys.executable, "-c", RENDERED], cwd=root, capture_output=True,
                              text=True, timeout=120, env={
                                  **env, "DJANGO_SETTINGS_MODULE": "config.settings",
                                  "PYTHONPATH": str(root)})
    assert monolith.returncode == 0, monolith.stderr
    assert monolith.stdout == ("{'id': 1, 'customer': 5, 'text': 'call back'} "
                               "{'id': 1, 'customer': 5}\n")
    out = tmp_path / "service"
    result = invoke("notes", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    service = django(out, "-c", RENDERED)
    assert service.returncode == 0, service.stderr
    assert service.stdout == monolith.stdout
    serializers = (out / "notes" / "serializers.py").read_text()
    assert ("class NoteSerializer(serializers.ModelSerializer):\n"
            "    customer = id_column_key(serializers.PrimaryKeyRelatedField)(\n"
            '        source="customer_id", queryset=Customer.objects.all())\n') in serializers
    assert ("class NoteSummarySerializer(serializers.ModelSerializer):\n"
            '    customer = serializers.PrimaryKeyRelatedField(source="customer_id", '
            'read_only=True)\n') in serializers
    assert "        read_only_fields = ()\n" in serializers
