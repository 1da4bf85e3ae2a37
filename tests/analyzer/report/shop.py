"""A small, realistic shop (graph + proposal) built by hand, so report tests need no analyzer."""

from __future__ import annotations

from decompose.model import (
    App,
    Boundaries,
    CutEdge,
    Dependency,
    DependencyKind,
    Diagnostic,
    DiagnosticLevel,
    DistributedTransaction,
    ExtractionStep,
    Location,
    Metrics,
    Model,
    Placement,
    ProjectGraph,
    Relation,
    RelationKind,
    Service,
    ServiceMetrics,
    SplitSuggestion,
    UrlRoute,
    WriteScope,
)

FK, O2O, M2M = RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE, RelationKind.MANY_TO_MANY
K = DependencyKind

# model label -> relations as (field, kind, target, line)
MODELS: dict[str, tuple[tuple[str, RelationKind, str, int], ...]] = {
    "accounts.User": (),
    "accounts.Address": (("user", FK, "accounts.User", 22),),
    "catalog.Category": (("parent", FK, "catalog.Category", 9),),
    "catalog.Product": (("category", FK, "catalog.Category", 30),),
    "catalog.ProductImage": (("product", FK, "catalog.Product", 60),),
    "reviews.Review": (("product", FK, "catalog.Product", 8), ("author", FK, "accounts.User", 9)),
    "promotions.Voucher": (("products", M2M, "catalog.Product", 14),),
    "inventory.Warehouse": (),
    "inventory.StockItem": (("product", FK, "catalog.Product", 24),
                            ("warehouse", FK, "inventory.Warehouse", 25)),
    "orders.Order": (("customer", FK, "accounts.User", 14),
                     ("shipping_address", FK, "accounts.Address", 15),
                     ("voucher", FK, "promotions.Voucher", 16)),
    "orders.OrderLine": (("order", FK, "orders.Order", 50), ("product", FK, "catalog.Product", 51)),
    "shipping.Carrier": (),
    "shipping.Shipment": (("order", O2O, "orders.Order", 25),
                          ("carrier", FK, "shipping.Carrier", 26)),
    "payments.Payment": (("order", FK, "orders.Order", 9),),
    "payments.Refund": (("payment", FK, "payments.Payment", 27),),
}

# (source, target, kind, [lines in source app's file])
CODE_DEPENDENCIES = (
    ("orders", "inventory", K.ORM, ("orders/services.py", (31, 44))),
    ("orders", "inventory", K.IMPORT, ("orders/services.py", (5,))),
    ("orders", "payments", K.IMPORT, ("orders/views.py", (7,))),
    ("payments", "orders", K.SIGNAL, ("payments/receivers.py", (12,))),
    ("notifications", "orders", K.SIGNAL, ("notifications/receivers.py", (10, 21))),
    ("notifications", "payments", K.SIGNAL, ("notifications/receivers.py", (33,))),
    ("catalog", "core", K.IMPORT, ("catalog/models.py", (3,))),
    ("orders", "core", K.IMPORT, ("orders/models.py", (3,))),
    ("payments", "core", K.IMPORT, ("payments/models.py", (3,))),
    ("inventory", "core", K.IMPORT, ("inventory/models.py", (3,))),
    ("shipping", "core", K.IMPORT, ("shipping/models.py", (2,))),
    ("promotions", "catalog", K.DYNAMIC, ("promotions/rules.py", (18,))),
    ("catalog", "inventory", K.URL, ("catalog/urls.py", (11,))),
    ("catalog", "core", K.INHERITANCE, ("catalog/models.py", (6, 26, 57))),
)

SERVICES = {
    "catalog": ("catalog", "reviews", "promotions"),
    "inventory": ("inventory",),
    "orders": ("orders", "shipping", "notifications"),
    "payments": ("payments",),
    "kernel": ("core", "accounts"),
}


def shop_graph(*, extra_models: dict[str, tuple] | None = None) -> ProjectGraph:
    models_spec = {**MODELS, **(extra_models or {})}
    apps = sorted({label.partition(".")[0] for label in models_spec} | {"core", "notifications"})
    models = []
    for label, relations in models_spec.items():
        app, _, name = label.partition(".")
        models.append(Model(
            label=label, app=app, db_table=f"{app}_{name.lower()}", abstract=False, proxy=False,
            location=Location(f"{app}/models.py", 5),
            relations=tuple(Relation(field, "models." + kind.value, kind, target,
                                     Location(f"{app}/models.py", line))
                            for field, kind, target, line in relations)))
    relation_edges: dict[tuple[str, str], list[Location]] = {}
    for model in models:
        for relation in model.relations:
            target_app = relation.target.partition(".")[0]
            if target_app != model.app:
                relation_edges.setdefault((model.app, target_app), []).append(relation.location)
    dependencies = [Dependency(s, t, K.RELATION, len(locs), tuple(locs))
                    for (s, t), locs in relation_edges.items()]
    dependencies += [Dependency(s, t, kind, len(lines), tuple(Location(path, n) for n in lines))
                     for s, t, kind, (path, lines) in CODE_DEPENDENCIES]
    return ProjectGraph(
        settings_module="config.settings.base",
        apps=(*(App(label, label, label, False) for label in apps),
              App("auth", "django.contrib.auth", None, True)),
        models=tuple(models),
        dependencies=tuple(dependencies),
        urls=tuple(UrlRoute(f"/api/{app}/", app, Location("config/urls.py", 10 + i))
                   for i, app in enumerate(("catalog", "orders", "payments", "inventory"))),
        write_scopes=(WriteScope("atomic", "orders.services.place_order", "orders",
                                 ("orders.Order", "inventory.StockItem", "payments.Payment"),
                                 Location("orders/services.py", 28)),),
        warnings=(Diagnostic(DiagnosticLevel.WARNING, "dynamic-installed-apps",
                             "INSTALLED_APPS extended by a loop; read the literal part only",
                             Location("config/settings/base.py", 58)),),
    )


def _metrics(services: int, q: float, fks: int, icp: float, dt: int = 1) -> Metrics:
    return Metrics(services=services, modularity=q, sm=round(q * 0.8, 3), icp=icp,
                   ifn=round(fks / max(services, 1), 3), ned=0.2, cross_service_fks=fks,
                   cross_service_fks_per_service=round(fks / max(services, 1), 3),
                   distributed_transactions=dt, cut_weight={"relation": float(fks), "import": 4.0})


def shop_boundaries(graph: ProjectGraph, services: dict[str, tuple[str, ...]] = SERVICES
                    ) -> Boundaries:
    """A proposal over ``graph``: cut edges and owners computed from it, scores made up."""
    service_of = {app: name for name, apps in services.items() for app in apps}
    cuts = [CutEdge(d.source, d.target, service_of[d.source], service_of[d.target], d.kind,
                    d.weight, d.locations)
            for d in graph.dependencies
            if d.source in service_of and d.target in service_of
            and service_of[d.source] != service_of[d.target]]
    built = []
    for name, apps in services.items():
        models = tuple(m.label for m in graph.models if m.app in apps)
        built.append(Service(
            name=name, apps=apps, models=models,
            tables=tuple(m.db_table for m in graph.models if m.app in apps),
            url_prefixes=tuple(u.prefix for u in graph.urls if u.app in apps),
            metrics=ServiceMetrics(models=len(models), cohesion=0.71, coupling=9.0, interfaces=2,
                                   inbound_fks=3, outbound_fks=1),
            inbound=tuple(c for c in cuts if c.target_service == name),
            outbound=tuple(c for c in cuts if c.source_service == name),
            placements=tuple(Placement(app, f"its strongest edges stay inside {name}")
                             for app in apps),
            kernel=name == "kernel"))
    return Boundaries(
        method="louvain(resolution=1.0, seed=42)",
        weights={"relation": 5.0, "inheritance": 4.0, "import": 1.0, "orm": 3.0, "signal": 2.0,
                 "url": 1.0, "dynamic": 2.0},
        services=tuple(built),
        shared_kernel=("accounts", "core"),
        metrics=_metrics(len(services), 0.412, 6, 0.21),
        baselines={"per-app": _metrics(10, 0.188, 11, 0.47, 1),
                   "data-centric": _metrics(4, 0.305, 8, 0.33, 1),
                   "monolith": _metrics(1, 0.0, 0, 0.0, 0)},
        extraction_order=(
            ExtractionStep(1, "payments", 1, "only orders depends on it"),
            ExtractionStep(2, "inventory", 2, "depended on by orders and catalog"),
            ExtractionStep(3, "orders", 2, "in a cycle with payments; cut the signal first",
                           cycle=("payments",)),
            ExtractionStep(4, "catalog", 3, "most services read products"),
            ExtractionStep(5, "kernel", 4, "shared kernel: extract last or keep as a library"),
        ),
        table_owners={m.db_table: service_of[m.app] for m in graph.models},
        distributed_transactions=(DistributedTransaction(
            "orders.services.place_order", "atomic", ("inventory", "orders", "payments"),
            ("inventory.StockItem", "orders.Order", "payments.Payment"),
            Location("orders/services.py", 28)),),
        split_suggestions=(SplitSuggestion(
            "catalog", (("catalog.Category", "catalog.Product"), ("catalog.ProductImage",)),
            "media models share one FK with the rest"),),
    )
