"""A monolith on django-scopes (pretalx, pretix): the service's code opens the scope, as the
monolith's middleware does, and the bridge runs the service's queries and calls in it. The
bridge is pytest-django's live server, whose thread is in no scope of its own."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from decompose_remote.errors import BadMonolithAnswer, RemoteError
from decompose_remote.functions import remote_function
from decompose_remote.models import RemoteModel

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders")]
note_texts = remote_function("runtime_test_functions.note_texts")


@pytest.fixture
def notes(users: RemoteModel) -> RemoteModel:
    """Two notes of alice's and one of bob's, in the monolith."""
    from django.contrib.auth.models import User
    from runtime_test_scoped.models import Note

    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    for owner, text in ((alice, "a1"), (alice, "a2"), (bob, "b1")):
        Note.objects.create(owner=owner, text=text)  # create needs no scope
    return RemoteModel("runtime_test_scoped.Note")


def test_a_query_runs_in_the_scope_the_service_is_in(notes, users):
    alice = users.objects.get(username="alice")
    with scope(user=alice):
        assert [note.text for note in notes.objects.order_by("text")] == ["a1", "a2"]
        assert notes.objects.filter(text="b1").exists() is False
    with scope(user=[alice, users.objects.get(username="bob")]):
        assert notes.objects.count() == 3
    with scopes_disabled():
        assert sorted(note.text for note in notes.objects.all()) == ["a1", "a2", "b1"]


def test_a_function_runs_in_the_scope_the_service_is_in(notes, users):
    with scope(user=users.objects.get(username="bob")):
        assert note_texts() == ["b1"]


def test_outside_any_scope_the_monolith_refuses_as_it_would_its_own_code(notes):
    with pytest.raises(RemoteError, match=r"A scope on dimension\(s\) user needs to be active"):
        notes.objects.count()
    with pytest.raises(RemoteError, match="needs to be active"):
        note_texts()


def test_a_scope_naming_a_row_that_does_not_exist_is_refused(notes, users, caplog):
    ghost = users.row_class(users, 999, {}, {}, "ghost")
    with scope(user=ghost), pytest.raises(BadMonolithAnswer):
        note_texts()
    refused = [r for r in caplog.records if r.getMessage() == "monolith refused a bridge call"]
    assert [(r.status, r.body) for r in refused] == [  # type: ignore[attr-defined]
        (400, '{"detail": "malformed scope: User matching query does not exist."}')]
