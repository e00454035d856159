"""Import contracts: the headless core never imports Qt, packages import only downwards.

What import-linter's "layers" and "forbidden" contracts would say, as tests: every
import of every module (module level and inside functions; ``if TYPE_CHECKING:``
blocks excepted, they never run) is read with ``ast``, and each package may only
import the packages :data:`ALLOWED` declares. There is no import cycle between
modules, not even through an import inside a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("storage", "text", "formats", "ingest", "export", "charts", "cli", "agreement",
                 "suggest")
PACKAGES = (*CORE_PACKAGES, "gui")

#: package -> the packages it may import. The order: text < storage < formats <
#: ingest, export < cli, gui; charts, agreement and suggest sit on storage and text
#: and never import formats sideways.
ALLOWED: dict[str, set[str]] = {
    "text": set(),
    "storage": {"text"},
    "formats": {"storage", "text"},
    "ingest": {"formats", "storage", "text"},
    "export": {"formats", "storage", "text"},
    "charts": {"storage", "text"},
    "agreement": {"storage", "text"},
    "suggest": {"storage", "text"},
    "cli": {"text", "storage", "formats", "ingest", "export", "charts", "agreement", "suggest"},
    "gui": {"text", "storage", "formats", "ingest", "export", "charts", "agreement", "suggest",
            "cli"},
}
#: single imports allowed against the order, each with its reason
EXCEPTIONS = {
    # the error vocabulary imports nothing, so the bottom layer may use it
    ("text.offsets", "storage.errors"),
    # ``saywho gui`` opens the window: the one way from the command line into the GUI
    ("cli.gui_cmd", "gui.app"),
}
#: imports inside a function that close a cycle, each with its reason
CYCLE_EXCEPTIONS = {
    # learning the verb table parses a corpus with the syntax suggester, which reads the
    # table: the learner imports the suggester only when it runs
    ("suggest.verbtable", "suggest.syntax"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path) -> Iterator[str]:
    """Every module name an import statement of ``path`` runs (relative ones excepted)."""
    found: list[str] = []

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" in ast.unparse(node.test):
                for statement in node.orelse:
                    self.visit(statement)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.extend(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level == 0 and node.module:
                found.append(node.module)
                found.extend(f"{node.module}.{alias.name}" for alias in node.names)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    yield from found


def test_packages_import_only_what_the_layers_allow() -> None:
    modules = _modules()
    assert "storage.project" in modules and "gui.main_window" in modules
    wrong = []
    for module, path in modules.items():
        package = module.split(".")[0]
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "PySide6" and package != "gui":
                wrong.append(f"{module} imports Qt ({name})")
            elif top in ALLOWED and top != package and top not in ALLOWED[package] \
                    and (module, name.rsplit(".", 1)[0] if name not in modules else name) \
                    not in EXCEPTIONS and (module, name) not in EXCEPTIONS:
                wrong.append(f"{module} imports {name}")
    assert wrong == []


def test_no_import_cycle_between_modules() -> None:
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        graph[module] = {name for name in _imports(path) if name in modules and name != module
                         and (module, name) not in CYCLE_EXCEPTIONS}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append(" -> ".join([*path[path.index(imported):], imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert cycles == []


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
