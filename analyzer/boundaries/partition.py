"""A decomposition: apps grouped into named services, some flagged as shared kernel."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Partition:
    """Named services over app labels. ``reasons`` say why an app was placed by a rule
    (a pin, a keep-together, the kernel test) rather than by its edges alone."""

    services: tuple[tuple[str, tuple[str, ...]], ...]  # (name, apps), sorted by name
    kernel: frozenset[str] = frozenset()  # names of shared-kernel services
    method: str = ""
    reasons: Mapping[str, str] = field(default_factory=dict)  # app -> placement rule
    source: str | None = None  # the file a hand-made partition came from

    def __post_init__(self) -> None:
        object.__setattr__(self, "services", tuple(sorted(
            (name, tuple(sorted(apps))) for name, apps in self.services)))

    @property
    def service_of(self) -> dict[str, str]:
        return {app: name for name, apps in self.services for app in apps}

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        return tuple(apps for _, apps in self.services)

    def __len__(self) -> int:
        return len(self.services)


NamedGroups = tuple[tuple[str, tuple[str, ...]], ...]


def name_groups(groups: Iterable[tuple[str | None, Iterable[str]]],
                pick_name: Callable[[Sequence[str]], str]) -> NamedGroups:
    """Name each group: its fixed name (a pin, the kernel) if given, else ``pick_name(apps)``,
    suffixed ``-2``, ``-3``... where a derived name is already taken."""
    groups = list(groups)
    items = sorted((fixed, tuple(sorted(apps))) for fixed, apps in groups
                   if fixed is not None)
    derived = sorted(tuple(sorted(apps)) for fixed, apps in groups if fixed is None)
    taken = {fixed for fixed, _ in items}
    named = list(items)
    for apps in derived:
        base = pick_name(apps)
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        named.append((name, apps))
    return tuple(named)
