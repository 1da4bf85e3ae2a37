"""A staying model's method a moved serializer names as a field's ``source`` (pretalx's
``IntegerField(source="get_duration")``): DRF calls it on the remote row, so the plan
allowlists it as a method the moved code calls."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import AllowedModel
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy

EDITS = {
    "teams/models.py": ("        return not self.public_permissions\n", (
        "        return not self.public_permissions\n\n"
        "    def member_count(self) -> int:\n        return self.memberships.count()\n\n"
        "    def never_named(self) -> int:\n        return 0\n")),
    "boards/serializers.py": ('    sections = serializers.SerializerMethodField()\n', (
        '    sections = serializers.SerializerMethodField()\n'
        '    members = serializers.IntegerField(source="team.member_count", read_only=True)\n')),
}


def test_a_method_named_as_a_serializer_field_s_source_is_allowlisted(tmp_path: Path):
    root = analysed_copy("kernel_permissions", tmp_path / "monolith", EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["boards"])
    team = next(m for m in plan.record.allowed_models if m.label == "teams.Team")
    assert team == AllowedModel("teams.Team", ("id", "name", "public_permissions"),
                                ("is_private", "member_count"))
