"""Writing results: atomically (temporary file, then rename), or a clear error."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from sim.errors import OutputError


def check_writable(path: Path) -> None:
    """Fail before any work is done if ``path`` cannot be written."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError("is a directory", where=str(path), hint="give a file name")
    if not parent.is_dir():
        raise OutputError("folder does not exist", where=str(parent), hint="create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError("folder is not writable", where=str(parent), hint="choose another path")


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` then rename tmp over ``path``: readers never see half a file."""
    check_writable(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as err:
        raise OutputError(f"cannot write ({err.strerror})", where=str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path | str, text: str) -> None:
    """Write text to a file atomically, or to stdout when the path is '-'."""
    if str(path) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    write_atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
