"""Tiny hand-built ProjectGraphs, so each boundary rule is tested on a graph small enough to
compute the expected numbers by hand."""

from __future__ import annotations

from collections.abc import Iterable

from decompose.config import BoundarySettings
from decompose.model.graph import (
    App,
    Dependency,
    DependencyKind,
    Location,
    Model,
    ProjectGraph,
    Relation,
    RelationKind,
    WriteScope,
)

FK = RelationKind.FOREIGN_KEY


def model(label: str, *fks: str, parents: tuple[str, ...] = (), abstract: bool = False,
          m2m: tuple[str, ...] = ()) -> Model:
    """A model with a ForeignKey to each label in ``fks`` (and ManyToManys to ``m2m``)."""
    app, _, name = label.partition(".")
    loc = Location(f"{app}/models.py", 1)
    relations = [Relation(f"fk_{t.replace('.', '_').lower()}", "models.ForeignKey", FK, t, loc)
                 for t in fks]
    relations += [Relation(f"m2m_{t.replace('.', '_').lower()}", "models.ManyToManyField",
                           RelationKind.MANY_TO_MANY, t, loc) for t in m2m]
    return Model(label=label, app=app, db_table=f"{app}_{name.lower()}", abstract=abstract,
                 proxy=False, location=loc, parents=parents, relations=tuple(relations))


def dep(source: str, target: str, kind: str = "import", count: int = 1) -> Dependency:
    locations = tuple(Location(f"{source}/code.py", n + 1) for n in range(count))
    return Dependency(source, target, DependencyKind(kind), count, locations)


def project(apps: Iterable[str], models: Iterable[Model] = (), deps: Iterable[Dependency] = (),
            scopes: Iterable[WriteScope] = (), external: Iterable[str] = ()) -> ProjectGraph:
    own = [App(a, a, a, False) for a in apps]
    ext = [App(a, f"django.contrib.{a}", None, True) for a in external]
    return ProjectGraph("config.settings", tuple(own + ext), tuple(models), tuple(deps),
                        write_scopes=tuple(scopes))


def relation_deps(models: Iterable[Model]) -> list[Dependency]:
    """The app-level relation edges the analyzer rolls up from ``models``' foreign keys."""
    counts: dict[tuple[str, str], int] = {}
    for m in models:
        for rel in m.relations:
            target_app = (rel.target or "").partition(".")[0]
            if target_app and target_app != m.app:
                counts[m.app, target_app] = counts.get((m.app, target_app), 0) + 1
    return [dep(s, t, "relation", n) for (s, t), n in sorted(counts.items())]


SETTINGS = BoundarySettings()


def shop() -> ProjectGraph:
    """A small shop: two business clusters (sales, catalogue), a core and an accounts app that
    everything uses, and an isolated ``legal`` app."""
    models = [
        model("core.TimeStamped", abstract=True),
        model("accounts.User", parents=("auth.AbstractUser",)),
        model("catalog.Product", parents=("core.TimeStamped",)),
        model("catalog.Category"),
        model("inventory.Stock", "catalog.Product"),
        model("reviews.Review", "catalog.Product", "accounts.User"),
        model("orders.Order", "accounts.User"),
        model("orders.Line", "orders.Order", "catalog.Product"),
        model("payments.Payment", "orders.Order"),
        model("shipping.Shipment", "orders.Order"),
        model("legal.Page"),
    ]
    deps = relation_deps(models) + [
        dep(app, "core", "import", 2) for app in
        ("accounts", "catalog", "inventory", "reviews", "orders", "payments", "shipping")
    ] + [
        dep("catalog", "core", "inheritance"),
        dep("orders", "payments", "orm", 3), dep("payments", "orders", "orm", 2),
        dep("shipping", "orders", "signal"), dep("orders", "inventory", "orm", 1),
        dep("inventory", "catalog", "orm", 2), dep("reviews", "catalog", "orm", 1),
        dep("orders", "accounts", "import", 1), dep("payments", "accounts", "import", 1),
    ]
    scopes = [WriteScope("atomic", "orders.services.checkout", "orders",
                         ("orders.Order", "payments.Payment", "inventory.Stock"),
                         Location("orders/services.py", 12))]
    return project(["accounts", "catalog", "core", "inventory", "legal", "orders", "payments",
                    "reviews", "shipping"], models, deps, scopes, external=["auth"])


def small_project() -> ProjectGraph:
    """A blog: a user model, posts, tags and comments (3 business tables)."""
    return project(["accounts", "blog", "comments"],
                   [model("accounts.User", parents=("auth.AbstractUser",)),
                    model("blog.Post", "accounts.User"), model("blog.Tag"),
                    model("comments.Comment", "blog.Post", "accounts.User")],
                   external=["auth"])
