"""Shared-kernel detection: the apps most others depend on and that depend on little.

Gluing ``core`` or ``accounts`` into whichever business service happens to use them most would
make every other service depend on that one; DDD calls such code a shared kernel and keeps it
apart. The test combines fan-in (a majority of the other apps depend on it) with Martin's
instability ``I = fan_out / (fan_in + fan_out)``: a kernel is stable (I <= 0.25), while a busy
business app such as ``orders`` is depended on by many but also depends on many.
The app holding the project's user model (a subclass of auth's ``AbstractUser`` or
``AbstractBaseUser``) needs only two dependents: every ``user`` foreign key and every
``request.user`` points at it, so identity is shared however few apps show it statically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from analyzer.boundaries.appgraph import AppGraph

KERNEL_FAN_IN_SHARE = 0.5
KERNEL_MAX_INSTABILITY = 0.25
KERNEL_MIN_APPS = 4  # below this, "most other apps" is one or two: no kernel to speak of


@dataclass(frozen=True)
class KernelApp:
    app: str
    fan_in: int  # other own apps that depend on it
    fan_out: int  # other own apps it depends on
    others: int  # other own apps in the project

    @property
    def instability(self) -> float:
        total = self.fan_in + self.fan_out
        return self.fan_out / total if total else 0.0

    user_model: bool = False  # holds the project's user model

    @property
    def reason(self) -> str:
        holds = "holds the user model; " if self.user_model else ""
        return (f"shared kernel: {holds}{self.fan_in} of the {self.others} other apps depend "
                f"on it, it depends on {self.fan_out} (instability {self.instability:.2f})")


def fan(app_graph: AppGraph, app: str) -> KernelApp:
    graph = app_graph.directed
    user_model = any(m.app == app for m in app_graph.project.user_models)
    return KernelApp(app, graph.in_degree(app), graph.out_degree(app),
                     len(app_graph.apps) - 1, user_model)


def detect_kernel(app_graph: AppGraph, exclude: frozenset[str]) -> tuple[KernelApp, ...]:
    """Apps passing the kernel test; ``exclude`` holds apps a constraint already places."""
    if len(app_graph.apps) < KERNEL_MIN_APPS:
        return ()
    needed = max(2, math.ceil(KERNEL_FAN_IN_SHARE * (len(app_graph.apps) - 1)))
    found = (fan(app_graph, app) for app in app_graph.apps if app not in exclude)
    return tuple(k for k in found if k.instability <= KERNEL_MAX_INSTABILITY
                 and k.fan_in >= (2 if k.user_model else needed))
