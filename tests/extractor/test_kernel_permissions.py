"""A kernel copy checking permissions on the monolith's rows (tests/fixtures/kernel_permissions,
laid out like taiga's user project settings and ``taiga/permissions/services.py``): the model
it looks up by label is mirrored, the staying user model's method it calls on a remote row is
allowlisted with the fields read by name from what it returns, and in the served service the
route answers as the monolith's does."""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.model import AllowedModel, CrossDependency, Handling, Location
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import invoke
from tests.support.gunicorn import start_gunicorn
from tests.support.http import request
from tests.support.keys import key_pair
from tests.support.processes import clean_env, completed, stop


def test_the_kernel_s_lookup_is_mirrored_and_what_it_does_to_rows_allowlisted(tmp_path: Path):
    root = analysed_copy("kernel_permissions", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["boards"])
    assert CrossDependency(
        Location("permissions/services.py", 5), "teams.Team", Handling.REMOTE_MODEL,
        "looked up in the app registry by a kernel copy, whose app the service has not: its "
        "registry answers the mirror's remote model") in plan.record.dependencies
    assert [(m.module, [n.name for n in m.names]) for m in plan.record.mirrors] == [
        ("accounts.models", ["User"]), ("teams.models", ["Team"])]
    # the user's method, called by the kernel only; Membership: the join's keys and the
    # fields read by name (not ``note``); Role: read as ``membership.role``, its
    # ``permissions`` (not ``name`` nor ``secret``)
    assert plan.record.allowed_models == (
        AllowedModel("accounts.User", ("id", "last_login", "username"), ("membership_for",)),
        AllowedModel("teams.Membership", ("is_admin", "role_id", "team_id", "user_id")),
        AllowedModel("teams.Role", ("id", "permissions")),
        AllowedModel("teams.Team", ("id", "name", "public_permissions"), ("is_private",)))
    assert plan.remote_relations == (("teams.Membership", (
        ("role", "teams.Role"), ("team", "teams.Team"), ("user", "accounts.User"))),)
    assert plan.boundary.user_model == "accounts.User"
    # read, not called: the service's rows answer it with its value (a stand-in is true)
    assert plan.remote_properties == (("teams.Team", (("is_private", "ANY"),)),)  # unannotated


# alice administers team a; bob is a member of a whose role views the wiki, and of no team b,
# whose public may view issues (``not team.is_private``: a property the monolith answers)
SEED = """
from accounts.models import User
from boards.models import Board
from teams.models import Membership, Role, Team
alice, bob = User.objects.create(username="alice"), User.objects.create(username="bob")
a = Team.objects.create(name="a", public_permissions=[])
b = Team.objects.create(name="b", public_permissions=["view_issues"])
reader = Role.objects.create(name="reader", permissions=["view_wiki"], secret="s")
Membership.objects.create(team=a, user=alice, role=reader, is_admin=True)
Membership.objects.create(team=a, user=bob, role=reader)
for team, user in ((a, alice), (a, bob), (b, bob)):
    Board.objects.create(team=team, user=user, title=f"{team.name} of {user.username}")
"""
SERVED_SETTINGS = """
import os
from config.settings import *  # noqa: F403
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ["SHARED_DATABASE"]}}
ALLOWED_HOSTS = ["127.0.0.1"]
"""
WSGI = "django.core.wsgi:get_wsgi_application()"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The patched monolith and the boards service under gunicorn on one SQLite database."""
    scratch = tmp_path_factory.mktemp("kernel_permissions")
    root = analysed_copy("kernel_permissions", scratch / "monolith")
    out = scratch / "service"
    result = invoke("boards", "--project", str(root), "--out", str(out), "--apply")
    assert result.exit_code == 0, result.output
    (root / "config" / "served.py").write_text(SERVED_SETTINGS)
    database = scratch / "shared.sqlite3"
    service_keys, token = key_pair(), key_pair()
    monolith_env = clean_env(
        DJANGO_SETTINGS_MODULE="config.served", SHARED_DATABASE=str(database),
        DECOMPOSE_TOKEN_PRIVATE_KEY=token.private,
        DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({"boards": service_keys.public}))
    python = [sys.executable, "manage.py"]
    completed([*python, "makemigrations", "accounts", "teams", "boards", "-v0"], root,
              monolith_env)
    completed([*python, "migrate", "-v0"], root, monolith_env)
    completed([*python, "shell", "-c", SEED], root, monolith_env)
    ready = lambda url: request(url + "/api/boards/", timeout=2)  # noqa: E731
    monolith_url, monolith = start_gunicorn(root, monolith_env, scratch / "monolith.log", WSGI,
                                            ready=ready, workers=1)
    service_env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.local", PYTHONPATH=str(out),
        DATABASE_URL=f"sqlite:///{database}", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        MONOLITH_URL=monolith_url, DECOMPOSE_SERVICE_PRIVATE_KEY=service_keys.private,
        DECOMPOSE_TOKEN_PUBLIC_KEY=token.public, DECOMPOSE_MONOLITH_RETRIES="0")
    try:
        completed([*python, "migrate", "-v0"], out, service_env)
        service_url, service = start_gunicorn(out, service_env, scratch / "service.log",
                                              "config.wsgi:application", ready=ready,
                                              workers=1)
        try:
            yield monolith_url, service_url
        finally:
            stop(service)
    finally:
        stop(monolith)


@pytest.mark.slow
def test_the_service_answers_the_kernel_s_permission_check_as_the_monolith(served):
    monolith, service = (request(url + "/api/boards/") for url in served)
    assert (service.status, monolith.status) == (200, 200), service.body[-2000:]
    assert service.json() == monolith.json() == [
            {"id": 1, "title": "a of alice", "sections": ["wiki", "issues"]},
            {"id": 2, "title": "a of bob", "sections": ["wiki"]},
            {"id": 3, "title": "b of bob", "sections": ["issues"]}]
