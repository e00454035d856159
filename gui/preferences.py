"""What the GUI remembers between runs, declared once: every QSettings key.

Each :class:`Setting` names its key, type, default and meaning (qutebrowser's
``configdata.yml`` is the model); the window and the application read and write
settings only through them. Also here: the settings store itself, the user data
folder, the recent projects, and opening a project with the backups the user
chose. Nothing here imports the windows, so every GUI module may use it.

QSettings live in an INI file under organisation "Saywho" (tests redirect it
with ``QSettings.setPath``); ``SAYWHO_DATA_DIR`` overrides the data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from storage.db import without_password
from storage.project import Project

ORGANISATION = "Saywho"
APPLICATION = "Saywho"
MAX_RECENT = 8
THEMES = ("system", "light", "dark")
BACKUPS_KEPT = 5
"""Backups kept beside a SQLite project when nothing else is set (File > Backups to Keep)."""
MAX_BACKUPS_KEPT = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One remembered value.

    Attributes:
        key: the QSettings key; ``{project}`` in it is filled by :meth:`at`.
        type: what it holds (QSettings converts the INI text back to it).
        default: the value when nothing (or nothing of that type) is stored.
        description: what it is, for people reading this table.
    """

    key: str
    type: type[T]
    default: T
    description: str

    def at(self, **parts: str) -> Setting[T]:
        """This setting with the ``{...}`` parts of its key filled in."""
        return Setting(self.key.format(**parts), self.type, self.default, self.description)

    def read(self, store: QSettings) -> T:
        default: Any = self.default
        value = store.value(self.key, default, type=self.type)
        if self.type is bool:
            return bool(value)  # type: ignore[return-value]
        return value if isinstance(value, self.type) else self.default

    def write(self, store: QSettings, value: T) -> None:
        store.setValue(self.key, value)


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(),
                          "the main window's size and place")
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray(),
                       "the docks and toolbar of the main window")
ZOOM = Setting("view/zoom", float, 0.0, "the text size in points (0: the default)")
SNAP_WORDS = Setting("view/snap_words", bool, True, "selections snap to whole words")
THEME = Setting("view/theme", str, "system", "the colour theme: one of THEMES")
ANNOTATOR = Setting("annotator/name", str, "", "the name annotations are stored under")
RECENT_PROJECTS = Setting("recent/projects", list, [],
                          "project files and URLs (without passwords), newest first")
LAST_PROJECT = Setting("recent/last", str, "", "the project opened at start")
BACKUPS_KEEP = Setting("backups/keep", int, BACKUPS_KEPT,
                       "rotating backups kept beside a SQLite project (0: none)")
LAST_DOCUMENT = Setting("project/{project}/document", int, 0,
                        "the document open when the project was left, per project")

SETTINGS: tuple[Setting[Any], ...] = (
    WINDOW_GEOMETRY, WINDOW_STATE, ZOOM, SNAP_WORDS, THEME, ANNOTATOR, RECENT_PROJECTS,
    LAST_PROJECT, BACKUPS_KEEP, LAST_DOCUMENT)
"""Every key the GUI stores."""


def settings() -> QSettings:
    """The UI settings (INI format, so tests can redirect them with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                     APPLICATION)


def data_dir() -> Path:
    """The user data folder (``SAYWHO_DATA_DIR`` or platformdirs' user data dir)."""
    override = os.environ.get("SAYWHO_DATA_DIR")
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APPLICATION, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def recent_projects(store: QSettings | None = None) -> list[str]:
    value = RECENT_PROJECTS.read(store or settings())
    return [str(v) for v in (value or []) if v]


def remember_project(location: str, store: QSettings | None = None) -> None:
    """Puts a project at the top of the recent list (a URL without its password)."""
    store = store or settings()
    location = without_password(location)
    recent = [location, *(r for r in recent_projects(store) if r != location)]
    RECENT_PROJECTS.write(store, recent[:MAX_RECENT])
    LAST_PROJECT.write(store, location)


def backups_kept(store: QSettings | None = None) -> int:
    """How many rotating backups the window keeps (:data:`BACKUPS_KEEP`; 0: none)."""
    return max(0, min(BACKUPS_KEEP.read(store or settings()), MAX_BACKUPS_KEPT))


def open_project(location: str) -> Project:
    """Opens a project for the window: a SQLite project gets a rotating backup first."""
    return Project.open(location, backup_keep=backups_kept())
