"""Every QSettings key is declared once, in gui.preferences, and read back typed."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QByteArray

from gui import preferences
from gui.preferences import LAST_DOCUMENT, SETTINGS, SNAP_WORDS, ZOOM, settings

GUI = Path(__file__).resolve().parents[2] / "gui"


def test_no_settings_key_outside_the_table() -> None:
    literal = re.compile(r"""(\.value|setValue)\(\s*f?["']""")
    offenders = [f"{path.relative_to(GUI)}:{number}"
                 for path in GUI.rglob("*.py") if path.name != "preferences.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if literal.search(line)]
    assert offenders == []
    keys = [setting.key for setting in SETTINGS]
    assert len(keys) == len(set(keys))
    assert {name for name in dir(preferences) if name.isupper()
            and isinstance(getattr(preferences, name), preferences.Setting)} == {
        name for name in dir(preferences) if getattr(preferences, name) in SETTINGS}


def test_settings_read_back_typed_with_defaults(qapp) -> None:  # type: ignore[no-untyped-def]
    store = settings()
    assert SNAP_WORDS.read(store) is True and ZOOM.read(store) == 0.0
    SNAP_WORDS.write(store, False)
    ZOOM.write(store, 13.5)
    here = LAST_DOCUMENT.at(project="42")
    here.write(store, 7)
    store.sync()
    again = settings()
    assert (SNAP_WORDS.read(again), ZOOM.read(again), here.read(again)) == (False, 13.5, 7)
    assert again.value("project/42/document", type=int) == 7
    store.setValue(ZOOM.key, "not a number")
    assert ZOOM.read(store) == 0.0
    assert preferences.WINDOW_STATE.read(store) == QByteArray()
