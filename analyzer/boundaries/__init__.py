"""Service boundaries for a Django project: proposal, constraints, metrics and re-scoring.

Public entry points (everything else is internal and may use networkx freely):

- ``propose(graph, settings)``: cluster the app graph into services and score them;
- ``load_assignment(path)`` + ``rescore(graph, assignment, settings)``: score a team's own cut.
"""

from analyzer.boundaries.propose import propose
from analyzer.boundaries.rescore import load_assignment, rescore

__all__ = ["load_assignment", "propose", "rescore"]
