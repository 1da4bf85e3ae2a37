"""The generated mirror package's tables, as decompose writes them for the service whose moved
models are runtime_test_pairs' (``monolith/__init__.py``)."""

# auth.User is installed here too (the monolith's side of this project); catalog.Product is a
# monolith model this project does not install, as a service does not install the monolith's.
FIELDS: dict[str, dict[str, str]] = {
    "auth.User": {"id": "INT", "username": "STR"},
    "catalog.Product": {"id": "INT", "name": "STR"},
}

RELATIONS: dict[str, dict[str, str]] = {}

USER_MODEL = "auth.User"

REVERSES = {
    "auth.User": {
        "bookmarks": ["runtime_test_pairs.Bookmark", "owner_id", False],
        "profile": ["runtime_test_pairs.Profile", "user_id", True],
    },
}
