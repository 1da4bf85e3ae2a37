"""Django's own app registry, read in a subprocess: the truth the static analyzer is checked
against.

The project is booted with its settings (``django.setup()``) in a separate interpreter, so the
test process never imports the project. Printed as JSON: own app labels, concrete model labels
and (model, field, target) triples of every forward relation field Django puts on a model
(inherited abstract fields and ``<parent>_ptr`` links included; a GenericForeignKey has target
None). "Own" means the app's package lives under the project's root.

    python -m tests.support.django_registry ROOT SETTINGS [--python PY] [--own-prefix P]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

_PROBE = textwrap.dedent("""
    import json, os, sys
    root = os.path.realpath(sys.argv[1])
    sys.path.insert(0, root)
    import django
    django.setup()
    from django.apps import apps
    from django.db.models import ForeignObjectRel

    def own(config):
        return os.path.realpath(config.path).startswith(root + os.sep)

    labels = sorted(c.label for c in apps.get_app_configs() if own(c))
    models, relations = [], []
    for model in apps.get_models():
        if not own(model._meta.app_config):
            continue
        models.append(model._meta.label)
        for field in model._meta.get_fields(include_hidden=True):
            if (not field.is_relation or isinstance(field, ForeignObjectRel)
                    or getattr(field, "model", None) is not model):
                continue
            parent_link = bool(field.one_to_one and field.remote_field.parent_link)
            if field.auto_created and not parent_link:
                continue
            if getattr(field, "mti_inherited", False):
                continue
            target = field.related_model._meta.label if field.related_model else None
            relations.append([model._meta.label, field.name, target])
    print(json.dumps({"apps": labels, "models": sorted(models),
                      "relations": sorted(relations, key=lambda r: (r[0], r[1]))}))
""")


@dataclass(frozen=True)
class Registry:
    apps: frozenset[str]
    models: frozenset[str]
    relations: frozenset[tuple[str, str, str | None]]


def django_registry(root: Path, settings: str, *, python: str | None = None,
                    env: dict[str, str] | None = None, timeout: float = 240) -> Registry:
    """Boot the project at ``root`` with ``settings`` in a subprocess and read its registry."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, **(env or {})}
    environment.pop("PYTHONPATH", None)
    done = subprocess.run([python or sys.executable, "-c", _PROBE, str(root.resolve())], cwd=root,
                          env=environment, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Django did not boot {settings} under {root}:\n{done.stderr[-4000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Registry(frozenset(data["apps"]), frozenset(data["models"]),
                    frozenset((m, f, t) for m, f, t in data["relations"]))


def main() -> None:
    root, settings = Path(sys.argv[1]), sys.argv[2]
    python = sys.argv[sys.argv.index("--python") + 1] if "--python" in sys.argv else None
    registry = django_registry(root, settings, python=python)
    print(json.dumps({"apps": sorted(registry.apps), "models": sorted(registry.models),
                      "relations": sorted(registry.relations, key=lambda r: (r[0], r[1]))},
                     indent=1))


if __name__ == "__main__":
    main()
