"""The generated mirror package's tables, as decompose writes them for the service whose moved
models are runtime_test_pairs' (``monolith/__init__.py``)."""

FIELDS: dict[str, dict[str, str]] = {}

RELATIONS: dict[str, dict[str, str]] = {}

REVERSES = {
    "auth.User": {
        "bookmarks": ["runtime_test_pairs.Bookmark", "owner_id", False],
        "profile": ["runtime_test_pairs.Profile", "user_id", True],
    },
}
