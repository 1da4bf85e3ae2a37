"""One colour per dependency kind, shared by the DOT graphs, the Mermaid diagram and the legends.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
with yellow darkened so it reads on white. Data coupling (relations) gets the strongest blue
because it is the coupling that is hardest to cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from decompose.model import DependencyKind


@dataclass(frozen=True)
class KindStyle:
    kind: DependencyKind
    colour: str  # "#rrggbb"
    meaning: str  # one line for the legend


KIND_STYLES: dict[DependencyKind, KindStyle] = {
    style.kind: style
    for style in (
        KindStyle(DependencyKind.RELATION, "#0072B2", "foreign key / one-to-one / many-to-many"),
        KindStyle(DependencyKind.INHERITANCE, "#CC79A7", "model subclasses a model of the app"),
        KindStyle(DependencyKind.IMPORT, "#E69F00", "Python import"),
        KindStyle(DependencyKind.ORM, "#009E73", "queries or creates the app's models"),
        KindStyle(DependencyKind.SIGNAL, "#D55E00", "signal receiver or custom signal"),
        KindStyle(DependencyKind.URL, "#56B4E9", "URLconf include / view reference"),
        KindStyle(DependencyKind.DYNAMIC, "#9A8700", "apps.get_model / get_class lookup"),
    )
}

# Stubs (models of other services) and "+K more" placeholders.
MUTED = "#8A94A6"
KERNEL_BORDER = "#B45309"
KERNEL_FILL = "#FFF7E8"
SERVICE_BORDER = "#94A3B8"
SERVICE_FILL = "#F8FAFC"
INK = "#1F2937"
FONT = "Helvetica,Arial,sans-serif"


def kind_colour(kind: DependencyKind) -> str:
    return KIND_STYLES[kind].colour
