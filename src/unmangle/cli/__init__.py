"""The ``unmangle`` command. Each subcommand lives in its own module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from .. import __version__
from ..model_folder import TorchUnavailable

#: (module, one-line help) for each subcommand, in the order ``--help`` lists them.
SUBCOMMANDS: tuple[str, ...] = (
    "repair_cmd",
    "corpus_cmd",
    "detect_cmd",
    "corrupt_cmd",
    "bench_cmd",
    "train_cmd",
    "finetune_cmd",
    "calibrate_cmd",
    "ngram_cmd",
    "lexicon_cmd",
)

#: Packages of the ``train`` extra: repair and detect run without them, training does not.
TRAINING_PACKAGES = ("torch", "transformers", "datasets", "sentencepiece")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class CLIError(Exception):
    """An error the user can fix; printed without a traceback. ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unmangle",
        description="Find and repair machine-mangled English (back-translated or spun text).",
        epilog="Run 'unmangle COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"unmangle {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # subcommand not part of this build
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.handler(args) or EXIT_OK)
    except CLIError as exc:
        print(f"unmangle {args.command}: error: {exc}", file=sys.stderr)
        return exc.code
    except TorchUnavailable as exc:
        print(f"unmangle {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in TRAINING_PACKAGES:
            raise
        print(f"unmangle {args.command}: error: this command needs {exc.name}, which is not installed; "
              "install the training extras: pip install 'unmangle[train]'", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
