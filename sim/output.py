"""Writing results: checked before any work, written to a temporary file, then renamed.

A command first checks every output it will write (:func:`check_writable` tries to create
the very temporary file it will use: ``os.access`` says yes to root for places such as
``/proc`` that cannot be written), then does the work, then writes: :func:`write_files`
writes every output to its temporary file and renames them only when all are written, so a
failure leaves no output half-written and none of a set without the others.

A temporary file is named ``.NAME.<pid>.tmp`` beside its target. A process killed while
writing leaves one behind; the next write to the same target removes those whose process
is gone. An existing target that is not a regular file (``/dev/null``, a named pipe) is
written in place: renaming over it would replace a device with a file.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.errors import OutputError

Writer = Callable[[Path], object]
"""Writes an output's content to the path it is given (a temporary file)."""


def _special(path: Path) -> bool:
    """True for an existing target that is not a regular file or folder (a device, a pipe)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def temporary(path: Path) -> Path:
    """The temporary file this process writes ``path`` through."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def check_writable(path: Path) -> None:
    """Fail before any work is done if ``path`` cannot be written — by trying it."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError("is a directory", where=str(path), hint="give a file name")
    if not parent.is_dir():
        raise OutputError("folder does not exist", where=str(parent), hint="create it first")
    probe = path if _special(path) else temporary(path)
    flags = os.O_WRONLY if probe == path else os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        os.close(os.open(probe, flags, 0o644))
    except FileExistsError:  # this process's own temporary file: writable
        return
    except OSError as err:
        raise OutputError(
            f"cannot be written ({err.strerror})", where=str(path), hint="choose another path"
        ) from None
    if probe != path:
        probe.unlink(missing_ok=True)


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


def _as_writer(content: str | Writer) -> Writer:
    if isinstance(content, str):
        text = content
        return lambda target: target.write_text(text, encoding="utf-8")
    return content


def write_files(outputs: Sequence[tuple[Path | str, str | Writer]]) -> None:
    """Write every output (a path, or ``-`` for stdout; text or a writer), all or none.

    Every file is checked, then written to its temporary file; only when all are written are
    they renamed over their targets (then stdout is written). A failure on the way removes
    the temporary files and raises :class:`OutputError`, leaving every target as it was.
    """
    files = [(Path(p), _as_writer(c)) for p, c in outputs if str(p) != "-"]
    stdout = [c for p, c in outputs if str(p) == "-" and isinstance(c, str)]
    for path, _ in files:
        check_writable(path)
        clean_stale(path)
    current: Path | None = None
    staged: list[tuple[Path, Path]] = []  # (temporary file, target)
    try:
        for path, write in files:
            current = path
            if _special(path):  # a device or pipe: written in place
                write(path)
                continue
            staged.append((temporary(path), path))
            write(staged[-1][0])
        for tmp, path in staged:
            current = path
            tmp.replace(path)
    except OSError as err:
        raise OutputError(f"cannot write ({err.strerror})", where=str(current)) from None
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    for text in stdout:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write_atomic(path: Path, write: Writer) -> None:
    """Call ``write(tmp)`` then rename tmp over ``path``: readers never see half a file."""
    write_files([(path, write)])


def write_text(path: Path | str, text: str) -> None:
    """Write text to a file atomically, or to stdout when the path is '-'."""
    write_files([(path, text)])
