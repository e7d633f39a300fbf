"""Commands over behaviors and bots."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from designer.commands.base import ModelCommand
from designer.model import Behavior, Bot, Package, StructureError


def _owner(package: Package, bot: Bot | None) -> list[Behavior]:
    return bot.behaviors if bot is not None else package.behaviors


class InsertBehavior(ModelCommand):
    """Insert `behavior` into `bot` (None: the package's top-level behaviors) at `index` (None: the end)."""

    def __init__(self, package: Package, bot: Bot | None, index: int | None, behavior: Behavior, *,
                 text: str = "", parent_command: QUndoCommand | None = None) -> None:
        owner = _owner(package, bot)
        index = len(owner) if index is None else index
        if behavior.uid in package.uids():
            raise StructureError(f"uid {behavior.uid!r} is already used in this package",
                                 hint="use package.fresh_uid('behavior') for a new behavior")
        if not 0 <= index <= len(owner):
            raise StructureError(f"position {index} is outside 0..{len(owner)}")
        super().__init__(package, text or f"Add behavior “{behavior.title}”", parent_command)
        self.bot, self.index, self.behavior = bot, index, behavior

    def redo(self) -> None:
        self.package.insert_behavior(self.bot, self.index, self.behavior)

    def undo(self) -> None:
        self.package.remove_behavior(self.behavior)


class RemoveBehavior(ModelCommand):
    def __init__(self, package: Package, behavior: Behavior, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        owner = _owner(package, behavior.bot)
        if behavior not in owner:
            raise StructureError(f"{behavior!r} is not in this package")
        super().__init__(package, text or f"Delete behavior “{behavior.title}”", parent_command)
        self.behavior, self.bot, self.index = behavior, behavior.bot, owner.index(behavior)

    def redo(self) -> None:
        self.bot, self.index = self.package.remove_behavior(self.behavior)

    def undo(self) -> None:
        self.package.insert_behavior(self.bot, self.index, self.behavior)


class MoveBehavior(ModelCommand):
    """Move `behavior` to `bot` (None: top level) at `index` (an index after its removal). Fields such as
    `bot_id` are left as they are (set them with SetBehaviorField in the same macro when needed)."""

    def __init__(self, package: Package, behavior: Behavior, bot: Bot | None, index: int, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        old_owner = _owner(package, behavior.bot)
        if behavior not in old_owner:
            raise StructureError(f"{behavior!r} is not in this package")
        size = len(_owner(package, bot)) - (1 if bot is behavior.bot else 0)
        if not 0 <= index <= size:
            raise StructureError(f"position {index} is outside 0..{size}")
        super().__init__(package, text or f"Move behavior “{behavior.title}”", parent_command)
        self.behavior, self.new_bot, self.new_index = behavior, bot, index
        self.old_bot, self.old_index = behavior.bot, old_owner.index(behavior)

    def redo(self) -> None:
        self.package.remove_behavior(self.behavior)
        self.package.insert_behavior(self.new_bot, self.new_index, self.behavior)

    def undo(self) -> None:
        self.package.remove_behavior(self.behavior)
        self.package.insert_behavior(self.old_bot, self.old_index, self.behavior)


class InsertBot(ModelCommand):
    def __init__(self, package: Package, index: int | None, bot: Bot, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        index = len(package.bots) if index is None else index
        taken = package.uids()
        clash = [u for u in (bot.uid, *(b.uid for b in bot.behaviors)) if u in taken]
        if clash:
            raise StructureError(f"uid {clash[0]!r} is already used in this package")
        if not 0 <= index <= len(package.bots):
            raise StructureError(f"position {index} is outside 0..{len(package.bots)}")
        super().__init__(package, text or f"Add bot “{bot.name}”", parent_command)
        self.index, self.bot = index, bot

    def redo(self) -> None:
        self.package.insert_bot(self.index, self.bot)

    def undo(self) -> None:
        self.package.remove_bot(self.bot)


class RemoveBot(ModelCommand):
    def __init__(self, package: Package, bot: Bot, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        if bot not in package.bots:
            raise StructureError(f"{bot!r} is not in this package")
        super().__init__(package, text or f"Delete bot “{bot.name}”", parent_command)
        self.bot, self.index = bot, package.bots.index(bot)

    def redo(self) -> None:
        self.index = self.package.remove_bot(self.bot)

    def undo(self) -> None:
        self.package.insert_bot(self.index, self.bot)
