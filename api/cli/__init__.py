"""The `claims` command line: a thin shell over the service's loaders and use cases.

`commands` holds the commands, `common` what they share, `ingest` the ingest command and
`progress` a progress bar any command working through many items can use.
"""

from api.cli.commands import cli, main

__all__ = ["cli", "main"]
