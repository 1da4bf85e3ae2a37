"""Generate a synthetic Django monolith of a given size, for benchmarks.

Each app gets a models module (models with foreign keys into earlier apps and within the app,
an abstract base, a many-to-many), views, a DRF-free URLconf, a services module that writes two
apps' models inside ``transaction.atomic``, signal receivers and an admin module, so every
collector has work proportional to the project's size.

    python benchmarks/synth.py OUT --apps 500 --models 10
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


def generate(out: Path, apps: int, models: int, seed: int = 7) -> Path:
    """Write the project to ``out`` (replaced) and return it."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "config").mkdir(parents=True)
    (out / "manage.py").write_text(MANAGE)
    (out / "config" / "__init__.py").write_text("")
    names = [f"app{i:03d}" for i in range(apps)]
    (out / "config" / "settings.py").write_text(
        'SECRET_KEY = "synth"\nDEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\n'
        "DJANGO_APPS = [\"django.contrib.auth\", \"django.contrib.contenttypes\"]\n"
        f"LOCAL_APPS = {names!r}\n"
        "INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS\nROOT_URLCONF = \"config.urls\"\n")
    includes = "\n".join(f'    path("{n}/", include("{n}.urls")),' for n in names)
    (out / "config" / "urls.py").write_text(
        f"from django.urls import include, path\n\nurlpatterns = [\n{includes}\n]\n")
    for index, name in enumerate(names):
        _app(out / name, name, index, names, models, rng)
    return out


def _app(folder: Path, name: str, index: int, names: list[str], count: int,
         rng: random.Random) -> None:
    (folder / "migrations").mkdir(parents=True)
    for empty in ("__init__.py", "migrations/__init__.py"):
        (folder / empty).write_text("")
    (folder / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\n"
        f"class {name.title()}Config(AppConfig):\n    name = \"{name}\"\n")
    other = names[rng.randrange(index)] if index else None
    lines = ["from django.conf import settings", "from django.db import models", ""]
    if other:
        lines += [f"from {other}.models import {other.title()}Model0", ""]
    lines += ["", "class Stamped(models.Model):",
              "    created = models.DateTimeField(auto_now_add=True)",
              "    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, "
              "on_delete=models.SET_NULL, related_name=\"+\")", "",
              "    class Meta:", "        abstract = True", ""]
    for m in range(count):
        lines += ["", f"class {name.title()}Model{m}(Stamped):",
                  "    title = models.CharField(max_length=100)",
                  "    amount = models.DecimalField(max_digits=10, decimal_places=2)"]
        if m:
            lines.append(f"    parent = models.ForeignKey(\"{name.title()}Model{m - 1}\", "
                         f"on_delete=models.CASCADE, related_name=\"children{m}\")")
        if other and m % 3 == 0:
            lines.append(f"    link = models.ForeignKey({other.title()}Model0, "
                         f"on_delete=models.PROTECT, related_name=\"{name}_{m}\")")
        if m % 5 == 4:
            lines.append(f"    tags = models.ManyToManyField(\"{name}.{name.title()}Model0\", "
                         f"related_name=\"tagged{m}\")")
        lines += ["", "    class Meta:", "        ordering = [\"title\"]", ""]
    (folder / "models.py").write_text("\n".join(lines) + "\n")
    first = f"{name.title()}Model0"
    (folder / "views.py").write_text(
        "from django.http import JsonResponse\n\n"
        f"from .models import {first}\n\n\n"
        "def index(request):\n"
        f"    return JsonResponse({{\"count\": {first}.objects.count()}})\n\n\n"
        "def detail(request, pk):\n"
        f"    item = {first}.objects.get(pk=pk)\n"
        "    return JsonResponse({\"title\": item.title})\n")
    (folder / "urls.py").write_text(
        "from django.urls import path\n\nfrom . import views\n\n"
        f"app_name = \"{name}\"\nurlpatterns = [\n"
        "    path(\"\", views.index, name=\"index\"),\n"
        "    path(\"<int:pk>/\", views.detail, name=\"detail\"),\n]\n")
    service = ["from django.db import transaction", "", f"from .models import {first}"]
    if other:
        service += [f"from {other}.models import {other.title()}Model0", ""]
    service += ["", "def record(title):", "    with transaction.atomic():",
                f"        item = {first}.objects.create(title=title, amount=1)"]
    if other:
        service.append(f"        {other.title()}Model0.objects.filter(pk=1).update(title=title)")
    service.append("    return item")
    (folder / "services.py").write_text("\n".join(service) + "\n")
    (folder / "signals.py").write_text(
        "from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n"
        f"from .models import {first}\n\n\n"
        f"@receiver(post_save, sender={first})\n"
        "def saved(sender, instance, **kwargs):\n    return instance.pk\n")
    (folder / "admin.py").write_text(
        f"from django.contrib import admin\n\nfrom .models import {first}\n\n"
        f"admin.site.register({first})\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--models", type=int, default=10, help="models per app")
    args = parser.parse_args()
    print(generate(args.out, args.apps, args.models))


if __name__ == "__main__":
    main()
