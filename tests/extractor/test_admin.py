"""The moved admin, for real: ``decompose extract orders --apply`` on a copy of the sample shop,
then the patched monolith and the generated service under gunicorn on one SQLite database.

Staff reach the service's admin with the access token the monolith issues for their API token
(what the gateway does with their session); permissions come from that token. One setup per
module: seed, extract, two servers.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.extractor.test_extract_command import copy_monolith, invoke
from tests.support.demo import demo_token
from tests.support.gunicorn import start_gunicorn
from tests.support.http import Reply, request
from tests.support.keys import key_pair
from tests.support.processes import clean_env, completed, run, stop

pytestmark = pytest.mark.slow

PUBLIC = {"Host": "shop.example", "X-Forwarded-Proto": "https"}
CHANGELIST = "/admin/orders/order/"
# Staff without any permission, and staff given view/change on orders through a group.
STAFF = """
from django.contrib.auth.models import Group, Permission
from rest_framework.authtoken.models import Token
from accounts.models import User
group = Group.objects.create(name="order desk")
group.permissions.set(Permission.objects.filter(
    content_type__app_label="orders", codename__in=["view_order", "change_order"]))
for name, in_group in (("clerk", False), ("manager", True)):
    user = User.objects.create_user(name, f"{name}@shop.example", "pw", is_staff=True)
    if in_group:
        user.groups.add(group)
    Token.objects.create(user=user, key=f"{name}-token".ljust(40, "0"))
"""


def api_token(username: str) -> str:
    return demo_token(username) if username in ("admin", "alice") else (
        f"{username}-token".ljust(40, "0"))


@dataclass(frozen=True)
class Shop:
    monolith_root: Path
    service_root: Path
    database: Path
    monolith: str
    service: str
    service_log: Path
    monolith_access_log: Path
    service_env: dict[str, str]

    def token(self, username: str) -> str:
        """What the gateway does: the user's monolith credentials for an access token."""
        reply = request(self.monolith + "/_decompose/token",
                        headers={"Authorization": f"Token {api_token(username)}"})
        assert reply.status == 200, reply.body
        return reply.headers["x-decompose-token"]

    def admin(self, path: str, username: str | None = None, *, form: dict | None = None,
              cookie: str = "") -> Reply:
        headers = {**PUBLIC, "Origin": "https://shop.example"}
        if username:
            headers["Authorization"] = f"Bearer {self.token(username)}"
        if cookie:
            headers["Cookie"] = cookie
        return request(self.service + path, method="POST" if form else "GET", form=form,
                       headers=headers)

    def bridge_reads(self, action: Callable[[], Reply]) -> tuple[Reply, list[str]]:
        """``action``'s reply and the row reads (``GET /_decompose/objects/...``) it caused,
        from the monolith's access log: read once a marker request sent after it shows up."""
        start = self.monolith_access_log.stat().st_size
        reply = action()
        marker = f"/livez?after={secrets.token_hex(8)}"
        request(self.monolith + marker, headers=PUBLIC)
        deadline = time.monotonic() + 10
        while marker not in self.monolith_access_log.read_text()[start:] and (
                time.monotonic() < deadline):
            time.sleep(0.05)
        time.sleep(0.3)  # the other worker's last line
        lines = self.monolith_access_log.read_bytes()[start:].decode().splitlines()
        return reply, [line.split('"')[1] for line in lines if "/_decompose/objects/" in line]

    def sql(self, query: str, *args: object) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(query, args).fetchall()


def serve(root: Path, env: dict[str, str], log: Path, *args: str) -> tuple[str, object]:
    return start_gunicorn(root, env, log, *args, "config.wsgi:application", ready=lambda url:
                          request(url + "/livez", headers=PUBLIC, timeout=2))


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Iterator[Shop]:
    scratch = tmp_path_factory.mktemp("admin")
    root = copy_monolith(scratch / "shop")
    result = invoke("orders", "--project", str(root), "--apply")
    assert result.exit_code == 0, result.output
    service_root = scratch / "services" / "orders"
    database = scratch / "shop.sqlite3"
    token, service_keys = key_pair(), key_pair()
    common = {"DJANGO_SETTINGS_MODULE": "config.settings.production",
              "DJANGO_ALLOWED_HOSTS": "shop.example,127.0.0.1,localhost",
              "DATABASE_URL": f"sqlite:///{database}"}
    monolith_env = clean_env(
        **common, DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="false", DECOMPOSE_TOKEN_PRIVATE_KEY=token.private,
        DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({"orders": service_keys.public}))
    completed([sys.executable, "manage.py", "migrate", "-v0"], root, monolith_env)
    completed([sys.executable, "manage.py", "seed_demo"], root, monolith_env)
    completed([sys.executable, "manage.py", "shell", "-c", STAFF], root, monolith_env)
    monolith_url, monolith = serve(root, monolith_env, scratch / "monolith.log",
                                   "--access-logfile", str(scratch / "access.log"))
    service_env = clean_env(
        **common, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), MONOLITH_URL=monolith_url,
        DECOMPOSE_SERVICE_PRIVATE_KEY=service_keys.private,
        DECOMPOSE_TOKEN_PUBLIC_KEY=token.public,
        PROMETHEUS_MULTIPROC_DIR=str(scratch / "prometheus"))
    try:
        service_url, service = serve(service_root, service_env, scratch / "service.log",
                                     "--config", "gunicorn.conf.py")
        try:
            yield Shop(root, service_root, database, monolith_url, service_url,
                       scratch / "service.log", scratch / "access.log", service_env)
        finally:
            stop(service)
    finally:
        stop(monolith)


class Form(HTMLParser):
    """The fields a browser would submit from the page's first POST form."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in {"submit", "checkbox"}:
            self.fields[name] = attributes.get("value") or ""
        elif tag == "input" and name and "checked" in attributes:
            self.fields[name] = attributes.get("value") or "on"
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields[self._select] = attributes.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


# --- the extraction ---------------------------------------------------------------------------


def test_admin_module_moves_rewritten_with_each_rewrite_reported(shop):
    moved = (shop.service_root / "orders" / "admin.py").read_text()
    original = (shop.monolith_root / "orders" / "admin.py").read_text()
    assert 'search_fields = ["id", "user__email"]' in moved  # searched through the monolith
    assert 'raw_id_fields = ["user", "shipping_address"]' in original
    assert "raw_id_fields = []" in moved
    # Everything the codemod had no reason to touch is byte for byte the monolith's.
    assert moved.splitlines()[:8] == original.splitlines()[:8]
    report = (shop.service_root / "EXTRACTION.md").read_text()
    assert ("`orders/admin.py:16` [admin_options] search_fields 'user__email': searched "
            "through the monolith") in report
    assert "`orders/admin.py:18` [admin_options] raw_id_fields 'user' removed" in report
    assert "- `/admin/orders/`" in report.split("## Django admin")[1]


def test_dry_run_lists_the_admin_rewrites(shop, tmp_path):
    result = invoke("orders", "--project", str(shop.monolith_root), "--out", str(tmp_path / "x"),
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert "orders/admin.py:9: [admin_options] raw_id_fields 'product' removed" in result.output
    assert ("orders/admin.py:16: [admin_options] search_fields 'user__email': searched "
            "through the monolith" in result.output)


def test_deploy_checks_stay_clean_with_the_admin_installed(shop):
    out = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
              shop.service_root, shop.service_env)
    assert "no issues" in out


# --- who gets in ------------------------------------------------------------------------------


def test_staff_see_every_order_with_the_customer_read_from_the_monolith(shop):
    orders = shop.sql("SELECT o.id, u.username FROM orders_order o JOIN accounts_user u "
                      "ON u.id = o.user_id ORDER BY o.created_at DESC, o.id DESC")
    assert len(orders) > 100  # two pages of the admin's 100
    for page_number, rows in ((1, orders[:100]), (2, orders[100:])):
        page, reads = shop.bridge_reads(functools.partial(
            request, f"{shop.service}{CHANGELIST}?p={page_number}",
            headers={**PUBLIC, "Authorization": f"Bearer {shop.token('admin')}"}))
        # the customers in one read; the signed-in user's own row once, for what its token
        # does not carry (the header's get_short_name probes first_name)
        assert len(reads) == 2 and all("/_decompose/objects/accounts/User/" in r
                                       for r in reads), reads
        admin_id, = shop.sql("SELECT id FROM accounts_user WHERE username = 'admin'")[0]
        assert reads[1].endswith(f"?pk={admin_id} HTTP/1.1"), reads
        assert page.status == 200, page.body[:500]
        html = page.body.decode()
        assert html.count('<td class="field-user">') == len(rows)
        for order_id, username in rows:
            assert f'href="/admin/orders/order/{order_id}/change/?' in html  # + the page
            assert f'<td class="field-user">{username}</td>' in html


@pytest.mark.parametrize("term", ["alice@shop", "ALICE", "alice nobody-at-all", "{order}"])
def test_search_by_customer_email_asks_the_monolith_and_matches_django(shop, term):
    """``search_fields = ["id", "user__email"]``: the email part is answered by the monolith,
    the id part by the service's own table; as in Django, each word must match a field."""
    order = shop.sql("SELECT max(id) FROM orders_order")[0][0]
    term = term.format(order=order)
    words = term.lower().split()
    expected = {row_id for row_id, email in shop.sql(
        "SELECT o.id, u.email FROM orders_order o JOIN accounts_user u ON u.id = o.user_id")
        if all(word in email.lower() or word in str(row_id) for word in words)}
    page = shop.admin(f"{CHANGELIST}?q={term.replace(' ', '+').replace('@', '%40')}", "admin")
    assert page.status == 200, page.body[:500]
    listed = {int(found) for found in re.findall(r'href="/admin/orders/order/(\d+)/change/',
                                                  page.body.decode())}
    assert listed == expected
    assert bool(listed) == (term != "alice nobody-at-all")


@pytest.mark.parametrize("username", [None, "alice"])
def test_anonymous_and_non_staff_are_sent_to_the_monoliths_login(shop, username):
    page = shop.admin(CHANGELIST, username)
    assert page.status == 302
    assert page.headers["location"] == "/admin/login/?next=/admin/orders/order/"
    login = shop.admin("/admin/login/?next=/admin/orders/order/")
    assert (login.status, login.headers["location"]) == (
        302, "/admin/login/?next=%2Fadmin%2Forders%2Forder%2F")


def test_staff_without_the_permission_are_refused_as_django_refuses(shop):
    assert shop.admin(CHANGELIST, "clerk").status == 403
    assert shop.admin("/admin/orders/", "clerk").status == 404  # no app they may see
    assert shop.admin(CHANGELIST, "manager").status == 200


# --- changing a row -------------------------------------------------------------------------


def test_a_change_is_saved_in_the_shared_row_and_logged_as_json(shop):
    order_id, status = shop.sql("SELECT id, status FROM orders_order ORDER BY id LIMIT 1")[0]
    new_status = "cancelled" if status != "cancelled" else "paid"
    path = f"{CHANGELIST}{order_id}/change/"
    page = shop.admin(path, "manager")
    assert page.status == 200, page.body[:500]
    csrf = page.cookies["csrftoken"]
    fields = Form(page.body.decode()).fields
    assert fields["status"] == status and fields["user_id"]
    saved = shop.admin(path, "manager", form={**fields, "status": new_status, "_save": "Save"},
                       cookie=f"csrftoken={csrf}")
    assert saved.status == 302, saved.body[:1000]
    assert saved.headers["location"] == CHANGELIST
    assert "orders_messages" in saved.cookies
    assert shop.sql("SELECT status FROM orders_order WHERE id = ?", order_id) == [(new_status,)]
    logged = [json.loads(line) for line in shop.service_log.read_text().splitlines()
              if line.startswith("{") and '"admin_action"' in line]
    assert {(line["admin_action"], line["model"], line["object_id"], line["username"])
            for line in logged} == {("change", "orders.Order", str(order_id), "manager")}
    assert shop.sql("SELECT count(*) FROM django_admin_log") == [(0,)]


def test_a_change_without_the_permission_is_refused(shop):
    order_id, status = shop.sql("SELECT id, status FROM orders_order ORDER BY id LIMIT 1")[0]
    page = shop.admin(f"{CHANGELIST}{order_id}/change/", "clerk")
    assert page.status == 403
    assert shop.sql("SELECT status FROM orders_order WHERE id = ?", order_id) == [(status,)]
