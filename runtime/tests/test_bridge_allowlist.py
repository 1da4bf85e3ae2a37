"""The bridge reads its per-monolith data from the generated module a setting names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from decompose_bridge import allowlist, conf


def test_the_generated_module_is_what_the_bridge_allows():
    assert allowlist.functions() == frozenset({
        f"runtime_test_functions.{name}" for name in (
            "total", "users_after", "note_texts", "user_values", "bookmarks_of", "who",
            "conferences", "conference_name", "ordered_usernames")})
    assert set(allowlist.models()) == {"auth.User", "auth.Group", "admin.LogEntry",
                                       "runtime_test_scoped.Note", "runtime_test_tokens.ApiKey",
                                       "runtime_test_tokens.KeyUsage",
                                       "runtime_test_i18n.Conference"}
    assert conf.services() == ["orders"] and conf.service_app_labels() == frozenset({"orders"})


def test_settings_win_over_the_generated_services(settings):
    settings.DECOMPOSE_SERVICES = "reviews, orders"
    assert conf.services() == ["orders", "reviews"]


def test_a_missing_module_is_named_in_the_error(settings):
    settings.DECOMPOSE_BRIDGE_ALLOWLIST = "no_such_allowlist"
    with pytest.raises(ImproperlyConfigured, match="'no_such_allowlist' cannot be imported"):
        allowlist.functions()
