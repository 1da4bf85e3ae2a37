"""Decide an extraction: what moves, what is cut at the boundary, and how each cut is bridged.

Pure: the analyzer's graph, the monolith's source text (read, never imported) and the chosen
apps go in; a ``Plan`` comes out. ``Plan.record`` is ``extraction.json``; the rest is what the
writer needs (the templates' ``ServiceSpec``, the bridge ``Allowlist``, the codemods' boundary).
One module per decision; ``build`` puts them together.
"""

from extractor.plan.build import Plan, build_plan

__all__ = ["Plan", "build_plan"]
