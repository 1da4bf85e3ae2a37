"""A views-only app whose FilterSet, ModelSerializers and ModelForm are built from models that
stay (tests/fixtures/remote_introspection, pretalx's ``api``): the mirror declares the remote
models' fields as the monolith writes them (an entry too long for the service's lines spread
over several; the many-to-many a serializer names, with its target), and the service, served
beside the patched monolith, lists the monolith's feedback filtered (across the many-to-many
too) and rendered exactly as the monolith does (the tracks' keys in the monolith's order, the
keys of the reverse accessors the serializer names: another mirrored model's, a one-to-one's)."""

from __future__ import annotations

import json
import secrets
import sys
import textwrap
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.model import Level
from extractor.plan import build_plan
from extractor.plan.allowlist import RelatedReverse
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import invoke
from tests.support.gunicorn import start_gunicorn
from tests.support.http import request
from tests.support.keys import key_pair
from tests.support.processes import clean_env, completed, stop

DECLARED = """\
DECLARED = {
    "talks.Feedback": {
        "id": ["BigAutoField", {'primary_key': True}],
        "talk": ["ForeignKey", {'to': 'talks.Talk'}],
        "rating": [
            "PositiveSmallIntegerField",
            {'blank': True, 'choices': [(1, 'Poor'), (2, 'Fine'), (3, 'Great')], 'null': True},
        ],
        "review": ["TextField", {'help_text': 'What the attendee thought'}],
    },
    "talks.Talk": {
        "id": ["BigAutoField", {'primary_key': True}],
        "title": ["CharField", {'max_length': 200, 'verbose_name': 'Title'}],
        "state": [
            "CharField",
            {'choices': [('draft', 'Draft'), ('accepted', 'Accepted'), ('withdrawn', 'Withdrawn')],
             'default': 'draft',
             'max_length': 20},
        ],
        "tracks": [
            "ManyToManyField",
            {'blank': True, 'to': 'talks.Track', 'verbose_name': 'Tracks'},
        ],
    },
    "talks.Slot": {
        "id": ["BigAutoField", {'primary_key': True}],
        "talk": ["OneToOneField", {'to': 'talks.Talk'}],
    },
    "talks.Track": {
        "id": ["BigAutoField", {'primary_key': True}],
    },
}
"""
# The reverse accessors the TalkSerializer names: Feedback's key (Feedback is mirrored for
# itself), Slot's one-to-one (Slot mirrored for it, with its key's column only).
RELATED_OBJECTS = """\
RELATED_OBJECTS = {
    "talks.Talk": {
        "feedback": [
            "talks.Feedback",
            "talk",
            False,
        ],
        "slot": [
            "talks.Slot",
            "talk",
            True,
        ],
    },
}
"""
# The bridge's allowlist: the many-to-many by its name, its target with its key (str() and
# the key are all the service's code shows of a track); the property a serializer names; the
# model of a reverse one-to-one with its key and that key's column.
ALLOWED = """+    "talks.Slot": {
+        "fields": ["id", "talk_id"],
+        "methods": [],
+        "chains": [],
+    },
+    "talks.Talk": {
+        "fields": ["id", "state", "title", "tracks"],
+        "methods": ["headline"],
+        "chains": [],
+    },
+    "talks.Track": {
+        "fields": ["id"],
+        "methods": [],
+        "chains": [],
+    },
"""
SEED = """
from talks.models import Feedback, Slot, Talk, Track
zeta, alpha = Track.objects.create(name="Zeta"), Track.objects.create(name="Alpha")
keynote = Talk.objects.create(title="Keynote", state="accepted")
keynote.tracks.add(zeta, alpha)
lightning = Talk.objects.create(title="Lightning")
lightning.tracks.add(zeta)
Feedback.objects.create(talk=keynote, rating=3, review="Loved it")
Feedback.objects.create(talk=keynote, rating=1, review="Too long")
Feedback.objects.create(talk=lightning, review="Short")
Slot.objects.create(talk=keynote, room="Main hall")
print(alpha.pk, keynote.pk)
"""
PUBLIC = {"Host": "talks.example", "X-Forwarded-Proto": "https"}
# The service's form of the monolith's Feedback, given the monolith's rows through the bridge.
FORM = textwrap.dedent("""
    import django
    django.setup()
    from api.forms import FeedbackForm
    form = FeedbackForm()
    print([str(label) for _, label in form.fields["talk"].choices])
    print(FeedbackForm({"talk": 999, "review": "x"}).errors.get_json_data()["talk"][0]["code"])
    valid = FeedbackForm({"talk": %(talk)s, "rating": 2, "review": "Fine"})
    print(valid.is_valid(), valid.instance.talk.title)
    try:
        valid.save()
    except Exception as error:
        print(type(error).__name__, str(error).split(":")[0])
    from monolith.talks.models import Feedback
    row = Feedback.objects.filter(rating=3).first()
    edit = FeedbackForm({"talk": row.talk_id, "rating": 1, "review": "Changed"}, instance=row)
    print(FeedbackForm(instance=row).initial["review"], edit.is_valid(), edit.instance.review,
          row.review)
""")


def test_the_mirror_declares_each_remote_field_as_the_monolith_does(tmp_path: Path):
    root = analysed_copy("remote_introspection", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("api", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    mirror = (out / "monolith" / "__init__.py").read_text()
    assert mirror[mirror.index("DECLARED = {"):].split("\n\n")[0] + "\n" == DECLARED
    assert '        "tracks": "INT[]",\n    },\n    "talks.Slot": {\n' in mirror
    assert ALLOWED in (out / "monolith.patch").read_text()
    assert ('PROPERTIES = {\n    "talks.Talk": {\n        "headline": "STR",\n    },\n}\n'
            in mirror)
    assert mirror[mirror.index("RELATED_OBJECTS = {"):] == (
        RELATED_OBJECTS + "\nRULES_MODELS = [\n]\n")  # none built on django-rules here
    assert ("class FeedbackForm(RemoteModelForm):\n" in (out / "api/forms.py").read_text())
    assert ("- `api/forms.py:6` [model_forms] FeedbackForm derives from RemoteModelForm: a form "
            "of the monolith's Feedback, whose rows it edits as drafts (rendered and validated "
            "here, saved only in the monolith)\n") in (out / "EXTRACTION.md").read_text()
    schema = (out / "openapi.yaml").read_text()  # the filters and fields typed from them
    assert "      - in: query\n        name: talk\n        schema:\n          type: integer\n" in (
        schema)
    assert "        review:\n          type: string\n          description: What the" in schema
    assert ("        feedback:\n          type: array\n          items:\n            type: "
            "integer\n        slot:\n          type: integer\n") in schema  # as the monolith's


@pytest.mark.slow
def test_the_service_lists_the_monolith_rows_filtered_as_the_monolith_does(tmp_path: Path):
    root = analysed_copy("remote_introspection", tmp_path / "monolith")
    result = invoke("api", "--project", str(root), "--apply")
    assert result.exit_code == 0, result.output
    service_root = tmp_path / "services" / "api"
    token, service_keys = key_pair(), key_pair()
    monolith_env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings", DECOMPOSE_TOKEN_PRIVATE_KEY=token.private,
        DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({"api": service_keys.public}))
    completed([sys.executable, "manage.py", "migrate", "--run-syncdb", "-v0"], root,
              monolith_env)
    track, talk = completed([sys.executable, "manage.py", "shell", "-c", SEED], root,
                            monolith_env).stdout.split()[-2:]  # after Django 5.2's banner
    monolith_url, monolith = start_gunicorn(
        root, monolith_env, tmp_path / "monolith.log", "config.wsgi:application",
        ready=lambda url: request(url + "/api/feedback/", timeout=2))
    try:
        service_env = clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_ALLOWED_HOSTS="talks.example,127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50), MONOLITH_URL=monolith_url,
            DECOMPOSE_SERVICE_PRIVATE_KEY=service_keys.private,
            DECOMPOSE_TOKEN_PUBLIC_KEY=token.public,
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"))
        completed([sys.executable, "manage.py", "migrate", "-v0"], service_root, service_env)
        service_url, service = start_gunicorn(
            service_root, service_env, tmp_path / "service.log", "--config", "gunicorn.conf.py",
            "config.wsgi:application",
            ready=lambda url: request(url + "/livez", headers=PUBLIC, timeout=2))
        try:
            for query in ("", "?rating=3", f"?talk={talk}", f"?talk={talk}&rating=1",
                          "?talk=999", "?rating=9", f"?talk__tracks={track}",
                          f"?talk__tracks={track}&talk__tracks=999"):
                theirs = request(f"{monolith_url}/api/feedback/{query}")
                ours = request(f"{service_url}/api/feedback/{query}", headers=PUBLIC)
                assert (ours.status, ours.json()) == (theirs.status, theirs.json()), query
            keynote = request(f"{service_url}/api/feedback/?talk={talk}", headers=PUBLIC).json()
            assert [row["review"] for row in keynote] == ["Loved it", "Too long"]
            assert keynote[0]["talk"]["tracks"][0] == int(track)  # Alpha before Zeta
            assert keynote[0]["talk"]["headline"] == "KEYNOTE"
            assert len(keynote[0]["talk"]["feedback"]) == 2 and keynote[0]["talk"]["slot"]
            every = request(f"{service_url}/api/feedback/", headers=PUBLIC).json()
            assert [row["talk"]["slot"] for row in every if row["review"] == "Short"] == [None]
            form = completed([sys.executable, "-c", FORM % {"talk": talk}], service_root,
                             service_env)
            assert form.stdout == ("['---------', 'Keynote', 'Lightning']\n"
                                   "invalid_choice\n"
                                   "True Keynote\n"
                                   "RemoteError talks.Feedback rows are read-only in this "
                                   "service\n"
                                   "Loved it True Changed Loved it\n")
        finally:
            stop(service)
    finally:
        stop(monolith)


GENERIC = """

class Label(models.Model):
    name = models.CharField(max_length=50)


class Labelled(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    label = models.ForeignKey(Label, on_delete=models.CASCADE)
"""


def test_a_generic_many_to_many_is_not_sent_and_is_noted(tmp_path: Path):
    """Its pairs (a through keyed by content type) hold every model's: the bridge sends no
    such field, and the plan says so where it is declared."""
    root = analysed_copy("remote_introspection", tmp_path / "monolith", {
        "talks/models.py": ('                                    related_name="talks")\n',
                            '                                    related_name="talks")\n'
                            '    labels = models.ManyToManyField("talks.Label", '
                            'through="talks.Labelled")\n' + GENERIC),
        "api/serializers.py": ('"slot"]', '"slot", "labels"]')})
    plan = build_plan(build_graph(root, use_cache=False), root, ["api"])
    talk = next(m for m in plan.record.allowed_models if m.label == "talks.Talk")
    assert talk.fields == ("id", "title", "state", "tracks")
    assert [(r.location.path, r.location.line, r.level, r.message)
            for r in plan.record.rewrites if "labels" in r.message] == [
        ("talks/models.py", 22, Level.WARNING, "talks.Talk.labels is a generic many-to-many "
         "(through talks.Labelled, every model's pairs): the bridge does not send it, so the "
         "service's code cannot read it from the monolith's rows")]


def test_a_model_on_django_rules_mixin_names_its_permissions_in_the_service(tmp_path: Path):
    """pretalx's API asks ``view.queryset.model.get_perm(action)`` of models that stay, built
    on django-rules' RulesModelMixin directly or through an abstract base of another module:
    the mirror lists them, and their remote models answer as django-rules does."""
    root = analysed_copy("remote_introspection", tmp_path / "monolith", {
        "talks/models.py": ("from talks.enums import TalkState\n",
                            "from talks.enums import TalkState\n"
                            "from talks.rules_base import RulesBase\n"
                            "from rules.contrib.models import RulesModelMixin as Rules\n")})
    (root / "talks" / "rules_base.py").write_text(
        "from django.db import models\nfrom rules.contrib.models import RulesModelBase\n\n\n"
        "class RulesBase(models.Model, metaclass=RulesModelBase):\n"
        "    class Meta:\n        abstract = True\n")
    models = root / "talks" / "models.py"
    models.write_text(models.read_text()
                      .replace("class Track(models.Model):", "class Track(Rules, models.Model):")
                      .replace("class Talk(models.Model):", "class Talk(RulesBase):"))
    plan = build_plan(build_graph(root, use_cache=False), root, ["api"])
    assert plan.rules_models == ("talks.Talk", "talks.Track")  # not talks.Feedback


def test_a_reverse_accessor_the_code_does_not_name_is_not_served(tmp_path: Path):
    root = analysed_copy("remote_introspection", tmp_path / "monolith", {
        "api/serializers.py": (', "feedback", "slot"]', "]")})
    plan = build_plan(build_graph(root, use_cache=False), root, ["api"])
    assert plan.related_objects == ()
    assert "talks.Slot" not in [m.label for m in plan.record.allowed_models]


def test_the_related_model_listed_without_the_keys_column_is_given_it(tmp_path: Path):
    """Track is listed for Talk.tracks with its key only; a key of Track's to Talk whose
    accessor the serializer names adds that key's column."""
    root = analysed_copy("remote_introspection", tmp_path / "monolith", {
        "talks/models.py": ('    name = models.CharField(max_length=100)\n',
                            '    name = models.CharField(max_length=100)\n'
                            '    lead = models.ForeignKey("talks.Talk", null=True, '
                            'on_delete=models.SET_NULL, related_name="led_tracks")\n'),
        "api/serializers.py": ('"slot"]', '"slot", "led_tracks"]')})
    plan = build_plan(build_graph(root, use_cache=False), root, ["api"])
    track = next(m for m in plan.record.allowed_models if m.label == "talks.Track")
    assert track.fields == ("id", "lead_id")
    assert plan.related_objects == (("talks.Talk", (
        RelatedReverse("feedback", "talks.Feedback", "talk", False),
        RelatedReverse("led_tracks", "talks.Track", "lead", False),
        RelatedReverse("slot", "talks.Slot", "talk", True))),)


def test_a_field_of_a_packages_class_is_declared_with_it_and_the_package_required(
        tmp_path: Path):
    """pretalx's ``Event.name``, django-i18nfield's I18nCharField (here django-extensions'
    RandomCharField): the mirror declares it by its import path with its literal options (a
    help text built by a call left out), so the service's rows hold the monolith's class, and
    the service requires the package; one given an option of its own that is no literal is
    declared as the Django field it is named after, and noted."""
    root = analysed_copy("remote_introspection", tmp_path / "monolith", {"talks/enums.py": (
        '    WITHDRAWN = "withdrawn"\n', '    WITHDRAWN = "withdrawn"\n\n\nLENGTH = 8\n')})
    models_py = root / "talks/models.py"
    for old, new in [
            ("from talks.enums import TalkState\n",
             "from django_extensions.db.fields import RandomCharField\n\n"
             "from talks.enums import LENGTH, TalkState\n"),
            ('    title = models.CharField(_("Title"), max_length=200)\n',
             '    title = RandomCharField(_("Title"), length=12, lowercase=True,\n'
             '                            help_text=" ".join(["Its", "title"]))\n'),
            ('    review = models.TextField(help_text=_("What the attendee thought"))\n',
             '    review = RandomCharField(length=LENGTH, help_text=_("What the attendee '
             'thought"))\n')]:
        assert old in models_py.read_text()
        models_py.write_text(models_py.read_text().replace(old, new))
    plan = build_plan(build_graph(root, use_cache=False), root, ["api"])
    declared = {label: {n: (k, o) for n, k, o in fields}
                for label, fields in plan.declared_fields}
    assert declared["talks.Talk"]["title"] == (
        "django_extensions.db.fields.RandomCharField",
        "{'length': 12, 'lowercase': True, 'verbose_name': 'Title'}")
    assert declared["talks.Feedback"]["review"] == (
        "CharField", "{'help_text': 'What the attendee thought'}")
    assert any(r.requirement.lower().startswith("django-extensions")
               for r in plan.dependencies), plan.dependencies
    assert [(r.location.path, r.location.line, r.level, r.message)
            for r in plan.record.rewrites if "RandomCharField" in r.message] == [
        ("talks/models.py", 38, Level.WARNING, "talks.Feedback.review is a "
         "django_extensions.db.fields.RandomCharField, declared in the service as the Django "
         "field it is named after, since not all its own options are literals: its values are "
         "the field's text there, not the monolith's class")]
