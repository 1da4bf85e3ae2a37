"""Monolith functions called from the service (decompose_remote.functions) through the real
bridge: a QuerySet one returns arrives as its rows, read as an evaluated QuerySet whose
refinements run as a query of those rows (the monolith's, through the bridge, for a model the
service mirrors; a moved model's locally); an AnonymousUser crosses as one."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import NotSupportedError
from django.db.models import QuerySet
from runtime_test_pairs.models import Bookmark

from decompose_remote import models as remote_models
from decompose_remote.errors import BadMonolithAnswer, RemoteError
from decompose_remote.functions import remote_function
from decompose_remote.models import RemoteQuerySet
from decompose_runtime import codec
from decompose_runtime.evaluated import EvaluatedQuerySet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bridge_knows_orders")]
users_after = remote_function("runtime_test_functions.users_after")
user_values = remote_function("runtime_test_functions.user_values")
bookmarks_of = remote_function("runtime_test_functions.bookmarks_of")
who = remote_function("runtime_test_functions.who")
ordered_usernames = remote_function("runtime_test_functions.ordered_usernames")


def test_a_returned_queryset_reads_as_an_evaluated_one(users):
    # taiga's wiki: get_history_queryset_by_model_instance(obj).count()
    rows = users_after("")
    assert isinstance(rows, EvaluatedQuerySet) and rows.label == "auth.User"
    assert (rows.count(), len(rows), rows.exists(), bool(rows)) == (2, 2, True, True)
    assert [row.username for row in rows] == ["alice", "bob"]  # the function's order
    assert (rows.first().username, rows.last().username, rows[1].username) == (
        "alice", "bob", "bob")
    assert isinstance(rows[1:], EvaluatedQuerySet)
    assert [row.username for row in rows[1:]] == ["bob"]
    assert [row.username for row in rows.all()] == ["alice", "bob"]
    assert rows.first().pk == User.objects.get(username="alice").pk


def test_an_empty_returned_queryset_answers_as_an_empty_one(users):
    rows = users_after("bob")
    assert (rows.count(), rows.exists(), rows.first(), rows.last(), list(rows)) == (
        0, False, None, None, [])


@pytest.mark.usefixtures("mirror")
def test_a_query_built_on_the_rows_of_a_mirrored_model_asks_the_monolith_for_them(users,
                                                                                 caplog):
    # pretalx's api: events_for_user(user).filter(...).order_by("-date_from")
    rows = users_after("")
    User.objects.create(username="carol")  # the function's query matches it now; its rows not
    ordered = rows.order_by("-username")
    assert isinstance(ordered, RemoteQuerySet) and ordered.model is users
    assert [row.username for row in ordered] == ["bob", "alice"]
    assert [row.username for row in ordered[:1]] == ["bob"]  # a page
    assert (rows.distinct().count(), rows.exclude(username="alice").count()) == (2, 1)
    assert rows.get(username="bob") == rows[1]
    with pytest.raises(users.DoesNotExist):
        rows.get(username="carol")
    # the bridge's allowlist decides, as for any query of the model (a field the rows carry
    # is read from them: test_remote_models)
    with caplog.at_level(logging.ERROR), pytest.raises(BadMonolithAnswer):
        list(rows.values_list("first_name", flat=True))
    assert "auth.User.objects.values_list() is not in the bridge allowlist" in (
        caplog.records[-1].body)


@pytest.mark.usefixtures("mirror")
def test_filter_and_exclude_keep_the_rows_they_match_in_the_rows_order(users):
    rows = users_after("", order="-username")
    kept = rows.filter(username__in=["alice", "bob", "carol"])
    assert isinstance(kept, EvaluatedQuerySet)
    assert [row.username for row in kept] == ["bob", "alice"]  # not the model's order
    assert kept[0] == rows[0]
    assert [row.username for row in rows.exclude(username="bob")] == ["alice"]
    assert [row.username for row in kept.filter(username="alice").order_by("username")] == [
        "alice"]
    assert list(users_after("bob").filter(username="bob")) == []


@pytest.mark.usefixtures("mirror")
@pytest.mark.parametrize("method", ["select_related", "prefetch_related", "only", "defer",
                                    "using"])
def test_what_only_changes_how_rows_are_fetched_answers_the_same_rows(users, method):
    rows = users_after("")
    assert getattr(rows, method)("username") is rows


def test_a_returned_queryset_passed_back_is_a_queryset_of_its_rows_in_the_monolith(users):
    # pretalx's api: speakers_for_user(..., submissions=submissions_for_user(...)), which
    # orders them and matches against them
    rows = users_after("", order="-username")
    User.objects.create(username="carol")  # matched by the function's query now, not a row
    assert ordered_usernames(rows, "username") == (["alice", "bob"], 2)
    assert ordered_usernames(rows[1:], "-username") == (["alice"], 1)


def test_a_query_built_on_the_rows_of_a_moved_model_runs_locally(users):
    Bookmark.objects.bulk_create([Bookmark(owner_id=1, url="b"), Bookmark(owner_id=1, url="a"),
                                  Bookmark(owner_id=2, url="c")])
    rows = bookmarks_of(1)
    assert [row.pk for row in rows] == [Bookmark.objects.get(url=url).pk for url in "ab"]
    Bookmark.objects.create(owner_id=1, url="0")
    ordered = rows.order_by("-url")
    assert isinstance(ordered, QuerySet) and ordered.model is Bookmark
    assert [bookmark.url for bookmark in ordered] == ["b", "a"]
    assert [bookmark.url for bookmark in rows.filter(url="b")] == ["b"]


@pytest.mark.usefixtures("mirror")
@pytest.mark.parametrize(("method", "kind"), [("update", "writes"), ("delete", "writes"),
                                               ("create", "writes"),
                                               ("bulk_create", "writes")])
def test_writes_are_refused(users, method, kind):
    rows = users_after("")
    with pytest.raises(NotSupportedError, match=f"{method}\\(\\) {kind}: these auth.User rows"):
        getattr(rows, method)()
    assert not hasattr(rows, "no_such_method")
    assert User.objects.count() == 2


@pytest.mark.parametrize("method", ["filter", "order_by", "values_list"])
def test_a_query_on_rows_of_a_model_the_service_does_not_know_is_refused(method):
    # catalog.Product: neither mirrored here (no mirror fixture) nor installed
    rows = remote_models.decode({"$queryset": {"model": "catalog.Product", "rows": [
        {"$model": "catalog.Product", "pk": 1}]}})
    assert rows.count() == 1
    with pytest.raises(NotSupportedError, match=f"{method}\\(\\) would run a new query: "
                       "these catalog.Product rows"):
        getattr(rows, method)()


@pytest.mark.usefixtures("mirror")
def test_a_query_on_rows_that_are_no_model_rows_is_refused(users):
    rows = user_values()  # a values() queryset: dicts
    assert list(rows) == [{"username": "alice"}, {"username": "bob"}]
    with pytest.raises(NotSupportedError, match=r"filter\(\) would run a new query"):
        rows.filter(username="bob")


def test_an_anonymous_user_crosses_the_bridge_both_ways(users):
    # pretalx's events_for_user(request.user) for a visitor
    kind, anonymous, user = who(AnonymousUser())
    assert (kind, anonymous, type(user)) == ("AnonymousUser", True, AnonymousUser)


def test_a_queryset_over_the_row_cap_is_refused_and_the_call_undone(users, monkeypatch):
    monkeypatch.setattr(codec, "MAX_ROWS", 2)
    with pytest.raises(RemoteError, match=r"more than 2 auth\.User rows cannot be sent"):
        users_after("", join="carol")
    assert not User.objects.filter(username="carol").exists()
    assert [row.username for row in users_after("alice", join="dave")] == ["bob", "dave"]
