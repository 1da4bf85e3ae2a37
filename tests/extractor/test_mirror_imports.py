"""The import block of a mirror module passes the service's own ruff (isort) as generated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from decompose.model import CopiedImport
from extractor.mirror_imports import import_block

RUFF = """[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F", "I"]

[tool.ruff.lint.isort]
known-third-party = ["decompose_remote", "decompose_runtime"]
"""
LONG = "WatchedResourceSerializerMixinWithALongName"


def test_sections_order_and_long_lines_are_isorts(tmp_path: Path):
    imports = {
        CopiedImport("decompose_remote.models", "RemoteModel"),
        CopiedImport("django.utils.translation", "pgettext_lazy", "_p"),
        CopiedImport("django.utils.translation", "gettext_lazy", "_"),
        CopiedImport("django.db", "models"), CopiedImport("django.db", "IntegrityError"),
        CopiedImport("datetime", "timedelta"), CopiedImport("string"),
        CopiedImport("crm.enums", "Tier", "Tier"),
        CopiedImport("crm.notifications.mixins", LONG, LONG)}
    block = import_block(imports)
    assert block == (
        "import string\nfrom datetime import timedelta\n\n"
        "from decompose_remote.models import RemoteModel\n"
        "from django.db import IntegrityError, models\n"
        "from django.utils.translation import gettext_lazy as _\n"
        "from django.utils.translation import pgettext_lazy as _p\n\n"
        "from crm.enums import Tier as Tier\n"
        f"from crm.notifications.mixins import (\n    {LONG} as {LONG},\n)")
    (tmp_path / "pyproject.toml").write_text(RUFF)
    for module in ("crm/__init__", "crm/enums", "crm/notifications/__init__",
                   "crm/notifications/mixins"):  # the service's copies: first party
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).with_suffix(".py").write_text("")
    uses = "(string, timedelta, RemoteModel, IntegrityError, models, _, _p, Tier)"
    (tmp_path / "mirror.py").write_text(f'"""Mirror."""\n\n{block}\n\nUSED = {uses}\n')
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout
