"""Names the analyzer knows without reading their source: Django's own and common packages'.

Django itself is never parsed (only its contrib apps, which are ordinary installed apps), so its
field and model base classes are recognised here by qualified name. Third-party relation fields
are listed too, so they are recognised even when the package is not installed where we run.
"""

from __future__ import annotations

from decompose.model import RelationKind

MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})

_DJANGO_RELATIONS = {
    "ForeignKey": RelationKind.FOREIGN_KEY,
    "OneToOneField": RelationKind.ONE_TO_ONE,
    "ManyToManyField": RelationKind.MANY_TO_MANY,
}

RELATION_FIELDS: dict[str, RelationKind] = {
    "django.contrib.contenttypes.fields.GenericForeignKey": RelationKind.GENERIC_FOREIGN_KEY,
    "django.contrib.contenttypes.fields.GenericRelation": RelationKind.GENERIC_RELATION,
    "mptt.fields.TreeForeignKey": RelationKind.FOREIGN_KEY,
    "mptt.fields.TreeOneToOneField": RelationKind.ONE_TO_ONE,
    "mptt.fields.TreeManyToManyField": RelationKind.MANY_TO_MANY,
    "modelcluster.fields.ParentalKey": RelationKind.FOREIGN_KEY,
    "modelcluster.fields.ParentalManyToManyField": RelationKind.MANY_TO_MANY,
    "modelcluster.contrib.taggit.ClusterTaggableManager": RelationKind.MANY_TO_MANY,
    "taggit.managers.TaggableManager": RelationKind.MANY_TO_MANY,
}

# Relation fields whose target is implied rather than written (taggit's default tag model).
DEFAULT_TARGETS = {
    "taggit.managers.TaggableManager": ("taggit.Tag", "taggit.TaggedItem"),
    "modelcluster.contrib.taggit.ClusterTaggableManager": ("taggit.Tag", "taggit.TaggedItem"),
}

# Fields a package adds at run time to every concrete model subclassing a mixin that sets an
# attribute: mixin -> (field, kind, target label, attribute that must be set non-empty).
RUNTIME_FIELDS = {
    "modelsearch.index.Indexed": ("index_entries", RelationKind.GENERIC_RELATION,
                                  "wagtailsearch.IndexEntry", "search_fields"),
}

# Model bases of packages that are often not installed where the analyzer runs.
THIRD_PARTY_MODEL_BASES = frozenset({
    "treebeard.mp_tree.MP_Node", "treebeard.ns_tree.NS_Node", "treebeard.al_tree.AL_Node",
    "mptt.models.MPTTModel", "modelcluster.models.ClusterableModel",
    "polymorphic.models.PolymorphicModel",
})

AUTO_FIELD = "django.db.models.AutoField"


def field_kind(qualified: str) -> tuple[bool, RelationKind | None] | None:
    """(is a field, relation kind) for a known name, or None when it must be looked up."""
    if qualified in RELATION_FIELDS:
        return True, RELATION_FIELDS[qualified]
    module, _, last = qualified.rpartition(".")
    if module == "django.db.models" or module.startswith("django.db.models."):
        if last in _DJANGO_RELATIONS:
            return True, _DJANGO_RELATIONS[last]
        return (last.endswith("Field") or last == "ForeignObject"), None
    if module.startswith("django.contrib.") and module.endswith(".fields"):
        return last.endswith("Field"), None
    return None


def guess_field_kind(name: str) -> tuple[bool, RelationKind | None]:
    """For a class we cannot read: judge by its name, as a reader of the code would."""
    last = name.rpartition(".")[2]
    for suffix, kind in (("GenericForeignKey", RelationKind.GENERIC_FOREIGN_KEY),
                         ("GenericRelation", RelationKind.GENERIC_RELATION),
                         ("ForeignKey", RelationKind.FOREIGN_KEY),
                         ("OneToOneField", RelationKind.ONE_TO_ONE),
                         ("ManyToManyField", RelationKind.MANY_TO_MANY)):
        if last.endswith(suffix):
            return True, kind
    return last.endswith("Field"), None
