"""`bot-designer gui --smoke`: prove an installation (or a desktop bundle) works end to end, then exit.

Opens the sample package in the real window, starts the embedded local Lambda service with the sample
functions, plays the seed conversation (Hostname → cerb.ai → Bye) through the simulator, and checks what the
bot said. Exit status 0 when everything answered as it should, 1 with the reason otherwise.
"""
from __future__ import annotations

import sys
from typing import Any

from designer.resources import sample_path

SAMPLE = "aws-lambda-bot.json"
CONVERSATION = (("", "What would you like to look up?"), ("Hostname", "e.g. cerb.ai"),
                ("cerb.ai", "104.18.50.1"), ("Bye", "Bye!"))


def _said(turn: Any) -> str:
    parts = []
    for output in turn.outputs:
        parts += [str(getattr(output, name, "") or "") for name in ("text", "placeholder")]
        parts += [str(option) for option in getattr(output, "options", None) or ()]
    return "\n".join(parts)


def run_smoke(app: Any) -> int:
    from designer.app.window import MainWindow
    from designer.sim.session import open_session

    package_path = sample_path(SAMPLE)
    window = MainWindow(offer_recovery=False)  # never a modal question in an unattended run
    window.show()
    window.open_file(str(package_path), prompt=False)
    app.processEvents()
    try:
        behavior = window.current_behavior()
        drawn = len(window.canvas.scene().items()) if hasattr(window.canvas, "scene") else 0
        if window.package is None or behavior is None or drawn == 0:
            print(f"smoke: the sample package did not open in the window ({package_path})", file=sys.stderr)
            return 1
        with open_session(package_path, local_lambda=sample_path("functions")) as session:
            conversation = session.simulator.start("DNS conversational behavior")
            for say, expected in CONVERSATION:
                turn = conversation.say(say) if say else conversation.run()
                text = _said(turn)
                if expected not in text:
                    print(f"smoke: after {say!r} the bot said {text!r}, expected {expected!r}", file=sys.stderr)
                    return 1
                app.processEvents()
        print(f"smoke: ok — {package_path.name} opened ({drawn} items drawn), the conversation reached the local "
              "Lambda service and ended with 'Bye!'")
        return 0
    finally:
        window.setWindowModified(False)
        window.close()
