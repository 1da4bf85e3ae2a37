"""The ``decompose`` command line: the one place where errors become exit codes."""

from __future__ import annotations

import importlib
import sys

import click

from decompose.errors import DecomposeError

# Each stage's command, imported only when it runs: `decompose analyze` must not pay for the
# extractor's libcst codemods (about 0.4 s of start-up), nor `route` for networkx.
COMMANDS = {
    "analyze": "analyzer.command:analyze",
    "extract": "extractor.command:extract",
    "route": "strangler.command:route",
    "proxy": "strangler.command:proxy",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are loaded by name from ``COMMANDS`` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="decompose", prog_name="decompose")
def cli() -> None:
    """Break a Django monolith into services, one app at a time.

    Reads the project statically (its code is never imported or run).
    """



def main(argv: list[str] | None = None) -> None:
    """Run the click group and turn DecomposeError into one stderr line. The arguments are the
    context's ``obj``: ``analyze`` records its output under them (``decompose.replay``)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="decompose", standalone_mode=False, obj=list(args))
    except DecomposeError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
