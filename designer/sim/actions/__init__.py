"""Action handlers: one small function per action key (REGISTRY), one module per family.

A handler is `handler(ctx: ActionContext, action: dict) -> None`, or a generator when it runs nodes itself
(`_run_behavior`), so stepping and breakpoints reach into the called behavior."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from designer.sim.types import Output

if TYPE_CHECKING:
    from designer.model import Node
    from designer.sim.conversation import Interpreter
    from designer.sim.walker import Frame

Handler = Callable[["ActionContext", dict[str, Any]], Any]
REGISTRY: dict[str, Handler] = {}


def action(*keys: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for key in keys:
            REGISTRY[key] = fn
        return fn
    return register


class ActionContext:
    __slots__ = ("action", "fr", "it", "key", "node")

    def __init__(self, it: Interpreter, fr: Frame, node: Node, action: dict[str, Any], key: str) -> None:
        self.it, self.fr, self.node, self.action, self.key = it, fr, node, action, key

    @property
    def values(self) -> dict[str, Any]:
        return self.fr.values

    @property
    def live(self) -> bool:
        """Real side effects (HTTP, sub-behaviors) happen: a live conversation, or "run everything live"."""
        return self.fr.live or self.it.options.live_everything

    def param(self, name: str, default: Any = "") -> Any:
        return self.action.get(name, default)

    def render(self, source: Any) -> str:
        return self.it.render(self.fr, source)

    def trace(self, message: str, data: dict[str, Any] | None = None, kind: str = "action") -> None:
        self.it.trace(kind, self.node.id, self.fr, message, {"action": self.key, **(data or {})})

    def output(self, kind: str, **fields: Any) -> Output:
        out = Output(kind, behavior_uid=self.fr.uid, node_id=self.node.id, **fields)
        self.it.emit(out)
        return out

    def effect(self, description: str, data: dict[str, Any]) -> None:
        """A change Cerb would make (mail, records…): recorded exactly, never done."""
        self.it.trace("effect", self.node.id, self.fr, description, {"action": self.key, **data})
        self.it.emit(Output("effect", text=description, data={"action": self.key, **data}, behavior_uid=self.fr.uid,
                            node_id=self.node.id))


# last: the handler modules register themselves on import, and they import ActionContext and action from here
from designer.sim.actions import chat, core, effects, http, lambda_actions  # noqa: E402, F401
