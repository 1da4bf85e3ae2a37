"""Relations to models outside the project become id columns of the target's real key type,
read from the installed source; one no id column can hold is refused, never dropped. The
installed models the moved code reads are allowlisted field by field, as the project's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.cli import main
from decompose.model import App
from extractor.plan import build_plan
from extractor.plan.external_models import ExternalKey, external_key, external_model
from tests.extractor.projects import FIXTURES, analysed_copy

TOKENS = App("tokens", "vendor.tokens", str(FIXTURES / "external_keys" / "vendor" / "tokens"),
             external=True)


@pytest.mark.parametrize(("model", "key"), [
    ("Token", ExternalKey("UUIDField", "token_key")),  # from an abstract base elsewhere
    ("Device", ExternalKey("BigAutoField", "id")),  # the app's default_auto_field
    ("Secret", ExternalKey("CharField", "name")),
    ("Missing", None),
])
def test_the_key_of_an_installed_model_is_read_from_its_source(model: str, key):
    assert external_key(TOKENS, model, "django.db.models.SmallAutoField") == key


def test_auth_user_key_is_the_installed_django_auto_field():
    import django.contrib.auth

    auth = App("auth", "django.contrib.auth", str(Path(django.contrib.auth.__file__).parent),
               external=True)
    assert external_key(auth, "User", None) == ExternalKey("AutoField", "id")


def test_an_installed_model_is_read_with_its_bases_fields_and_methods():
    found = external_model(TOKENS, "Token", None)
    assert found is not None
    assert [(f.name, f.type, f.primary_key) for f in found.model.fields] == [
        ("key", "models.UUIDField", True), ("label", "models.CharField", False)]
    assert found.model.relations == () and found.methods == frozenset()
    assert external_model(TOKENS, "Missing", None) is None


def test_the_installed_models_the_moved_code_reads_are_allowlisted(tmp_path: Path):
    # Tandoor's UserSpace.groups: a many-to-many to auth.Group, whose rows the service reads.
    root = analysed_copy("tuple_shop", tmp_path / "shop", {"billing/models.py": (
        "    total =", '    watchers = models.ManyToManyField("auth.Group")\n    total =')})
    plan = build_plan(build_graph(root, use_cache=False), root, ["billing"])
    assert [(m.label, m.fields, m.methods) for m in plan.record.allowed_models] == [
        ("auth.Group", ("id", "name"), ()),
        ("auth.User", ("date_joined", "email", "first_name", "id", "is_active", "is_staff",
                       "is_superuser", "last_login", "last_name", "username"), ())]
    assert dict(plan.field_types)["auth.Group"] == (("id", "INT"), ("name", "STR"))


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return analysed_copy("tuple_shop", tmp_path / "shop")


def extract(capsys, *args: str) -> tuple[object, str, str]:
    try:
        main(["extract", *args])
        code: object = 0
    except SystemExit as exited:
        code = exited.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_foreign_keys_to_auth_user_become_integer_id_columns(shop: Path, capsys):
    code, out, _ = extract(capsys, "billing", "--project", str(shop), "--dry-run")
    assert code == 0
    assert [line for line in out.splitlines() if "-> id-column" in line] == [
        "  billing/models.py:6: billing.Invoice.owner -> auth.User -> id-column "
        "(owner_id IntegerField + RemoteRelation)",
        "  billing/models.py:8: billing.Invoice.approved_by -> auth.User -> id-column "
        "(approved_by_id IntegerField + RemoteRelation)"]
    assert "ERROR" not in out


@pytest.mark.parametrize(("edits", "line"), [
    ({"billing/models.py": ("    total =", '    watchers = models.ManyToManyField("auth.Group")'
                                          "\n    total =")},
     "  billing/models.py:10: billing.Invoice.watchers -> auth.Group -> id-column (pairs kept in "
     "billing_invoice_watchers (Invoice_watchers: invoice_id, group_id IntegerField) + "
     "RemoteManyToMany)\n"),
    ({"billing/models.py": ('"auth.User", null=True', '"notes.Note", null=True'),
      "notes/models.py": ("slug = models.SlugField()",
                          "slug = models.SlugField(primary_key=True)")},
     "  billing/models.py:8: [fk_to_id] billing.Invoice.approved_by: relation to notes.Note -> "
     "approved_by_id = models.CharField(db_column='approved_by_id') + RemoteRelation\n"),
], ids=["many-to-many-to-auth", "character-key"])
def test_a_relation_out_keeps_an_id_column_of_the_keys_type(tmp_path: Path, capsys, edits,
                                                            line: str):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", edits)
    code, out, _ = extract(capsys, "billing", "--project", str(shop), "--dry-run")
    assert code == 0
    assert line in out


PAIRS = """

class Watch(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE)
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE)

    class Meta:
        db_table = "billing_invoice_watchers"
"""


def test_the_pairs_model_the_many_to_many_refusal_asks_for_extracts(tmp_path: Path, capsys):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {"billing/models.py": (
        "max_digits=10, decimal_places=2)", "max_digits=10, decimal_places=2)" + PAIRS)})
    code, out, _ = extract(capsys, "billing", "--project", str(shop), "--dry-run")
    assert code == 0
    assert ("billing/models.py:14: billing.Watch.group -> auth.Group -> id-column "
            "(group_id IntegerField + RemoteRelation)\n") in out


def test_a_many_to_many_through_a_model_that_stays_asks_for_its_app(tmp_path: Path, capsys):
    # nautobot's tags: every model's TagsField goes through extras.TaggedItem.
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "billing/models.py": ("    total =", '    watchers = models.ManyToManyField('
                              '"auth.Group", through="notes.Watch")\n    total ='),
        "notes/models.py": ("    text = models.TextField()\n", "    text = models.TextField()"
                            "\n" + PAIRS.replace("Invoice,", '"billing.Invoice",'))})
    code, _, err = extract(capsys, "billing", "--project", str(shop))
    assert (code, err) == (2, "error: billing/models.py:10: billing.Invoice.watchers -> "
                              "auth.Group: a many-to-many through notes.Watch, a model that "
                              "stays; extract notes with it (decompose extract billing notes)\n")


def test_a_key_no_id_column_holds_is_refused_naming_the_type(tmp_path: Path, capsys):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "billing/models.py": ('"auth.User", null=True', '"notes.Note", null=True'),
        "notes/models.py": ("slug = models.SlugField()",
                            "slug = models.DurationField(primary_key=True)")})
    code, _, err = extract(capsys, "billing", "--project", str(shop))
    assert (code, err) == (2, "error: billing/models.py:8: billing.Invoice.approved_by -> "
                              "notes.Note: no id-column rewrite, its key is a DurationField\n")


TAGGED = """

class Tagged(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE)
"""


def test_a_generic_through_that_stays_asks_for_a_many_to_many_of_the_app(tmp_path: Path,
                                                                         capsys):
    # nautobot's tags: every PrimaryModel's TagsField goes through extras.TaggedItem, which
    # holds the pairs of every model by content type.
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "billing/models.py": ("    total =", '    watchers = models.ManyToManyField('
                              '"auth.Group", through="notes.Tagged")\n    total ='),
        "notes/models.py": ("    text = models.TextField()\n",
                            "    text = models.TextField()\n" + TAGGED)})
    code, _, err = extract(capsys, "billing", "--project", str(shop))
    assert (code, err) == (2, "error: billing/models.py:10: billing.Invoice.watchers -> "
                              "auth.Group: a many-to-many through notes.Tagged, a model that "
                              "stays and holds the pairs of every model by content type (a "
                              "generic through); the service can neither read nor write them "
                              "there: declare Invoice.watchers as a plain ManyToManyField to "
                              "auth.Group in the monolith (its own table, filled from Tagged by "
                              "a data migration), which decompose keeps in the service, or "
                              "extract notes with it (decompose extract billing notes)\n")


ADDED = '''from django.contrib import auth


def owner_label(self):
    return self.username


auth.models.User.add_to_class("owner_label", owner_label)


def label(invoice):
    return invoice.owner.owner_label()
'''


def test_a_method_the_moved_code_gives_an_installed_model_is_not_the_bridges(tmp_path: Path):
    # Tandoor's auth.models.User.add_to_class('get_active_space', ...): moved code, which the
    # service runs on the monolith's rows (codemods/added_methods.py); the monolith, whose
    # moved models are gone, is never asked to
    root = analysed_copy("tuple_shop", tmp_path / "shop", {"billing/labels.py": ("", ADDED)})
    plan = build_plan(build_graph(root, use_cache=False), root, ["billing"])
    assert [(m.label, m.methods) for m in plan.record.allowed_models] == [("auth.User", ())]
