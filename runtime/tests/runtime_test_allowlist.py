"""The allowlist module decompose would generate, for the bridge under test."""

FUNCTIONS = frozenset({"runtime_test_functions.total", "runtime_test_functions.users_after",
                       "runtime_test_functions.note_texts", "runtime_test_functions.user_values",
                       "runtime_test_functions.bookmarks_of", "runtime_test_functions.who",
                       "runtime_test_functions.conferences",
                       "runtime_test_functions.conference_name",
                       "runtime_test_functions.ordered_usernames"})
MODELS = {"auth.User": {"fields": ["first_name", "id", "username", "groups"],
                        "methods": ["get_full_name"], "chains": []},
          "auth.Group": {"fields": ["id", "name"], "methods": [], "chains": []},
          "admin.LogEntry": {"fields": ["action_flag", "content_type_id", "id", "object_id",
                                        "object_repr", "user_id"],
                             "methods": [], "chains": []},
          "runtime_test_scoped.Note": {"fields": ["id", "owner_id", "text"], "methods": [],
                                       "chains": []},
          # not its key: the secret stays in the monolith
          "runtime_test_tokens.ApiKey": {"fields": ["all_events", "id", "user_id"],
                                         "methods": [], "chains": []},
          "runtime_test_tokens.KeyUsage": {"fields": ["api_key_id", "calls", "id"],
                                           "methods": [], "chains": []},
          "runtime_test_i18n.Conference": {"fields": ["id", "name", "slug", "tagline"],
                                           "methods": [], "chains": []}}
SERVICES = ["orders"]
APP_LABELS = ["orders"]
