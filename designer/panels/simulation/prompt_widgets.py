"""The widgets of the prompts that are more than buttons or a text line: a date picker for prompt_date, a record
chooser for prompt_chooser (the file button of prompt_file is a plain push button, see the panel). Each turns
what the user picked into the message text Cerb's chat window would send."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QComboBox, QDateTimeEdit

from designer.sim.store import record_type_name

# strtotime's ISO form ("2031-05-17 17:30"): designer.templates.phpdate parses it as Cerb's PHP does, so a
# var_format like {{message|date('U')}} turns the answer into the timestamp a typed date would give
DATE_FORMAT = "yyyy-MM-dd HH:mm"


def date_edit(now: datetime) -> QDateTimeEdit:
    """A date-time editor with a calendar popup, set to the next full hour of the simulator's clock (wall time
    in the template engine's time zone, which is how typed dates are read too)."""
    start = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    edit = QDateTimeEdit(QDateTime(QDate(start.year, start.month, start.day), QTime(start.hour, 0)))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setToolTip(f"Sent as text Cerb's strtotime reads (times in {now.tzname() or 'the simulator time zone'})")
    return edit


def date_answer(edit: QDateTimeEdit) -> str:
    return edit.dateTime().toString(DATE_FORMAT)


def chooser_combo(context: str, candidates: list[dict[str, Any]]) -> QComboBox:
    """An editable combo of the records the simulation holds for the prompt's context; typing an id works too.
    Nothing is pre-selected, as in Cerb's chooser."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # Enter sends; it must not add the typed id
    for c in candidates:
        combo.addItem(str(c.get("label") or f"#{c.get('id')}"), str(c.get("id")))
    combo.setCurrentIndex(-1)
    combo.clearEditText()
    name = record_type_name(context)
    line = combo.lineEdit()
    if candidates:
        line.setPlaceholderText(f"choose a {name} or type its id")
    else:  # records exist only when an earlier action of this conversation created them
        line.setPlaceholderText(f"no {name} records in this conversation yet: type an id")
    combo.setMinimumContentsLength(16)
    return combo


def chooser_answer(combo: QComboBox) -> str:
    """The chosen record's id (what Cerb's chooser sends), or the typed text without a leading '#'."""
    text = combo.currentText().strip()
    index = combo.findText(text)
    if index >= 0 and combo.itemData(index) is not None:
        return str(combo.itemData(index))
    return text.removeprefix("#").strip()
