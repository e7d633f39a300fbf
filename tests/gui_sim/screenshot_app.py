"""Run in a subprocess on a real X display (QT_QPA_PLATFORM=xcb): the main window mid-conversation with the seed,
the trace and the calls inspector visible; saves a screenshot. Usage: python -m tests.gui_sim.screenshot_app OUT."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: str) -> int:
    os.environ.setdefault("BOT_DESIGNER_CONFIG_DIR", tempfile.mkdtemp())
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    from designer.app.window import MainWindow
    from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
    from tests.gui_sim.conftest import Dialogs

    window = MainWindow(dialogs=Dialogs(), offer_recovery=False, local_lambda_dir=SAMPLE_FUNCTIONS)
    sim = window.simulation
    wizard = sim.wizard(SAMPLE_PACKAGE)
    wizard.show()
    app.processEvents()
    wizard.next()
    wizard.accept()
    sim.panel.delay_scale = 0.0
    window.resize(1280, 800)
    window.move(0, 0)
    window.show()

    def pump(until: float) -> None:
        end = time.monotonic() + until
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def wait_turns(n: int) -> None:
        end = time.monotonic() + 20
        while time.monotonic() < end:
            app.processEvents()
            c = sim.controller
            if c.conv is not None and not c.busy and len(c.conv.turns) >= n:
                return
            time.sleep(0.01)
        raise SystemExit(f"the conversation did not answer: {sim.panel.status_label.text()!r} "
                         f"{sim.panel.transcript_text()!r} {n}")

    sim.panel.select_behavior("DNS conversational behavior")
    sim.panel.start()
    wait_turns(1)
    sim.panel.click_option("Hostname")
    wait_turns(2)
    sim.panel.message_edit.setText("cerb.ai")
    sim.panel.send_typed()
    wait_turns(3)
    sim.debugger.tabs.setCurrentIndex(1)  # Calls
    sim.debugger.calls_list.setCurrentRow(0)
    sim.sim_dock.raise_()
    sim.debug_dock.raise_()
    from PySide6.QtCore import Qt
    for title in ("Outline", "Properties", "Minimap", "Problems", "Local Lambda"):
        dock = window.docks.get(title)
        if dock is not None:
            dock.hide()
    window.resizeDocks([sim.debug_dock], [330], Qt.Orientation.Vertical)
    window.resizeDocks([sim.sim_dock], [430], Qt.Orientation.Horizontal)
    pump(0.5)
    from PySide6.QtGui import QTextCursor
    sim.panel.transcript.moveCursor(QTextCursor.MoveOperation.End)
    sim.panel.transcript.ensureCursorVisible()
    pump(0.5)
    # the screenshot must show what it is for: the answer, the trace and the call, in visible docks
    dbg = sim.debugger
    shown = {"answer": "104.18.50.1" in sim.panel.transcript_text(), "trace": dbg.trace_list.count() > 0,
             "call": "CerbDnsLookup" in dbg.call_view.toPlainText(),
             "docks": sim.sim_dock.isVisible() and sim.debug_dock.isVisible() and dbg.call_view.isVisible()
             and dbg.trace_list.isVisible()}
    if not all(shown.values()):
        raise SystemExit(f"the window does not show the conversation: {shown}")
    screen = app.primaryScreen()
    shot = screen.grabWindow(0)
    if shot.isNull():
        shot = window.grab()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    ok = shot.save(out)
    sim.controller.end()
    sim.local.stop()
    window.undo_stack.setClean()
    window._forced_dirty = False
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
