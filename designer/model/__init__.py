"""Qt-free document model of a Cerb package."""
from designer.model.events import ChildInserted, ChildRemoved, EventHub, FieldChanged, ModelEvent
from designer.model.jsontree import copy_json
from designer.model.nodes import (
    ACTION,
    ALLOWED_CHILDREN,
    LOOP,
    NODE_TYPES,
    OUTCOME,
    ROOT,
    STATUSES,
    SUBROUTINE,
    SWITCH,
    Node,
    structure_error,
)
from designer.model.package import Behavior, Bot, FieldEdit, Package, StructureError
from designer.model.problems import Problem
from designer.model.records import ABSENT

__all__ = [
    "ABSENT", "ACTION", "ALLOWED_CHILDREN", "LOOP", "NODE_TYPES", "OUTCOME", "ROOT", "STATUSES", "SUBROUTINE", "SWITCH",
    "Behavior", "Bot", "ChildInserted", "ChildRemoved", "EventHub", "FieldChanged", "FieldEdit", "ModelEvent", "Node",
    "Package", "Problem", "StructureError", "copy_json", "structure_error",
]
