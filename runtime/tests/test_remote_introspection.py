"""A FilterSet, a ModelSerializer and a ModelForm built from a model that stays in the monolith
(``Meta.model`` a RemoteModel), for real: ``auth.User`` and ``admin.LogEntry`` rows read through
the bridge that pytest-django's live server runs, their fields as the mirror's DECLARED table
describes them (runtime_test_mirror)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import django_filters
import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

from decompose_remote.drafts import RemoteDraft
from decompose_remote.errors import RemoteError
from decompose_remote.filters import RemoteAwareFilterBackend
from decompose_remote.forms import RemoteModelChoiceField, RemoteModelForm
from decompose_remote.models import RemoteModel

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders", "mirror")]


@pytest.fixture
def entries(users: RemoteModel) -> RemoteModel:
    """Two log entries of alice's and one of bob's, in the monolith."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import User

    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    LogEntry.objects.bulk_create([
        LogEntry(user=alice, object_repr="first", action_flag=1),
        LogEntry(user=alice, object_repr="second", action_flag=2),
        LogEntry(user=bob, object_repr="third", action_flag=3)])
    return RemoteModel("admin.LogEntry")


def test_a_remote_models_meta_holds_the_fields_the_bridge_serves():
    meta = RemoteModel("admin.LogEntry")._meta
    from django.contrib.contenttypes.models import ContentType

    assert [f.name for f in meta.fields] == ["id", "user", "content_type", "object_repr",
                                             "action_flag"]
    assert meta.pk is meta.get_field("id") and isinstance(meta.pk, models.AutoField)
    key = meta.get_field("user_id")
    assert key is meta.get_field("user") and key.attname == "user_id"
    assert key.remote_field.model is RemoteModel("auth.User") and key.model is meta.model
    assert key.target_field is RemoteModel("auth.User")._meta.pk
    local = meta.get_field("content_type")
    assert local.remote_field.model is ContentType and type(local) is models.ForeignKey
    assert RemoteModel("auth.User")._meta.get_field("username").max_length == 150
    assert meta.get_field("action_flag").choices == [(1, "Addition"), (2, "Change"),
                                                     (3, "Deletion")]
    with pytest.raises(FieldDoesNotExist, match="LogEntry has no field named 'change_message'"):
        meta.get_field("change_message")  # not allowlisted
    assert (meta.abstract, meta.many_to_many, meta.related_objects) == (False, (), ())
    undeclared = RemoteModel("catalog.Product")._meta  # in FIELDS, not in DECLARED
    assert undeclared.fields == (undeclared.pk,) and undeclared.pk is undeclared.pk
    # Like a Django manager, true without a query (no monolith answers here)
    assert key.remote_field.model._default_manager and not meta.default_manager.none()


def test_a_model_on_django_rules_names_its_permissions_as_django_rules_does():
    """pretalx's API: ``view.queryset.model.get_perm("list")``, asked of no monolith."""
    assert RemoteModel("catalog.Product").get_perm("list") == "catalog.list_product"
    assert not hasattr(RemoteModel("auth.User"), "get_perm")  # not built on django-rules


def test_a_filterset_of_a_remote_model_filters_through_the_bridge(entries: RemoteModel):
    from django.contrib.auth.models import User

    class EntryFilter(django_filters.FilterSet):  # built once the mirror is this test's
        class Meta:
            model = RemoteModel("admin.LogEntry")
            fields = {"user": ["exact"], "object_repr": ["exact", "startswith"],
                      "action_flag": ["exact"]}

    alice = User.objects.get(username="alice")
    assert isinstance(EntryFilter.base_filters["user"], django_filters.ModelChoiceFilter)
    assert isinstance(EntryFilter.base_filters["action_flag"], django_filters.ChoiceFilter)
    assert sorted(str(e.object_repr) for e in EntryFilter({"user": alice.pk}).qs) == [
        "first", "second"]
    assert [e.object_repr for e in EntryFilter({"object_repr__startswith": "th"}).qs] == [
        "third"]
    unknown = EntryFilter({"user": 999})
    assert not unknown.is_valid() and "user" in unknown.errors


def test_the_filter_backend_builds_filterset_fields_of_a_remote_model(entries: RemoteModel):
    """pretalx's views name ``filterset_fields`` of a queryset of the monolith's rows."""
    rows = entries.objects.all()
    view = SimpleNamespace(filterset_fields=["object_repr", "action_flag"])
    filterset = RemoteAwareFilterBackend().get_filterset_class(view, rows)
    assert [e.object_repr for e in filterset({"action_flag": 2}, queryset=rows).qs] == [
        "second"]


class EntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RemoteModel("admin.LogEntry")
        fields = ["id", "user", "object_repr", "action_flag"]


class UserSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RemoteModel("auth.User")
        fields = "__all__"


def test_a_model_serializer_of_a_remote_model_renders_its_rows(entries: RemoteModel):
    from django.contrib.admin.models import LogEntry

    rows = entries.objects.filter(object_repr__in=["first", "third"]).order_by("object_repr")
    expected = [{"id": e.pk, "user": e.user_id, "object_repr": e.object_repr,
                 "action_flag": e.action_flag}
                for e in LogEntry.objects.filter(object_repr__in=["first", "third"])
                .order_by("object_repr")]
    assert EntrySerializer(rows, many=True).data == expected
    assert list(UserSerializer().fields) == ["id", "username", "first_name", "groups"]


def test_a_model_serializer_of_a_remote_model_validates_and_refuses_to_save(
        users: RemoteModel):
    taken = UserSerializer(data={"username": "alice"})
    assert not taken.is_valid()
    # DRF's message (the monolith's own error_messages are not mirrored)
    assert taken.errors["username"] == ["user with this username already exists."]
    new = UserSerializer(data={"username": "carol"})
    assert new.is_valid(), new.errors
    with pytest.raises(RemoteError, match=r"auth\.User rows are read-only in this service"):
        new.save()


def entry_form() -> Any:
    class EntryForm(forms.ModelForm):  # type: ignore[type-arg]  # Django's own
        class Meta:
            model = RemoteModel("admin.LogEntry")
            fields = ["user", "object_repr", "action_flag"]

    return EntryForm


def user_form() -> Any:
    class UserForm(RemoteModelForm):  # edits rows given as instance
        class Meta:
            model = RemoteModel("auth.User")
            fields = ["username", "first_name"]

    return UserForm


def test_a_model_form_of_a_remote_model_renders_and_validates(entries: RemoteModel):
    from django.contrib.auth.models import User

    EntryForm = entry_form()

    alice = User.objects.get(username="alice")
    form = EntryForm()
    assert isinstance(form.instance, RemoteDraft)
    assert isinstance(form.fields["user"], RemoteModelChoiceField)
    html = form.as_p()
    assert f'<option value="{alice.pk}">alice</option>' in html
    assert '<option value="3">Deletion</option>' in html
    assert not EntryForm({"user": 999, "object_repr": "x", "action_flag": 1}).is_valid()
    wrong = EntryForm({"user": alice.pk, "object_repr": "x" * 201, "action_flag": 4})
    assert not wrong.is_valid() and set(wrong.errors) == {"object_repr", "action_flag"}
    valid = EntryForm({"user": alice.pk, "object_repr": "x", "action_flag": 1})
    assert valid.is_valid(), valid.errors
    assert valid.instance.user_id == alice.pk and valid.instance.user.username == "alice"
    with pytest.raises(RemoteError, match=r"admin\.LogEntry rows are read-only"):
        valid.save()


def test_a_model_form_edits_a_remote_row_as_a_draft(users: RemoteModel):
    UserForm = user_form()
    bob = users.objects.get(username="bob")
    form = UserForm(instance=bob)
    assert form.initial == {"username": "bob", "first_name": ""}
    taken = UserForm({"username": "alice"}, instance=bob)
    assert not taken.is_valid()
    assert taken.errors["username"] == ["User with this Username already exists."]
    same = UserForm({"username": "bob", "first_name": "Bob"}, instance=bob)
    assert same.is_valid(), same.errors  # its own row is no other user
    assert same.instance.first_name == "Bob" and bob.first_name == ""
