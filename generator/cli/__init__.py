"""The command line: ``python -m generator`` (build, validate, add, diff) over the library."""

from generator.cli.commands import main

__all__ = ["main"]
