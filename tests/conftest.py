"""Project-wide pytest options."""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files under tests/golden/ instead of comparing")

# Golden files are expected output, not tests: a generated service's own tests live there;
# fixture projects carry their own tests too (moved with their apps), run only in services.
collect_ignore_glob = ["golden/*", "fixtures/*"]
