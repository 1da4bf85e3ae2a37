"""The generated mirror package's tables, as decompose writes them for the service whose moved
models are runtime_test_pairs' (``monolith/__init__.py``)."""

# auth.User is installed here too (the monolith's side of this project); catalog.Product is a
# monolith model this project does not install, as a service does not install the monolith's.
FIELDS: dict[str, dict[str, str]] = {
    "auth.User": {"id": "INT", "username": "STR", "groups": "INT[]"},
    "auth.Group": {"id": "INT", "name": "STR"},
    "catalog.Product": {"id": "INT", "name": "STR"},
    "runtime_test_tokens.ApiKey": {"id": "INT", "all_events": "BOOL", "user_id": "INT"},
    "runtime_test_i18n.Conference": {"id": "INT", "name": "STR", "slug": "STR",
                                     "tagline": "STR"},
}

# As decompose reads them from django.contrib.auth's and django.contrib.admin's declarations.
DECLARED = {
    "auth.User": {
        "id": ["AutoField", {"primary_key": True, "verbose_name": "ID"}],
        "username": ["CharField", {"max_length": 150, "unique": True,
                                   "verbose_name": "username"}],
        "first_name": ["CharField", {"blank": True, "max_length": 150,
                                     "verbose_name": "first name"}],
        "groups": ["ManyToManyField", {"blank": True, "to": "auth.Group",
                                       "verbose_name": "groups"}],
    },
    "auth.Group": {
        "id": ["AutoField", {"primary_key": True, "verbose_name": "ID"}],
        "name": ["CharField", {"max_length": 150, "unique": True, "verbose_name": "name"}],
    },
    "admin.LogEntry": {
        "id": ["AutoField", {"primary_key": True, "verbose_name": "ID"}],
        "user": ["ForeignKey", {"to": "auth.User", "verbose_name": "user"}],
        # the service's own model (no FIELDS of it): a moved model a monolith row points at
        "content_type": ["ForeignKey", {"blank": True, "null": True,
                                        "to": "contenttypes.ContentType"}],
        "object_repr": ["CharField", {"max_length": 200, "verbose_name": "object repr"}],
        "action_flag": ["PositiveSmallIntegerField", {
            "choices": [[1, "Addition"], [2, "Change"], [3, "Deletion"]],
            "verbose_name": "action flag"}],
    },
    "runtime_test_tokens.KeyUsage": {
        "id": ["AutoField", {"primary_key": True, "verbose_name": "ID"}],
        "api_key": ["OneToOneField", {"to": "runtime_test_tokens.ApiKey"}],
        "calls": ["PositiveIntegerField", {"default": 0}],
    },
    # a third-party field class by its import path, as the service installs its package
    "runtime_test_i18n.Conference": {
        "id": ["AutoField", {"primary_key": True, "verbose_name": "ID"}],
        "slug": ["SlugField", {}],
        "name": ["runtime_test_i18n.fields.TranslatedField", {}],
        "tagline": ["runtime_test_i18n.fields.TranslatedField", {"null": True}],
    },
}

RELATIONS = {"admin.LogEntry": {"user": "auth.User"}}

# The reverse accessors between two monolith models the service names: LogEntry.user gives
# auth.User its ``logentry_set`` (Django's default name), KeyUsage.api_key its ApiKey ``usage``.
RELATED_OBJECTS = {
    "auth.User": {"logentry_set": ["admin.LogEntry", "user", False]},
    "runtime_test_tokens.ApiKey": {"usage": ["runtime_test_tokens.KeyUsage", "api_key", True]},
}

USER_MODEL = "auth.User"

REVERSES = {
    "auth.User": {
        "bookmarks": ["runtime_test_pairs.Bookmark", "owner_id", False],
        "profile": ["runtime_test_pairs.Profile", "user_id", True],
    },
}

# Built on django-rules' RulesModelMixin in the monolith: get_perm names its permissions.
RULES_MODELS = ["catalog.Product"]
