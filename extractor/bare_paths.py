"""Which router prefixes the written service serves only below, asked of its own URLconf.

A viewset without a list route (retrieve and update only) registered at
``issues/custom-attributes-values`` gives the service no route at that path, with or without
its slash, while the monolith may route it elsewhere (the ``issues`` viewset's detail route,
``issues/<pk>``). Whether a router adds a list route depends on the viewset's actions through
its bases and on the router's own route table (a DRF fork's), so the question is put to
Django's resolver in the booted service, where both are known, rather than guessed from the
source.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from decompose.errors import DecomposeError
from extractor.openapi import TIMEOUT, schema_environment

URLCONF = "config/urls.py"  # the service's, where a failure is reported
# Run by the service's interpreter in the service's folder; prints the prefixes (argv) that
# resolve neither as they are nor without their trailing slash.
_UNROUTED = """\
import json, sys
import django
django.setup()
from django.urls import Resolver404, resolve
def routed(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
print(json.dumps([p for p in sys.argv[1:] if not routed(p) and not routed(p.rstrip("/"))]))
"""


def children_only(service: Path, python: Path, prefixes: Sequence[str]) -> tuple[str, ...]:
    """The ``prefixes`` (``/api/v1/x/``) the service at ``service``, run by ``python``, routes
    neither bare nor without their slash: it serves only what lies under them."""
    if not prefixes:
        return ()
    command = [str(python), "-c", _UNROUTED, *prefixes]
    try:
        result = subprocess.run(command, cwd=service, env=schema_environment(),
                                capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DecomposeError(f"cannot ask the service which paths it routes: {exc}",
                             path=URLCONF) from None
    lines = result.stdout.strip().splitlines()
    if result.returncode or not lines:
        reason = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        raise DecomposeError(f"cannot ask the service which paths it routes: {reason}",
                             path=URLCONF)
    return tuple(sorted(json.loads(lines[-1])))
