"""The behavior canvas: a QGraphicsView mirroring one behavior's decision tree; edits go through commands."""
from designer.canvas.items import BehaviorStubItem, LinkItem, NodeItem
from designer.canvas.minimap import CanvasMinimap
from designer.canvas.scene import BehaviorScene
from designer.canvas.summary import node_summary
from designer.canvas.view import BehaviorCanvas

__all__ = ["BehaviorCanvas", "BehaviorScene", "BehaviorStubItem", "CanvasMinimap", "LinkItem", "NodeItem",
           "node_summary"]
