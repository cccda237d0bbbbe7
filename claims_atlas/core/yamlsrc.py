"""Safe YAML that remembers where every value came from.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both know the line
they start on and the line of each key or item, so every later error can name `path:line`.
Timestamps stay strings: dates are parsed (and impossible ones reported) by the catalog,
not by PyYAML, which would raise on 2025-02-30. Only `true` and `false` are booleans: the
YAML 1.1 words `yes`, `no`, `on`, `off`, `y`, `n` stay the text they are (`language: no` is
Norwegian, not False).

Any file is read in bounded time and memory: a first pass over the parser's events (no
recursion) refuses nesting deeper than MAX_DEPTH, aliases that expand to more than
MAX_ALIAS_NODES values, and integers longer than MAX_INT_DIGITS, each at its line, before
anything is built (deep nesting used to crash the C composer; an alias bomb to take GBs).
"""

from __future__ import annotations

from pathlib import Path

import yaml


class LineDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


MAX_DEPTH = 64           # nested mappings and lists
MAX_ALIAS_NODES = 10_000  # values that aliases (*name) may stand for, in all
MAX_INT_DIGITS = 50


class YamlSyntaxError(Exception):
    """The file is not well-formed YAML; carries the line PyYAML pointed at."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


# libyaml's parser when the build has it (4x faster on a large catalog), same nodes and marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


def _bool_or_text(loader: _Loader, node: yaml.ScalarNode) -> bool | str:
    """`true` / `false` are booleans; YAML 1.1's yes/no/on/off stay as written."""
    value = loader.construct_scalar(node)
    return {"true": True, "false": False}.get(value.lower(), value)


def _int(loader: _Loader, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node)
    if len(value) > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(value):,} characters (at most {MAX_INT_DIGITS})",
            node.start_mark)
    return loader.construct_yaml_int(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
_Loader.add_constructor("tag:yaml.org,2002:bool", _bool_or_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)


def _bounded(text: str) -> None:
    """Refuse, before building anything, what would take unbounded time or memory: deep
    nesting, aliases standing for too many values. Raises yaml.MarkedYAMLError."""
    depth, total, by_alias, sizes, open_ = 0, 0, 0, {}, []
    for event in yaml.parse(text, Loader=_Base):
        kind = type(event)
        if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            depth += 1
            total += 1
            if depth > MAX_DEPTH:
                raise yaml.parser.ParserError(None, None, f"nested deeper than {MAX_DEPTH} "
                                                          f"levels", event.start_mark)
            open_.append((event.anchor, total))
        elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            depth -= 1
            anchor, start = open_.pop()
            if anchor is not None:
                sizes[anchor] = total - start + 1
        elif kind is yaml.ScalarEvent:
            total += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif kind is yaml.AliasEvent:
            size = sizes.get(event.anchor, 1)
            total += size
            by_alias += size
            if by_alias > MAX_ALIAS_NODES:
                raise yaml.parser.ParserError(
                    None, None, f"aliases stand for more than {MAX_ALIAS_NODES:,} values "
                                f"(an alias bomb?)", event.start_mark)


def loads(text: str, path: Path, first_line: int = 1):
    """Parse YAML text; errors become :class:`YamlSyntaxError` with a file line number."""
    try:
        _bounded(text)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlSyntaxError(path, line, f"malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, first_line, f"malformed YAML: {exc}") from None
    _shift(data, first_line - 1)
    return data


def _shift(data, offset: int) -> None:
    if not offset:
        return
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [v + offset for v in data.item_lines]
        for value in data:
            _shift(value, offset)


def load_file(path: Path):
    """A YAML file read by files.read_text (regular files, bounded size, a BOM dropped, NUL
    reported at its line); any refusal is a YamlSyntaxError with its line."""
    from claims_atlas.core.files import FileRefused, read_text

    try:
        text = read_text(path)
    except FileRefused as exc:
        raise YamlSyntaxError(path, exc.line, exc.message) from None
    return loads(text, path)
