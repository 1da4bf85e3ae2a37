"""Everything the HTML and Markdown reports say, decided once in Python.

Both templates read these frozen facts, so the two reports cannot disagree and the templates stay
free of logic: comparisons, verdicts, orderings and wording are made here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.report.palette import KIND_STYLES
from decompose.model import Boundaries, CutEdge, Diagnostic, Metrics, ProjectGraph, Service

BASELINE_TITLES = {
    "per-app": "One service per app",
    "data-centric": "Data-centric (FK communities)",
    "monolith": "Whole monolith",
}
BASELINE_PHRASES = {  # how a sentence names the baseline
    "per-app": "one service per app",
    "data-centric": "the data-centric grouping",
}
# (Metrics field, label, higher is better (None: no verdict), decimals)
METRIC_ROWS: tuple[tuple[str, str, bool | None, int], ...] = (
    ("cost", "Data cost (the objective)", False, 1),
    ("business_fks", "Foreign keys between business services", False, 0),
    ("distributed_transactions", "Distributed transactions (request paths)", False, 0),
    ("orm_reads", "Cross-service ORM reads", False, 0),
    ("kernel_fks", "Foreign keys into the shared kernel", None, 0),
    ("offline_transactions", "Distributed transactions (commands, tests, scripts)", None, 0),
    ("modularity", "Modularity Q", True, 3),
    ("sm", "Structural modularity (SM)", True, 3),
    ("icp", "Inter-call percentage (ICP)", False, 3),
    ("ifn", "Interface number (IFN, relations)", False, 2),
    ("ifn_orm", "Interface number (IFN, relations + ORM)", False, 2),
    ("bcp", "Business context purity (BCP)", False, 3),
    ("ned", "Non-extreme distribution (NED)", False, 3),
    ("services", "Services", None, 0),
)
MINUS = "\u2212"  # typographic minus, so signs line up with "+"
HEADLINE_METRICS = ("business_fks", "distributed_transactions")


@dataclass(frozen=True)
class Comparison:
    """One baseline's value, and how the proposal compares to it."""

    value: str
    delta: str  # proposal minus baseline, e.g. "+0.224 (+119%)"; "" when equal or no verdict
    verdict: str  # "better" / "worse" / "same" (for the proposal) or "" (no verdict)


@dataclass(frozen=True)
class MetricRow:
    label: str
    direction: str  # "higher is better" / "lower is better" / ""
    proposal: str
    baselines: tuple[Comparison, ...]


@dataclass(frozen=True)
class Cut:
    """One cut edge as a line of the inbound/outbound list."""

    peer: str  # the other service
    source: str
    target: str
    kind: str
    colour: str
    weight: int
    locations: tuple[str, ...]


@dataclass(frozen=True)
class ServiceFacts:
    name: str
    anchor: str
    kernel: bool
    rank: int | None
    apps: tuple[str, ...]
    models: tuple[str, ...]
    tables: tuple[str, ...]
    url_prefixes: tuple[str, ...]
    metrics: tuple[tuple[str, str], ...]
    inbound: tuple[Cut, ...]
    outbound: tuple[Cut, ...]
    placements: tuple[tuple[str, str], ...]
    graph_file: str  # the service's SVG file name
    graph_note: str  # e.g. "showing 40 of 55 models"


@dataclass(frozen=True)
class Step:
    rank: int
    service: str
    anchor: str
    inbound: int
    reason: str
    cycle: str  # "" or "payments, shipping"


@dataclass(frozen=True)
class Transaction:
    name: str
    kind: str
    services: str
    models: str
    location: str
    context: str  # "request" or "offline"


@dataclass(frozen=True)
class Role:
    app: str
    role: str
    reason: str


@dataclass(frozen=True)
class Split:
    app: str
    groups: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    colour: str
    meaning: str
    weight: str


@dataclass(frozen=True)
class WarningLine:
    level: str
    code: str
    location: str
    message: str


@dataclass(frozen=True)
class ReportFacts:
    settings_module: str
    method: str
    decision: str  # "" when no decision was made (a rescored cut)
    would_change: str
    split: bool
    roles: tuple[Role, ...]  # apps whose role is not plain business
    counts: tuple[tuple[str, str], ...]  # summary cards: (label, figure)
    headlines: tuple[str, ...]
    baseline_titles: tuple[str, ...]
    metric_rows: tuple[MetricRow, ...]
    legend: tuple[LegendEntry, ...]
    app_graph_note: str
    shared_kernel: tuple[str, ...]
    services: tuple[ServiceFacts, ...]  # in extraction order, then by name
    steps: tuple[Step, ...]
    cycles: tuple[str, ...]
    transactions: tuple[Transaction, ...]
    splits: tuple[Split, ...]
    warnings: tuple[WarningLine, ...]


def file_slug(name: str) -> str:
    """A file- and anchor-safe form of a service name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "service"


def build_facts(graph: ProjectGraph, boundaries: Boundaries, *,
                graph_files: dict[str, str], graph_notes: dict[str, str], app_graph_note: str,
                diagnostics: tuple[Diagnostic, ...]) -> ReportFacts:
    """Gather and word the report; ``graph_files``/``graph_notes`` are keyed by service name."""
    rank = {step.service: step.rank for step in boundaries.extraction_order}
    services = sorted(boundaries.services,
                      key=lambda s: (rank.get(s.name) is None, rank.get(s.name, 0), s.name))
    baselines = _ordered_baselines(boundaries.baselines)
    concrete = [m for m in graph.models if not m.abstract]
    warnings = tuple(_warning(d) for d in (*graph.warnings, *diagnostics))
    kernels = sum(1 for s in boundaries.services if s.kernel)
    return ReportFacts(
        settings_module=graph.settings_module,
        method=boundaries.method,
        decision=boundaries.decision.reason if boundaries.decision else "",
        would_change=boundaries.decision.would_change if boundaries.decision else "",
        split=boundaries.decision.split if boundaries.decision else True,
        roles=tuple(Role(r.app, r.role + (" (config)" if r.overridden else ""), r.reason)
                    for r in boundaries.roles if r.role != "business"),
        counts=(
            ("services" + (f" ({kernels} shared kernel)" if kernels else ""),
             str(len(boundaries.services))),
            ("project apps", str(len(graph.own_apps))),
            ("models", str(len(concrete))),
            ("business FKs cut", str(boundaries.metrics.business_fks)),
            ("distributed transactions", str(boundaries.metrics.distributed_transactions)),
            ("warnings", str(len(warnings))),
        ),
        headlines=tuple(_headlines(boundaries.metrics, baselines)),
        baseline_titles=tuple(BASELINE_TITLES.get(key, key) for key, _ in baselines),
        metric_rows=tuple(_metric_row(field, label, higher, decimals, boundaries.metrics,
                                      baselines)
                          for field, label, higher, decimals in METRIC_ROWS),
        legend=tuple(LegendEntry(str(kind), style.colour, style.meaning,
                                 _number(boundaries.weights.get(kind.value, 1.0), 2))
                     for kind, style in KIND_STYLES.items()),
        app_graph_note=app_graph_note,
        shared_kernel=tuple(sorted(boundaries.shared_kernel)),
        services=tuple(_service(s, rank.get(s.name), graph_files.get(s.name, ""),
                                graph_notes.get(s.name, "")) for s in services),
        steps=tuple(Step(step.rank, step.service, _anchor(step.service), step.inbound,
                         step.reason, ", ".join(sorted(step.cycle)))
                    for step in sorted(boundaries.extraction_order,
                                       key=lambda s: (s.rank, s.service))),
        cycles=_cycles(boundaries),
        transactions=tuple(Transaction(t.name, t.kind, ", ".join(sorted(t.services)),
                                       ", ".join(sorted(t.models)), str(t.location), t.context)
                           for t in sorted(boundaries.distributed_transactions,
                                           key=lambda t: (t.context != "request", t.location,
                                                          t.name))),
        splits=tuple(Split(s.app, tuple(", ".join(sorted(group)) for group in s.groups),
                           s.reason)
                     for s in sorted(boundaries.split_suggestions, key=lambda s: s.app)),
        warnings=warnings,
    )


def _anchor(service: str) -> str:
    return "service-" + file_slug(service)


def _number(value: float, decimals: int) -> str:
    if decimals == 0:
        return f"{round(value):d}"
    return f"{value:.{decimals}f}"


def _ordered_baselines(baselines: dict[str, Metrics]) -> list[tuple[str, Metrics]]:
    known = list(BASELINE_TITLES)
    return sorted(baselines.items(),
                  key=lambda item: (known.index(item[0]) if item[0] in known else len(known),
                                    item[0]))


def _compare(proposal: float, baseline: float, higher: bool | None,
             decimals: int) -> tuple[str, str]:
    """(delta text, verdict) of the proposal against one baseline value."""
    if higher is None:
        return "", ""
    diff = proposal - baseline
    if round(diff, decimals or 0) == 0:
        return "", "same"
    sign = "+" if diff > 0 else MINUS
    text = sign + _number(abs(diff), decimals)
    if baseline > 0 and proposal >= 0:  # a percentage of a negative score misleads
        text += f" ({sign}{abs(diff) / baseline:.0%})"
    return text, "better" if (diff > 0) == higher else "worse"


def _metric_row(field: str, label: str, higher: bool | None, decimals: int, proposal: Metrics,
                baselines: list[tuple[str, Metrics]]) -> MetricRow:
    mine = float(getattr(proposal, field))
    cells = []
    for _, metrics in baselines:
        theirs = float(getattr(metrics, field))
        delta, verdict = _compare(mine, theirs, higher, decimals)
        cells.append(Comparison(_number(theirs, decimals), delta, verdict))
    direction = {True: "higher is better", False: "lower is better", None: ""}[higher]
    return MetricRow(label, direction, _number(mine, decimals), tuple(cells))


def _headlines(proposal: Metrics, baselines: list[tuple[str, Metrics]]) -> list[str]:
    """One sentence per (key metric, key baseline): the numbers a team asks about first."""
    rows = {field: (label, higher, decimals) for field, label, higher, decimals in METRIC_ROWS}
    lines = []
    for key, metrics in baselines:
        if key not in BASELINE_PHRASES:
            continue
        for field in HEADLINE_METRICS:
            label, higher, decimals = rows[field]
            mine, theirs = float(getattr(proposal, field)), float(getattr(metrics, field))
            delta, verdict = _compare(mine, theirs, higher, decimals)
            outcome = "the same" if verdict == "same" else f"{verdict} by {delta}"
            lines.append(f"{label}: {_number(mine, decimals)} against "
                         f"{_number(theirs, decimals)} for {BASELINE_PHRASES[key]} "
                         f"— {outcome}.")
    return lines


def _cut(edge: CutEdge, peer: str) -> Cut:
    return Cut(peer, edge.source, edge.target, str(edge.kind), KIND_STYLES[edge.kind].colour,
               edge.weight, tuple(str(loc) for loc in sorted(set(edge.locations))))


def _cuts(edges: tuple[CutEdge, ...], inbound: bool) -> tuple[Cut, ...]:
    cuts = [_cut(e, e.source_service if inbound else e.target_service) for e in edges]
    return tuple(sorted(cuts, key=lambda c: (c.peer, c.source, c.target, c.kind)))


def _service(service: Service, rank: int | None, graph_file: str, graph_note: str
             ) -> ServiceFacts:
    m = service.metrics
    return ServiceFacts(
        name=service.name,
        anchor=_anchor(service.name),
        kernel=service.kernel,
        rank=rank,
        apps=tuple(sorted(service.apps)),
        models=tuple(sorted(service.models)),
        tables=tuple(sorted(service.tables)),
        url_prefixes=tuple(sorted(service.url_prefixes)),
        metrics=(("models", str(m.models)), ("cohesion", f"{m.cohesion:.2f}"),
                 ("coupling", _number(m.coupling, 1)), ("interfaces", str(m.interfaces)),
                 ("inbound FKs", str(m.inbound_fks)), ("outbound FKs", str(m.outbound_fks))),
        inbound=_cuts(service.inbound, inbound=True),
        outbound=_cuts(service.outbound, inbound=False),
        placements=tuple(sorted((p.app, p.reason) for p in service.placements)),
        graph_file=graph_file,
        graph_note=graph_note,
    )


def _cycles(boundaries: Boundaries) -> tuple[str, ...]:
    groups = {tuple(sorted({step.service, *step.cycle}))
              for step in boundaries.extraction_order if step.cycle}
    return tuple(" ⇄ ".join(group) for group in sorted(groups))


def _warning(diagnostic: Diagnostic) -> WarningLine:
    return WarningLine(str(diagnostic.level), diagnostic.code,
                   str(diagnostic.location) if diagnostic.location else "", diagnostic.message)
