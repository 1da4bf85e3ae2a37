import re

from decompose.model import Location, UrlRoute
from strangler.routes import (
    MONOLITH,
    RESERVED_PREFIXES,
    MatchKind,
    PathRule,
    Served,
    anchored_regex,
    compute_ownership,
    converters_to_regex,
)

AT = Location("config/urls.py", 1)


def rules(urls, services):
    return {(r.kind, r.path, r.owner) for r in compute_ownership(urls, services).rules}


def reserved():
    return {(MatchKind.PREFIX, p, MONOLITH) for p in RESERVED_PREFIXES}


def test_no_service_keeps_only_the_reserved_paths():
    assert rules([UrlRoute("/api/orders/", "orders", AT)], {}) == reserved()


def test_prefix_with_slash_also_owns_the_slashless_path():
    found = rules([UrlRoute("/api/orders/", "orders", AT)], {"orders": ["orders"]})
    assert found - reserved() == {(MatchKind.PREFIX, "/api/orders/", "orders"),
                                  (MatchKind.EXACT, "/api/orders", "orders")}


def test_slashless_route_owns_itself_and_what_lies_under_it_only():
    # DRF's DefaultRouter(trailing_slash=False): /api/wiki lists, /api/wiki/1 is a detail;
    # /api/wiki-links is another viewset's, which stays on the monolith
    urls = [UrlRoute("/api/wiki", "wiki", AT), UrlRoute("/api/wiki-links", "links", AT)]
    found = rules(urls, {"wiki": ["wiki"]}) - reserved()
    assert found == {(MatchKind.PREFIX, "/api/wiki/", "wiki"),
                     (MatchKind.EXACT, "/api/wiki", "wiki")}


def test_relative_paths_regexes_and_converters():
    urls = [UrlRoute("shop/orders/", "orders", AT),
            UrlRoute("^legacy/(?P<pk>[0-9]+)/$", "orders", AT, regex=True),
            UrlRoute("/o/<int:pk>/<slug:s>/", "orders", AT)]
    found = rules(urls, {"svc": ["orders"]}) - reserved()
    assert (MatchKind.PREFIX, "/shop/orders/", "svc") in found
    assert (MatchKind.REGEX, "^/legacy/(?P<pk>[0-9]+)/$", "svc") in found
    assert (MatchKind.REGEX, "^/o/[0-9]+/[-a-zA-Z0-9_]+/", "svc") in found


def test_monolith_paths_nested_in_an_owned_prefix_stay_on_the_monolith():
    urls = [UrlRoute("/api/orders/", "orders", AT),
            UrlRoute("/api/orders/export/", "reports", AT)]
    found = rules(urls, {"orders": ["orders"]})
    assert (MatchKind.PREFIX, "/api/orders/export/", MONOLITH) in found


def test_reserved_paths_are_refused_with_a_warning():
    ownership = compute_ownership([UrlRoute("/admin/orders/", "orders", AT)],
                                  {"orders": ["orders"]})
    assert ownership.for_owner("orders") == ()
    assert "config/urls.py:1: /admin/orders/ stays on the monolith (reserved)" in \
        ownership.warnings


def test_two_services_claiming_one_path_warn_and_the_first_keeps_it():
    urls = [UrlRoute("/api/x/", "a", AT), UrlRoute("/api/x/", "b", AT, name="dup")]
    ownership = compute_ownership(urls, {"alpha": ["a"], "beta": ["b"]})
    assert {r.owner for r in ownership.rules if r.path == "/api/x/"} == {"alpha"}
    assert "claimed by both alpha and beta" in ownership.warnings[0]


def test_root_route_is_exact_only():
    found = rules([UrlRoute("/", "home", AT)], {"home": ["home"]}) - reserved()
    assert found == {(MatchKind.EXACT, "/", "home")}


def test_first_match_order_puts_specific_rules_first():
    ownership = compute_ownership([UrlRoute("/api/orders/", "orders", AT),
                                   UrlRoute("/api/orders/export/", "r", AT)],
                                  {"orders": ["orders"]})
    order = [r.path for r in ownership.first_match_order()]
    assert order.index("/api/orders/export/") < order.index("/api/orders/")
    # exact paths first: the monolith's /api/orders/export (which APPEND_SLASH redirects) must
    # not fall into the service's /api/orders/
    assert order[:2] == ["/api/orders/export", "/api/orders"]


def test_regex_helpers():
    assert anchored_regex("^orders/$") == "^/orders/$"
    assert anchored_regex("^/orders/$") == "^/orders/$"
    assert converters_to_regex("/a/<pk>/") == "^/a/[^/]+/"
    language = converters_to_regex("/<language>/blog/")  # i18n_patterns, as the analyzer writes it
    paths = ("/en/blog/", "/pt-br/blog/", "/orders/blog/")
    assert [bool(re.match(language, p)) for p in paths] == [True, True, False]
    assert PathRule(MatchKind.EXACT, "/x", "s").specificity == (0, -2)


def test_served_prefixes_narrow_a_service_and_keep_the_rest_on_the_monolith():
    urls = [UrlRoute("/api/orders/", "orders", AT), UrlRoute("/orders/", "orders", AT),
            UrlRoute("/api/orders/<int:pk>/", "orders", AT),
            UrlRoute("^legacy/orders/$", "orders", AT, regex=True)]
    ownership = compute_ownership(urls, {"svc": ["orders"]},
                                  served={"svc": Served(("/api/orders/",))})
    found = {(r.kind, r.path, r.owner) for r in ownership.rules} - reserved()
    assert found == {(MatchKind.PREFIX, "/api/orders/", "svc"),
                     (MatchKind.EXACT, "/api/orders", "svc"),
                     (MatchKind.PREFIX, "/orders/", MONOLITH),
                     (MatchKind.EXACT, "/orders", MONOLITH),
                     (MatchKind.REGEX, "^/legacy/orders/$", MONOLITH)}
    assert ownership.warnings == (
        "config/urls.py:1: /orders/ is not served by svc (not in its extraction.json routes); "
        "it stays on the monolith",
        "config/urls.py:1: ^/legacy/orders/$ is not served by svc (not in its extraction.json "
        "routes); it stays on the monolith")


def test_a_service_serving_nothing_owns_nothing():
    ownership = compute_ownership([UrlRoute("/api/orders/", "orders", AT)], {"svc": ["orders"]},
                                  served={"svc": Served(())})
    assert ownership.for_owner("svc") == ()
    assert (MatchKind.PREFIX, "/api/orders/", MONOLITH) in {
        (r.kind, r.path, r.owner) for r in ownership.rules}


def test_kept_routes_stay_on_the_monolith_with_their_reason():
    urls = [UrlRoute("/api/orders/", "orders", AT), UrlRoute("/orders/", "orders", AT),
            UrlRoute("/orders/<int:pk>/", "orders", Location("orders/urls.py", 9))]
    served = Served(("/api/orders/",), (("/orders/", "server-rendered pages"),))
    ownership = compute_ownership(urls, {"svc": ["orders"]}, served={"svc": served})
    assert PathRule(MatchKind.PREFIX, "/orders/", MONOLITH, "config/urls.py:1") in \
        ownership.for_owner(MONOLITH)
    assert ownership.for_owner("svc") == (
        PathRule(MatchKind.EXACT, "/api/orders", "svc", "config/urls.py:1"),
        PathRule(MatchKind.PREFIX, "/api/orders/", "svc", "config/urls.py:1"))
    assert ownership.warnings == ("config/urls.py:1: /orders/ stays on the monolith (kept by the "
                                  "svc extraction: server-rendered pages)",)


def test_an_extraction_record_may_claim_its_apps_admin_pages_but_not_the_admin():
    urls = [UrlRoute("/admin/", "admin", AT), UrlRoute("/admin/orders/", "orders", AT)]
    served = Served(("/admin/orders/", "/admin/"))
    ownership = compute_ownership(urls, {"svc": ["orders"]}, served={"svc": served})
    assert {(r.kind, r.path) for r in ownership.for_owner("svc")} == {
        (MatchKind.EXACT, "/admin/orders"), (MatchKind.PREFIX, "/admin/orders/")}
    assert PathRule(MatchKind.PREFIX, "/admin/", MONOLITH) in ownership.for_owner(MONOLITH)
    assert "extraction.json: /admin/ stays on the monolith (reserved)" in ownership.warnings
    # Found in a URLconf but not named by a record, an admin path stays reserved.
    found = compute_ownership(urls, {"svc": ["orders"]})
    assert found.for_owner("svc") == ()


def test_a_prefix_served_only_below_leaves_its_bare_paths_to_the_monolith():
    # taiga: a retrieve-only viewset at issues/custom-attributes-values on a router with
    # trailing_slash=False; the monolith's issues viewset answers both bare paths (issues/<pk>)
    values = Location("taiga/routers.py", 119)
    urls = [UrlRoute("/api/v1/issues/custom-attributes-values", "custom_attributes", values),
            UrlRoute("/api/v1/issue-custom-attributes", "custom_attributes", values),
            UrlRoute("/api/v1/issues", "issues", Location("taiga/routers.py", 208))]
    served = Served(("/api/v1/issue-custom-attributes/",
                     "/api/v1/issues/custom-attributes-values/"),
                    children_only=("/api/v1/issues/custom-attributes-values/",))
    ownership = compute_ownership(urls, {"attrs": ["custom_attributes"]},
                                  served={"attrs": served})
    assert ownership.for_owner("attrs") == (
        PathRule(MatchKind.EXACT, "/api/v1/issue-custom-attributes", "attrs",
                 "taiga/routers.py:119"),
        PathRule(MatchKind.PREFIX, "/api/v1/issue-custom-attributes/", "attrs",
                 "taiga/routers.py:119"),
        PathRule(MatchKind.PREFIX, "/api/v1/issues/custom-attributes-values/", "attrs",
                 "taiga/routers.py:119"))
    assert ownership.for_owner(MONOLITH) == (
        PathRule(MatchKind.EXACT, "/api/v1/issues/custom-attributes-values", MONOLITH,
                 "taiga/routers.py:119"),
        PathRule(MatchKind.EXACT, "/api/v1/issues/custom-attributes-values/", MONOLITH,
                 "taiga/routers.py:119"),
        *(PathRule(MatchKind.PREFIX, p, MONOLITH) for p in sorted(RESERVED_PREFIXES)))
    assert ownership.warnings == ()
    # First-match targets test the monolith's exact path before the service's prefix.
    order = [(r.kind, r.path) for r in ownership.first_match_order()]
    assert order.index((MatchKind.EXACT, "/api/v1/issues/custom-attributes-values/")) < \
        order.index((MatchKind.PREFIX, "/api/v1/issues/custom-attributes-values/"))


def test_a_bare_path_goes_to_the_service_owning_the_prefix_around_it():
    # issues moved too, to its own service: the bare paths are its detail routes
    values = Location("taiga/routers.py", 119)
    urls = [UrlRoute("/api/v1/issues/custom-attributes-values", "custom_attributes", values),
            UrlRoute("/api/v1/issues", "issues", Location("taiga/routers.py", 208))]
    served = {"attrs": Served(("/api/v1/issues/custom-attributes-values/",),
                              children_only=("/api/v1/issues/custom-attributes-values/",)),
              "issues": Served(("/api/v1/issues/",))}
    ownership = compute_ownership(urls, {"attrs": ["custom_attributes"], "issues": ["issues"]},
                                  served=served)
    assert {(r.kind, r.path) for r in ownership.for_owner("issues")} == {
        (MatchKind.EXACT, "/api/v1/issues"), (MatchKind.PREFIX, "/api/v1/issues/"),
        (MatchKind.EXACT, "/api/v1/issues/custom-attributes-values"),
        (MatchKind.EXACT, "/api/v1/issues/custom-attributes-values/")}
    assert {(r.kind, r.path) for r in ownership.for_owner("attrs")} == {
        (MatchKind.PREFIX, "/api/v1/issues/custom-attributes-values/")}
    assert ownership.for_owner(MONOLITH) == tuple(
        PathRule(MatchKind.PREFIX, p, MONOLITH) for p in sorted(RESERVED_PREFIXES))
