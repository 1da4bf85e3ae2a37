"""Joins the moved code makes across the monolith's models (tests/fixtures/member_joins, laid
out like taiga's projects and user project settings): the plan allowlists exactly the columns
they read, so the bridge runs them, and the codemods ask the monolith for them instead of
reporting them."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import Level
from extractor.codemods import transform
from extractor.plan import build_plan
from extractor.plan.joins import Join, resolve
from extractor.plan.scope import Scope
from extractor.plan.source import Source
from tests.extractor.projects import analysed_copy


def test_the_joins_are_allowlisted_column_by_column_and_run_by_the_bridge(tmp_path: Path):
    root = analysed_copy("member_joins", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["prefs"])
    # Project is the moved code's (all its columns, and the many-to-many its lookup names,
    # whose target's keys it sends); Membership only the joins' keys and order; auth.User,
    # the target of the moved code's keys, every column but the password
    assert [(m.label, m.fields) for m in plan.record.allowed_models] == [(
        m.label, m.fields) for m in plan.allowlist.models] == [
        ("auth.User", ("date_joined", "email", "first_name", "id", "is_active", "is_staff",
                       "is_superuser", "last_login", "last_name", "username")),
        ("projects.Membership", ("project_id", "user_id", "user_order")),
        ("projects.Project", ("id", "name", "owner_id", "tags")),
        ("projects.Tag", ("id",))]
    assert plan.boundary.joins == frozenset({("projects.Project", "memberships__user"),
                                             ("projects.Project", "memberships__user_order")})
    views = (root / "prefs" / "views.py").read_text()
    outcome = transform(views, "prefs/views.py", "prefs.views", plan.boundary)
    assert outcome.text.partition("    def get_queryset(self):\n")[2].partition("\n\n")[0] == (
        "        user = self.request.user\n"
        "        for project in Project.objects.filter(Q(owner=user) | "
        "Q(memberships__user=user)):\n"
        "            Pref.objects.get_or_create(user_id=pk_of(user), project_id=project.pk)\n"
        "        return ordered_where(Pref.objects.filter(user_id=pk_of(user)).filter("
        'project_id__in=pks_where("projects.Project", memberships__user=user)), "project_id", '
        '"projects.Project", "-memberships__user_order", memberships__user=user)')
    assert [(r.location.line, r.codemod, r.message.partition(":")[0])
            for r in outcome.rewrites if r.level == Level.ERROR] == [
        (21, "remote_lookups", "lookup 'tags__name' on the monolith's Project joins across "
         "'tags', which its bridge refuses (a 403, when the view runs)"),
        (25, "fk_ordering", "ordering 'project__memberships__user_order' traverses a relation "
         "to the monolith and cannot run in the service as written")]


def test_a_path_the_bridge_would_refuse_is_no_join(tmp_path: Path):
    root = analysed_copy("member_joins", tmp_path / "monolith")
    graph = build_graph(root, use_cache=False)
    scope = Scope(graph, Source(root, graph.apps, graph.settings.import_root),
                  tuple(a for a in graph.apps if a.label == "prefs"), "prefs")

    def path(lookup: str) -> Join | None:
        return resolve(scope, "projects.Project", lookup.split("__"))

    assert path("memberships__user__in") == Join(
        "projects.Project", "memberships__user",
        (("projects.Membership", "project_id"), ("projects.Membership", "user_id")))
    assert path("owner__username") is None  # auth.User: not a model of the monolith's own apps
    assert path("memberships__in") is None  # compares Membership's keys, not allowlisted
    assert path("tags__name") is None  # a many-to-many
    assert path("memberships__role__year__gte") is None  # not a plain lookup
    assert path("name__icontains") is None  # no relation crossed: the model's own field
