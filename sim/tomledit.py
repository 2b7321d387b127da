"""Change a scenario file's values while keeping its comments and layout (tomlkit).

A city file written by ``sim fit`` or by a planner carries its provenance and reasoning in
comments; a command that writes a changed scenario (``sim program apply``, ``sim optimize -o``)
must not throw them away. :func:`scenario_text` edits the source text: only the values that
differ between the scenario before and after are touched, new keys go next to their siblings,
and a comment block stays above the table it describes. The result is checked to load as
exactly the scenario intended.

tomlkit keeps comments as items of the table *above* them, so a new key or table appended
to that table would land below the comment that introduces the next table. The trivia
helpers here move those trailing comments along; they rely on tomlkit's ``Container.body``
list of ``(key, item)`` pairs with ``key = None`` for comments and blank lines (pinned by
tests/unit/test_tomledit.py).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, Comment, InlineTable, Item, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from sim.errors import ScenarioError
from sim.scenario import Scenario, from_dict, load_scenario, to_dict

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_MISSING = object()


def parse_document(text: str, where: str = "<toml>") -> TOMLDocument:
    """Parse TOML text keeping comments and layout, or a one-line error."""
    try:
        return tomlkit.parse(text)
    except TOMLKitError as err:
        raise ScenarioError(f"not valid TOML ({err})", where=where) from None


# ------------------------------------------------------------------- comments and blank lines


def _container(node: Any) -> Container:
    return node if isinstance(node, Container) else node.value


def _tail(node: Any) -> Container:
    """The container whose body ends where ``node``'s text ends (its last sub-table's)."""
    container = _container(node)
    if container.body:
        key, item = container.body[-1]
        if key is not None and isinstance(item, Table):
            return _tail(item)
        if key is not None and isinstance(item, AoT) and item.body:
            return _tail(item.body[-1])
    return container


def _pop_trivia(node: Any) -> list[tuple[None, Item]]:
    """Remove and return the comments and blank lines that end ``node``'s text."""
    if not isinstance(node, Container | Table):  # inline or dotted: no comments inside
        return []
    body = _tail(node).body
    moved: list[tuple[None, Item]] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Comment | Whitespace):
        moved.insert(0, body.pop())  # type: ignore[arg-type]
    return moved


def _push_trivia(node: Any, moved: list[tuple[None, Item]]) -> None:
    if moved:
        _tail(node).body.extend(moved)


# --------------------------------------------------------------------------- new items


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _inline_text(value: Any) -> str:
    """TOML text of a value on one line: ``{ a = 1, b = [1, 2] }``."""
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_inline_text(v)}" for k, v in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline_text(v) for v in value) + "]"
    return tomlkit.item(value).as_string()


def _value_item(value: Any, like: Any = None) -> Item:
    """A tomlkit item for a value inside a table: inline tables, arrays, one per line for tables."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        if isinstance(like, AoT):
            return _tables(value)
        if isinstance(like, Array) and "\n" not in like.as_string():
            text = _inline_text(value)  # the file wrote this list on one line
        else:
            text = "[\n" + "".join(f"  {_inline_text(v)},\n" for v in value) + "]"
    else:
        text = _inline_text(value)
    return tomlkit.parse(f"v = {text}\n")["v"]


SECTIONS = frozenset({"budget"})
"""Keys written as ``[sections]`` of their own in a new table (a team's budget), with their
tables of tables (``crew``, ``supervision``) as ``[budget.crew.medic]`` …, as a planner writes
them; every other nested table is written inline."""


def _section(data: Mapping[str, Any], notes: Sequence[str] = (), deep: bool = False) -> Table:
    """A ``[table]`` with its keys; nested tables inline, lists of tables as ``[[...]]``."""
    table = tomlkit.table()
    for line in notes:
        table.add(tomlkit.comment(line.removeprefix("#").strip()))
    for key, value in data.items():
        many = isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value)
        if isinstance(value, Mapping) and key in SECTIONS:
            table[key] = _section(value, deep=True)
        elif (
            deep
            and isinstance(value, Mapping)
            and value
            and all(isinstance(v, Mapping) for v in value.values())
        ):
            group = tomlkit.table(is_super_table=True)
            for name, inner in value.items():
                group[name] = _section(inner)
            table[key] = group
        else:
            table[key] = _tables(value) if many else _value_item(value)
    return table


def _tables(values: Sequence[Mapping[str, Any]]) -> AoT:
    """An array of tables, written ``[[name]]`` (e.g. a team's shifts)."""
    aot = tomlkit.aot()
    for value in values:
        aot.append(_section(value))
    return aot


def _holds_sections(node: Any) -> bool:
    """True when the table's sub-tables are written as ``[sections]`` (e.g. ``[teams]``)."""
    if not isinstance(node, Container | Table):
        return False
    tables = [(k, v) for k, v in _container(node).body if isinstance(v, Table | InlineTable)]
    return bool(tables) and all(
        isinstance(v, Table) and k is not None and not k.is_dotted() for k, v in tables
    )


# ------------------------------------------------------------------------------ editing


def _set(node: Any, key: str, value: Any, notes: Sequence[str] = ()) -> None:
    """Set one key, keeping the comments that end ``node`` at its end."""
    like = node.get(key) if key in node else None
    moved = _pop_trivia(node)
    if isinstance(value, Mapping) and like is None and _holds_sections(node):
        tail = _tail(node)
        if tail.body and not isinstance(tail.body[-1][1], Whitespace):
            tail.body.append((None, tomlkit.ws("\n")))  # a blank line above the new table
        node[key] = _section(value, notes)
    else:
        node[key] = _value_item(value, like)
    _push_trivia(node, moved)


def _delete(node: Any, key: str) -> None:
    moved = _pop_trivia(node)
    del node[key]
    _push_trivia(node, moved)


def update_document(
    node: Any,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    notes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Edit ``node`` (a document or table holding ``before``) so that it holds ``after``.

    Only keys whose values differ are touched; a list that grew at its end keeps its items
    and layout. ``notes`` maps a dotted path of a new table to comment lines placed under its
    header (e.g. ``{"teams.cahoots": ["# from the program template"]}``).
    """
    notes = notes or {}
    _update(node, before, after, notes, "")


def _update(node: Any, before: Mapping[str, Any], after: Mapping[str, Any],
            notes: Mapping[str, Sequence[str]], path: str) -> None:  # fmt: skip
    for key in [k for k in before if k not in after and k in node]:
        _delete(node, key)
    for key, new in after.items():
        old = before.get(key, _MISSING)
        if old == new:
            continue
        here = f"{path}.{key}" if path else key
        current = node.get(key) if key in node else None
        if (
            isinstance(new, Mapping)
            and isinstance(old, Mapping)
            and isinstance(current, Table | InlineTable | Container | OutOfOrderTableProxy)
        ):
            _update(current, old, new, notes, here)
        elif (isinstance(new, list) and isinstance(old, list) and new[: len(old)] == old
              and isinstance(current, Array)):  # fmt: skip
            for value in new[len(old) :]:
                current.append(value)
        else:
            _set(node, key, new, notes.get(here, ()))


def scenario_text(
    source: str,
    before: Scenario,
    after: Scenario,
    *,
    header: Sequence[str] = (),
    notes: Mapping[str, Sequence[str]] | None = None,
    where: str = "<scenario>",
) -> str:
    """``source`` (the text of ``before``) edited to describe ``after``, comments kept.

    ``header`` lines (each starting with ``#``) go at the top, then a blank line. The result
    is parsed back and must equal ``after``; anything else is a bug in this module, not the
    user's mistake.
    """
    doc = parse_document(source, where)
    update_document(doc, to_dict(before), to_dict(after), notes)
    top = "".join(f"{line}\n" for line in header) + ("\n" if header else "")
    text = top + tomlkit.dumps(doc)
    written = from_dict(tomllib.loads(text), source=f"{where} (edited)")
    if written != after:
        raise RuntimeError(f"editing {where} did not give the intended scenario (a bug in sim)")
    return text


def edit_scenario_file(
    path: str | Path,
    after: Scenario,
    *,
    header: Sequence[str] = (),
    notes: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The scenario file at ``path`` edited to describe ``after``, its comments kept.

    This is what a command calls to write a changed scenario (``sim optimize -o``):
    ``write_text(out, edit_scenario_file(source, plan, header=[...]))``.
    """
    path = Path(path)
    before = load_scenario(path)
    source = path.read_text(encoding="utf-8")
    return scenario_text(source, before, after, header=header, notes=notes, where=str(path))


__all__ = ["edit_scenario_file", "parse_document", "scenario_text", "update_document"]
