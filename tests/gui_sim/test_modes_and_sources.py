"""Record then replay through the panel, a macro behavior with typed inputs, the raw package opened (prompts
bound to the local service), the local Lambda dock."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
from tests.gui_sim.helpers import click, start, type_answer, wait_idle


def test_record_then_replay_without_the_service(sample_window: Any, qtbot: Any, tmp_path: Path) -> None:
    sim = sample_window.simulation
    cassette = tmp_path / "dns.json"
    sim.panel.mode_combo.setCurrentText("record")
    sim.panel.cassette_edit.setText(str(cassette))
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    type_answer(qtbot, sim, "cerb.ai")
    assert "104.18.50.1" in sim.panel.transcript_text()
    sim.controller.end()
    assert cassette.exists() and "CerbDnsLookup" in cassette.read_text()
    assert sim.local.service.secret_access_key not in cassette.read_text()

    sim.local.stop()
    sim.local.functions_dir = None  # replay needs no service
    sim.panel.mode_combo.setCurrentText("replay")
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    type_answer(qtbot, sim, "cerb.ai")
    assert "104.18.50.1" in sim.panel.transcript_text()
    assert sim.local.service is None
    sim.debugger.calls_list.setCurrentRow(0)
    assert "mode: replay" in sim.debugger.call_view.toPlainText()


def test_replay_without_a_cassette_is_explained(sample_window: Any) -> None:
    sim = sample_window.simulation
    sim.panel.mode_combo.setCurrentText("replay")
    sim.panel.cassette_edit.setText("")
    assert not sim.panel.start()
    assert "cassette" in sim.panel.status_label.text()


def test_macro_behavior_with_inputs(sample_window: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit
    sim = sample_window.simulation
    sim.panel.select_behavior("Invoke CerbDnsLookup Lambda function")
    mode, value = sim.panel.variable_edits["var_mode"], sim.panel.variable_edits["var_value"]
    assert isinstance(mode, QComboBox) and [mode.itemText(i) for i in range(mode.count())] == [
        "resolve", "reverse", "mx"]
    assert isinstance(value, QLineEdit)
    mode.setCurrentText("mx")
    value.setText("cerb.ai")
    assert sim.panel.start()
    turn = wait_idle(qtbot, sim, 1)
    assert turn.state == "stopped"
    conv = sim.controller.conv
    assert conv.dictionary["var_mode"] == "mx" and conv.dictionary["var_value"] == "cerb.ai"
    assert "'mode': 'mx'" in str(conv.dictionary.get("request_json"))
    assert "aspmx.l.google.com" in str(conv.dictionary.get("_http_response"))


def test_raw_package_opened_binds_the_local_service(make_window: Any, qtbot: Any) -> None:
    w = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
    assert w.open_file(SAMPLE_PACKAGE, prompt=False)
    w.show()
    sim = w.simulation
    sim.panel.delay_scale = 0.0
    assert sim.local.service is None  # started on first use
    start(qtbot, sim)
    assert sim.local.service is not None
    click(qtbot, sim, "Hostname")
    type_answer(qtbot, sim, "cerb.ai")
    assert "104.18.50.1" in sim.panel.transcript_text()
    panel = sim.local_panel
    assert panel.status_label.text() == "running"
    assert panel.endpoint_label.text() == sim.local.service.endpoint
    assert "CerbDnsLookup" in panel.functions_label.text()
    panel.refresh_log()
    assert "CerbDnsLookup" in panel.log_view.toPlainText()


def test_local_service_stops_on_quit(make_window: Any, qapp: Any) -> None:
    w = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
    local = w.simulation.local
    svc = local.ensure_started()
    assert svc is not None and local.running
    qapp.aboutToQuit.emit()
    assert not local.running
    assert w.simulation.local_panel.status_label.text().startswith("stopped")


def test_no_package_prompts_error_is_shown(make_window: Any) -> None:
    w = make_window()  # no local service, a raw package whose account prompt cannot be bound
    assert w.open_file(SAMPLE_PACKAGE, prompt=False)
    sim = w.simulation
    sim.panel.select_behavior("DNS conversational behavior")
    assert not sim.panel.start()
    assert "aws_account_id" in sim.panel.status_label.text() or "account" in sim.panel.status_label.text().lower()


def test_event_placeholders_reach_the_behavior(sample_window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    sim = sample_window.simulation
    panel = sim.panel
    panel.select_behavior("DNS conversational behavior")
    panel.tabs.setCurrentIndex(1)  # Inputs
    qtbot.keyClicks(panel.worker_edit, "Ada")
    panel.event_edit.setFocus()
    qtbot.keyClicks(panel.event_edit, '{"message": "hi there", "contact": {"phone": "+1 555 0100"}}')
    panel.preset_combo.setCurrentText("Lex slots")
    add = next(b for b in panel.inputs.findChildren(type(panel.run_button)) if b.text() == "Add")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert '"slots"' in panel.event_edit.toPlainText() and '"hi there"' in panel.event_edit.toPlainText()
    typed = panel.event_edit.toPlainText()
    panel.select_behavior("Get interactions for worker")  # switching behaviors keeps what was typed
    panel.select_behavior("DNS conversational behavior")
    assert panel.worker_edit.text() == "Ada" and panel.event_edit.toPlainText() == typed
    add = next(b for b in panel.inputs.findChildren(type(panel.run_button)) if b.text() == "Add")  # rebuilt
    turn = start(qtbot, sim)
    assert turn.state == "suspended" and "Hi, Ada!" in panel.transcript_text()
    values = sim.controller.conv.dictionary
    assert values["message"] == "hi there" and values["contact"] == {"phone": "+1 555 0100"}
    assert values["slots"]["FlowerType"] == "roses" and values["worker_first_name"] == "Ada"
    # the Connect preset gives contact data shaped like Amazon Connect's
    panel.event_edit.setPlainText("")
    panel.preset_combo.setCurrentText("Connect contact data")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert panel.event_values()["contact"]["CustomerEndpoint"]["Type"] == "TELEPHONE_NUMBER"


def test_bad_event_placeholders_are_explained(sample_window: Any) -> None:
    panel = sample_window.simulation.panel
    panel.select_behavior("DNS conversational behavior")
    panel.event_edit.setPlainText('{"message": ')
    assert not panel.start()
    assert panel.status_label.text().startswith("⚠ Event placeholders:")
    assert sample_window.simulation.controller.conv is None


def test_calls_inspector_decodes_the_log_tail(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    """The seed's signed HTTP request asking for the log tail (X-Amz-Log-Type: Tail): the inspector shows the
    function's log, base64-decoded from x-amz-log-result."""
    import json
    data = json.loads(SAMPLE_PACKAGE.read_text(encoding="utf-8"))
    text = json.dumps(data)
    marker = 'X-AMZ-Client-Context:'
    assert marker in text
    package = tmp_path / "tail.json"
    package.write_text(text.replace(marker, 'X-Amz-Log-Type: Tail\\r\\n' + marker), encoding="utf-8")
    w = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
    assert w.open_file(package, prompt=False)
    w.show()
    sim = w.simulation
    sim.panel.delay_scale = 0.0
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    type_answer(qtbot, sim, "cerb.ai")
    assert "104.18.50.1" in sim.panel.transcript_text()
    sim.debugger.calls_list.setCurrentRow(0)
    details = sim.debugger.call_view.toPlainText()
    tail = details.split("LOG TAIL\n", 1)[1]
    assert "START RequestId:" in tail and "END RequestId:" in tail and "REPORT RequestId:" in tail
