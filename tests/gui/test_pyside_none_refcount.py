"""Regression: PySide6 6.12.0 on CPython 3.11 drops a reference to None on every
call of a method returning None, and aborts with "none_dealloc: deallocating
None" after a few thousand calls. pyproject.toml pins PySide6 below 6.12 on
3.11; this test catches a PySide6 that has the bug, whatever its version.

The calls run in a subprocess so that an abort fails this test instead of
killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CALLS = 20_000

SCRIPT = textwrap.dedent(f"""
    import sys
    from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor, QTextDocument

    app = QGuiApplication([])
    document = QTextDocument()
    document.setPlainText("Varnay warns Doreth. " * 50)
    cursor = QTextCursor(document)
    char_format = QTextCharFormat()
    color = QColor("#F28E2B")
    length = document.characterCount() - 1
    before = sys.getrefcount(None)
    for index in range({CALLS}):
        cursor.setPosition(index % length)
        char_format.setBackground(color)
    after = sys.getrefcount(None)
    print("done", before, after)
""")


def test_none_returning_methods_do_not_exhaust_none() -> None:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120, env=environment, check=False)
    assert result.returncode == 0, (
        f"PySide6 aborted after None-returning calls (exit {result.returncode}): "
        f"{result.stderr[-2000:]}")
    _, before, after = result.stdout.split()
    # A leaking binding loses one reference per call; a sound one loses none.
    # (CPython 3.12+ makes None immortal; the count then stays constant.)
    assert int(before) - int(after) < CALLS // 10, (before, after)
