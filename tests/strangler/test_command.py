import json
from datetime import UTC, datetime

from click.testing import CliRunner

from decompose.model import ExtractionPlan, KeptRoute, ProjectGraph
from decompose.serialize import write_json_atomic
from strangler.command import proxy, route
from strangler.extraction import load_record
from tests.strangler.sample import SAMPLE_URLS

NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def run(command, *args):
    return CliRunner().invoke(command, [str(a) for a in args], obj={"clock": lambda: NOW},
                              catch_exceptions=False)


def project(tmp_path):
    graph = ProjectGraph("config.settings", (), (), (), urls=SAMPLE_URLS)
    write_json_atomic(tmp_path / "decompose-report" / "graph.json", graph)
    return tmp_path


def test_status_of_a_fresh_project_changes_nothing(tmp_path):
    result = run(route, "--project", tmp_path)
    assert result.exit_code == 0 and "monolith   web:8000" in result.output
    assert "no service routed yet" in result.output
    assert not (tmp_path / "decompose.toml").exists()


def test_route_prints_the_diff_and_list_shows_ownership(tmp_path):
    root = project(tmp_path)
    result = run(route, "orders", "--apps", "orders", "--percent", "10", "--project", root,
                 "--upstream", "127.0.0.1:9002", "--monolith", "127.0.0.1:9001")
    assert result.exit_code == 0, result.output
    assert "+++ b/decompose.toml" in result.output and "+weight = 10" in result.output
    assert "+at = 2025-05-01T09:00:00Z" in result.output
    listed = run(route, "--list", "--project", root).output
    assert "orders - paths of its apps' URLconf (no extraction record):\n" \
        "  exact  /api/orders   config/urls.py:10\n" in listed
    assert "monolith - every other path; explicitly:\n  prefix /admin/\n" in listed
    status = run(route, "orders", "--status", "--project", root).output
    assert "orders  upstream 127.0.0.1:9002   apps orders\n" \
        "  saved  percent: 10% of clients on the service\n" in status
    assert "  2025-05-01T09:00:00Z  percent: 10% of clients on the service\n" in status
    assert run(route, "--status", "--project", root).output == status  # SERVICE not needed
    before = (root / "decompose.toml").read_text()
    assert run(route, "orders", "--project", root).output == status  # no action: only shows
    assert (root / "decompose.toml").read_text() == before
    again = run(route, "orders", "--rollback", "--project", root).output
    assert '-stage = "percent"' in again and "+weight = 0" in again
    assert "apply it: decompose proxy --target gateway-api|haproxy|istio|nginx --project" in again


def test_proxy_writes_validated_config_into_the_project(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--full", "--project", root,
        "--upstream", "127.0.0.1:9002", "--monolith", "127.0.0.1:9001")
    result = run(proxy, "--target", "nginx", "--project", root, "--listen", "127.0.0.1:8089")
    assert result.exit_code == 0, result.output
    assert '-listen = "127.0.0.1:8080"\n' in result.output
    assert '+target = "nginx"\n+listen = "127.0.0.1:8089"\n' in result.output
    text = (root / "proxy" / "nginx.conf").read_text()
    assert "listen 127.0.0.1:8089;" in text and "server 127.0.0.1:9002;" in text
    # The flags were saved: the same config again without them, and decompose.toml unchanged.
    assert run(proxy, "--project", root).output == f"{root / 'proxy'}: up to date\n" \
        "nginx: reload to apply (graceful, then verified): decompose proxy --reload\n"
    moved = run(route, "orders", "--rollback", "--project", root).output
    assert moved.endswith(f"apply it: decompose proxy --project {root} --reload\n")


def test_listen_is_loopback_unless_told(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--full", "--project", root,
        "--upstream", "127.0.0.1:9002", "--monolith", "127.0.0.1:9001")
    assert run(proxy, "--target", "nginx", "--project", root).exit_code == 0
    assert "listen 127.0.0.1:8080;" in (root / "proxy" / "nginx.conf").read_text()


def test_a_wrong_value_in_the_state_is_one_line_naming_file_key_and_line(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--percent", "10", "--project", root)
    config = root / "decompose.toml"
    good = config.read_text()
    for wrong, key in (('weight = "ten"', "routing.services.orders.weight must be an integer "
                                          "from 0 to 100, got 'ten'"),
                       ('stage = "banana"', "routing.services.orders.stage must be one of off, "
                                            "shadow, percent, full, got 'banana'")):
        name = wrong.split(" ")[0]
        text = "\n".join(wrong if line.startswith(f"{name} =") else line
                         for line in good.splitlines())
        config.write_text(text)
        line = text.splitlines().index(wrong) + 1
        result = CliRunner().invoke(route, ["--project", str(root)])
        assert result.exit_code == 1 and str(result.exception) == f"{config}:{line}: {key}"
    history = good.replace('weight = 10\nshadow_sample = 100\n\n[[',
                           'weight = 10\nshadow_sample = 100\n\n[[', 1)
    config.write_text(history.rstrip("\n").rsplit("\n", 1)[0] + "\nshadow_sample = -1\n")
    result = CliRunner().invoke(route, ["--project", str(root)])
    assert str(result.exception) == (
        f"{config}:{len(config.read_text().splitlines())}: routing.services.orders.history[0]."
        "shadow_sample must be an integer from 0 to 100, got -1")


def test_tls_files_are_checked_and_saved(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--full", "--project", root,
        "--upstream", "127.0.0.1:9002", "--monolith", "127.0.0.1:9001")
    key = tmp_path / "key.pem"
    key.write_text("not a key")
    refused = CliRunner().invoke(proxy, ["--target", "nginx", "--project", str(root),
                                         "--tls-cert", str(key), "--tls-key", str(key)])
    assert refused.exit_code == 1
    assert str(refused.exception) == f"{key}: --tls-cert: not a PEM file with a certificate " \
        "(-----BEGIN ...CERTIFICATE-----)"
    assert "tls" not in (root / "decompose.toml").read_text()


def test_route_refuses_two_moves(tmp_path):
    result = CliRunner().invoke(route, ["orders", "--full", "--rollback", "--project",
                                        str(tmp_path)])
    assert result.exit_code == 2 and "choose one of --full, --rollback" in result.output


def extraction_record(root, routes, kept=()):
    record = ExtractionPlan(service="orders", apps=("orders",), routes=routes, mounts=(),
                            files=(), rewrites=(), dependencies=(), inbound=(), transactions=(),
                            mirrors=(), kept_routes=kept)
    write_json_atomic(root.parent / "services" / "orders" / "extraction.json", record)


def test_an_extracted_service_gets_its_apps_and_only_the_routes_it_serves(tmp_path):
    root = project(tmp_path / "shop")
    extraction_record(root, ("/api/orders/",),
                      (KeptRoute("/orders/", "orders.urls", "server-rendered pages"),))
    result = run(route, "orders", "--percent", "10", "--project", root)
    assert result.exit_code == 0, result.output
    assert '+apps = ["orders"]' in result.output  # read from extraction.json, no --apps
    listed = CliRunner().invoke(route, ["--list", "--project", str(root)])
    record = tmp_path / "services" / "orders" / "extraction.json"
    assert f"orders - paths from {record}:\n  exact  /api/orders   config/urls.py:10\n" \
        "  prefix /api/orders/  config/urls.py:10\nmonolith" in listed.stdout
    assert "  prefix /orders/      config/urls.py:22\n" in \
        listed.stdout.split("monolith - ")[1]  # the pages stay: the service does not serve them
    assert "config/urls.py:22: /orders/ stays on the monolith (kept by the orders extraction: " \
        "server-rendered pages)" in listed.stderr
    run(proxy, "--target", "nginx", "--project", root, "--listen", "127.0.0.1:8089")
    text = (root / "proxy" / "nginx.conf").read_text()
    assert "location ^~ /api/orders/ {\n            set $decompose_backend" in text
    assert "location ^~ /orders/ {\n            set $decompose_backend monolith;" in text


def test_an_extraction_record_of_another_version_is_refused(tmp_path):
    root = project(tmp_path / "shop")
    extraction_record(root, ("/api/orders/",))
    record = tmp_path / "services" / "orders" / "extraction.json"
    record.write_text(record.read_text().replace('"schema_version": 1', '"schema_version": 99'))
    result = CliRunner().invoke(route, ["orders", "--percent", "10", "--project", str(root)])
    assert result.exit_code != 0
    assert "schema_version 99 is not supported" in str(result.exception)
    assert not (root / "decompose.toml").exists()


def test_a_record_written_before_children_only_routes_is_read_as_serving_its_bare_paths(
        tmp_path):
    root = project(tmp_path / "shop")
    extraction_record(root, ("/api/orders/",))
    record = tmp_path / "services" / "orders" / "extraction.json"
    data = json.loads(record.read_text())
    del data["children_only_routes"]
    record.write_text(json.dumps(data))
    assert load_record(root, "orders").children_only_routes == ()
    run(route, "orders", "--percent", "10", "--project", root)
    listed = run(route, "--list", "--project", root).output
    assert "  exact  /api/orders   config/urls.py:10\n" in listed.split("monolith - ")[0]


def test_listen_given_to_a_kubernetes_target_is_named_as_unused(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--full", "--project", root,
        "--upstream", "orders:8000", "--monolith", "web:8000")
    plain = CliRunner().invoke(proxy, ["--target", "gateway-api", "--project", str(root)])
    assert plain.exit_code == 0, plain.output
    assert "--listen" not in plain.stderr
    given = CliRunner().invoke(proxy, ["--target", "gateway-api", "--project", str(root),
                                       "--listen", "9000"])
    assert given.exit_code == 0, given.output
    assert "warning: --listen is not used by the gateway-api target: the Gateway's listeners " \
        "choose the port" in given.stderr
    assert "9000" not in (root / "proxy" / "k8s" / "httproute-orders.yaml").read_text()


def test_kubernetes_gateways_and_hosts_come_from_flags_then_the_saved_state(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--percent", "10", "--project", root,
        "--upstream", "orders:8000", "--monolith", "web:8000")
    given = CliRunner().invoke(proxy, ["--target", "istio", "--project", str(root),
                                       "--gateway", "edge/public", "--host", "shop.example.com"])
    assert given.exit_code == 0, given.output
    assert "warning: istio: the split is per request, not per client: orders gets 10% of " \
        "requests" in given.stderr
    virtual = (root / "proxy" / "istio" / "virtualservice-orders.yaml").read_text()
    assert '  hosts:\n  - "shop.example.com"\n  gateways:\n  - edge/public\n' in virtual
    # Saved: the Gateway API target attaches to the same Gateway without repeating the flags.
    again = CliRunner().invoke(proxy, ["--target", "gateway-api", "--project", str(root)])
    assert again.exit_code == 0, again.output
    httproute = (root / "proxy" / "k8s" / "httproute-orders.yaml").read_text()
    assert "  parentRefs:\n  - name: public\n    namespace: edge\n  hostnames:\n" \
        '  - "shop.example.com"\n' in httproute
