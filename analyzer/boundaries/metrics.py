"""Scores of a decomposition: Newman's modularity, the Mono2Micro measures, data ownership.

Variants (the README's "Boundary metrics" section gives the formulas and citations):

- Q: Newman's weighted modularity (resolution 1) of the services on the undirected app graph.
- SM, ICP: as computed by the Mono2Micro FSE'21 replication scripts (``metrics/metrics_util.py``
  of kaliaanup/Mono2Micro-FSE-2021), with apps as the entities and static dependencies of any
  kind as the calls; ICP's call volume is the number of occurrences, damped ``ln(v) + 1``.
- IFN: the papers' definition (Jin et al. TSE'19, Kalia et al. FSE'21): mean number of
  interfaces per service, an interface being a model another service references by a relation
  field or subclasses. ``ifn_orm`` also counts, as one interface each, the apps of a service that
  another service queries through the ORM (the graph records ORM use per app, not per model).
  Both average over every service, kernel and services without interfaces included.
- BCP: Business Context Purity (Kalia et al. FSE'21), with URL entry points as the business
  contexts (``contexts.py``): the mean over services of the entropy of the contexts reaching
  the service's models; a service no entry point reaches counts 0 (pure), and is not dropped.
- NED: the FSE'21 scripts' size-weighted form, ``1 - models in non-extreme services / models``,
  with the bounds counted in Django models (default 2..20, see ``DEFAULT_NED_BOUNDS``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import networkx as nx

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.contexts import business_context_purity
from analyzer.boundaries.cost import READ_KINDS, CostModel
from analyzer.boundaries.ownership import crossings, interfaces
from analyzer.boundaries.partition import Partition
from decompose.model.boundaries import Metrics, ServiceMetrics

DIGITS = 4


def _rounded(value: float) -> float:
    """Scores to DIGITS places, and never -0.0: networkx sums over sets, whose order (and so the
    sign of a zero) follows the string hash seed, which must not change the report's bytes."""
    return round(value, DIGITS) + 0.0


def modularity(app_graph: AppGraph, partition: Partition) -> float:
    graph = app_graph.undirected
    if graph.size(weight="weight") == 0:
        return 0.0
    groups = [set(apps) for apps in partition.groups]
    return nx.community.modularity(graph, groups, weight="weight", resolution=1.0)


def structural_modularity(app_graph: AppGraph, service_of: Mapping[str, str]) -> float:
    """SM = mean_k(mu_k / N_k^2) - 2/(K(K-1)) * sum_{i<j} sigma_ij / (N_i N_j)."""
    sizes: dict[str, int] = defaultdict(int)
    for service in service_of.values():
        sizes[service] += 1
    inside: dict[str, int] = defaultdict(int)
    between: dict[tuple[str, str], int] = defaultdict(int)
    for a, b in app_graph.undirected.edges():
        sa, sb = service_of[a], service_of[b]
        if sa == sb:
            inside[sa] += 1
        else:
            between[min(sa, sb), max(sa, sb)] += 1
    k = len(sizes)
    cohesion = sum(inside[s] / sizes[s] ** 2 for s in sizes) / k
    if k == 1:
        return cohesion
    coupling = sum(n / (sizes[i] * sizes[j]) for (i, j), n in between.items())
    return cohesion - coupling * 2 / (k * (k - 1))


def inter_call_percentage(app_graph: AppGraph, service_of: Mapping[str, str]) -> float:
    """ICP = sum over cross-service app pairs of (ln v + 1) / the same over all pairs."""
    total = inter = 0.0
    for (source, target), volume in app_graph.volumes.items():
        term = math.log(volume) + 1
        total += term
        if service_of[source] != service_of[target]:
            inter += term
    return inter / total if total else 0.0


def non_extreme_distribution(models_per_service: Mapping[str, int],
                             bounds: tuple[int, int]) -> float:
    low, high = bounds
    total = sum(models_per_service.values())
    fine = sum(n for n in models_per_service.values() if low <= n <= high)
    return 1.0 - fine / total if total and fine else 1.0


def cut_weights(app_graph: AppGraph, service_of: Mapping[str, str]) -> dict[str, float]:
    """Weighted app-graph weight crossing services, per dependency kind."""
    cut: dict[str, float] = defaultdict(float)
    for dep in app_graph.dependencies:
        if service_of[dep.source] != service_of[dep.target]:
            cut[dep.kind.value] += app_graph.weight_of(dep)
    return {kind: _rounded(w) for kind, w in sorted(cut.items())}


def queried_apps(app_graph: AppGraph, service_of: Mapping[str, str]) -> dict[str, set[str]]:
    """Per service, its apps another service reads through the ORM or loads dynamically."""
    queried: dict[str, set[str]] = defaultdict(set)
    for dep in app_graph.dependencies:
        if dep.kind in READ_KINDS and service_of[dep.source] != service_of[dep.target]:
            queried[service_of[dep.target]].add(dep.target)
    return queried


def score(app_graph: AppGraph, partition: Partition, ned_bounds: tuple[int, int],
          kernel_apps: frozenset[str], cost_model: CostModel) -> Metrics:
    """Whole-decomposition scores; ``kernel_apps`` is the project's shared kernel, the same
    set for every decomposition compared, so ``kernel_fks`` counts alike across them."""
    service_of = partition.service_of
    k = len(partition)
    if not service_of:
        return Metrics(services=k, modularity=0.0, sm=0.0, icp=0.0, ifn=0.0, ned=1.0,
                       cross_service_fks=0, cross_service_fks_per_service=0.0,
                       distributed_transactions=0)
    exposed = interfaces(app_graph, service_of)
    queried = queried_apps(app_graph, service_of)
    per_service_models = models_per_service(app_graph, partition)
    crossed = crossings(app_graph, service_of)
    data = cost_model.measure(service_of, kernel_apps)
    names = [s for s, _ in partition.services]
    return Metrics(
        services=k,
        modularity=_rounded(modularity(app_graph, partition)),
        sm=_rounded(structural_modularity(app_graph, service_of)),
        icp=_rounded(inter_call_percentage(app_graph, service_of)),
        ifn=_rounded(sum(len(exposed.get(s, ())) for s in names) / k),
        ned=_rounded(non_extreme_distribution(per_service_models, ned_bounds)),
        cross_service_fks=len(crossed),
        cross_service_fks_per_service=_rounded(len(crossed) / k),
        distributed_transactions=data.transactions,
        cut_weight=cut_weights(app_graph, service_of),
        kernel_fks=data.kernel_fks,
        business_fks=data.business_fks,
        orm_reads=data.reads,
        offline_transactions=data.offline_transactions,
        cost=data.cost,
        ifn_orm=_rounded(sum(len(exposed.get(s, ())) + len(queried.get(s, ()))
                             for s in names) / k),
        bcp=_rounded(business_context_purity(app_graph, partition)),
    )


def models_per_service(app_graph: AppGraph, partition: Partition) -> dict[str, int]:
    counts = app_graph.models_per_app
    return {name: sum(counts[a] for a in apps) for name, apps in partition.services}


def service_metrics(app_graph: AppGraph, partition: Partition) -> dict[str, ServiceMetrics]:
    service_of = partition.service_of
    internal: dict[str, float] = defaultdict(float)
    cut: dict[str, float] = defaultdict(float)
    for a, b, weight in app_graph.undirected.edges(data="weight"):
        sa, sb = service_of[a], service_of[b]
        if sa == sb:
            internal[sa] += weight
        else:
            cut[sa] += weight
            cut[sb] += weight
    inbound: dict[str, int] = defaultdict(int)
    outbound: dict[str, int] = defaultdict(int)
    for cross in crossings(app_graph, service_of):
        outbound[cross.source_service] += 1
        inbound[cross.target_service] += 1
    exposed = interfaces(app_graph, service_of)
    sizes = models_per_service(app_graph, partition)
    result = {}
    for name, _ in partition.services:
        touching = internal[name] + cut[name]
        result[name] = ServiceMetrics(
            models=sizes[name],
            cohesion=_rounded(internal[name] / touching) if touching else 0.0,
            coupling=_rounded(cut[name]),
            interfaces=len(exposed.get(name, ())),
            inbound_fks=inbound[name],
            outbound_fks=outbound[name],
        )
    return result
