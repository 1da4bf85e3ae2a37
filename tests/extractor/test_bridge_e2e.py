"""Both ends of the wire, for real: the sample monolith with the decompose_bridge app (and its
rendered allowlist) under gunicorn, and a small service using decompose_remote under gunicorn.

No mocks: tokens are issued by the monolith, verified by the service, rows and calls go through
the bridge to SQLite holding the demo shop. One setup (keys, monolith, service) per module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest

from decompose_runtime.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from extractor.bridge import Allowlist, ModelAccess, render_bridge
from tests.support.demo import DEMO_PASSWORD, demo_token
from tests.support.gunicorn import start_gunicorn
from tests.support.http import Reply, free_port, request
from tests.support.keys import KeyPair, key_pair
from tests.support.processes import clean_env, completed, stop

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
MONOLITH = REPO / "sample_monolith"
CLIENT = REPO / "tests" / "fixtures" / "remote_client"
ALLOWLIST = Allowlist(
    functions=("inventory.services.reserve_stock", "promotions.services.redeemable_coupon"),
    models=(
        ModelAccess("catalog.Product", ("id", "name", "price"), chains=("active",)),
        ModelAccess("accounts.User", ("email",)),
        ModelAccess("promotions.Coupon", ("code", "percent_off"), methods=("discount_for",)),
    ),
)


@dataclass(frozen=True)
class Keys:
    token: KeyPair      # the monolith's: signs access tokens
    service: KeyPair    # the orders service's: signs calls to the bridge
    stranger: KeyPair   # nobody's


@dataclass(frozen=True)
class Running:
    url: str
    process: subprocess.Popen
    log: Path


def gunicorn(cwd: Path, app: str, env: dict[str, str], log: Path, *extra: str) -> Running:
    url, process = start_gunicorn(cwd, env, log, *extra, app,
                                  ready=lambda url: request(url + "/", timeout=2))
    return Running(url, process, log)


def install_bridge(root: Path) -> None:
    """What monolith.patch does: the app in INSTALLED_APPS, its URLs mounted first."""
    render_bridge(ALLOWLIST, ("orders",), root)
    settings = root / "config" / "settings" / "base.py"
    text = settings.read_text()
    settings.write_text(text.replace('    "demo",\n]', '    "demo",\n    "decompose_bridge",\n]'))
    urls = root / "config" / "urls.py"
    text = urls.read_text()
    urls.write_text(text.replace(
        "urlpatterns = [\n",
        'urlpatterns = [\n    path("_decompose/", include("decompose_bridge.urls")),\n'))
    assert "decompose_bridge" in settings.read_text() and "_decompose/" in urls.read_text()


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(key_pair(), key_pair(), key_pair())


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("db") / "shop.sqlite3"


@pytest.fixture(scope="module")
def monolith(tmp_path_factory, keys, database) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("monolith") / "shop"
    shutil.copytree(MONOLITH, root, ignore=shutil.ignore_patterns(
        "db.sqlite3", "__pycache__", ".pytest_cache"))
    install_bridge(root)
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="monolith-test-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{database}",
        DECOMPOSE_TOKEN_PRIVATE_KEY=keys.token.private,
        DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({"orders": keys.service.public}),
    )
    completed([sys.executable, "manage.py", "migrate", "-v0"], root, env)
    completed([sys.executable, "manage.py", "seed_demo"], root, env)
    with sqlite3.connect(database) as db:
        # One inactive product, and alice free to use WELCOME10.
        db.execute("UPDATE catalog_product SET is_active = 0 WHERE id = 2")
        db.execute("DELETE FROM promotions_couponredemption WHERE user_id = "
                   "(SELECT id FROM accounts_user WHERE username = 'alice')")
    scratch = tmp_path_factory.mktemp("monolith-logs")
    running = gunicorn(root, "config.wsgi:application", env, scratch / "gunicorn.log",
                       "--access-logfile", str(scratch / "access.log"))
    yield running
    stop(running.process)


@pytest.fixture(scope="module")
def client_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("service") / "orders"
    shutil.copytree(CLIENT, root)
    return root


def client_env(keys: Keys, monolith_url: str) -> dict[str, str]:
    return clean_env(DJANGO_SETTINGS_MODULE="client_settings", MONOLITH_URL=monolith_url,
                    DECOMPOSE_SERVICE_PRIVATE_KEY=keys.service.private,
                    DECOMPOSE_TOKEN_PUBLIC_KEY=keys.token.public)


@pytest.fixture(scope="module")
def service(client_root, keys, monolith, tmp_path_factory) -> Iterator[Running]:
    log = tmp_path_factory.mktemp("service-logs") / "gunicorn.log"
    running = gunicorn(client_root, "django.core.wsgi:get_wsgi_application()",
                       client_env(keys, monolith.url), log)
    yield running
    stop(running.process)


# --- helpers ----------------------------------------------------------------------------------


def exchange(monolith: Running, headers: dict[str, str]) -> Reply:
    return request(monolith.url + "/_decompose/token", headers=headers)


def access_token(monolith: Running, username: str = "alice") -> str:
    reply = exchange(monolith, {"Authorization": f"Token {demo_token(username)}"})
    assert reply.status == 200, reply.body
    return reply.headers["x-decompose-token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    values = {"iss": "monolith", "aud": ["orders"], "sub": "2", "username": "alice",
              "email": "alice@shop.example", "is_staff": False, "is_superuser": False,
              "iat": now, "exp": now + 300}
    return {**values, **overrides}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(header: dict, payload: dict, sign=None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b64(sign(signing_input.encode())) if sign else ""
    return f"{signing_input}.{signature}"


def service_jwt(key: str, **overrides: object) -> str:
    now = int(time.time())
    return jwt.encode({"iss": "orders", "aud": "monolith", "iat": now, "exp": now + 60,
                       **overrides}, key, algorithm="RS256")


def service_headers(token: str) -> dict[str, str]:
    """What decompose_remote's client sends: its JWT and the protocol it speaks."""
    return {**bearer(token), PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def rpc(monolith: Running, keys: Keys, body: dict, token: str | None = None) -> Reply:
    headers = service_headers(token or service_jwt(keys.service.private))
    return request(monolith.url + "/_decompose/rpc", method="POST", body=body, headers=headers)


def stock_reserved(database: Path, product_id: int) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT SUM(reserved) FROM inventory_stockitem WHERE product_id = ?",
                          (product_id,)).fetchone()[0]


# --- the token endpoint (monolith) ------------------------------------------------------------


def test_anonymous_exchange_is_200_without_a_token(monolith):
    reply = exchange(monolith, {})
    assert reply.status == 200
    assert "x-decompose-token" not in reply.headers


def test_api_token_is_exchanged_for_a_signed_access_token(monolith, keys):
    token = access_token(monolith, "alice")
    decoded = jwt.decode(token, keys.token.public, algorithms=["RS256"], audience="orders",
                         issuer="monolith")
    assert decoded["username"] == "alice" and decoded["email"] == "alice@shop.example"
    assert decoded["aud"] == ["orders"] and decoded["user_model"] == "accounts.User"
    assert decoded["is_staff"] is False and 290 <= decoded["exp"] - decoded["iat"] <= 300


def test_session_cookie_is_exchanged_too(monolith, keys):
    login_page = request(monolith.url + "/accounts/login/")
    csrf = login_page.cookies["csrftoken"]
    logged_in = request(monolith.url + "/accounts/login/", method="POST",
                        form={"username": "bob", "password": DEMO_PASSWORD,
                              "csrfmiddlewaretoken": csrf},
                        headers={"Cookie": f"csrftoken={csrf}"})
    assert logged_in.status == 302, logged_in.body[:500]
    reply = exchange(monolith, {"Cookie": f"sessionid={logged_in.cookies['sessionid']}"})
    assert reply.status == 200
    decoded = jwt.decode(reply.headers["x-decompose-token"], keys.token.public,
                         algorithms=["RS256"], audience="orders")
    assert decoded["username"] == "bob"


def test_bad_api_token_gets_the_monolith_usual_401(monolith):
    reply = exchange(monolith, {"Authorization": "Token not-a-real-token"})
    api = request(monolith.url + "/api/orders/", headers={"Authorization": "Token nope"})
    assert (reply.status, reply.json()) == (401, {"detail": "Invalid token."}) == \
        (api.status, api.json())
    assert "x-decompose-token" not in reply.headers


def test_envoy_ext_authz_check_answers_under_the_prefix_with_any_method(monolith, keys):
    """As Istio and Envoy Gateway send it: prefix + the client's path and query, its method."""
    reply = request(monolith.url + "/_decompose/token/api/orders/?page=2", method="POST",
                    headers={"Authorization": f"Token {demo_token('alice')}"})
    assert reply.status == 200, reply.body
    scheme, token = reply.headers["authorization"].split()
    assert scheme == "Bearer" and reply.headers["x-decompose-token"] == token
    decoded = jwt.decode(token, keys.token.public, algorithms=["RS256"], audience="orders")
    assert decoded["username"] == "alice"
    refused = request(monolith.url + "/_decompose/token/api/orders/",
                      headers={"Authorization": "Token not-a-real-token"})
    assert (refused.status, refused.json()) == (401, {"detail": "Invalid token."})


# --- token verification in the service ---------------------------------------------------------


def test_exchanged_token_authenticates_drf_and_plain_views(monolith, service):
    token = access_token(monolith, "alice")
    who = request(service.url + "/whoami/", headers=bearer(token))
    assert who.status == 200
    assert who.json() == {"pk": who.json()["pk"], "username": "alice",
                          "email": "alice@shop.example", "is_staff": False}
    page = request(service.url + "/page/", headers=bearer(token))
    assert page.json() == {"authenticated": True, "username": "alice"}


def test_anonymous_gets_what_the_monolith_gives_anonymous(monolith, service):
    mono = request(monolith.url + "/api/orders/")
    svc = request(service.url + "/whoami/")
    assert (svc.status, svc.json()) == (mono.status, mono.json()) == (
        401, {"detail": "Authentication credentials were not provided."})
    assert svc.headers["www-authenticate"] == mono.headers["www-authenticate"] == "Token"


def forged_tokens(keys: Keys) -> dict[str, str]:
    public = keys.token.public.encode()
    return {
        "expired": jwt.encode(claims(iat=int(time.time()) - 900, exp=int(time.time()) - 600),
                              keys.token.private, algorithm="RS256"),
        "wrong audience": jwt.encode(claims(aud=["reviews"]), keys.token.private,
                                     algorithm="RS256"),
        "wrong issuer": jwt.encode(claims(iss="orders"), keys.token.private, algorithm="RS256"),
        "signed by another key": jwt.encode(claims(), keys.stranger.private, algorithm="RS256"),
        "HS256 with the public key": unsigned_token(
            {"alg": "HS256", "typ": "JWT"}, claims(),
            lambda data: hmac.new(public, data, hashlib.sha256).digest()),
        "alg none": unsigned_token({"alg": "none", "typ": "JWT"}, claims()),
        "garbage": "not.a.jwt",
    }


def test_every_bad_token_is_refused_like_a_bad_monolith_token(monolith, service, keys):
    mono = request(monolith.url + "/api/orders/", headers={"Authorization": "Token garbage"})
    assert mono.status == 401
    for name, token in forged_tokens(keys).items():
        svc = request(service.url + "/whoami/", headers=bearer(token))
        assert (svc.status, svc.json()) == (mono.status, mono.json()), name
        assert svc.headers["www-authenticate"] == mono.headers["www-authenticate"], name
        page = request(service.url + "/page/", headers=bearer(token))
        assert page.json() == {"authenticated": False, "username": ""}, name


def test_a_valid_token_really_is_required_to_differ(monolith, service, keys):
    """The forged tokens above differ from a good one only in what they forge."""
    good = jwt.encode(claims(), keys.token.private, algorithm="RS256")
    assert request(service.url + "/whoami/", headers=bearer(good)).status == 200


# --- rows, queries, functions, methods through the bridge -------------------------------------


def test_remote_object_renders_exactly_as_the_monolith_api(monolith, service):
    token = access_token(monolith)
    mono = request(monolith.url + "/api/catalog/products/1/").json()
    reply = request(service.url + "/products/1/", headers=bearer(token))
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["product"] == {key: mono[key] for key in ("id", "name", "price")}
    assert re.fullmatch(r"\d+\.\d\d", body["product"]["price"])
    assert body["price_type"] == "Decimal" and body["str"] == mono["name"]


def test_missing_remote_object_raises_the_models_does_not_exist(monolith, service):
    reply = request(service.url + "/products/999999/", headers=bearer(access_token(monolith)))
    assert (reply.status, reply.json()) == (
        404, {"detail": "Not found.", "type": "Product.DoesNotExist", "django": True})


def test_primary_key_related_field_queries_the_monolith_chain(monolith, service):
    headers = bearer(access_token(monolith))
    ok = request(service.url + "/lines/", method="POST", headers=headers,
                 body={"product": 1, "quantity": 2})
    assert ok.status == 200, ok.body
    assert ok.json()["product"]["id"] == 1
    inactive = request(service.url + "/lines/", method="POST", headers=headers,
                       body={"product": 2, "quantity": 1})
    assert (inactive.status, inactive.json()) == (
        400, {"product": ['Invalid pk "2" - object does not exist.']})
    wrong_type = request(service.url + "/lines/", method="POST", headers=headers,
                         body={"product": "abc", "quantity": 1})
    assert wrong_type.status == 400
    assert wrong_type.json() == {"product": ["Incorrect type. Expected pk value, received str."]}


def test_remote_function_runs_in_the_monolith(monolith, service, database):
    headers = bearer(access_token(monolith))
    before = stock_reserved(database, 3)
    reply = request(service.url + "/reserve/", method="POST", headers=headers,
                    body={"product_id": 3, "quantity": 2})
    assert (reply.status, reply.json()) == (200, {"reserved": 2})
    assert stock_reserved(database, 3) == before + 2


def test_remote_exception_is_raised_as_the_mirrored_class(monolith, service, database):
    headers = bearer(access_token(monolith))
    before = stock_reserved(database, 3)
    reply = request(service.url + "/reserve/", method="POST", headers=headers,
                    body={"product_id": 3, "quantity": 1_000_000})
    assert reply.status == 400
    body = reply.json()
    assert body["type"] == "InsufficientStock"
    assert re.fullmatch(r"Only \d+ unit\(s\) of product 3 available, 1000000 requested\.",
                        body["lines"][0])
    assert stock_reserved(database, 3) == before


def test_method_on_a_remote_object_and_user_passed_back(monolith, service):
    headers = bearer(access_token(monolith, "alice"))
    reply = request(service.url + "/coupon/", method="POST", headers=headers,
                    body={"code": "welcome10", "lines": [[1, "10.00"], [3, "5.50"]]})
    assert (reply.status, reply.json()) == (
        200, {"code": "WELCOME10", "discount": "1.55", "discount_type": "Decimal"})
    expired = request(service.url + "/coupon/", method="POST", headers=headers,
                      body={"code": "SUMMER15", "lines": []})
    assert (expired.status, expired.json()) == (
        400, {"coupon_code": ["This coupon is not valid at the moment."]})


def test_objects_are_fetched_once_per_request(monolith, service):
    log = Path(monolith.log.parent / "access.log")
    before = log.read_text().count("/_decompose/objects/accounts/User/")
    reply = request(service.url + "/customer/2/", headers=bearer(access_token(monolith)))
    assert reply.status == 200 and reply.json()["same"] is True
    assert re.fullmatch(r"\S+@shop\.example", reply.json()["email"])
    time.sleep(0.2)
    assert log.read_text().count("/_decompose/objects/accounts/User/") == before + 1


FETCH_SCRIPT = """
import sys
import django
django.setup()
from decompose_remote.models import RemoteModel
print(len(RemoteModel("catalog.Product").fetch(list(range(1, int(sys.argv[1]) + 1)))))
"""


def test_a_fetch_too_long_for_one_url_is_split(client_root, keys, monolith, database):
    """2500 keys are over the bridge's row cap and gunicorn's 4 KB request line: the rows still
    all come back, in several calls."""
    log = Path(monolith.log.parent / "access.log")
    before = log.read_text().count("/_decompose/objects/catalog/Product/")
    out = completed([sys.executable, "-c", FETCH_SCRIPT, "2500"], client_root,
                    client_env(keys, monolith.url)).stdout
    with sqlite3.connect(database) as db:
        [(products,)] = db.execute("SELECT count(*) FROM catalog_product WHERE id <= 2500")
    assert products and out.split() == [str(products)]
    time.sleep(0.2)
    assert log.read_text().count("/_decompose/objects/catalog/Product/") - before > 1


# --- the bridge refuses what is not allowlisted, and callers that are not services ------------


@pytest.mark.parametrize(("body", "message"), [
    ({"op": "call", "target": "inventory.services.release_stock", "args": [3, 1]},
     "function 'inventory.services.release_stock' is not in the bridge allowlist"),
    ({"op": "call", "target": "os.system", "args": ["true"]},
     "function 'os.system' is not in the bridge allowlist"),
    ({"op": "query", "model": "accounts.Address", "chain": [["all", [], {}]]},
     "model accounts.Address is not in the bridge allowlist"),
    ({"op": "query", "model": "catalog.Product",
      "chain": [["filter", [], {"category__name": "Books"}], ["count", [], {}]]},
     "lookup 'category__name' on catalog.Product is not allowed"),
    ({"op": "query", "model": "accounts.User",
      "chain": [["filter", [], {"password__startswith": "md5"}], ["exists", [], {}]]},
     "lookup 'password__startswith' on accounts.User is not allowed"),
    ({"op": "query", "model": "catalog.Product", "chain": [["delete", [], {}]]},
     "catalog.Product.objects.delete() is not in the bridge allowlist"),
    ({"op": "method", "object": {"$model": "promotions.Coupon", "pk": 1}, "name": "delete"},
     "method 'delete' of promotions.Coupon is not in the bridge allowlist"),
])
def test_bridge_refuses_what_the_allowlist_leaves_out(monolith, keys, body, message):
    reply = rpc(monolith, keys, body)
    assert reply.status == 403
    assert reply.json()["detail"].startswith(message)


def test_objects_endpoint_serves_allowlisted_fields_only(monolith, keys):
    headers = service_headers(service_jwt(keys.service.private))
    ok = request(monolith.url + "/_decompose/objects/catalog/Product/?pk=1&pk=999999",
                 headers=headers)
    assert ok.status == 200
    [row] = ok.json()["objects"]
    assert set(row["fields"]) == {"id", "name", "price"} and row["pk"] == 1
    assert row["fields"]["price"] == {"$decimal": row["repr"]["price"]}
    refused = request(monolith.url + "/_decompose/objects/catalog/Product/?pk=1&fields=sku",
                      headers=headers)
    assert refused.status == 403


def test_bridge_refuses_callers_without_a_valid_service_jwt(monolith, keys):
    body = {"op": "query", "model": "catalog.Product", "chain": [["count", [], {}]]}
    assert rpc(monolith, keys, body).status == 200
    now = int(time.time())
    bad = {
        "signed by another key": service_jwt(keys.stranger.private),
        "unknown service": service_jwt(keys.service.private, iss="reviews"),
        "wrong audience": service_jwt(keys.service.private, aud="orders"),
        "expired": service_jwt(keys.service.private, iat=now - 600, exp=now - 300),
        "long-lived": service_jwt(keys.service.private, exp=now + 86400),
        "alg none": unsigned_token({"alg": "none"}, {"iss": "orders", "aud": "monolith",
                                                     "iat": now, "exp": now + 60}),
        "a user access token": access_token(monolith),
    }
    for name, token in bad.items():
        reply = rpc(monolith, keys, body, token=token)
        assert (reply.status, reply.json()) == (401, {"detail": "Invalid service token."}), name
    missing = request(monolith.url + "/_decompose/rpc", method="POST", body=body)
    assert (missing.status, missing.json()) == (
        401, {"detail": "Service credentials were not provided."})


# --- the monolith down or failing: 503, retries on reads only ---------------------------------


class _Failing(BaseHTTPRequestHandler):
    """A monolith that is always restarting: every request is counted and answered 503."""

    hits: list[str]

    def _fail(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        body = b'{"detail": "restarting"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _fail

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_monolith() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Failing", (_Failing,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


CALLS_SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_AUTHORIZATION=sys.argv[1])
out = []
for method, path, body in json.loads(sys.argv[2]):
    reply = getattr(client, method)(path, body, content_type="application/json")
    out.append([reply.status_code, reply.json()])
print(json.dumps(out))
"""
CALLS = [["get", "/products/1/", None],
         ["post", "/lines/", {"product": 1, "quantity": 1}],
         ["post", "/reserve/", {"product_id": 1, "quantity": 1}]]


def call_service(client_root: Path, keys: Keys, monolith_url: str, token: str) -> list:
    env = {**client_env(keys, monolith_url), "DECOMPOSE_MONOLITH_RETRIES": "2"}
    out = completed([sys.executable, "-c", CALLS_SCRIPT, f"Bearer {token}", json.dumps(CALLS)],
                    client_root, env).stdout
    return json.loads(out.splitlines()[-1])


def test_monolith_down_is_a_clear_503(client_root, keys, monolith):
    token = access_token(monolith)
    results = call_service(client_root, keys, f"http://127.0.0.1:{free_port()}", token)
    unavailable = [503, {"detail": "The monolith is unavailable; try again later."}]
    assert results == [unavailable] * 3


def test_only_idempotent_calls_are_retried(client_root, keys, monolith, failing_monolith):
    url, hits = failing_monolith
    results = call_service(client_root, keys, url, access_token(monolith))
    assert [status for status, _ in results] == [503, 503, 503]
    gets = [hit for hit in hits if hit.startswith("GET /_decompose/objects/catalog/Product/")]
    posts = [hit for hit in hits if hit == "POST /_decompose/rpc"]
    # 3 attempts for the fetch, 3 for the query (a read), 1 for reserve_stock (a write).
    assert len(gets) == 3
    assert len(posts) == 3 + 1
