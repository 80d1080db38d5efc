"""The ``oxgen`` command line.

Each command lives in its own ``_cli/_<name>.py`` module and is registered here. Commands
import heavy dependencies inside their bodies so ``oxgen --help`` stays fast.

Exit codes (documented in the README):

* 0: success.
* 1: the command ran and found a problem: an invalid payload, stale output, a breaking
  change, a model that could not be generated, a failed generation.
* 2: usage error: bad option, unknown model id, unreadable input file.
* 3: the API could not be used: authentication, network, server error.
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]

# command name -> module (relative to this package) defining a click command named ``command``.
_COMMANDS = {
    "check": "._check",
    "diff": "._diff",
    "emulator": "._emulator",
    "generate": "._generate",
    "jobs": "._jobs",
    "models": "._models",
    "run": "._run",
    "sync": "._sync",
    "validate": "._validate",
}


class _LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(module_name, __name__)
        command: click.Command = module.command
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="oxgen")
def main() -> None:
    """oxgen: typed, validated Python bindings for the Oxen.ai model catalog."""
