"""Couplings the cut cannot remove, reported for the user to resolve: monolith code that still
reaches into the moved apps, and transactions whose writes now land on both sides."""

from __future__ import annotations

from decompose.model import DependencyKind, InboundCoupling, Level, SplitTransaction
from extractor.plan.scope import Scope


def inbound(scope: Scope) -> tuple[InboundCoupling, ...]:
    """Uses of the moved apps by own apps that stay; signal receivers are loudest, since they
    fire for the requests the service handles only once their events are forwarded."""
    found = []
    for dep in scope.graph.dependencies:
        if dep.target not in scope.moved_labels or dep.source in scope.moved_labels:
            continue
        if dep.source not in scope.own_labels:
            continue
        loud = dep.kind == DependencyKind.SIGNAL
        note = ("SIGNAL RECEIVER: fires for requests the service handles only through a "
                "forwarded event (see the signals sections)" if loud
                else "works on the shared database; blocks a database split")
        found += [InboundCoupling(loc, dep.source, str(dep.kind), dep.target,
                                  Level.ERROR if loud else Level.WARNING, note)
                  for loc in dep.locations]
    return tuple(found)


def split_transactions(scope: Scope) -> tuple[SplitTransaction, ...]:
    """Write scopes (atomic blocks, ...) that write models of both sides."""
    found = []
    for writes in scope.graph.write_scopes:
        apps = {label.partition(".")[0] for label in writes.models}
        if apps & scope.moved_labels and apps - scope.moved_labels:
            found.append(SplitTransaction(writes.location, writes.name, (
                f"{writes.kind} writes {', '.join(writes.models)}: now split between the "
                "service and the monolith")))
    return tuple(found)
