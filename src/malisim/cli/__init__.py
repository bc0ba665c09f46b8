"""The ``malisim`` command line (thin: parse, call the library, print)."""

from malisim.cli.main import main

__all__ = ["main"]
