"""Monolith functions called from the service (decompose_remote.functions) through the real
bridge: a QuerySet one returns arrives as its rows, read as an evaluated QuerySet."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import NotSupportedError

from decompose_remote.errors import RemoteError
from decompose_remote.functions import remote_function
from decompose_runtime import codec
from decompose_runtime.evaluated import EvaluatedQuerySet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bridge_knows_orders")]
users_after = remote_function("runtime_test_functions.users_after")


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


@pytest.mark.parametrize(("method", "kind"), [("update", "writes"), ("delete", "writes"),
                                               ("create", "writes"),
                                               ("filter", "would run a new query"),
                                               ("order_by", "would run a new query")])
def test_what_would_write_or_query_again_is_refused(users, method, kind):
    rows = users_after("")
    with pytest.raises(NotSupportedError, match=f"{method}\\(\\) {kind}: these auth.User rows"):
        getattr(rows, method)()
    assert not hasattr(rows, "no_such_method")


def test_a_queryset_over_the_row_cap_is_refused_and_the_call_undone(users, monkeypatch):
    monkeypatch.setattr(codec, "MAX_ROWS", 2)
    with pytest.raises(RemoteError, match=r"more than 2 auth\.User rows cannot be sent"):
        users_after("", join="carol")
    assert not User.objects.filter(username="carol").exists()
    assert [row.username for row in users_after("alice", join="dave")] == ["bob", "dave"]
