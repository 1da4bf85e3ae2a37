"""``request.user.has_perm`` in the service answers as the monolith would: the token's
permissions on the moved apps, the monolith's authentication backends for the rest (its
permission tables; object permissions such as django-rules' predicates, here an owner
backend), asked through the live server's bridge once per request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django_scopes import scopes_disabled
from runtime_test_scoped.models import Note

from decompose_remote.auth import TokenUser
from decompose_remote.models import RemoteModel

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders")]


@pytest.fixture
def alice(users: RemoteModel, gateway) -> TokenUser:
    """alice as the service sees her: signed in to the monolith, not a superuser, allowed
    to view users by the monolith's permission tables."""
    user = User.objects.get(username="alice")
    user.user_permissions.add(Permission.objects.get(codename="view_user"))
    browser = Client()
    browser.force_login(user)
    seen, _ = gateway(Cookie=f"sessionid={browser.cookies['sessionid'].value}")
    return seen


def test_a_permission_of_an_app_that_stays_is_the_monoliths(alice: TokenUser):
    assert alice.permissions == frozenset()  # the token lists the moved apps' only
    assert alice.has_perm("auth.view_user") is True
    assert alice.has_perm("auth.delete_user") is False
    assert alice.has_perm("orders.view_order") is False  # a moved app's: the token's answer


def test_an_object_permission_on_a_monolith_row_is_the_monoliths(alice: TokenUser):
    owners = {name: User.objects.get(username=name) for name in ("alice", "bob")}
    with scopes_disabled():
        notes = {name: Note.objects.create(owner=owner, text=name)
                 for name, owner in owners.items()}
    remote = RemoteModel("runtime_test_scoped.Note")
    mine, theirs = (remote.get_by_pk(notes[name].pk) for name in ("alice", "bob"))
    assert alice.has_perm("runtime_test_scoped.edit_note", mine) is True
    assert alice.has_perm("runtime_test_scoped.edit_note", theirs) is False
    # Django's ModelBackend grants no table permission on a single row: neither does this
    assert alice.has_perms(["runtime_test_scoped.edit_note", "auth.view_user"], mine) is False


def test_a_token_without_its_apps_answers_from_its_list_alone(settings):
    """A test's token (or an older bridge's): no call, no monolith needed."""
    settings.MONOLITH_URL = ""
    tester = TokenUser({"sub": "1", "perms": ["orders.view_order"]})
    assert tester.has_perm("orders.view_order") is True
    assert tester.has_perm("auth.view_user") is False
