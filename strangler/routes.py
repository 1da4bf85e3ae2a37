"""URL ownership: which request paths each extracted service answers, from the analyzer's URLconf.

Decided here, once, in Python, so every proxy backend renders the same rules: Django details
(APPEND_SLASH pairs, path converters, ``/admin/``, static and media) are handled before any
template sees a path.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from decompose.model import UrlRoute
from decompose.paths import EXTRACTION_FILE

MONOLITH = "monolith"
# Paths that stay on the monolith whatever a service claims: Django's admin and the files the
# monolith's own storage serves (an extracted service's admin pages, ``/admin/orders/``, are
# routed to it only when its extraction record names them).
RESERVED_PREFIXES = ("/admin/", "/static/", "/media/")

# Django's built-in path converters (django/urls/converters.py), as regexes.
_CONVERTERS = {"int": "[0-9]+", "str": "[^/]+", "slug": "[-a-zA-Z0-9_]+", "path": ".+",
               "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# The analyzer writes i18n_patterns' prefix as a bare <language> segment; Django's language codes
# are "en", "pt-br", "zh-hans", "sr-latn" (settings.LANGUAGES, lower case).
_LANGUAGE = "[a-z]{2,3}(?:-[a-z0-9]+)*"


class MatchKind(enum.StrEnum):
    """How a rule matches a request path (the same three kinds every target supports)."""

    EXACT = "exact"
    PREFIX = "prefix"
    REGEX = "regex"


@dataclass(frozen=True, order=True)
class PathRule:
    """A path (or regex over the whole path) and who answers it: a service name or MONOLITH."""

    kind: MatchKind
    path: str
    owner: str
    source: str = ""  # where the URL pattern is written, "orders/urls.py:7"; "" when implied

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key for first-match targets (HAProxy, Istio): exact, longer prefixes, regexes."""
        rank = {MatchKind.EXACT: 0, MatchKind.PREFIX: 1, MatchKind.REGEX: 2}[self.kind]
        return (rank, -len(self.path))


@dataclass(frozen=True)
class Served:
    """What a service's extraction record says: the prefixes it serves (``routes``), its
    apps' prefixes it leaves to the monolith (``kept_routes``, each with the reason), and the
    prefixes it serves only below (``children_only_routes``: its URLconf routes neither the
    prefix nor it without its slash)."""

    prefixes: tuple[str, ...]
    kept: tuple[tuple[str, str], ...] = ()  # (prefix, reason)
    children_only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ownership:
    """The rules for every service plus the monolith paths that must win inside them."""

    rules: tuple[PathRule, ...]
    warnings: tuple[str, ...] = ()

    def for_owner(self, owner: str) -> tuple[PathRule, ...]:
        return tuple(r for r in self.rules if r.owner == owner)

    def first_match_order(self) -> tuple[PathRule, ...]:
        """Rules in the order a first-match router must test them to act as longest-match."""
        return tuple(sorted(self.rules, key=lambda r: (*r.specificity, r.path, r.owner)))


def compute_ownership(urls: Sequence[UrlRoute], services: Mapping[str, Sequence[str]], *,
                      served: Mapping[str, Served] | None = None,
                      reserved: Sequence[str] = RESERVED_PREFIXES) -> Ownership:
    """Rules for ``services`` (service name -> app labels) over the project's URL routes.

    ``served`` (service name -> its extraction record's routes) narrows a service to what it
    really mounts: its apps' routes outside those prefixes stay on the monolith.
    """
    served = served or {}
    owner_of_app = {app: name for name, apps in services.items() for app in apps}
    warnings: list[str] = []
    claimed: dict[tuple[MatchKind, str], PathRule] = {}
    owned_prefixes: list[str] = []
    kept = [PathRule(MatchKind.PREFIX, path, MONOLITH) for path in reserved]
    # path, regex, owner, source, whether an extraction record names the path itself, and
    # whether the owner answers the path itself (else only what lies under it)
    candidates: list[tuple[str, bool, str, str, bool, bool]] = []
    for route in urls:
        owner = owner_of_app.get(route.app or "")
        if owner is None:
            continue
        if owner in served and not _inside(route, served[owner].prefixes):
            if _inside(route, [prefix for prefix, _ in served[owner].kept]):
                continue  # the kept prefix below holds it
            staying = _monolith_rules(route)
            kept += staying
            warnings.append(f"{route.location}: {staying[0].path} is not served by {owner} "
                            f"(not in its extraction.json routes); it stays on the monolith")
            continue
        if owner not in served:
            candidates.append((route.prefix, route.regex, owner, str(route.location), False,
                               True))
    for owner, record in served.items():
        sources = {_with_leading_slash(r.prefix): str(r.location) for r in urls
                   if owner_of_app.get(r.app or "") == owner}
        candidates += [(p, False, owner, sources.get(p) or sources.get(p.rstrip("/"),
                                                                  EXTRACTION_FILE), True,
                        p not in record.children_only)
                       for p in record.prefixes]
        for prefix, reason in record.kept:
            source = sources.get(prefix, EXTRACTION_FILE)
            kept.append(PathRule(MatchKind.PREFIX, prefix, MONOLITH, source))
            warnings.append(f"{source}: {prefix} stays on the monolith (kept by the {owner} "
                            f"extraction: {reason})")
    for prefix, regex, owner, source, named, bare in candidates:
        for rule in _rules_for(prefix, regex, owner, source, warnings, bare=bare):
            if rule.kind is not MatchKind.REGEX and _reserved(rule.path, reserved, named):
                warnings.append(f"{rule.source}: {rule.path} stays on the monolith (reserved)")
                continue
            key = (rule.kind, rule.path)
            if key in claimed and claimed[key].owner != owner:
                warnings.append(f"{rule.source}: {rule.path} is claimed by both "
                                f"{claimed[key].owner} and {owner}; {claimed[key].owner} keeps it")
                continue
            claimed.setdefault(key, rule)
            if rule.kind is MatchKind.PREFIX:
                owned_prefixes.append(rule.path)
    for route in urls:
        if route.regex or owner_of_app.get(route.app or "") is not None:
            continue
        path = _with_leading_slash(route.prefix)
        if "<" not in path and any(path.startswith(p) and path != p for p in owned_prefixes):
            kept += _plain_rules(path, MONOLITH, str(route.location))
    for prefix, bare_owner in _bare_owners(served, claimed, kept):
        source = claimed[(MatchKind.PREFIX, prefix)].source
        for path in (prefix, prefix.rstrip("/")):
            rule = PathRule(MatchKind.EXACT, path, bare_owner, source)
            if bare_owner == MONOLITH:
                kept.append(rule)
            else:
                claimed.setdefault((rule.kind, rule.path), rule)
    rules = {(r.kind, r.path): r for r in kept}
    rules.update(claimed)  # a reserved path a service claims exactly was refused above
    return Ownership(tuple(sorted(rules.values())), tuple(sorted(set(warnings))))


def _bare_owners(served: Mapping[str, Served], claimed: Mapping[tuple[MatchKind, str], PathRule],
                 kept: Sequence[PathRule]) -> list[tuple[str, str]]:
    """(prefix, who answers it) for each prefix a service claims only below. The monolith
    routes it elsewhere, with its slash and without (``/issues/custom-attributes-values/`` is
    the ``issues`` viewset's detail ``issues/<pk>/``, or ``issues/<pk>`` with the optional
    slash of taiga's router), so both go to the owner of the longest other prefix holding
    it, the monolith if none, by exact rules: the slash-less one too, or nginx would redirect
    it to the slashed one (as it does for a prefix location's path without its slash)."""
    found = []
    for owner, record in sorted(served.items()):
        for prefix in record.children_only:
            below = claimed.get((MatchKind.PREFIX, prefix))
            if below is None or below.owner != owner:
                continue
            holders = [r for r in [*claimed.values(), *kept] if r.kind is MatchKind.PREFIX
                       and r.path != prefix and prefix.startswith(r.path)]
            holder = max(holders, key=lambda r: len(r.path)).owner if holders else MONOLITH
            if holder != owner:
                found.append((prefix, holder))
    return found


def _reserved(path: str, reserved: Sequence[str], named: bool) -> bool:
    """Whether ``path`` must stay on the monolith. A prefix an extraction record names inside a
    reserved one (``/admin/orders/``: the service's own admin for its apps) is the service's;
    the reserved prefix itself, and anything merely found in the URLconf, never is."""
    return any(path == r.rstrip("/") or path == r or (path.startswith(r) and not named)
               for r in reserved)


def _inside(route: UrlRoute, prefixes: Sequence[str]) -> bool:
    """Whether a route falls under one of the prefixes a service mounts."""
    path = _with_leading_slash(route.prefix)
    literal = anchored_regex(route.prefix)[1:] if route.regex else path
    return any(literal.startswith(p) or path == p.rstrip("/") for p in prefixes)


def _monolith_rules(route: UrlRoute) -> list[PathRule]:
    """The rules that keep a route the service does not serve on the monolith."""
    path = _with_leading_slash(route.prefix)
    if route.regex:
        return [PathRule(MatchKind.REGEX, anchored_regex(route.prefix), MONOLITH,
                         str(route.location))]
    if "<" in path:
        return [PathRule(MatchKind.REGEX, converters_to_regex(path), MONOLITH,
                         str(route.location))]
    return _plain_rules(path, MONOLITH, str(route.location))


def _rules_for(prefix: str, regex: bool, owner: str, source: str,
               warnings: list[str], *, bare: bool = True) -> list[PathRule]:
    if regex:
        return [PathRule(MatchKind.REGEX, anchored_regex(prefix), owner, source)]
    path = _with_leading_slash(prefix)
    if "<" in path:
        return [PathRule(MatchKind.REGEX, converters_to_regex(path), owner, source)]
    if path == "/":
        warnings.append(f"{source}: the site root is routed as an exact path only")
        return [PathRule(MatchKind.EXACT, "/", owner, source)]
    return _plain_rules(path, owner, source, bare=bare)


def _plain_rules(path: str, owner: str, source: str, *, bare: bool = True) -> list[PathRule]:
    """A path without converters: what lies under it, and its slash-less form. For a slashed
    path the slash-less form must reach the same side, which redirects it (APPEND_SLASH); a
    slash-less path (a router built with ``trailing_slash=False``: ``/api/wiki``, with its
    detail routes ``/api/wiki/1``) is itself, never ``/api/wiki-links``. Not ``bare``: what
    lies under it only (the owner routes neither form; ``_bare_owners`` places the slashed
    one)."""
    under = path if path.endswith("/") else f"{path}/"
    below = PathRule(MatchKind.PREFIX, under, owner, source)
    return [below, PathRule(MatchKind.EXACT, path.rstrip("/"), owner, source)] if bare else [below]


def _with_leading_slash(path: str) -> str:
    return path if path.startswith("/") else f"/{path}"


def anchored_regex(pattern: str) -> str:
    """A Django ``re_path`` regex (relative: ``^orders/``) over the whole path: ``^/orders/``."""
    body = pattern[1:] if pattern.startswith("^") else pattern
    if not body.startswith("/"):
        body = f"/{body}"
    return f"^{body}"


def converters_to_regex(path: str) -> str:
    """``/orders/<int:pk>/`` -> ``^/orders/[0-9]+/``: a prefix regex with Django's converters."""
    out, last = [], 0
    for found in _CONVERTER.finditer(path):
        out.append(re.escape(path[last:found.start()]))
        converter = found.group("converter")
        if converter is None and found.group("name") == "language":
            out.append(_LANGUAGE)
        else:
            out.append(_CONVERTERS.get(converter or "str", "[^/]+"))
        last = found.end()
    out.append(re.escape(path[last:]))
    return "^" + "".join(out).replace("\\/", "/")
