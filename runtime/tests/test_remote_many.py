"""A many-to-many to a monolith model (decompose_remote.many), for real: the pairs in the test
database's through table, the rows they name read through the bridge that pytest-django's live
server runs (the monolith's ``auth.User`` here)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from rest_framework import serializers
from runtime_test_pairs.models import Watchlist, Watchlist_users

from decompose_remote.client import get_client
from decompose_remote.filters import RemoteAwareFilterBackend
from decompose_remote.models import RemoteModel, RemoteObject
from decompose_remote.serializers import IdColumnModelSerializer, IdColumnPrimaryKeyField
from decompose_remote.testing import ThrowawayKeys

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders")]


@pytest.fixture
def people(live_server, settings, service_keys: ThrowawayKeys) -> Iterator[dict[str, int]]:
    settings.MONOLITH_URL = live_server.url
    settings.DECOMPOSE_SERVICE_PRIVATE_KEY = service_keys.service_private
    settings.DECOMPOSE_MONOLITH_RETRIES = 0
    get_client.cache_clear()
    # create(), not bulk_create(): Django below 4.0 sets no primary keys from a SQLite bulk insert
    users = [User.objects.create(username=n) for n in ("alice", "bob", "carol")]
    yield {user.username: user.pk for user in users}
    get_client.cache_clear()


def names(watchlist: Watchlist) -> list[str]:
    return sorted(row.username for row in watchlist.users.all())


def test_pairs_are_added_listed_removed_and_cleared(people):
    watchlist = Watchlist.objects.create(name="release")
    alice = RemoteModel("auth.User").get_by_pk(people["alice"])
    watchlist.users.add(alice, people["bob"], str(people["bob"]))  # a row or its id; twice
    # (even spelt as text) is once
    assert names(watchlist) == ["alice", "bob"]
    assert (watchlist.users.count(), watchlist.users.exists()) == (2, True)
    assert sorted(watchlist.users.values_list("pk", flat=True)) == sorted(
        [people["alice"], people["bob"]])
    assert [row.username for row in watchlist.users.filter(username__startswith="b")] == ["bob"]
    watchlist.users.remove(alice)
    assert names(watchlist) == ["bob"]
    watchlist.users.set([people["carol"], people["bob"]])
    assert names(watchlist) == ["bob", "carol"]
    watchlist.users.clear()
    assert (names(watchlist), watchlist.users.exists()) == ([], False)
    assert Watchlist_users.objects.count() == 0


def test_rows_are_found_through_their_pairs_in_the_services_own_tables(people):
    release, backlog = (Watchlist.objects.create(name=n) for n in ("release", "backlog"))
    release.users.add(people["alice"])
    backlog.users.add(people["bob"])
    assert list(Watchlist.objects.filter(users_pairs__user_id=people["bob"])) == [backlog]


def test_a_row_of_another_model_is_refused(people):
    watchlist = Watchlist.objects.create(name="release")
    group = RemoteObject(RemoteModel("auth.Group"), 1, {}, {}, "staff")
    with pytest.raises(TypeError, match=r"'auth\.User' instance expected"):
        watchlist.users.add(group)
    assert not watchlist.users.exists()


class WatchlistSerializer(IdColumnModelSerializer):
    users = IdColumnPrimaryKeyField(many=True, queryset=RemoteModel("auth.User").objects.all())

    class Meta:
        model = Watchlist
        fields = ["id", "name", "users"]


def test_a_serializer_writes_and_renders_the_pairs(people):
    created = WatchlistSerializer(data={"name": "release",
                                        "users": [people["alice"], people["carol"]]})
    assert created.is_valid(), created.errors
    watchlist = created.save()
    assert names(watchlist) == ["alice", "carol"]
    updated = WatchlistSerializer(watchlist, data={"name": "release", "users": [people["bob"]]})
    assert updated.is_valid(), updated.errors
    updated.save()
    assert WatchlistSerializer(watchlist).data == {"id": watchlist.pk, "name": "release",
                                                   "users": [people["bob"]]}
    unknown = WatchlistSerializer(data={"name": "x", "users": [999_999]})
    assert not unknown.is_valid()
    assert "users" in unknown.errors


class UserNameSerializer(serializers.Serializer):
    username = serializers.CharField()


def test_a_nested_serializer_renders_the_rows_the_pairs_name(people):
    # Tandoor's UserSpaceSerializer: groups = GroupSerializer(many=True)
    watchlist = Watchlist.objects.create(name="release")
    watchlist.users.add(people["alice"], people["bob"])
    rendered = UserNameSerializer(watchlist.users, many=True).data
    assert sorted(row["username"] for row in rendered) == ["alice", "bob"]


def test_filterset_fields_naming_the_relation_filter_on_the_pairs(people):
    release, backlog = (Watchlist.objects.create(name=n) for n in ("release", "backlog"))
    release.users.add(people["alice"], people["bob"])
    backlog.users.add(people["carol"])
    view = SimpleNamespace(filterset_fields=["users"])
    backend = RemoteAwareFilterBackend()
    filterset = backend.get_filterset_class(view, Watchlist.objects.all())
    found = filterset({"users": str(people["carol"])}, Watchlist.objects.all())
    assert list(found.qs) == [backlog]
    refused = filterset({"users": "999999"}, Watchlist.objects.all())
    assert not refused.is_valid()
