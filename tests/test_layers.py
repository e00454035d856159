"""The headless core never imports Qt: storage, export, cli and agreement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("storage", "text", "formats", "ingest", "export", "charts", "cli", "agreement")


def test_core_packages_do_not_import_qt() -> None:
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package in CORE_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and path.name != "__init__.py"
    )
    assert "storage.project" in modules and "formats.base" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        if 'spacy' not in str(exc): raise\n"
        "from cli import build_parser\n"
        "build_parser()\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'gui')))\n"
        "print(leaked)\n"
        "sys.exit(1 if leaked else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
