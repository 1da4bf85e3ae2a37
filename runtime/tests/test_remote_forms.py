"""A ModelForm of a moved model naming a foreign key that became an id column, or a
many-to-many kept as pairs (decompose_remote.forms), for real: the choices are the monolith's
``auth.User`` rows read through the bridge that pytest-django's live server runs, and the form
renders, validates and saves as Django's own ModelForm does for a ``ForeignKey`` (a
``ManyToManyField``)."""

from __future__ import annotations

import pytest
from django import forms
from runtime_test_pairs.models import Bookmark, Watchlist, Watchlist_users

from decompose_remote.auth import TokenUser
from decompose_remote.forms import (
    RemoteModelChoiceField,
    RemoteModelForm,
    RemoteModelMultipleChoiceField,
)
from decompose_remote.models import RemoteModel

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders")]


class BookmarkForm(RemoteModelForm):
    class Meta:
        model = Bookmark
        fields = ["owner", "url"]
        labels = {"owner": "Who"}


class AllBookmarkForm(RemoteModelForm):
    class Meta:
        model = Bookmark
        fields = "__all__"
        widgets = {"owner": forms.RadioSelect}


class UrlOnlyForm(BookmarkForm):
    class Meta(BookmarkForm.Meta):
        fields = ["url"]


class OwnerNumberForm(RemoteModelForm):
    owner = forms.IntegerField()  # the form's own field for the key, as Django allows

    class Meta:
        model = Bookmark
        fields = ["owner", "url"]


def test_the_key_keeps_its_name_and_place_as_a_choice_of_the_monolith_rows():
    assert list(BookmarkForm.base_fields) == ["owner", "url"]
    assert list(AllBookmarkForm.base_fields) == ["owner", "url"]  # not owner_id
    assert list(UrlOnlyForm.base_fields) == ["url"]  # a subclass's Meta decides again
    field = BookmarkForm.base_fields["owner"]
    assert isinstance(field, RemoteModelChoiceField)
    assert (field.label, field.required) == ("Who", True)
    assert isinstance(AllBookmarkForm.base_fields["owner"].widget, forms.RadioSelect)


def test_the_select_lists_the_rows_valued_by_key_and_labelled_by_str(users):
    alice, bob = (users.objects.get(username=name) for name in ("alice", "bob"))
    form = BookmarkForm(instance=Bookmark(owner_id=bob.pk, url="https://b.example"))
    assert form["owner"].value() == bob.pk
    assert str(form["owner"]) == (
        '<select name="owner" required id="id_owner">\n'
        '  <option value="">---------</option>\n\n'
        f'  <option value="{alice.pk}">alice</option>\n\n'
        f'  <option value="{bob.pk}" selected>bob</option>\n\n'
        '</select>')
    # what templates loop over: the rows themselves
    assert [row.username for row in form["owner"].field.queryset] == ["alice", "bob"]


def test_a_posted_key_is_cleaned_to_the_row_and_saved_into_the_column(users):
    bob = users.objects.get(username="bob")
    form = BookmarkForm({"owner": str(bob.pk), "url": "https://b.example"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner"] == bob
    bookmark = form.save()
    assert Bookmark.objects.get(pk=bookmark.pk).owner_id == bob.pk
    changed = BookmarkForm({"owner": "", "url": "https://c.example"}, instance=bookmark)
    assert changed.has_changed() and not changed.is_valid()
    assert changed.errors == {"owner": ["This field is required."]}


def test_a_key_the_monolith_lacks_or_cannot_read_is_an_invalid_choice(users):
    for posted in ("999", "abc"):
        form = BookmarkForm({"owner": posted, "url": "https://b.example"})
        assert form.errors == {"owner": ["Select a valid choice. That choice is not one of "
                                         "the available choices."]}, posted


def test_a_narrowed_queryset_is_what_the_monolith_checks(users):
    alice = users.objects.get(username="alice")
    form = BookmarkForm({"owner": str(alice.pk), "url": "https://a.example"})
    form.fields["owner"].queryset = RemoteModel("auth.User").objects.filter(username="bob")
    assert not form.is_valid()
    assert [label for _, label in form.fields["owner"].choices] == ["---------", "bob"]


def test_a_row_or_the_tokens_user_given_as_initial_selects_its_key(users):
    alice, bob = (users.objects.get(username=name) for name in ("alice", "bob"))
    form = BookmarkForm(initial={"owner": bob})
    assert form["owner"].value() == bob.pk
    assert f'<option value="{bob.pk}" selected>bob</option>' in str(form["owner"])
    # Kiwi's New view: initial={"reporter": request.user}
    me = TokenUser({"sub": str(alice.pk), "username": "alice", "user_model": "auth.User"})
    assert BookmarkForm(initial={"owner": me})["owner"].value() == alice.pk


def test_a_field_the_form_declares_for_the_key_is_kept_read_and_saved_into_the_column():
    assert type(OwnerNumberForm.base_fields["owner"]) is forms.IntegerField
    assert OwnerNumberForm(instance=Bookmark(owner_id=5))["owner"].value() == 5
    form = OwnerNumberForm({"owner": "7", "url": "https://b.example"})
    assert form.is_valid(), form.errors
    assert form.save(commit=False).owner_id == 7


class WatchlistForm(RemoteModelForm):
    class Meta:
        model = Watchlist
        fields = "__all__"


def test_a_many_to_many_is_a_multiple_choice_of_the_rows_initial_from_the_pairs(users):
    alice, bob = (users.objects.get(username=name) for name in ("alice", "bob"))
    assert list(WatchlistForm.base_fields) == ["name", "users"]
    assert isinstance(WatchlistForm.base_fields["users"], RemoteModelMultipleChoiceField)
    assert WatchlistForm.base_fields["users"].required  # the field had no blank=True
    watchlist = Watchlist.objects.create(name="release")
    watchlist.users.add(bob)
    form = WatchlistForm(instance=watchlist)
    assert form["users"].value() == [bob.pk]
    assert str(form["users"]) == (
        '<select name="users" required id="id_users" multiple>\n'
        f'  <option value="{alice.pk}">alice</option>\n\n'
        f'  <option value="{bob.pk}" selected>bob</option>\n\n'
        '</select>')


def test_the_posted_keys_are_checked_and_saved_as_pairs(users):
    alice, bob = (users.objects.get(username=name) for name in ("alice", "bob"))
    watchlist = Watchlist.objects.create(name="release")
    watchlist.users.add(bob)
    form = WatchlistForm({"name": "release", "users": [str(alice.pk)]}, instance=watchlist)
    assert form.is_valid(), form.errors
    form.save()
    assert list(Watchlist_users.objects.values_list("user_id", flat=True)) == [alice.pk]
    for posted, message in ((["abc"], "“abc” is not a valid value."),
                            (["999"], "Select a valid choice. 999 is not one of the available "
                                      "choices.")):
        form = WatchlistForm({"name": "release", "users": posted}, instance=watchlist)
        assert form.errors == {"users": [message]}, posted
