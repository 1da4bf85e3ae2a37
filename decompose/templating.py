"""The one jinja2 configuration behind every rendered artifact: reports, services, proxy configs.

Strict, because an undefined name in a template must be an error, never blank text in a
generated file; block tags trimmed and trailing newlines kept, so templates read like the files
they produce.
"""

from __future__ import annotations

import jinja2


def strict_environment(loader: jinja2.BaseLoader, *, autoescape: bool = False
                       ) -> jinja2.Environment:
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
