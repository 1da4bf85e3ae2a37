"""A custom signal of an app that stays, sent by code the service copies (tests/fixtures/
stand_in_signal, laid out like taiga's notifications): the service gets a stand-in whose sends
are forwarded to the monolith's real signal, whose receivers stay. And a lookup of a model that
stays by label in the moved app's ``ready()`` (taiga's timeline): the mirror's remote model."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.errors import CannotExtract
from decompose.model import (
    CopiedImport,
    CopiedStatement,
    ForwardedSignal,
    Handling,
    Location,
    MirrorName,
    SignalReceiver,
)
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

SIGNAL = "notes.apps.card_assigned"
STAND_IN = f"monolith.{SIGNAL}"
MIXIN = "notes/mixins.py"


def test_the_signal_is_a_stand_in_forwarded_to_the_receivers_that_stay(tmp_path: Path):
    root = analysed_copy("stand_in_signal", tmp_path / "monolith")
    record = build_plan(build_graph(root, use_cache=False), root, ["board"]).record
    assert record.signals == (ForwardedSignal(SIGNAL, "", "monolith", (SignalReceiver(
        Location("notes/apps.py", 13), "notes.receivers.on_assigned",
        "writes rows that used to commit or roll back with the sender's; now they commit "
        "later, on their own", Location("notes/receivers.py", 5)),), STAND_IN),)
    [mirror] = [m for m in record.mirrors if m.module == "notes.apps"]
    assert mirror.names == (MirrorName(
        "card_assigned", Handling.SIGNAL, SIGNAL,
        (CopiedStatement(4, "card_assigned = dispatch.Signal()"),),
        (CopiedImport("django", "dispatch"),)),)
    assert [(d.location, d.handling) for d in record.dependencies if d.target == SIGNAL] == [
        (Location(MIXIN, 1), Handling.SIGNAL)]
    assert [(d.location, d.handling) for d in record.dependencies
            if d.target == "notes.Notice"] == [(Location("board/apps.py", 12),
                                                Handling.REMOTE_MODEL)]
    assert [a.label for a in record.allowed_models] == ["notes.Notice"]


def test_a_moved_receiver_of_it_is_consumed_through_the_stand_in(tmp_path: Path):
    root = analysed_copy("stand_in_signal", tmp_path / "monolith", {"board/receivers.py": (
        "def on_notice", "from django.dispatch import receiver\n\nfrom notes.apps import "
        "card_assigned\n\n\n@receiver(card_assigned)\ndef on_assigned_here(sender, card, "
        "**kwargs):\n    pass\n\n\ndef on_notice")})
    record = build_plan(build_graph(root, use_cache=False), root, ["board"]).record
    assert [(s.consumer, [r.name for r in s.receivers], s.stand_in) for s in record.signals] == [
        ("board", ["board.receivers.on_assigned_here"], STAND_IN),
        ("monolith", ["notes.receivers.on_assigned"], STAND_IN)]


SERVICE_SIDE = """
import django
django.setup()
from monolith.notes import apps as mirror
from notes.mixins import card_assigned
from board.views import CardViewSet
from django.db.models.signals import post_save
print(card_assigned is mirror.card_assigned, [entry[0][0] for entry in card_assigned.receivers])
from django.dispatch.dispatcher import _make_id
from monolith.notes.models import Notice
print([key == ("board.notice", _make_id(Notice)) for key, *_ in post_save.receivers])
"""


def test_the_service_records_what_its_stand_in_sends_and_the_monolith_consumes_the_signal(
        tmp_path: Path):
    root = analysed_copy("stand_in_signal", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("board", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "monolith" / "notes" / "apps.py").read_text().endswith(
        '"""\n\nfrom django import dispatch\n\ncard_assigned = dispatch.Signal()\n')
    forwarding = (out / "decompose_events_forwarding.py").read_text()
    assert (f'        "signal": "{SIGNAL}",\n        "stand_in": "{STAND_IN}",\n'
            in forwarding.partition("PUBLISH = [")[2].partition("CONSUME = [")[0])
    patch = (out / "monolith.patch").read_text()
    assert f'+        "signal": "{SIGNAL}",\n+    }},' in patch and '"stand_in":' not in patch
    assert "consumed by the monolith (its app stays: the service sends and receives it as the " \
           f"stand-in `{STAND_IN}`)" in (out / "EXTRACTION.md").read_text()
    # Booted, the service's outbox recorder listens to the stand-in the copied mixin sends.
    booted = django(out, "-c", SERVICE_SIDE)
    assert booted.returncode == 0, booted.stderr
    stand_in, lookup = booted.stdout.splitlines()
    assert stand_in == f"True ['decompose_events:{SIGNAL}:*']"
    # The ready() that looked notes.Notice up by label booted: bound to the remote model.
    assert lookup == "[True]"
    assert (out / "board" / "apps.py").read_text().startswith(
        "from django.apps import AppConfig\nfrom django.db.models import signals\n"
        "from monolith.notes.models import Notice\n")
    assert "sender=Notice," in (out / "board" / "apps.py").read_text()


def test_a_send_whose_answers_are_read_is_refused_at_its_line(tmp_path: Path):
    root = analysed_copy("stand_in_signal", tmp_path / "monolith", {
        MIXIN: ("            card_assigned.send(",
                "            answers = card_assigned.send(")})
    with pytest.raises(CannotExtract) as refused:
        build_plan(build_graph(root, use_cache=False), root, ["board"])
    assert str(refused.value) == (
        f"{MIXIN}:10: {SIGNAL}: the code reads what its receivers return, but they stay in the "
        "monolith and a forwarded signal answers nothing; send it as a statement (or extract "
        "its app too)")
