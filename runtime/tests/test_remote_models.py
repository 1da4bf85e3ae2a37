"""Monolith rows seen from the service (decompose_remote.models), read through the bridge
(decompose_bridge.views) for real: pytest-django's live server runs the bridge, the service's
own client calls it, and the rows are the test database's users."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import urllib3
import urllib3.connection
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from runtime_test_pairs.models import Bookmark

from decompose_remote.auth import TokenUser
from decompose_remote.client import get_client
from decompose_remote.errors import BadMonolithAnswer, RemoteError
from decompose_remote.models import (
    RemoteGenericRelation,
    RemoteModel,
    decode_object,
    model_getter,
    ordered_where,
    pks_where,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bridge_knows_orders")]


def test_a_query_runs_in_the_monolith_and_answers_allowlisted_fields(users):
    alice = users.objects.get(username="alice")
    assert (alice.pk, alice.username) == (User.objects.get(username="alice").pk, "alice")
    assert [row.username for row in users.objects.filter(username__startswith="b")] == ["bob"]
    assert users.objects.count() == 2


@pytest.mark.parametrize("method", ["select_related", "prefetch_related", "only", "defer"])
def test_what_only_changes_how_rows_are_fetched_answers_the_same_rows(users, method):
    # pretalx's views: MailTemplate.objects.filter(event=...).select_related("event")
    query = users.objects.filter(username__in=["alice", "bob"])
    assert getattr(query, method)("username") is query
    assert [u.username for u in getattr(query, method)("groups").order_by("-username")] == [
        "bob", "alice"]


def test_its_rows_and_the_token_user_of_its_model_are_instances(users):
    # taiga's notifications services: isinstance(user_or_id, get_user_model())
    alice = users.objects.get(username="alice")
    assert isinstance(alice, users) and not isinstance(alice, RemoteModel("auth.Group"))
    assert isinstance(TokenUser({"sub": "7", "user_model": "auth.user"}), users)
    assert not isinstance(TokenUser({"sub": "7", "user_model": "users.User"}), users)
    assert not isinstance(alice.pk, users)


def test_a_method_of_the_row_runs_in_the_monolith_and_is_a_serializer_s_source(users):
    # pretalx's SubmissionSerializer: IntegerField(source="get_duration"), which DRF calls
    # only when it is a function or a bound method
    User.objects.filter(username="alice").update(first_name="Alice", last_name="Liddell")
    alice = users.objects.get(username="alice")
    assert alice.get_full_name() == "Alice Liddell"

    class Names(serializers.Serializer[Any]):
        name = serializers.CharField(source="get_full_name")

    assert Names(alice).data == {"name": "Alice Liddell"}


@pytest.mark.usefixtures("mirror")
def test_values_of_fields_the_rows_carry_are_read_from_them_and_render_as_json(users):
    # pretalx's ScheduleSerializer.get_slots: obj.talks.filter(...).values_list("pk",
    # flat=True), returned to DRF, whose JSON encoder renders it
    query = users.objects.order_by("username")
    pks = [User.objects.get(username=name).pk for name in ("alice", "bob")]
    assert list(query.values_list("username", flat=True)) == ["alice", "bob"]
    assert list(query.values_list("pk", "username")) == [(pks[0], "alice"), (pks[1], "bob")]
    assert query.values_list("pk", flat=True).count() == 2
    assert json.loads(JSONRenderer().render({"slots": query.values_list("pk", flat=True)})) == {
        "slots": pks}
    assert list(query.none().values_list("pk", flat=True)) == []
    # a query's rows reaching the encoder are its rows, not a step recorded without end
    assert [row.username for row in query.tolist()] == ["alice", "bob"]


def test_the_token_user_is_its_row_read_from_the_monolith(users):
    # Tandoor's CustomIsSpaceOwner: request.space.created_by == request.user
    alice, bob = users.objects.get(username="alice"), users.objects.get(username="bob")
    me = TokenUser({"sub": str(alice.pk), "user_model": "auth.User"})
    assert (alice == me, me == alice, bob == me, me == bob) == (True, True, False, False)
    assert hash(me) == hash(alice) and len({me, alice, bob}) == 2
    assert me == TokenUser({"sub": str(alice.pk), "user_model": "auth.User"})


def test_a_row_of_the_monolith_s_user_model_is_a_stored_user_as_django_answers(users, mirror):
    # taiga's permissions/services.py asks it of a remote row: ``if user.is_anonymous``
    alice = users.objects.get(username="alice")
    real = User.objects.get(username="alice")
    assert (alice.is_authenticated, alice.is_anonymous) == (
        real.is_authenticated, real.is_anonymous) == (True, False)


def test_a_row_of_another_model_answers_no_user_attribute_locally(mirror):
    entry = decode_object({"$model": "admin.LogEntry", "pk": 1, "fields": {"user_id": 1}})
    assert not isinstance(entry.is_authenticated, bool)  # the monolith is asked, if called


def test_a_model_getter_answers_the_remote_model_without_asking_the_monolith(users, settings):
    # taiga's get_user_model_safe(), called in a serializer's Meta while the module loads
    settings.MONOLITH_URL = "http://127.0.0.1:9"  # nothing listens: a request would fail
    get_client.cache_clear()
    assert model_getter("auth.User")() is users
    assert model_getter("auth.User").__doc__ == (
        "The monolith's auth.User, as the service reaches it (a RemoteModel).")


def test_a_generic_relation_answers_the_monolith_s_rows_keyed_to_the_instance(users):
    # taiga's WikiPage.attachments: GenericRelation("attachments.Attachment")
    staff, other = Group.objects.create(name="staff"), Group.objects.create(name="other")
    kind = ContentType.objects.get_for_model(Group)
    for group in (staff, other):
        LogEntry.objects.create(user=User.objects.get(username="alice"), content_type=kind,
                                object_id=str(group.pk), object_repr=group.name,
                                action_flag=ADDITION)
    entries = RemoteGenericRelation("admin.LogEntry").__get__(staff, Group)
    assert [entry.object_repr for entry in entries] == ["staff"]


def test_a_missing_row_is_the_models_own_does_not_exist(users):
    with pytest.raises(users.DoesNotExist):
        users.objects.get(username="carol")


def test_fetching_by_primary_key_leaves_missing_rows_out(users):
    bob = User.objects.get(username="bob")
    assert [row.username for row in users.fetch([bob.pk, 999_999])] == ["bob"]


def test_a_lookup_on_a_field_outside_the_allowlist_is_refused(users, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(BadMonolithAnswer):
        users.objects.filter(password="x").count()
    refusal = caplog.records[-1]
    assert refusal.status == 403 and "lookup 'password' on auth.User" in refusal.body


def test_q_objects_filter_as_in_the_monolith(users):
    # taiga's settings and notifications: Project.objects.filter(Q(owner=u) | Q(...))
    alice = User.objects.get(username="alice")
    either = Q(username="alice") | Q(username__startswith="b")
    assert sorted(row.username for row in users.objects.filter(either)) == ["alice", "bob"]
    assert [row.username for row in users.objects.exclude(~Q(pk=alice.pk))] == ["alice"]
    nested = Q(Q(username="bob") | Q(first_name="x"), ~Q(username__in=["alice"]), id__gt=0)
    assert users.objects.get(nested).username == "bob"
    assert users.objects.filter(Q(username="alice"), Q(id=alice.pk)).count() == 1
    assert users.objects.filter(Q(username="alice") & Q(username="bob")).count() == 0
    if hasattr(Q, "XOR"):  # Django 4.1+
        assert users.objects.filter(Q(username="alice") ^ Q(id__gt=0)).get().username == "bob"


@pytest.mark.parametrize("condition", [
    Q(password="x"),
    Q(username="alice") | Q(password__startswith="p"),
    Q(Q(username="alice") | ~Q(Q(password__startswith="p")), id__gt=0),
    Q(user_permissions__codename="x"),  # a join, as the keyword form refuses it
    Q(username__regex="^a"),  # a lookup outside the simple ones
])
def test_a_lookup_inside_a_q_is_refused_as_its_keyword_form_is(users, caplog, condition):
    refusals = []
    for query in (lambda: users.objects.filter(condition).count(),
                  lambda: users.objects.filter(**dict(_leaves(condition))).count()):
        with caplog.at_level(logging.ERROR), pytest.raises(BadMonolithAnswer):
            query()
        refusals.append((caplog.records[-1].status, caplog.records[-1].body))
    assert refusals[0] == refusals[1] and refusals[0][0] == 403


def _leaves(condition: Q) -> list[tuple[str, object]]:
    """The lookups of ``condition`` not allowlisted, as keyword lookups (the first refused)."""
    found = []
    for child in condition.children:
        found += _leaves(child) if isinstance(child, Q) else [child]
    return [leaf for leaf in found if leaf[0].split("__")[0] not in ("username", "id")
            or leaf[0] == "username__regex"]


def _log_entries() -> tuple[User, User]:
    """alice's entry on object 2 (an addition), bob's on 1 (an addition) and 3 (a change):
    the rows a join from User to LogEntry reads."""
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    kind = ContentType.objects.get_for_model(Group)
    for user, object_id, flag in ((alice, "2", ADDITION), (bob, "1", ADDITION),
                                  (bob, "3", CHANGE)):
        LogEntry.objects.create(user=user, content_type=kind, object_id=object_id,
                                object_repr=user.username, action_flag=flag)
    return alice, bob


def test_a_join_between_allowlisted_models_runs_and_orders_as_in_the_monolith(users):
    # taiga's Project.objects.filter(Q(owner=u) | Q(memberships__user=u)), with
    # Membership.project_id and user_id allowlisted: here User <- LogEntry.user_id
    _log_entries()
    assert [row.username for row in users.objects.filter(
        Q(username="nobody") | Q(logentry__action_flag=CHANGE))] == ["bob"]
    # order_by reuses the join filter() made: each user once, by the entry that matched
    added = users.objects.filter(logentry__action_flag=ADDITION)
    assert [row.username for row in added.order_by("logentry__object_id")] == ["bob", "alice"]
    assert [row.username for row in added.order_by("-logentry__object_id")] == ["alice", "bob"]
    assert users.objects.exclude(logentry__user__username="bob").get().username == "alice"


def test_the_service_s_rows_filter_and_order_through_a_join_the_monolith_runs(users):
    # taiga's UserProjectSettings.objects.filter(project__memberships__user=u)
    #     .order_by("project__memberships__user_order"), project now an id column
    alice, bob = _log_entries()
    for owner, url in ((bob, "b1"), (alice, "a1"), (bob, "b2"), (alice, "a2")):
        Bookmark.objects.create(owner_id=owner.pk, url=url)
    added = Bookmark.objects.filter(owner_id__in=pks_where(
        "auth.User", logentry__action_flag=ADDITION))
    assert added.count() == 4
    ordered = ordered_where(added, "owner_id", "auth.User", "logentry__object_id",
                            logentry__action_flag=ADDITION)
    assert [b.owner_id for b in ordered] == [bob.pk, bob.pk, alice.pk, alice.pk]
    # the join's row, not every row: bob's CHANGE entry ("3") would rank him last
    backwards = ordered_where(added, "owner_id", "auth.User", "-logentry__object_id",
                              logentry__action_flag=ADDITION)
    assert [b.owner_id for b in backwards] == [alice.pk, alice.pk, bob.pk, bob.pk]
    assert [b.url for b in backwards.filter(url__endswith="2")] == ["a2", "b2"]


@pytest.mark.parametrize(("query", "refused"), [
    (lambda users: users.objects.filter(logentry__change_message="x"),
     "lookup 'logentry__change_message' on auth.User"),  # a column not allowlisted
    (lambda users: users.objects.filter(logentry__content_type__model="group"),
     "lookup 'logentry__content_type__model' on auth.User"),  # a model not allowlisted
    (lambda users: users.objects.filter(user_permissions__codename="x"),
     "lookup 'user_permissions__codename' on auth.User"),  # a many-to-many not allowlisted
    (lambda users: users.objects.filter(logentry__in=[1]),
     "lookup 'logentry__in' on auth.User"),  # the entries' keys, not allowlisted as such
    (lambda users: users.objects.filter(logentry__object_id__regex="1"),
     "lookup 'logentry__object_id__regex' on auth.User"),
    (lambda users: users.objects.order_by("logentry__change_message"),
     "ordering by 'logentry__change_message' on auth.User"),
    (lambda users: users.objects.order_by("logentry__user"),  # follows User's Meta.ordering
     "ordering by 'logentry__user' on auth.User"),
])
def test_a_join_leaving_the_allowlist_is_refused_naming_the_lookup(users, caplog, query,
                                                                   refused):
    with caplog.at_level(logging.ERROR), pytest.raises(BadMonolithAnswer):
        query(users).count()
    assert caplog.records[-1].status == 403 and refused in caplog.records[-1].body


def test_a_q_given_as_a_lookup_value_is_refused(users):
    # filter(pk=Q(password__startswith="a")) would compare the key with that expression
    with pytest.raises(RemoteError, match="only as an argument of filter"):
        users.objects.filter(pk=Q(password__startswith="a")).count()


def test_the_signed_in_user_answers_fields_of_the_monolith_row_the_token_does_not_carry(
        users, settings):
    # pretalx's moved context processor reads request.user.is_administrator
    alice = User.objects.get(username="alice")
    User.objects.filter(pk=alice.pk).update(first_name="Alice")
    user = TokenUser({"sub": str(alice.pk), "username": "alice", "user_model": "auth.User"})
    assert (user.first_name, user.username) == ("Alice", "alice")
    settings.MONOLITH_URL = "http://127.0.0.1:9"  # a monolith that does not answer
    get_client.cache_clear()
    assert not hasattr(TokenUser({"sub": str(alice.pk)}), "first_name")


def test_a_moved_app_guarding_urllib3_against_local_addresses_does_not_cut_the_monolith_off(
        users, monkeypatch):
    # pretalx's common app swaps urllib3's connection class for one refusing private and
    # local addresses (SSRF), where the monolith lives beside its services
    class Guarded(urllib3.connection.HTTPConnection):
        def _new_conn(self):
            raise urllib3.exceptions.NewConnectionError(self, "Request to local address blocked")

    monkeypatch.setattr(urllib3.HTTPConnectionPool, "ConnectionCls", Guarded)
    assert users.objects.count() == 2
