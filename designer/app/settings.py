"""Persistent settings (QSettings) and the app's data folders. Tests isolate them with
`QStandardPaths.setTestModeEnabled(True)`."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORGANIZATION, APPLICATION = "BotDesigner", "Bot Designer"
MAX_RECENT = 10
DEFAULT_AUTOSAVE_SECONDS = 30


def app_data_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if not base:
        base = str(Path.home() / ".local" / "share" / APPLICATION)
    return Path(base)


def recovery_dir() -> Path:
    folder = app_data_dir() / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Settings:
    def __init__(self) -> None:
        if QStandardPaths.isTestModeEnabled():
            path = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation) or ".")
            self._qs = QSettings(str(path / "settings.ini"), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(ORGANIZATION, APPLICATION)

    def recent_files(self) -> list[str]:
        value = self._qs.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent_file(self, path: str) -> None:
        path = str(Path(path).resolve())
        files = [path, *[f for f in self.recent_files() if f != path]][:MAX_RECENT]
        self._qs.setValue("recentFiles", files)

    def clear_recent_files(self) -> None:
        self._qs.setValue("recentFiles", [])

    def autosave_seconds(self) -> int:
        try:
            return max(5, int(self._qs.value("autosaveSeconds", DEFAULT_AUTOSAVE_SECONDS)))
        except (TypeError, ValueError):
            return DEFAULT_AUTOSAVE_SECONDS

    def local_lambda_dir(self) -> str:
        """The functions folder the embedded local Lambda service last ran with ("" when it never ran)."""
        value = self._qs.value("localLambda/functionsDir", "")
        return str(value or "")

    def set_local_lambda_dir(self, path: str | Path | None) -> None:
        if path:
            self._qs.setValue("localLambda/functionsDir", str(Path(path).resolve()))
        else:
            self._qs.remove("localLambda/functionsDir")
        self._qs.sync()  # the next start of the app reads it, even after a crash

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry, state = self._qs.value("window/geometry"), self._qs.value("window/state")
        return (geometry if isinstance(geometry, QByteArray) else None,
                state if isinstance(state, QByteArray) else None)

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)
        self._qs.sync()

    def sync(self) -> None:
        self._qs.sync()
