"""Installed-looking third-party packages for the tests: a fixture package as a wheel, and that
wheel installed into a folder the test reads as site-packages."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path


def wheel_of(package: Path, out: Path) -> Path:
    """A pure-Python wheel of ``package``, its templates and other data files included (what
    a build backend would write)."""
    wheel = out / f"{package.name}-1.0-py3-none-any.whl"
    info = f"{package.name}-1.0.dist-info"
    files = {f.relative_to(package.parent).as_posix(): f.read_bytes()
             for f in sorted(package.rglob("*"))
             if f.is_file() and "__pycache__" not in f.parts}
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {package.name}\n"
                                 "Version: 1.0\n").encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items()]
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def pip_install(wheel: Path, target: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
