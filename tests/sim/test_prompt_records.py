"""What the panel's chooser and file widgets rest on: a chooser prompt lists the records the conversation created
before it; an attached file is an attachment record a behavior can read; a date in the widget's form parses."""
from __future__ import annotations

import calendar
import hashlib
from pathlib import Path

from designer.sim import SimOptions, Simulator
from designer.sim.store import ATTACHMENT, RecordStore, record_label
from tests.sim.conftest import act, behavior_package, say

TICKET = "cerberusweb.contexts.ticket"


def _create_ticket(subject: str) -> dict[str, str]:
    return {"action": "core.bot.action.record.create", "context": TICKET,
            "changeset_json": f'{{"subject":"{subject}"}}', "object_placeholder": "created"}


def test_chooser_prompt_lists_records_created_earlier_and_keeps_the_chosen_id():
    nodes = [act("make", _create_ticket("Printer on fire"), _create_ticket("Coffee machine")),
             act("pick", {"action": "prompt_chooser", "context": TICKET, "query": "status:open printer",
                          "var": "ticket_id"}),
             act("show", say("chose {{ticket_id}} ({{ticket__context}})"))]
    conv = Simulator(behavior_package(nodes), options=SimOptions(time_limit_s=10)).start("Main")
    turn = conv.run()
    assert turn.state == "suspended"
    # `status:open` is a field filter the store does not model; the free word narrows to the printer ticket
    assert turn.prompt["candidates"] == [{"id": 1001, "label": "#1001 Printer on fire"}]
    turn = conv.say("1001")
    assert turn.messages == [f"chose 1001 ({TICKET})"]


def test_chooser_without_records_offers_none():
    nodes = [act("pick", {"action": "prompt_chooser", "context": TICKET, "var": "ticket_id"})]
    turn = Simulator(behavior_package(nodes), options=SimOptions(time_limit_s=10)).start("Main").run()
    assert turn.prompt["candidates"] == []


def test_attached_file_is_an_attachment_record_the_behavior_reads(tmp_path: Path):
    nodes = [act("ask", {"action": "prompt_file", "var": "file_id"}),
             act("read", {"action": "core.bot.action.record.retrieve", "context": ATTACHMENT, "id": "{{file_id}}",
                          "object_placeholder": "file"},
                 say("{{file.name}} {{file.size}} {{file.mime_type}} {{file.storage_sha1hash}}"))]
    sim = Simulator(behavior_package(nodes), options=SimOptions(time_limit_s=10))
    conv = sim.start("Main")
    assert conv.run().prompt["kind"] == "file"
    path = tmp_path / "notes.txt"
    path.write_bytes(b"twelve bytes")
    record = sim.store.attach_file(path)
    assert record["_context"] == ATTACHMENT and record["size"] == 12 and record["mime_type"] == "text/plain"
    turn = conv.say(str(record["id"]))
    assert turn.messages == [f"notes.txt 12 text/plain {hashlib.sha1(b'twelve bytes').hexdigest()}"]


def test_record_labels():
    store = RecordStore()
    assert record_label({"id": 7, "title": "  a\n task "}) == "#7 a task"
    assert record_label({"id": 8}) == "#8"
    assert record_label(store.create(TICKET, {"subject": "x" * 100})).endswith("x" * 60)


def test_the_date_widgets_form_parses_as_a_timestamp():
    nodes = [act("ask", {"action": "prompt_date", "var": "when", "var_format": "{{message|date('U')}}"}),
             act("show", say("{{when}} {{when|date('D j M Y H:i')}}"))]
    conv = Simulator(behavior_package(nodes), options=SimOptions(time_limit_s=10)).start("Main")
    conv.run()
    turn = conv.say("2031-05-17 17:30")  # prompt_widgets.DATE_FORMAT
    stamp = calendar.timegm((2031, 5, 17, 17, 30, 0))
    assert turn.messages == [f"{stamp} Sat 17 May 2031 17:30"]
