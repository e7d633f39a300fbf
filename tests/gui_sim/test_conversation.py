"""The seed's AWS Lambda Bot played through the simulator panel in the real main window: buttons, typing,
the path on the canvas, the Lambda call in the calls inspector, an error path, Bye; the menu start."""
from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui_sim.helpers import click, highlighted, node_titled, start, type_answer, wait_idle


def test_docks_and_menus_installed(sample_window: Any) -> None:
    w = sample_window
    assert {"Simulator", "Debugger", "Local Lambda"} <= set(w.docks)
    sim_menu = [a.text() for a in w.menus["Simulate"].actions()]
    assert any("Run" in t for t in sim_menu) and any("Step" in t for t in sim_menu)
    shortcuts = {name: a.shortcut().toString() for name, a in w.simulation.actions.items()}
    assert shortcuts["run"] == "F5" and shortcuts["step"] == "F10" and shortcuts["stop"] == "Shift+F5"
    assert "Connected &accounts…" in [a.text() for a in w.menus["Tools"].actions()]


def test_seed_conversation(sample_window: Any, qtbot: Any) -> None:
    w, sim = sample_window, sample_window.simulation
    turn = start(qtbot, sim)
    assert turn.state == "suspended"
    text = sim.panel.transcript_text()
    assert "Hi, Kina!" in text and "What would you like to look up?" in text
    assert sim.panel.prompt_options() == ["Hostname", "IP", "MX", "Bye"]

    turn = click(qtbot, sim, "Hostname")
    assert "What hostname would you like to find an IP for?" in sim.panel.transcript_text()
    assert sim.panel.message_edit.placeholderText() == "e.g. cerb.ai"
    assert sim.panel.prompt_options() == []

    turn = type_answer(qtbot, sim, "cerb.ai")
    assert turn.state == "suspended"
    text = sim.panel.transcript_text()
    assert "104.18.50.1" in text and "104.18.51.1" in text
    # the address list is rendered as rich text: the bot's markdown list is a list in the transcript
    answer_html = sim.panel.transcript.toHtml().split("cerb.ai</span>")[-1]
    assert answer_html.count("<li") == 2 and "104.18.50.1</li>" in answer_html

    # the path of the turn is lit on the canvas (the "Run behavior" node under Hostname among it)
    _, run_nodes = node_titled(w, "Run behavior")
    assert run_nodes[0].id in sim.controller.path
    assert run_nodes[0].id in highlighted(w)

    # the Lambda call in the calls inspector, signed headers redacted
    dbg = sim.debugger
    assert dbg.call_count() == 1
    dbg.calls_list.setCurrentRow(0)
    details = dbg.call_view.toPlainText()
    assert "CerbDnsLookup" in details and "200" in details and "***redacted***" in details
    assert "104.18.50.1" in details
    assert "duration" in details and "attempts" in details

    # MX
    click(qtbot, sim, "MX")
    turn = type_answer(qtbot, sim, "cerb.ai")
    assert turn.state == "suspended"
    assert dbg.call_count() == 2
    mx_text = sim.panel.transcript_text().split("You: cerb.ai")[-1]
    assert mx_text.strip(), "the MX answer is shown"

    # an error path: the function fails once
    sim.local.service.faults.fail(1, "injected failure")
    click(qtbot, sim, "Hostname")
    turn = type_answer(qtbot, sim, "cerb.ai")
    answer = sim.panel.transcript_text().split("You: cerb.ai")[-1]
    assert "I had trouble: injected failure" in answer and "104.18.50.1" not in answer
    assert dbg.call_count() == 3
    dbg.calls_list.setCurrentRow(2)
    failed = dbg.call_view.toPlainText()
    assert "FUNCTION ERROR\nUnhandled" in failed and "injected failure" in failed
    dbg.calls_list.setCurrentRow(0)
    assert "FUNCTION ERROR" not in dbg.call_view.toPlainText()

    turn = click(qtbot, sim, "Bye")
    assert turn.state == "stopped"
    assert "Bye!" in sim.panel.transcript_text()
    assert "closed the chat window" in sim.panel.transcript_text()
    assert not sim.panel.prompt_buttons
    _, bye_nodes = node_titled(w, "Bye")
    assert {n.id for n in bye_nodes} & highlighted(w), "the last turn's path is lit"


def test_trace_click_selects_node_and_placeholders_highlighted(sample_window: Any, qtbot: Any) -> None:
    w, sim = sample_window, sample_window.simulation
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    dbg = sim.debugger
    texts = dbg.trace_texts()
    assert any("condition" in t and "'Hostname' vs 'Hostname'" in t and "True" in t for t in texts)
    assert "dns_mode" in [dbg.dict_model.item(r, 0).text() for r in range(dbg.dict_model.rowCount())]
    # the sub-behavior's action: clicking it switches the canvas to that behavior and selects the node
    type_answer(qtbot, sim, "cerb.ai")
    texts = dbg.trace_texts()
    row = next(i for i, t in enumerate(texts) if "ENTER action :: Invoke CerbDnsLookup" in t)
    item = dbg.trace_list.item(row)
    dbg.trace_list.scrollToItem(item)
    rect = dbg.trace_list.visualItemRect(item)
    qtbot.mouseClick(dbg.trace_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.canvas.behavior().title == "Invoke CerbDnsLookup Lambda function"
    assert [n.title for n in w.canvas.selected_nodes()] == ["Invoke CerbDnsLookup Lambda function"]
    # the placeholders the last step changed are highlighted
    assert dbg.changed_rows(), "the last step's changes are highlighted"


def test_start_from_interaction_menu(sample_window: Any, qtbot: Any, monkeypatch: Any) -> None:
    import threading

    from designer.sim import Simulator
    ran_on: list[threading.Thread] = []
    real_start = Simulator.start_interaction

    def start_interaction(self: Any, *args: Any, **kwargs: Any) -> Any:  # the real one, noting its thread
        ran_on.append(threading.current_thread())
        return real_start(self, *args, **kwargs)

    monkeypatch.setattr(Simulator, "start_interaction", start_interaction)
    sim = sample_window.simulation
    panel = sim.panel
    panel.source_combo.setCurrentIndex(1)
    with qtbot.waitSignal(sim.controller.menuReady, timeout=10_000):
        panel.load_menu_button.click()
    assert panel.menu_combo.count() == 1
    assert "DNS lookup" in panel.menu_combo.itemText(0)
    panel.run_button.click()
    turn = wait_idle(qtbot, sim, 1)
    assert turn.state == "suspended"
    assert "Hi, Kina!" in panel.transcript_text()
    assert any("Handle interaction" in t or "switch" in t for t in sim.debugger.trace_texts())
    # the interaction behavior (which may call Lambda or HTTP) ran off the GUI thread
    assert ran_on and threading.main_thread() not in ran_on


def test_restart_same_and_new_user(sample_window: Any, qtbot: Any) -> None:
    sim = sample_window.simulation
    start(qtbot, sim)
    sim.panel.worker_edit.setText("Ada")
    sim.panel.restart_button.click()
    wait_idle(qtbot, sim, 1)
    assert "Hi, Ada!" in sim.panel.transcript_text()
    sim.panel.new_user_button.click()
    wait_idle(qtbot, sim, 1)
    assert "Hi, Ada!" not in sim.panel.transcript_text()
    assert "Hi, User" in sim.panel.transcript_text()


def test_typing_indicator_and_skip(sample_window: Any, qtbot: Any) -> None:
    sim = sample_window.simulation
    sim.panel.delay_scale = 1.0
    sim.panel.select_behavior("DNS conversational behavior")
    sim.panel.start()
    qtbot.waitUntil(lambda: sim.panel.typing_label.isVisible(), timeout=10_000)  # the seed's messages wait
    assert sim.panel.prompt_options() == []  # the prompt comes after the pending messages
    qtbot.mouseClick(sim.panel.skip_button, Qt.MouseButton.LeftButton)
    assert not sim.panel.typing_label.isVisible()
    assert sim.panel.prompt_options() == ["Hostname", "IP", "MX", "Bye"]


def test_import_is_one_undo_step(sample_window: Any) -> None:
    w = sample_window
    assert w.undo_stack.count() == 1
    assert [b.name for b in w.package.bots] == ["AWS Lambda Bot"]
    w.undo_stack.undo()
    assert [b.name for b in w.package.bots] == ["New bot"]
    assert w.simulation.panel.behavior_combo.count() == 0
    w.undo_stack.redo()
    assert [b.name for b in w.package.bots] == ["AWS Lambda Bot"]
    assert w.simulation.panel.behavior_combo.count() == 4


def test_imported_package_stays_a_template(sample_window: Any) -> None:
    """The wizard's choices go to the simulator; the document keeps the package's prompts and placeholders, so
    saving it never writes this machine's account ids (the conversation tests prove the values reach the run)."""
    import json

    from designer.io import dumps_package
    from tests.conftest import SAMPLE_PACKAGE
    w = sample_window
    exported = dumps_package(w.package)
    assert json.loads(exported) == json.loads(SAMPLE_PACKAGE.read_text(encoding="utf-8"))
    assert "{{{aws_account_id}}}" in exported
    chosen = w.simulation.controller.prompt_values["aws_account_id"]
    assert chosen and str(chosen) not in exported


def test_wizard_prompts_and_preview(make_window: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit

    from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
    w = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
    wizard = w.simulation.wizard(SAMPLE_PACKAGE)
    wizard.show()
    page = wizard.prompts_page
    account = page.widgets["aws_account_id"]
    assert isinstance(account, QComboBox)
    assert "Local Lambda" in account.currentText()  # pre-selected by the query "aws OR amazon"
    region = page.widgets["aws_region"]
    assert isinstance(region, QLineEdit) and region.text() == "us-west-2"
    account.setCurrentIndex(0)  # "(choose an account)"
    wizard.next()
    assert wizard.currentPage() is page and "aws_account_id" in page.error_label.text()
    account.setCurrentIndex(1)
    wizard.next()
    items = wizard.preview_page.item_texts()
    assert "Bot: AWS Lambda Bot" in items and "Behavior: Invoke CerbDnsLookup Lambda function" in items
    links = wizard.preview_page.link_texts()
    assert ("Handle interaction with worker", "DNS conversational behavior", "switch_behavior") in links
    assert ("DNS conversational behavior", "Invoke CerbDnsLookup Lambda function", "_run_behavior") in links
    wizard.reject()


def test_file_import_runs_the_wizard(make_window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from designer.panels.import_wizard import ImportWizard
    from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
    w = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
    w.dialogs.open_path = str(SAMPLE_PACKAGE)
    seen: list[Any] = []

    def drive() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, ImportWizard):
            QTimer.singleShot(20, drive)
            return
        seen.append(wizard)
        wizard.next()
        wizard.accept()

    QTimer.singleShot(0, drive)
    w.import_dialog()  # File → Import: the window's import_package is the wizard now
    assert seen, "the wizard was shown"
    assert [b.name for b in w.package.bots] == ["AWS Lambda Bot"]
    assert w.undo_stack.count() == 1


@pytest.mark.keyring
def test_wizard_chooser_lists_the_accounts_matching_the_query(make_window: Any, qtbot: Any) -> None:
    from designer.credentials import AccountStore
    from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
    from tests.gui_sim.test_accounts_dialog import _real_keyring_reason

    reason = _real_keyring_reason()
    if reason:
        pytest.skip(reason)
    store = AccountStore()  # the wizard's own store (the test's config folder)
    store.add("Ticket API", "bearer", secrets={"token": "t-" + "x" * 8})
    store.add("Prod Amazon", "aws", fields={"access_key_id": "AKIAPROD00000001", "region": "us-west-2"},
              secrets={"secret_access_key": "s" * 20})
    try:
        w = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
        wizard = w.simulation.wizard(SAMPLE_PACKAGE)
        wizard.show()
        combo = wizard.prompts_page.widgets["aws_account_id"]
        texts = [combo.itemText(i) for i in range(combo.count())]
        # the query is "aws OR amazon": the AWS accounts first, the bearer one after the separator
        assert texts[0] == "(choose an account)"
        matching = texts[1:texts.index("")]
        assert sorted(matching) == ["Local Lambda (simulator) (aws)", "Prod Amazon (aws)"]
        assert texts[texts.index("") + 1:] == ["Ticket API (bearer) — does not match the query"]
        assert combo.currentIndex() == 1
        wizard.reject()
    finally:
        for name in ("Ticket API", "Prod Amazon"):
            store.remove(name)
