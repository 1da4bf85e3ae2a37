"""One real deployment (PostgreSQL, patched monolith, extracted orders service) shared by the
live nginx and HAProxy modules: extraction and boot happen once per test run."""

from __future__ import annotations

import pytest

from tests.strangler.deployment import orders_deployment
from tests.support.postgres import temporary_postgres


@pytest.fixture(scope="package")
def deployment(tmp_path_factory):
    work = tmp_path_factory.mktemp("deployment")
    with temporary_postgres("shop") as url, orders_deployment(work, url) as running:
        yield running
