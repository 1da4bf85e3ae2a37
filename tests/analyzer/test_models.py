"""Models, fields and relations from inline sources (cases Django's registry cannot show
here because the packages are not installed: mptt, modelcluster, taggit)."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import RelationKind

from .conftest import FIXTURES, relations


def test_no_models_gives_an_empty_graph(inline_project) -> None:
    graph = inline_project({"blog/__init__.py": "", "blog/views.py": "x = 1\n"},
                           apps=["blog"])
    assert graph.models == () and graph.dependencies == () and graph.warnings == ()


def test_third_party_relation_fields_are_known_without_their_source(inline_project) -> None:
    graph = inline_project({
        "blog/__init__.py": "",
        "blog/models.py": """
            from django.db import models
            from mptt.fields import TreeForeignKey, TreeManyToManyField
            from modelcluster.fields import ParentalKey, ParentalManyToManyField
            from taggit.managers import TaggableManager

            class Post(models.Model):
                parent = TreeForeignKey("self", null=True, on_delete=models.CASCADE)
                topics = TreeManyToManyField("Topic")
                tags = TaggableManager()

            class Topic(models.Model):
                post = ParentalKey(Post, on_delete=models.CASCADE, related_name="t")
                friends = ParentalManyToManyField("blog.Post")
        """,
    }, apps=["blog"])
    kinds = {(m.label, r.field): (r.kind, r.target, r.through) for m in graph.models
             for r in m.relations}
    assert kinds == {
        ("blog.Post", "parent"): (RelationKind.FOREIGN_KEY, "blog.Post", None),
        ("blog.Post", "topics"): (RelationKind.MANY_TO_MANY, "blog.Topic", None),
        ("blog.Post", "tags"): (RelationKind.MANY_TO_MANY, "taggit.Tag", "taggit.TaggedItem"),
        # taggit adds a generic relation to its default (GenericForeignKey) through model
        ("blog.Post", "tagged_items"): (RelationKind.GENERIC_RELATION, "taggit.TaggedItem",
                                        None),
        ("blog.Topic", "post"): (RelationKind.FOREIGN_KEY, "blog.Post", None),
        ("blog.Topic", "friends"): (RelationKind.MANY_TO_MANY, "blog.Post", None),
    }
    topic = graph.model("blog.Topic")
    assert topic.relations[1].on_delete == "CASCADE" and topic.relations[1].related_name == "t"


def test_user_model_targets_and_swappable_setting(inline_project) -> None:
    graph = inline_project({
        "people/__init__.py": "",
        "people/models.py": """
            from django.db import models
            class Member(models.Model):
                pass
        """,
        "blog/__init__.py": "",
        "blog/models.py": """
            from django.conf import settings
            from django.contrib.auth import get_user_model
            from django.db import models
            USER = settings.AUTH_USER_MODEL

            class Post(models.Model):
                a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
                b = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
                c = models.ForeignKey(USER, on_delete=models.CASCADE)
                d = models.ForeignKey(to="people.member", on_delete=models.CASCADE)
        """,
    }, apps=["people", "blog"], settings_extra='AUTH_USER_MODEL = "people.Member"\n')
    assert relations(graph) == {("blog.Post", f, "people.Member") for f in "abcd"}


def test_tables_auto_keys_and_flags(inline_project) -> None:
    graph = inline_project({
        "blog/__init__.py": "",
        "blog/apps.py": """
            from django.apps import AppConfig
            class BlogConfig(AppConfig):
                name = "blog"
                label = "news"
                default_auto_field = "django.db.models.AutoField"
        """,
        "blog/models.py": """
            from django.db import models
            class Base(models.Model):
                class Meta:
                    abstract = True
            class Post(Base):
                code = models.CharField(primary_key=True, max_length=5, db_column="c")
            class Entry(Base):
                class Meta:
                    db_table = "legacy_entries"
                    managed = False
            class EntryProxy(Entry):
                class Meta:
                    proxy = True
        """,
    }, apps=["blog"], settings_extra='DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n')
    post, entry, proxy = (graph.model(f"news.{n}") for n in ("Post", "Entry", "EntryProxy"))
    assert graph.model("news.Base").abstract
    assert post.db_table == "news_post" and [f.name for f in post.fields] == ["code"]
    assert post.fields[0].primary_key and post.fields[0].db_column == "c"
    assert entry.db_table == "legacy_entries" and not entry.managed
    assert entry.fields[0].type == "django.db.models.AutoField"  # AppConfig beats settings
    assert proxy.proxy and proxy.db_table == "legacy_entries" and proxy.fields == ()
    assert proxy.parents == ("news.Entry",)


def test_field_classes_that_set_their_own_target(tmp_path: Path) -> None:
    """Nautobot's ``kwargs.setdefault("to", Status)`` and django-cms's
    ``super().__init__(Placeholder, ...)`` (tests/fixtures/field_defaults)."""
    graph = build_graph(FIXTURES / "field_defaults", cache_dir=tmp_path)
    assert relations(graph) == {("core.Note", "content_type", "contenttypes.ContentType"),
                                ("core.Note", "target", None),
                                ("inventory.Device", "notes", "core.Note"),
                                ("inventory.Device", "status", "core.Status")}
