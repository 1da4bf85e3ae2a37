"""Monolith rows seen from the service (decompose_remote.models), read through the bridge
(decompose_bridge.views) for real: pytest-django's live server runs the bridge, the service's
own client calls it, and the rows are the test database's users."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import urllib3
import urllib3.connection
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from decompose_remote.auth import TokenUser
from decompose_remote.client import get_client
from decompose_remote.errors import BadMonolithAnswer
from decompose_remote.models import RemoteGenericRelation, RemoteModel, model_getter
from decompose_remote.testing import ThrowawayKeys

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bridge_knows_orders")]


@pytest.fixture
def users(live_server, settings, service_keys: ThrowawayKeys) -> Iterator[RemoteModel]:
    """``auth.User`` as moved code sees it, with the bridge at the live server."""
    settings.MONOLITH_URL = live_server.url
    settings.DECOMPOSE_SERVICE_PRIVATE_KEY = service_keys.service_private
    settings.DECOMPOSE_MONOLITH_RETRIES = 0
    get_client.cache_clear()
    User.objects.bulk_create([User(username="alice"), User(username="bob")])
    yield RemoteModel("auth.User")
    get_client.cache_clear()


def test_a_query_runs_in_the_monolith_and_answers_allowlisted_fields(users):
    alice = users.objects.get(username="alice")
    assert (alice.pk, alice.username) == (User.objects.get(username="alice").pk, "alice")
    assert [row.username for row in users.objects.filter(username__startswith="b")] == ["bob"]
    assert users.objects.count() == 2


def test_its_rows_and_the_token_user_of_its_model_are_instances(users):
    # taiga's notifications services: isinstance(user_or_id, get_user_model())
    alice = users.objects.get(username="alice")
    assert isinstance(alice, users) and not isinstance(alice, RemoteModel("auth.Group"))
    assert isinstance(TokenUser({"sub": "7", "user_model": "auth.user"}), users)
    assert not isinstance(TokenUser({"sub": "7", "user_model": "users.User"}), users)
    assert not isinstance(alice.pk, users)


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
