"""Observations made whole on the client side, for both the sync and the asyncio client.

With ``valid_actions="changed"`` the server sends a valid-action list only when the
client lacks it; with ``deltas=True`` it sends texts (and changed lists) as a
``LinesDelta`` against a text or list the client holds. :class:`Observations` keeps what
each session holds, names it in the next request (``known_*_hash``) and rebuilds every
reply in place, so callers see full observations. What the client holds during one reply
mirrors the server's rule: what the request named, plus everything earlier in the reply.
A delta whose base is not held, or whose result does not hash to what the server said,
raises: never a silently wrong observation.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence

__all__ = ["Held", "Observations", "ReplyHolds", "apply_lines_delta", "valid_actions_hash"]

_M32 = 0xFFFFFFFF


def valid_actions_hash(items: Sequence[str]) -> int:
    """The server's ``valid_actions_hash`` (``text_hash`` is it over ``[text]``): two FNV-1a
    32-bit hashes over UTF-16 code units and lengths, 53 bits, 0 only for an empty list."""
    if len(items) == 0:
        return 0
    a = 0x811C9DC5
    b = 0x01000193 ^ 0x9E3779B9
    for s in items:
        units = s.encode("utf-16-le")
        n = len(units) // 2
        for i in range(0, len(units), 2):
            c = units[i] | (units[i + 1] << 8)
            a = ((a ^ c) * 0x01000193) & _M32
            b = ((b ^ c) * 0x05F5E0FF) & _M32
        a = ((a ^ (n + 0x10000)) * 0x01000193) & _M32
        b = ((b ^ (n + 0x10000)) * 0x05F5E0FF) & _M32
    return (a * 0x200000 + (b & 0x1FFFFF)) or 1


def apply_lines_delta(base: Sequence[str], delta) -> List[str]:
    """``base`` with a ``LinesDelta``'s edits applied; raises ValueError on malformed ops."""
    ops, lines = delta.ops, delta.lines
    if len(ops) % 3 != 0:
        raise ValueError(f"malformed delta: {len(ops)} ops is not a multiple of 3")
    out: List[str] = []
    taken = 0
    for i in range(0, len(ops), 3):
        insert, start, count = ops[i], ops[i + 1], ops[i + 2]
        if taken + insert > len(lines):
            raise ValueError("malformed delta: it inserts more lines than it carries")
        if start + count > len(base):
            raise ValueError(f"malformed delta: it copies lines {start}..{start + count} of a base of {len(base)}")
        out.extend(lines[taken : taken + insert])
        taken += insert
        out.extend(base[start : start + count])
    if taken != len(lines):
        raise ValueError("malformed delta: it leaves lines unused")
    return out


class Held:
    """The valid-action list and text one session holds (what its requests name as known)."""

    __slots__ = ("list_hash", "list", "text_hash", "text")

    def __init__(self):
        self.list_hash: Optional[int] = None
        self.list: Optional[List[str]] = None
        self.text_hash: Optional[int] = None
        self.text: Optional[str] = None


class ReplyHolds:
    """What the client holds while it reads one reply, by hash."""

    def __init__(self, lists_fallback: Optional[Dict[int, List[str]]] = None):
        self._texts: Dict[int, str] = {}
        self._lists: Dict[int, List[str]] = {}
        self._fallback = lists_fallback if lists_fallback is not None else {}
        self.applied = 0

    def hold(self, held: Optional[Held]) -> None:
        if held is None:
            return
        if held.text_hash is not None and held.text is not None:
            self._texts[held.text_hash] = held.text
        if held.list_hash is not None and held.list is not None:
            self._lists[held.list_hash] = held.list

    def _list(self, h: int) -> List[str]:
        found = self._lists.get(h)
        if found is None:
            found = self._fallback.get(h)
        if found is None:
            raise RuntimeError(f"the server left out or built on valid actions with hash {h}, which this client never received")
        return found

    def complete(self, result) -> Held:
        """Rebuilds ``result.observation`` in place; returns what the client now holds from it."""
        held = Held()
        if result is None or not result.HasField("observation"):
            return held
        obs = result.observation
        if obs.HasField("valid_actions_hash"):
            h = obs.valid_actions_hash
            if h == 0:
                items: List[str] = []
            elif obs.HasField("valid_actions_delta"):
                items = apply_lines_delta(self._list(obs.valid_actions_delta.base_hash), obs.valid_actions_delta)
                if valid_actions_hash(items) != h:
                    raise RuntimeError(f"a valid-action delta did not rebuild the list with hash {h}")
                obs.ClearField("valid_actions_delta")
                obs.valid_actions.extend(items)
                self.applied += 1
            elif len(obs.valid_actions) > 0:
                items = list(obs.valid_actions)
            else:
                items = self._list(h)
                obs.valid_actions.extend(items)
            self._lists[h] = items
            held.list_hash, held.list = h, items
        if obs.HasField("text_hash"):
            h = obs.text_hash
            if obs.HasField("text_delta"):
                d = obs.text_delta
                base = self._texts.get(d.base_hash)
                if base is None:
                    raise RuntimeError(f"the server sent a delta against the text with hash {d.base_hash}, which this client does not hold")
                text = "\n".join(apply_lines_delta(base.split("\n"), d))
                if valid_actions_hash([text]) != h:
                    raise RuntimeError(f"a text delta did not rebuild the text with hash {h}")
                obs.ClearField("text_delta")
                obs.text = text
                self.applied += 1
            self._texts[h] = obs.text
            held.text_hash, held.text = h, obs.text
        return held


class Observations:
    """Per client: what each session holds, and the valid-action lists received by hash
    (bounded; the oldest go first — a session's own list is kept with the session)."""

    def __init__(self, max_lists: int = 4096):
        self._held: Dict[str, Held] = {}
        self._lists: Dict[int, List[str]] = {}
        self._max = max_lists
        #: Texts and lists rebuilt from deltas so far.
        self.deltas_applied = 0

    def known(self, session_id: str) -> Optional[Held]:
        return self._held.get(session_id)

    def known_all(self) -> Dict[str, Held]:
        return self._held

    def forget(self, session_id: str) -> None:
        self._held.pop(session_id, None)

    def reply(self) -> ReplyHolds:
        return ReplyHolds(self._lists)

    def seen(self, session_id: str, result, holds: Optional[ReplyHolds] = None):
        """Makes ``result`` whole; what it carries becomes what the session holds."""
        holds = holds or self.reply()
        mine = self._held.get(session_id)
        holds.hold(mine)
        before = holds.applied
        now = holds.complete(result)
        self.deltas_applied += holds.applied - before
        if mine is None:
            mine = self._held[session_id] = Held()
        if now.list_hash is not None:
            mine.list_hash, mine.list = now.list_hash, now.list
            self._remember(now.list_hash, now.list)
        if now.text_hash is not None:
            mine.text_hash, mine.text = now.text_hash, now.text
        elif result is not None and result.HasField("observation"):
            mine.text_hash = mine.text = None
        return result

    def seen_batch(self, session_ids: Iterable[str], results: list) -> list:
        """A BatchStep reply, in order: an item may build on one before it."""
        holds = self.reply()
        for sid, r in zip(session_ids, results):
            if not _is_error(r):
                self.seen(sid, r, holds)
        return results

    def seen_expand(self, session_id: str, branches: list) -> list:
        """An Expand reply, in order; the session itself holds what it held before."""
        holds = self.reply()
        holds.hold(self._held.get(session_id))
        before = holds.applied
        for branch in branches:
            for step in branch.steps:
                now = holds.complete(step)
                if now.list_hash is not None:
                    self._remember(now.list_hash, now.list)
        self.deltas_applied += holds.applied - before
        return branches

    def _remember(self, h: int, items: List[str]) -> None:
        if h == 0 or h in self._lists:
            return
        if len(self._lists) >= self._max:
            self._lists.pop(next(iter(self._lists)))
        self._lists[h] = items


def _is_error(r) -> bool:
    from .errors import DynamindError

    return isinstance(r, DynamindError)
