"""Every edit of the model is one QUndoCommand (QtGui only, no widgets). Commands hold model objects, validate
in their constructor (StructureError: not pushed) and restore exactly on undo."""
from designer.commands.base import ModelCommand, macro, push
from designer.commands.behaviors import InsertBehavior, InsertBot, MoveBehavior, RemoveBehavior, RemoveBot
from designer.commands.clipboard import (
    MIME_TYPE,
    ClipboardError,
    nodes_from_clipboard_json,
    nodes_to_clipboard_json,
)
from designer.commands.nodes import (
    DuplicateNode,
    InsertNode,
    MoveNode,
    RemoveNode,
    ReplaceParams,
    SetBehaviorField,
    SetField,
    check_move,
)

__all__ = [
    "MIME_TYPE",
    "ClipboardError",
    "DuplicateNode",
    "InsertBehavior",
    "InsertBot",
    "InsertNode",
    "ModelCommand",
    "MoveBehavior",
    "MoveNode",
    "RemoveBehavior",
    "RemoveBot",
    "RemoveNode",
    "ReplaceParams",
    "SetBehaviorField",
    "SetField",
    "check_move",
    "macro",
    "nodes_from_clipboard_json",
    "nodes_to_clipboard_json",
    "push",
]
