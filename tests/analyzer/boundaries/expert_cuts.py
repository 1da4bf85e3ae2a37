"""Cuts a senior engineer would make from each corpus project's own docs, written down before
looking at the tool's answer. Apps without tables (dashboards, API layers) only move reads, so
they sit with the domain they serve; the comparison is on business FKs and transactions.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.boundaries.partition import Partition
from decompose.model.graph import ProjectGraph


@dataclass(frozen=True)
class ExpertCut:
    corpus: str
    kernel: tuple[str, ...]
    services: dict[str, tuple[str, ...]]
    source: str  # where in the project's docs the domains come from
    split: bool = True  # False: the engineer would not split it yet
    rest: str = "site"  # the service of every own app not listed (and not kernel)

    def assignment(self, apps: tuple[str, ...]) -> dict[str, str]:
        """app -> service for every own app; kernel apps go to ``kernel``."""
        listed = {app: name for name, members in self.services.items() for app in members}
        return {app: "kernel" if app in self.kernel else listed.get(app, self.rest)
                for app in apps}

    def partition(self, graph: ProjectGraph) -> Partition:
        """The cut as a partition of the graph's own apps, to rescore like a proposal."""
        services: dict[str, list[str]] = {}
        for app, name in self.assignment(tuple(a.label for a in graph.own_apps)).items():
            services.setdefault(name, []).append(app)
        return Partition(tuple((n, tuple(a)) for n, a in services.items()),
                         kernel=frozenset({"kernel"}), method=f"expert({self.source})")


EXPERT_CUTS = {
    # Oscar's docs, "Oscar's apps": catalogue, partner (stock and fulfilment), basket/checkout/
    # order (the order pipeline with shipping, payment, address), offer/voucher (promotions),
    # customer/communication; oscar itself is the shared library.
    "oscar": ExpertCut("oscar", ("oscar",), {
        "catalogue": ("catalogue", "reviews", "wishlists", "search", "analytics",
                      "catalogue_dashboard", "reviews_dashboard", "reports_dashboard"),
        "ordering": ("basket", "checkout", "order", "address", "shipping", "payment",
                     "orders_dashboard", "shipping_dashboard", "dashboard"),
        "fulfilment": ("partner", "partners_dashboard"),
        "promotions": ("offer", "voucher", "offers_dashboard", "vouchers_dashboard",
                       "ranges_dashboard"),
        "customer": ("customer", "communication", "users_dashboard", "communications_dashboard",
                     "pages_dashboard"),
    }, "docs/source/ref/apps (Oscar's core apps)"),
    # Wagtail's docs: the page tree (wagtailcore) and the user model are what every part uses;
    # media (images, documents, embeds) and discovery (search, promotions, redirects) are the
    # separable features; the admin, forms and the test-site apps stay with the site.
    "wagtail": ExpertCut("wagtail", ("customuser", "wagtailcore"), {
        "media": ("wagtailimages", "wagtaildocs", "wagtailembeds"),
        "discovery": ("wagtailsearch", "wagtailsearchpromotions", "wagtailredirects",
                      "wagtailfrontendcache"),
    }, "docs/reference/contrib and docs/topics (images, documents, embeds, search)"),
    # pretalx's docs: one event's call for papers and schedule; the Event (tenant) and the
    # User are shared. A conference tool of this size: do not split. Were it split, the
    # schedule (rooms, slots, releases) is the separable part.
    "pretalx": ExpertCut("pretalx", ("event", "person"), {
        "submission": ("submission", "mail", "common", "cfp", "orga", "api"),
        "schedule": ("schedule", "agenda"),
    }, "doc/developer/interfaces (event, submission, schedule)", split=False),
}
