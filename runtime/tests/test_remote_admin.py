"""The service's admin logs its changes to its JSON log, never to the monolith's LogEntry table,
whichever hook the running Django calls (``log_deletion`` per row before 5.1, then
``log_deletions``)."""

from __future__ import annotations

import logging

import pytest
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from decompose_remote.admin import ServiceAdminSite

pytestmark = pytest.mark.django_db


def test_a_bulk_delete_is_a_log_line_and_no_log_entry(caplog):
    site = ServiceAdminSite()
    site.register(Group)
    request = RequestFactory().post("/admin/auth/group/", {"post": "yes"})
    request.user = User.objects.create_superuser("staff", "staff@shop.example", "pw")
    request._messages = CookieStorage(request)
    Group.objects.bulk_create([Group(name="buyers"), Group(name="sellers")])
    with caplog.at_level(logging.INFO, logger="decompose_remote.admin"):
        delete_selected(site._registry[Group], request, Group.objects.all())
    assert not Group.objects.exists() and not LogEntry.objects.exists()
    assert sorted((r.admin_action, r.object_repr) for r in caplog.records) == [
        ("deletion", "buyers"), ("deletion", "sellers")]
