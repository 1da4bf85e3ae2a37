"""The ``decompose`` console script: an unchanged ``analyze`` is answered from its record
(``decompose.replay``) before click, rich and the stages are imported; the rest is the CLI."""

from __future__ import annotations

import sys

from decompose.replay import replay


def main() -> None:
    if replay(sys.argv[1:]):
        return
    from decompose.cli import main as run_cli

    run_cli()
