"""The ``kgtwin`` command. Each area adds its sub-commands from a module of this package.

User errors print one line and exit 2; store failures exit 3; nothing prints a traceback
unless ``KGTWIN_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from kg import __version__
from kg.errors import KgError, StoreError, UserError

__all__ = ["build_parser", "main"]

# Modules that contribute sub-commands: each has ``register(subparsers)``.
COMMAND_MODULES = (
    "kg.cli.db",
    "kg.cli.kb",
    "kg.cli.ontology",
    "kg.cli.twin",
    "kg.cli.safety",
    "kg.cli.pathways",
    "kg.cli.serve",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every available area's sub-commands."""
    parser = argparse.ArgumentParser(
        prog="kgtwin",
        description="Knowledge-graph digital twin and medication-safety reasoning.",
    )
    parser.add_argument("--version", action="version", version=f"kgtwin {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into SystemExit so context managers close the store (and the engine).
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kgtwin`` console script."""
    signal.signal(signal.SIGTERM, _on_signal)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        print("kgtwin: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`kgtwin ... --json | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KgError as exc:
        if os.environ.get("KGTWIN_DEBUG") == "1":
            raise
        print(f"kgtwin: error: {exc}", file=sys.stderr)
        if isinstance(exc, UserError):
            return 2
        return 3 if isinstance(exc, StoreError) else 1
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
