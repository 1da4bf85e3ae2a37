"""Start-up contributions of well-known packages (analyzer/startup.py), one fixture each:
exact static results, and the same as Django's registry with the packages installed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from tests.support.corpora import STARTUP_PACKAGES, ensure_installed, site_paths
from tests.support.django_registry import django_registry

from .conftest import FIXTURES, relations

HISTORY = FIXTURES / "startup_history"
ACTSTREAM = FIXTURES / "startup_actstream"
HIERARKEY = FIXTURES / "startup_hierarkey"


def test_simple_history_adds_a_historical_model_with_its_keys(tmp_path: Path) -> None:
    graph = build_graph(HISTORY, cache_dir=tmp_path)
    history = graph.model("library.HistoricalBook")
    assert history is not None and history.db_table == "library_historicalbook"
    assert [f.name for f in history.fields] == [
        "history_id", "id", "title", "author", "editor", "history_date",
        "history_change_reason", "history_type", "history_user"]
    assert {r for r in relations(graph) if "Historical" in r[0] or "Log" in r[0]} == {
        ("library.HistoricalBook", "author", "library.Author"),
        ("library.HistoricalBook", "editor", "auth.User"),
        ("library.HistoricalBook", "history_user", "auth.User"),
        ("library.HistoricalLoan", "book", "library.Book"),
        ("library.HistoricalLoan", "history_user", "auth.User"),
        ("library.ShelfLog", "curator", "library.Author"),
        ("library.ShelfLog", "history_user", "auth.User")}


def test_activity_stream_registration_in_ready_adds_generic_relations(tmp_path: Path) -> None:
    graph = build_graph(ACTSTREAM, cache_dir=tmp_path)
    assert relations(graph) == {
        ("forum.Reply", "topic", "forum.Topic"),
        *((label, f"{role}_actions", "actstream.Action") for label in ("forum.Topic",
          "forum.Reply") for role in ("actor", "target", "action_object"))}


def test_hierarkey_decorators_add_settings_stores(tmp_path: Path) -> None:
    graph = build_graph(HIERARKEY, cache_dir=tmp_path)
    assert sorted(m.label for m in graph.models) == [
        "events.Event", "events.Event_ConfigStore", "events.GlobalConfig_ConfigStore",
        "events.Venue"]
    assert relations(graph) == {("events.Event_ConfigStore", "object", "events.Event"),
                                ("events.Venue", "event", "events.Event")}


@pytest.mark.slow
@pytest.mark.parametrize("root", [HISTORY, ACTSTREAM, HIERARKEY],
                         ids=["simple-history", "actstream", "hierarkey"])
def test_startup_contributions_match_django_registry(root: Path, tmp_path: Path) -> None:
    try:
        ensure_installed(STARTUP_PACKAGES)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"{STARTUP_PACKAGES.requirement} is not installable here: {exc}")
    truth = django_registry(root, "settings", python=str(STARTUP_PACKAGES.python))
    graph = build_graph(root, site_paths=site_paths(STARTUP_PACKAGES), cache_dir=tmp_path)
    assert {m.label for m in graph.models if not m.abstract} == truth.models
    assert relations(graph) == truth.relations
