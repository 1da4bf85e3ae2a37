import pytest

pytestmark = pytest.mark.django_db


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_queries_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databases": {"default": "ok"}}


def test_probes_answer_any_host(client):
    """Kubelets call the pod by IP, which is not in ALLOWED_HOSTS."""
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200


def test_other_paths_still_check_the_host(client):
    response = client.get("/api/schema/", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 400


def test_probes_refuse_writes(client):
    response = client.post("/livez")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_metrics_count_requests_by_route(client, unrouted_path):
    client.get("/livez")
    client.get(unrouted_path)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'http_requests_total{method="GET",route="/livez",status="200"}' in body
    assert 'http_requests_total{method="GET",route="<unmatched>",status="404"}' in body
    assert "http_request_duration_seconds_bucket" in body
