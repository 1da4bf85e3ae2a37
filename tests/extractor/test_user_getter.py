"""The monolith's user model stays while code using it moves (tests/fixtures/user_getter, laid
out like taiga's users and notifications): a staying function that only returns the user model,
called in a moved serializer's ``Meta``, and ``get_user_model()`` in moved code become the
mirror's remote model, so the service boots without asking the monolith."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.errors import CannotExtract
from decompose.model import CrossDependency, Handling, Location, MirrorName
from extractor.plan import build_plan
from extractor.plan.relations import LocalReverse
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

GETTER = "accounts.models.get_user_model_safe"
ACCOUNTS = "accounts/models.py"
LOOKUP_NOTE = ("looked up in the app registry or as the user model, whose app the service has "
               "not: the mirror's remote model")


def plan_of(root: Path):
    return build_plan(build_graph(root, use_cache=False), root, ["watch"])


def test_the_getter_and_the_user_lookups_are_the_remote_user_model(tmp_path: Path):
    plan = plan_of(analysed_copy("user_getter", tmp_path / "monolith"))
    assert [d for d in plan.record.dependencies if d.handling != Handling.ID_COLUMN] == [
        CrossDependency(Location("watch/models.py", 19), "watch.Watch.notes -> accounts.Note",
                        Handling.REMOTE_MODEL, "a GenericRelation: the monolith's rows whose "
                        "generic key points here (RemoteGenericRelation)"),
        CrossDependency(Location("watch/serializers.py", 3), GETTER, Handling.MODEL_GETTER,
                        "accounts.User"),
        CrossDependency(Location("watch/services.py", 5), "accounts.services.user_count",
                        Handling.REMOTE_FUNCTION, "accounts.services.user_count"),
        # get_user_model(), twice (isinstance too), and apps.get_model(AUTH_USER_MODEL)
        *(CrossDependency(Location("watch/services.py", line), "accounts.User",
                          Handling.REMOTE_MODEL, LOOKUP_NOTE) for line in (9, 13, 15))]
    [accounts] = [m for m in plan.record.mirrors if m.module == "accounts.models"]
    assert accounts.names == (
        MirrorName("Note", Handling.REMOTE_MODEL, "accounts.Note"),
        MirrorName("User", Handling.REMOTE_MODEL, "accounts.User"),
        MirrorName("get_user_model_safe", Handling.MODEL_GETTER, "accounts.User"))
    # answered in the service: never a call the bridge serves
    assert plan.record.allowed_functions == ("accounts.services.user_count",)
    assert [(m.label, m.fields) for m in plan.record.allowed_models] == [
        ("accounts.Note", ("id", "content_type_id", "object_id", "text")),
        ("accounts.User", ("id", "last_login", "username", "full_name"))]
    assert plan.boundary.user_model == "accounts.User"
    # a key declared on an abstract base is rewritten there, listed with the concrete model
    assert [(r.model, r.field) for r in plan.boundary.replaced] == [
        ("watch.Owned", "owner"), ("watch.Watch", "owner"), ("watch.Watch", "user")]
    assert [d.target for d in plan.record.dependencies if d.handling == Handling.ID_COLUMN] == [
        "watch.Watch.owner -> accounts.User", "watch.Watch.user -> accounts.User"]
    # the user's accessors of those keys, the base's related_name filled in for Watch
    assert plan.local_reverses == (("accounts.User", (
        LocalReverse("watches", "watch.Watch", "user_id", False),
        LocalReverse("watchs", "watch.Watch", "owner_id", False))),)


GETTER_BODY = ('''    user_app, user_model = settings.AUTH_USER_MODEL.split(".")
    try:
        return apps.get_model(user_app, user_model)
    except AppRegistryNotReady:
        if apps.apps_ready and not apps.models_ready:
            return apps.get_registered_model(user_app, user_model)
        raise
''')


@pytest.mark.parametrize("body", [
    "    return apps.get_model('accounts', 'User')\n",
    "    label = settings.AUTH_USER_MODEL\n    return apps.get_model(label, require_ready=False)\n",
    "    from django.contrib.auth import get_user_model\n\n    return get_user_model()\n",
])
def test_other_spellings_of_a_getter_are_recognised(tmp_path: Path, body: str):
    root = analysed_copy("user_getter", tmp_path / "monolith", {ACCOUNTS: (GETTER_BODY, body)})
    assert [d.handling for d in plan_of(root).record.dependencies
            if d.target == GETTER] == [Handling.MODEL_GETTER]


@pytest.mark.parametrize("body", [
    # does more than return the model
    "    print('looking the user model up')\n" + GETTER_BODY,
    # answers something else when the registry is not ready
    GETTER_BODY.replace("        raise\n", "        return None\n"),
    # another model
    "    return apps.get_model('watch', 'Watch')\n",
])
def test_a_function_that_does_more_is_a_call_to_the_monolith_refused_at_import(
        tmp_path: Path, body: str):
    root = analysed_copy("user_getter", tmp_path / "monolith", {ACCOUNTS: (GETTER_BODY, body)})
    with pytest.raises(CannotExtract) as refused:
        plan_of(root)
    assert str(refused.value) == (
        f"watch/serializers.py:9: {GETTER}: a function of an app that stays, called while the "
        "module is imported: in the service it is a call to the monolith, made before the "
        "service can reach it; call it inside a function (run per request), or extract "
        "accounts too")


def test_with_django_s_own_user_model_the_lookups_stay_as_written(tmp_path: Path):
    # Kiwi's case: auth.User is installed in the service, get_user_model() is the real model.
    root = analysed_copy("user_getter", tmp_path / "monolith", {
        "config/settings.py": ('AUTH_USER_MODEL = "accounts.User"\n', ""),
        "watch/serializers.py": ("model = get_user_model_safe()", "model = Watch")})
    plan = plan_of(root)
    assert plan.boundary.user_model == ""
    assert [(d.target, d.handling) for d in plan.record.dependencies
            if d.location.path == "watch/services.py"] == [
        ("accounts.services.user_count", Handling.REMOTE_FUNCTION)]


BOOTED = """
import django
django.setup()
from decompose_remote.auth import TokenUser
from decompose_remote.models import RemoteGenericRelation, RemoteModel
from decompose_remote.serializers import RemoteModelSerializer
from monolith.accounts.models import User, get_user_model_safe
from watch import services
from watch.serializers import WatcherSerializer
from watch.models import Watch
from watch.views import WatchViewSet
print(isinstance(User, RemoteModel), isinstance(Watch.notes, RemoteGenericRelation),
      WatcherSerializer.Meta.model is User,
      issubclass(WatcherSerializer, RemoteModelSerializer), get_user_model_safe() is User,
      services.as_user(TokenUser({"sub": "3", "user_model": "accounts.User"})).pk)
user = TokenUser({"sub": "3", "user_model": "accounts.User"})
print(str(user.watches.filter(subject="x").query).partition(" WHERE ")[2])
"""


def test_the_service_boots_with_the_remote_user_model_and_passes_ruff(tmp_path: Path):
    root = analysed_copy("user_getter", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("watch", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr
    booted = django(out, "-c", BOOTED)
    assert booted.returncode == 0, booted.stderr
    assert booted.stdout == ("True True True True True 3\n"  # the user's watches: the service's
                             '("watch_watch"."user_id" = 3 AND "watch_watch"."subject" = x)\n')
    assert (out / "monolith" / "accounts" / "models.py").read_text().endswith(
        '\nUser = RemoteModel("accounts.User")\n'
        'get_user_model_safe = model_getter("accounts.User")\n')
    assert (out / "watch" / "models.py").read_text().startswith(
        "from django.db import models\n"
        "from decompose_remote.models import RemoteGenericRelation, RemoteRelation\n\n\n"
        "class Owned(models.Model):\n"
        '    owner_id = models.BigIntegerField(db_column="owner_id", null=True, db_index=True)\n'
        '    owner = RemoteRelation("accounts.User", "owner_id")\n\n'
        "    class Meta:\n        abstract = True\n"
        '        ordering = ["owner_id", "id"]\n')
    assert ('    notes = RemoteGenericRelation("accounts.Note")\n'
            in (out / "watch" / "models.py").read_text())
    serializers = (out / "watch" / "serializers.py").read_text()
    assert "        model = User\n" in serializers and "get_user_model_safe" not in serializers
    assert serializers.count("from monolith.accounts.models import User\n") == 1
    services = (out / "watch" / "services.py").read_text()
    assert ("    if isinstance(user_or_id, User):\n        return user_or_id\n"
            "    return User.objects.get(id=user_or_id)\n") in services
    assert "get_user_model" not in services and "settings" not in services
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=out,
                          capture_output=True, text=True, timeout=60)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
