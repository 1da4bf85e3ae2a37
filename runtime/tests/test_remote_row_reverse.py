"""A reverse relation between two models that stay (decompose_remote.row_reverse), for real:
``auth.User.logentry_set`` (admin.LogEntry's key) and ``ApiKey.usage`` (KeyUsage's
one-to-one) read from rows the bridge of pytest-django's live server sends (and from the
token's user), listed in the
remote model's ``_meta.related_objects``, and a ModelSerializer of the remote model naming
them, rendered as the monolith's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers
from rest_framework.utils import model_meta

from decompose_remote.auth import TokenUser
from decompose_remote.errors import RemoteError
from decompose_remote.models import RemoteModel

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders", "mirror")]


@pytest.fixture
def logged(users: RemoteModel) -> dict[str, Any]:
    """Three log entries of alice's (the monolith orders them newest first), none of bob's;
    an API key of each, alice's used."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import User
    from runtime_test_tokens.models import ApiKey, KeyUsage

    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    for text, flag in (("first", 1), ("second", 2), ("third", 2)):
        LogEntry.objects.create(user=alice, object_repr=text, action_flag=flag)
    used = ApiKey.objects.create(user=alice, key="a" * 40)
    KeyUsage.objects.create(api_key=used, calls=3)
    unused = ApiKey.objects.create(user=bob, key="b" * 40)
    return {"alice": alice, "used": used.pk, "unused": unused.pk}


def test_the_remote_models_meta_lists_them_as_django_does():
    users, keys = RemoteModel("auth.User"), RemoteModel("runtime_test_tokens.ApiKey")
    [logs] = users._meta.related_objects
    assert (logs.related_model, logs.get_accessor_name(), logs.name) == (
        RemoteModel("admin.LogEntry"), "logentry_set", "logentry")
    assert logs.multiple and not logs.one_to_one and logs.field.name == "user"
    assert users._meta.get_field("logentry") is logs  # by its query name, as Django finds it
    with pytest.raises(FieldDoesNotExist):
        users._meta.get_field("logentry_set")
    info = model_meta.get_field_info(users)
    assert info.reverse_relations["logentry_set"].to_many
    usage = model_meta.get_field_info(keys).reverse_relations["usage"]
    assert (usage.related_model, usage.to_many) == (RemoteModel("runtime_test_tokens.KeyUsage"),
                                                    False)
    assert keys._meta.get_field("usage").one_to_one


def test_a_rows_accessor_asks_for_the_related_rows(logged):
    from django.contrib.admin.models import LogEntry

    alice = RemoteModel("auth.User").objects.get(username="alice")
    bob = RemoteModel("auth.User").objects.get(username="bob")
    monolith = LogEntry.objects.filter(user=logged["alice"])
    assert [e.pk for e in alice.logentry_set.all()] == [e.pk for e in monolith]
    assert [e.object_repr for e in alice.logentry_set.filter(action_flag=2)] == [
        e.object_repr for e in monolith.filter(action_flag=2)]
    assert (alice.logentry_set.count(), alice.logentry_set.exists()) == (3, True)
    assert (bob.logentry_set.count(), bob.logentry_set.exists()) == (0, False)
    assert alice.logentry_set.get(object_repr="first").action_flag == 1
    token_user = TokenUser({"sub": str(alice.pk), "username": "alice",
                            "user_model": "auth.User"})  # request.user in the service
    assert [e.pk for e in token_user.logentry_set.all()] == [e.pk for e in monolith]


def test_writing_them_is_refused(logged):
    alice = RemoteModel("auth.User").objects.get(username="alice")
    for write in (lambda: alice.logentry_set.create(object_repr="x", action_flag=1),
                  alice.logentry_set.clear, lambda: alice.logentry_set.add(1),
                  lambda: alice.logentry_set.set([]), alice.logentry_set.update):
        with pytest.raises(RemoteError, match=r"auth\.User\.logentry_set is read-only in this "
                                              "service: its rows stay in the monolith"):
            write()


def test_a_one_to_one_is_the_row_or_its_does_not_exist(logged):
    keys = RemoteModel("runtime_test_tokens.ApiKey").objects
    usages = RemoteModel("runtime_test_tokens.KeyUsage")
    used, unused = keys.get(pk=logged["used"]), keys.get(pk=logged["unused"])
    assert (type(used.usage), used.usage.calls) == (usages.row_class, 3)
    with pytest.raises(usages.DoesNotExist, match="has no usage"):
        unused.usage  # noqa: B018 - the read raises
    assert not hasattr(unused, "usage")


class LoggedUserSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RemoteModel("auth.User")
        fields = ["id", "username", "logentry_set"]


class KeySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RemoteModel("runtime_test_tokens.ApiKey")
        fields = ["id", "usage"]


def test_a_model_serializer_renders_them_as_the_monoliths_does(logged):
    from django.contrib.auth.models import User
    from runtime_test_tokens.models import ApiKey

    class MonolithUsers(serializers.ModelSerializer):  # type: ignore[type-arg]
        class Meta:
            model = User
            fields = ["id", "username", "logentry_set"]

    class MonolithKeys(serializers.ModelSerializer):  # type: ignore[type-arg]
        class Meta:
            model = ApiKey
            fields = ["id", "usage"]

    rows = RemoteModel("auth.User").objects.order_by("username")
    assert LoggedUserSerializer(rows, many=True).data == MonolithUsers(
        User.objects.order_by("username"), many=True).data
    keys = RemoteModel("runtime_test_tokens.ApiKey").objects.order_by("pk")
    assert KeySerializer(keys, many=True).data == MonolithKeys(
        ApiKey.objects.order_by("pk"), many=True).data
    assert [key["usage"] is None for key in KeySerializer(keys, many=True).data] == [
        False, True]
    posted = {"username": "carol", "logentry_set": [999]}
    theirs = MonolithUsers(data=posted)
    ours = LoggedUserSerializer(data=posted)
    assert not ours.is_valid() and not theirs.is_valid()
    assert ours.errors == theirs.errors


def test_a_nested_serializer_lists_them_as_the_monoliths_does(logged):
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import User

    def users_with_logs(model: Any, logs: Any) -> Any:
        class Logs(serializers.ModelSerializer):  # type: ignore[type-arg]
            class Meta:
                fields = ["id", "object_repr", "action_flag"]

        Logs.Meta.model = logs

        class Users(serializers.ModelSerializer):  # type: ignore[type-arg]
            logentry_set = Logs(many=True, read_only=True)

            class Meta:
                fields = ["username", "logentry_set"]

        Users.Meta.model = model
        return Users

    ours = users_with_logs(RemoteModel("auth.User"), RemoteModel("admin.LogEntry"))
    theirs = users_with_logs(User, LogEntry)
    assert ours(RemoteModel("auth.User").objects.order_by("username"), many=True).data == (
        theirs(User.objects.order_by("username"), many=True).data)
