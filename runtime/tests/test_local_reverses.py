"""The reverse accessors a moved model's key to a monolith model gave it (taiga's
``request.user.storage_entries``): the service's own rows, filtered on the id column, on the
token's user and on a row read from the monolith alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from runtime_test_pairs.models import Bookmark, Profile

from decompose_remote.auth import TokenUser
from decompose_remote.client import get_client
from decompose_remote.models import RemoteModel, add_to_class
from decompose_remote.testing import ThrowawayKeys

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders")]


@pytest.fixture
def monolith(live_server, settings, service_keys: ThrowawayKeys) -> Iterator[None]:
    settings.MONOLITH_URL = live_server.url
    settings.DECOMPOSE_SERVICE_PRIVATE_KEY = service_keys.service_private
    settings.DECOMPOSE_MONOLITH_RETRIES = 0
    get_client.cache_clear()
    yield
    get_client.cache_clear()


def token_user(pk: int) -> TokenUser:
    return TokenUser({"sub": str(pk), "username": "alice", "user_model": "auth.User"})


def test_the_token_users_rows_are_the_services_with_its_id(mirror):
    Bookmark.objects.create(owner_id=7, url="/mine")
    Bookmark.objects.create(owner_id=8, url="/theirs")
    user = token_user(7)
    assert [b.url for b in user.bookmarks.all()] == ["/mine"]
    assert user.bookmarks.filter(url="/theirs").exists() is False
    created = user.bookmarks.create(url="/new")
    assert created.owner_id == 7
    entry, made = user.bookmarks.get_or_create(url="/mine")
    assert (entry.owner_id, made) == (7, False)
    assert sorted(b.url for b in user.bookmarks.all()) == ["/mine", "/new"]
    assert Bookmark.objects.filter(owner_id=8).count() == 1


def test_a_one_to_one_gives_the_row_or_raises_its_does_not_exist(mirror):
    Profile.objects.create(user_id=7)
    assert token_user(7).profile.user_id == 7
    with pytest.raises(Profile.DoesNotExist):
        token_user(8).profile  # noqa: B018 - the read raises
    assert not hasattr(token_user(8), "profile")


def test_a_one_to_one_is_read_past_the_default_managers_filter(mirror):
    # as Django's reverse one-to-one descriptor reads it: with the base manager
    Profile.objects.create(user_id=9, hidden=True)
    assert token_user(9).profile.hidden is True


def test_a_row_read_from_the_monolith_has_them_too(mirror, monolith):
    alice = User.objects.create(username="alice")
    Bookmark.objects.create(owner_id=alice.pk, url="/mine")
    row = RemoteModel("auth.User").get_by_pk(alice.pk)
    assert row.username == "alice"
    assert [b.url for b in row.bookmarks.all()] == ["/mine"]


def test_other_names_are_still_the_monolith_rows_fields(mirror, monolith):
    alice = User.objects.create(username="alice", first_name="Alice")
    user = token_user(alice.pk)
    assert user.first_name == "Alice"
    with pytest.raises(AttributeError):
        user.storage_entries  # noqa: B018 - no such accessor, no such field


def bookmark_urls(self):
    """Moved code given to the user model (Tandoor's get_active_space): the user's rows of
    the service."""
    return sorted(b.url for b in self.bookmarks.all())


@pytest.fixture
def given_method() -> Iterator[None]:
    add_to_class(User, "bookmark_urls", bookmark_urls)
    yield
    del User.bookmark_urls, RemoteModel("auth.User").row_class.bookmark_urls


def test_a_method_the_moved_code_gives_the_user_model_runs_in_the_service(
        mirror, monolith, given_method):
    # the monolith has no Bookmark: its bridge would not run this; the service runs it on the
    # token's user, on a row read from the monolith, and on its own class as before
    alice = User.objects.create(username="alice")
    Bookmark.objects.create(owner_id=alice.pk, url="/mine")
    assert token_user(alice.pk).bookmark_urls() == ["/mine"]
    assert RemoteModel("auth.User").get_by_pk(alice.pk).bookmark_urls() == ["/mine"]
    assert User.bookmark_urls is bookmark_urls
