"""A staying model's methods written on a project mixin (pretalx's ``LogMixin``, a base of
its abstract ``PretalxModel``): the ones the moved code calls on a remote row are allowlisted
as the model's own are, the mixin found through a package that re-exports it."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import AllowedModel
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy

MIXIN = '''
class LogMixin:
    def logged_actions(self):
        return []

    def never_called(self):
        return None

    @property
    def log_size(self) -> int:
        return 0
'''
EDITS = {
    "common/__init__.py": ("", "from common.mixins import LogMixin\n"),
    "common/mixins.py": ("", MIXIN),
    "teams/models.py": ("class Team(models.Model):", (
        "from common import LogMixin\n\n\nclass Base(LogMixin, models.Model):\n"
        "    class Meta:\n        abstract = True\n\n\nclass Team(Base):")),
    "boards/views.py": ("class BoardList(", (
        "def team_log(board):\n    return board.team.logged_actions(), board.team.log_size\n"
        "\n\nclass BoardList(")),
}


def test_methods_of_a_project_mixin_called_on_a_remote_row_are_allowlisted(tmp_path: Path):
    root = analysed_copy("kernel_permissions", tmp_path / "monolith", EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["boards"])
    team = next(m for m in plan.record.allowed_models if m.label == "teams.Team")
    # called (the mixin's method) or read (its property); ``never_called`` stays closed
    assert team == AllowedModel("teams.Team", ("id", "name", "public_permissions"),
                                ("is_private", "log_size", "logged_actions"))
    assert plan.remote_properties == (("teams.Team", (("is_private", "ANY"),
                                                      ("log_size", "INT"))),)
