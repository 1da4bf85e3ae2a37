"""The ``decompose`` command line: the one place where errors become exit codes."""

from __future__ import annotations

import sys

import click

from analyzer.command import analyze
from decompose import __version__
from decompose.errors import DecomposeError
from extractor.command import extract
from strangler.command import proxy, route


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="decompose")
def cli() -> None:
    """Break a Django monolith into services, one app at a time.

    Reads the project statically (its code is never imported or run).
    """


cli.add_command(analyze)
cli.add_command(extract)
cli.add_command(route)
cli.add_command(proxy)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the click group and turn DecomposeError into one stderr line."""
    try:
        cli.main(args=argv, prog_name="decompose", standalone_mode=False)
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
