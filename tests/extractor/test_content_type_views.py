"""Moved views that reach a monolith model through its content type (tests/fixtures/
content_type_views, laid out like taiga's timeline): the model named only by a label where
``ContentType.model_class()`` is called is mirrored and allowlisted, and in the booted service
``model_class()`` is its remote model, ``isinstance(row, Model)`` holds for its rows and
``get_for_model(row.__class__)`` is the shared table's row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import CrossDependency, Handling, Location, MirrorName
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import invoke


def test_a_model_named_where_model_class_is_called_is_mirrored_and_allowlisted(tmp_path: Path):
    root = analysed_copy("content_type_views", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["feed"])
    # accounts.Team's content type is read too, but in a file that never calls model_class()
    note = ("its content type is named where ContentType.model_class() is called: the "
            "mirror's remote model answers it")
    assert plan.record.dependencies == (
        CrossDependency(Location("feed/views.py", 27), "accounts.Badge", Handling.REMOTE_MODEL,
                        note),
        # settings.AUTH_USER_MODEL, the user model staying in the monolith
        CrossDependency(Location("feed/views.py", 31), "accounts.User", Handling.REMOTE_MODEL,
                        note))
    [accounts] = plan.record.mirrors
    assert (accounts.module, accounts.names) == ("accounts.models", (
        MirrorName("Badge", Handling.REMOTE_MODEL, "accounts.Badge"),
        MirrorName("User", Handling.REMOTE_MODEL, "accounts.User")))
    assert [(m.label, m.fields) for m in plan.record.allowed_models] == [
        ("accounts.Badge", ("id", "name")), ("accounts.User", ("id", "last_login", "username"))]

BOOTED = """
import django
django.setup()
from django.contrib.contenttypes.models import ContentType
from decompose_remote.models import decode_object
from monolith.accounts.models import Badge, User
from feed import services, views

badge_type = ContentType.objects.create(app_label="accounts", model="badge")  # the monolith's
rows = ContentType.objects.count()
print(ContentType.objects.get_by_natural_key("accounts", "badge").model_class() is Badge,
      ContentType(app_label="accounts", model="user").model_class() is User,
      views.UserFeed.content_type,
      ContentType(app_label="accounts", model="team").model_class())
gold = decode_object({"$model": "accounts.Badge", "pk": 400, "fields": {"name": "gold"}})
where = str(services.entries_about(gold).query).partition(" WHERE ")[2]
print(where.replace(f" = {badge_type.pk} ", " = <badge> "),
      ContentType.objects.get_for_model(gold.__class__) == badge_type,
      ContentType.objects.count() == rows)
"""


def test_the_service_answers_model_class_and_content_types_with_the_remote_model(
        tmp_path: Path):
    root = analysed_copy("content_type_views", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("feed", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert ('    assert isinstance(obj, (Model, RemoteObject)), "obj must be a instance of Model"\n'
            in (out / "feed" / "services.py").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", PYTHONPATH=str(out),
               DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    for args in (["manage.py", "migrate", "-v0"], ["-c", BOOTED]):
        run = subprocess.run([sys.executable, *args], cwd=out, env=env, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr
    assert run.stdout == ("True True accounts.user None\n"
                          '("feed_entry"."content_type_id" = <badge> AND '
                          '"feed_entry"."object_id" = 400) True True\n')
