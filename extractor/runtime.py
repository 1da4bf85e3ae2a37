"""decompose-runtime as a generated service and the patched monolith get it: a pinned
requirement, or (``--vendor-runtime``, for teams without a package index) a copy of its packages.

The range is the runtime this extractor ships with, up to its next minor version: generated code
uses only names that exist in it (``decompose_runtime.names``), and the bridge refuses a service
speaking another protocol version, so a mismatch is an error message, not a misread.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from types import ModuleType

from packaging.requirements import Requirement

import decompose_bridge
import decompose_remote
import decompose_runtime

RUNTIME_DISTRIBUTION = "decompose-runtime"
# What each side imports: the service its client, the monolith its bridge app; both the codec.
SERVICE_PACKAGES = (decompose_runtime, decompose_remote)
# What the bridge imports besides Django (runtime/pyproject.toml declares the same ranges):
# a monolith with a vendored runtime must install these itself.
BRIDGE_REQUIREMENTS = ("djangorestframework>=3.15,<4", "PyJWT[crypto]>=2.9,<3")
MONOLITH_PACKAGES = (decompose_runtime, decompose_bridge)
# Where a service keeps its copy of the distribution when it requires it: decompose-runtime is
# on no public index, so the service's uv.lock records it as this path source.
RUNTIME_SOURCE = "vendor/decompose-runtime"


def runtime_requirement(version: str = decompose_runtime.__version__) -> str:
    """``decompose-runtime>=0.1.0,<0.2``: this runtime and what its minor series adds."""
    major, minor = version.split(".")[:2]
    return f"{RUNTIME_DISTRIBUTION}>={version},<{major}.{int(minor) + 1}"


def vendored_files(packages: tuple[ModuleType, ...]) -> dict[str, str]:
    """The packages' Python sources by path relative to the folder holding them, sorted."""
    files = {}
    for package in packages:
        folder = Path(package.__file__ or "").parent
        for path in sorted(folder.rglob("*.py")):
            files[path.relative_to(folder.parent).as_posix()] = path.read_text(encoding="utf-8")
    return files


def runtime_dependencies() -> tuple[str, ...]:
    """What the installed decompose-runtime requires (its extras left out): a service carries
    them whether it requires the runtime or vendors it, at the monolith's pins."""
    return tuple(d for d in importlib.metadata.requires(RUNTIME_DISTRIBUTION) or ()
                 if "extra ==" not in d)


def runtime_django() -> str:
    """The Django versions decompose-runtime supports (``>=3.2,<6.1``), as it declares them."""
    return next(str(Requirement(d).specifier) for d in runtime_dependencies()
                if Requirement(d).name.lower() == "django")


def runtime_python() -> str:
    """The Python versions decompose-runtime runs on (``>=3.11``), as it declares them."""
    return importlib.metadata.metadata(RUNTIME_DISTRIBUTION)["Requires-Python"] or ""


def runtime_source_files(packages: tuple[ModuleType, ...] = SERVICE_PACKAGES) -> dict[str, str]:
    """The decompose-runtime distribution as a buildable folder under ``RUNTIME_SOURCE``: the
    packages the service imports and a pyproject.toml declaring the installed runtime's
    version and dependencies (static metadata, so uv locks it without building it)."""
    listed = "".join(f'    "{d}",\n' for d in runtime_dependencies())
    include = ", ".join(f'"{p.__name__}*"' for p in packages)
    files = {"pyproject.toml": (
        "# decompose-runtime, copied here by decompose: the service's uv.lock installs it from\n"
        "# this folder. Publish it to your index instead? Delete this folder and\n"
        "# [tool.uv.sources] in ../../pyproject.toml, then run `uv lock`.\n"
        '[build-system]\nrequires = ["setuptools>=69"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{RUNTIME_DISTRIBUTION}"\n'
        f'version = "{decompose_runtime.__version__}"\nrequires-python = ">=3.11"\n'
        f"dependencies = [\n{listed}]\n\n"
        f"[tool.setuptools.packages.find]\ninclude = [{include}]\n"),
        **vendored_files(packages)}
    return {f"{RUNTIME_SOURCE}/{name}": text for name, text in files.items()}
