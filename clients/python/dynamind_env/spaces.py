"""Gymnasium spaces for what the dynamind protocol carries (needs the ``gym`` extra).

- :class:`UnicodeText`: any Python string within a length range. Gymnasium's ``Text``
  accepts only characters of a fixed set; observations (ALFWorld prose, phone screens)
  may hold any character, so membership checks the length only. ``sample()`` draws from
  the given character set (printable ASCII by default).
- :class:`JsonActionText`: a JSON action given as text (android-web, android-appium):
  a member parses to an object whose ``action_type`` is one the environment's JSON Schema
  names. ``sample()`` draws a complete action from the schema's branches whose every
  property is a ``const`` or an ``enum`` (e.g. ``wait``, ``navigate_back``), so a random
  agent never sends an action the server rejects.
"""

from __future__ import annotations

import json
import string
from typing import Any, Dict, List, Optional

import numpy as np
from gymnasium.spaces import Text

PRINTABLE = frozenset(string.printable)


class UnicodeText(Text):
    """A string of ``min_length``..``max_length`` characters, any characters."""

    def __init__(self, max_length: int, *, min_length: int = 0, charset=PRINTABLE, seed=None):
        super().__init__(max_length, min_length=min_length, charset=charset, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return type(other) is type(self) and super().__eq__(other)


def _sampleable_branches(schema: Dict[str, Any]) -> List[Dict[str, List[Any]]]:
    """For each schema branch whose properties are all const/enum: property -> choices."""
    out = []
    for branch in schema.get("oneOf") or schema.get("anyOf") or [schema]:
        props = branch.get("properties") or {}
        choices: Dict[str, List[Any]] = {}
        for name, prop in props.items():
            if "const" in prop:
                choices[name] = [prop["const"]]
            elif isinstance(prop.get("enum"), list) and prop["enum"]:
                choices[name] = list(prop["enum"])
            else:
                choices = {}
                break
        if choices and "action_type" in choices:
            out.append(choices)
    return out


class JsonActionText(UnicodeText):
    """A JSON action object as text, checked against the environment's action types."""

    def __init__(self, json_schema: str, max_length: int = 4096, *, seed=None):
        super().__init__(max_length, min_length=2, seed=seed)
        self.schema: Dict[str, Any] = json.loads(json_schema) if json_schema else {}
        branches = self.schema.get("oneOf") or self.schema.get("anyOf") or [self.schema]
        self.action_types = frozenset(
            b["properties"]["action_type"]["const"]
            for b in branches
            if "const" in (b.get("properties") or {}).get("action_type", {})
        )
        self._sampleable = _sampleable_branches(self.schema)
        if not self._sampleable:
            raise ValueError("the action schema has no branch made only of const/enum properties to sample")

    def contains(self, x: Any) -> bool:
        if not super().contains(x):
            return False
        try:
            value = json.loads(x)
        except ValueError:
            return False
        return isinstance(value, dict) and (not self.action_types or value.get("action_type") in self.action_types)

    def sample(self, mask: Optional[Any] = None, probability: Optional[Any] = None) -> str:
        if mask is not None or probability is not None:
            raise NotImplementedError("JsonActionText.sample takes no mask or probability")
        branch = self._sampleable[int(self.np_random.integers(len(self._sampleable)))]
        action = {name: values[int(self.np_random.integers(len(values)))] for name, values in branch.items()}
        return json.dumps(action, separators=(",", ":"))

    def __repr__(self) -> str:
        return f"JsonActionText(action_types={sorted(self.action_types)})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, JsonActionText) and other.schema == self.schema and other.max_length == self.max_length
