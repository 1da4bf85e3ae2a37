"""The django-environ reader of a setting the monolith computes, read from its expression
(pretalx's settings, computed from its config file)."""

from __future__ import annotations

import pytest

from extractor.plan.setting_readers import expression_reader

SETTINGS = {"DEBUG": "env.bool", "LOCAL_APPS": "env.list"}.get


@pytest.mark.parametrize("expression", [
    "os.cpu_count()", "config.get('site', 'url')", "_site_url.netloc", "None", "UNKNOWN",
    "a if ready else 3", "x[0]", "1 / DEBUG", "syntax error(",
])
def test_nothing_says_the_type(expression: str):
    assert expression_reader(expression, lambda name: SETTINGS(name) or "") == ""


@pytest.mark.parametrize(("expression", "reader"), [
    ("int(config.get('files', 'upload_limit')) * 1024 * 1024", "env.int"),
    ("config.getboolean('mail', 'tls')", "env.bool"),
    ("config.getint('site', 'workers')", "env.int"),
    ("float(os.environ['RATIO']) / 2", "env.float"),
    ("DEBUG", "env.bool"),  # VITE_DEV_MODE = DEBUG
    ("not DEBUG", "env.bool"),
    ("LOCAL_APPS + [m for m in config.get('site', 'core_modules').split(',') if m]",
     "env.list"),
    ("[email for email in emails if email]", "env.list"),
    ("sorted(os.listdir('locale'))", "env.list"),
    ("{'en': _('English')}", "env.json"),
    # kiwi's MENU_ITEMS: pairs of a label and a URL or a submenu, not text split on commas
    ("[(_('TESTING'), [(_('New'), reverse_lazy('plans-new'))]), ('-', '-')]", "env.json"),
    ("f'{SITE}/media'", "env"),
    ("'https://' + host", "env"),
    ("'de' if os.cpu_count() else 'en'", "env"),
    ("RETRIES > 3", "env.bool"),
    # kiwi's ANONYMOUS_ANALYTICS: read as text, "False" would be true in its templates
    ("'runserver' not in sys.argv and 'test' not in sys.argv", "env.bool"),
    ("os.environ.get('HOST') or 'localhost'", ""),
    ("DEBUG or RETRIES > 3", "env.bool"),
    ("-int(x)", "env.int"),
])
def test_the_expression_says_the_type(expression: str, reader: str):
    assert expression_reader(expression, lambda name: SETTINGS(name) or "") == reader
