"""Reading YAML with line numbers for error messages, and writing it in one stable, readable form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

# Lists written on one line, `[a, b]`: keywords, search terms, languages.
FLOW_KEYS = frozenset({"keywords", "languages", "related"})
FLOW_PARENTS = frozenset({"search_terms"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a content file."""

    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentFileError(Exception):
    """Content files are invalid; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its data and the node tree that knows the line of every value."""

    path: Path
    data: Any
    node: yaml.Node | None

    def line_of(self, location: Sequence[str | int]) -> int | None:
        """Return the 1-based line of the value at `location`, or of its nearest existing parent."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for key in location:
            if isinstance(node, yaml.MappingNode):
                node = next((value for k, value in node.value if k.value == str(key)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                node = None
            if node is None:
                break
            line = node.start_mark.line + 1
        return line


# libyaml's parser where PyYAML was built with it (its wheels are): the pure-Python one took 12 of the 20 seconds
# of loading the starter content (203 articles in nine languages). Both give the nodes and their line numbers.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_document(path: Path) -> Document:
    """Parse `path`, raising `ContentFileError` with the line of a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentFileError([Problem(path, None, "", f"cannot read file: {error}")]) from error
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = error.problem_mark if isinstance(error, yaml.MarkedYAMLError) else None
        line = mark.line + 1 if mark is not None else None
        reason = str(error)
        if isinstance(error, yaml.MarkedYAMLError):
            reason = error.problem or reason
            if error.context and error.context_mark is not None:
                reason += f" ({error.context} on line {error.context_mark.line + 1})"
        raise ContentFileError([Problem(path, line, "", f"invalid YAML: {reason}")]) from error
    finally:
        loader.dispose()
    return Document(path, data, node)


def read_list(path: Path, model: type[M], what: str) -> list[M]:
    """Read a YAML list of `model` entries (`what`: "questions"), raising `ContentFileError` with the line of each
    bad entry."""
    from pydantic import ValidationError

    document = read_document(path)
    if not isinstance(document.data, list):
        raise ContentFileError([Problem(path, 1, "", f"the file must be a list of {what}")])
    items, problems = [], []
    for index, item in enumerate(document.data):
        try:
            items.append(model.model_validate(item))
        except ValidationError as error:
            for detail in error.errors():
                loc = [index, *detail["loc"]]
                problems.append(Problem(path, document.line_of(loc), ".".join(map(str, loc)), detail["msg"]))
    if problems:
        raise ContentFileError(problems)
    return items


class _FlowList(list[Any]):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow)


def _mark_flow(value: Any, key: str | None = None, parent: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _mark_flow(v, k, key) for k, v in value.items()}
    if isinstance(value, list):
        items = [_mark_flow(item, None, key) for item in value]
        if key in FLOW_KEYS or parent in FLOW_PARENTS:
            return _FlowList(items)
        return items
    return value


def dump_yaml(data: Any) -> str:
    """Return `data` as YAML in the repository's canonical form."""
    return yaml.dump(
        _mark_flow(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100_000,
        default_flow_style=False,
    )
