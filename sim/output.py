"""Writing results: atomically (temporary file, then rename), or a clear error.

A temporary file is named ``.NAME.<pid>.tmp`` beside its target. A process killed while
writing leaves one behind; the next write to the same target removes those whose process
is gone.
"""

from __future__ import annotations

import glob
import os
import re
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale(path: Path) -> list[Path]:
    """Remove temporary files of ``path`` left by writers that no longer run."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\.tmp$")
    removed: list[Path] = []
    try:
        siblings = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for other in siblings:
        m = pattern.match(other.name)
        if m is not None and int(m[1]) != os.getpid() and not _alive(int(m[1])):
            other.unlink(missing_ok=True)
            removed.append(other)
    return removed


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` then rename tmp over ``path``: readers never see half a file."""
    check_writable(path)
    clean_stale(path)
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
