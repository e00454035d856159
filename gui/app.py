"""Starting the annotation window: settings, annotator, theme, error handling.

:func:`run` creates the QApplication and opens the last project. The first start (no
annotator name remembered in QSettings) shows the welcome (:mod:`gui.dialogs.welcome`):
the annotator's name (the system user by default), then the sample project, created in
the user data folder from the packaged ``resources/samples``, or a project of their own.
Unexpected exceptions are logged to ``saywho.log`` in the data folder and shown in a
dialog with copyable details.

``SAYWHO_DATA_DIR`` overrides the data folder; QSettings live in an INI file
under organisation "Saywho" (tests redirect it with ``QSettings.setPath``).
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox, QWidget

import resources
from gui import workers
from ingest import import_paths
from storage.db import without_password
from storage.errors import SaywhoError
from storage.project import Project

ORGANISATION = "Saywho"
APPLICATION = "Saywho"
SAMPLES = resources.path("samples")
ICONS = resources.path("icons")
MAX_RECENT = 8
THEMES = ("system", "light", "dark")

log = logging.getLogger("saywho")


# ------------------------------------------------------------------ settings


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


def read_str(store: QSettings, key: str, default: str = "") -> str:
    value = store.value(key, default, type=str)
    return value if isinstance(value, str) else default


def read_bool(store: QSettings, key: str, default: bool = False) -> bool:
    return bool(store.value(key, default, type=bool))


def recent_projects(store: QSettings | None = None) -> list[str]:
    store = store or settings()
    value = store.value("recent/projects", [], type=list)
    return [str(v) for v in (value or []) if v]


def remember_project(location: str, store: QSettings | None = None) -> None:
    """Puts a project at the top of the recent list (a URL without its password)."""
    store = store or settings()
    location = without_password(location)
    recent = [location, *(r for r in recent_projects(store) if r != location)]
    store.setValue("recent/projects", recent[:MAX_RECENT])
    store.setValue("recent/last", location)


def system_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "annotator"


def ask_annotator(parent: QWidget | None = None, current: str = "",
                  known: Sequence[str] = ()) -> str | None:
    """Asks for the annotator's name; None when cancelled."""
    choices = list(dict.fromkeys([current or system_user(), *known]))
    name, ok = QInputDialog.getItem(
        parent, "Annotator", "Your name (annotations are stored under it):", choices, 0, True)
    name = name.strip()
    return name if ok and name else None


# --------------------------------------------------------------------- theme


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark scheme (Qt 6.5+ colorScheme)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is None:
        return False
    return bool(scheme() == Qt.ColorScheme.Dark)


def apply_theme(app: QApplication, mode: str) -> bool:
    """Applies "system", "light" or "dark"; returns True when the result is dark."""
    from gui import theme

    dark = system_is_dark() if mode == "system" else mode == "dark"
    colors = theme.apply_theme(app, dark)
    app.setStyleSheet(style_sheet(colors))
    return dark


def style_sheet(colors: object) -> str:
    """The few rules the palette cannot express: section titles, hints, spacing."""
    muted = getattr(colors, "muted", "#6b6b70")
    window = getattr(colors, "window", "#f1f0ec")
    base = getattr(colors, "base", "#fdfcf9")
    button = getattr(colors, "button", "#e9e7e2")
    text = getattr(colors, "window_text", "#1d1d1f")
    highlight = getattr(colors, "highlight", "#b3d4fc")
    border = getattr(colors, "margin", "#e4e2dc")
    dark = bool(getattr(colors, "dark", False))
    line = "#3a3b40" if dark else "#dddad3"
    accent = getattr(colors, "link", "#1f5fbf")
    return f"""
QMainWindow, QDockWidget {{ background: {window}; }}
QMainWindow::separator {{ background: {line}; width: 1px; height: 1px; }}
QDockWidget::title {{ padding: 6px 10px; background: {window}; color: {muted};
    font-weight: 600; }}
QToolBar {{ background: {window}; border: none; border-bottom: 1px solid {line};
    spacing: 4px; padding: 3px 6px; }}
QToolButton {{ padding: 4px; border-radius: 5px; }}
QToolButton:hover {{ background: {button}; }}
QStatusBar {{ background: {window}; color: {muted}; border-top: 1px solid {line}; }}
QStatusBar QLabel {{ color: {muted}; padding: 0 8px; }}
QLabel#sectionTitle {{ color: {muted}; font-size: 11px; font-weight: 700;
    letter-spacing: 1px; margin-top: 6px; }}
QLabel#hint {{ color: {muted}; }}
QLabel#spanText {{ color: {text}; font-style: italic; }}
QLabel#errorText {{ color: #d64545; }}
QLabel#documentTitle {{ font-size: 17px; font-weight: 600; color: {text};
    padding: 10px 16px 2px 16px; }}
QLabel#documentMeta {{ color: {muted}; padding: 0 16px 8px 16px; }}
QWidget#articleHeader {{ background: {base}; border-bottom: 1px solid {line}; }}
QTableView {{ background: {base}; border: 1px solid {line}; border-radius: 6px;
    selection-background-color: {highlight}; selection-color: {text}; }}
QTableView::item {{ padding: 0 6px; }}
QHeaderView::section {{ background: {window}; color: {muted}; border: none;
    border-bottom: 1px solid {line}; padding: 4px 6px; font-weight: 600; }}
QLineEdit, QComboBox {{ padding: 4px 6px; border: 1px solid {line}; border-radius: 5px;
    background: {base}; }}
QLineEdit:focus, QComboBox:focus {{ border: 1px solid {highlight}; }}
QPushButton {{ padding: 5px 10px; border: 1px solid {line}; border-radius: 5px;
    background: {button}; }}
QPushButton:hover {{ border-color: {muted}; }}
QPushButton:flat {{ border: none; background: transparent; }}
QPushButton:flat:hover {{ background: {button}; }}
QScrollArea#schemaPanel, QWidget#schemaPanelBody {{ background: {window}; }}
QFrame#relationPicker {{ background: {base}; border: 1px solid {muted};
    border-radius: 8px; }}
QLabel#pickerTitle {{ font-weight: 600; }}
QListWidget {{ background: {base}; border: 1px solid {border}; border-radius: 5px; }}
QTabBar {{ qproperty-drawBase: 0; }}
QTabBar::tab {{ padding: 6px 14px; border: none; background: {window}; color: {muted};
    border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {text}; border-bottom: 2px solid {accent}; }}
QTabBar::tab:hover {{ color: {text}; }}
QLabel#emptyHint {{ color: {muted}; }}
"""


# -------------------------------------------------------------------- errors


def log_path() -> Path:
    return data_dir() / "saywho.log"


def install_excepthook() -> None:
    """Logs unexpected exceptions to the data folder and shows them in a dialog."""
    handler = logging.FileHandler(log_path(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    sys.excepthook = show_exception


def show_exception(kind: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error\n%s", details)
    if isinstance(value, KeyboardInterrupt):
        QApplication.quit()
        return
    from gui.dialogs.error_dialog import ErrorDialog

    message = str(value) if isinstance(value, SaywhoError) else \
        f"An unexpected error occurred ({kind.__name__}: {value})."
    if QApplication.instance() is None or os.environ.get("SAYWHO_NO_ERROR_DIALOG"):
        sys.__stderr__.write(details) if sys.__stderr__ else None
        return
    dialog = ErrorDialog(message, details, str(log_path()), QApplication.activeWindow())
    dialog.exec()


# ---------------------------------------------------------------- projects


def sample_project(folder: Path | None = None) -> Path:
    """Creates (once) the sample project in the data folder from resources/samples."""
    folder = folder or data_dir()
    path = folder / "samples.saywho"
    if path.exists():
        return path
    with Project.create(path) as project:
        import_paths(project, sorted(p for p in SAMPLES.iterdir() if p.name != "README.md"))
    return path


#: backups kept beside a SQLite project when nothing else is set (File > Backups to Keep)
BACKUPS_KEPT = 5
MAX_BACKUPS_KEPT = 100


def backups_kept(store: QSettings | None = None) -> int:
    """How many rotating backups the window keeps (the ``backups/keep`` setting; 0: none)."""
    store = store or settings()
    value = store.value("backups/keep", BACKUPS_KEPT, type=int)
    return max(0, min(int(value), MAX_BACKUPS_KEPT)) if isinstance(value, int) else BACKUPS_KEPT


def open_project(location: str) -> Project:
    """Opens a project for the window: a SQLite project gets a rotating backup first."""
    return Project.open(location, backup_keep=backups_kept())


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Saywho")
    app.setStyle("Fusion")
    set_window_icon(app)
    return app


def new_project_beside(source: Path) -> Path:
    """Creates an empty project for ``source`` (a folder or a file): ``NAME.saywho`` beside
    it (``NAME-2.saywho``... when taken), or in the data folder when that folder is read-only.
    """
    stem = source.name if source.is_dir() else source.stem
    for folder in (source.parent, data_dir()):
        candidates = [folder / f"{stem}.saywho",
                      *(folder / f"{stem}-{n}.saywho" for n in range(2, 100))]
        path = next((c for c in candidates if not c.exists()), None)
        if path is None or not os.access(folder, os.W_OK):
            continue
        Project.create(path).close()
        return path
    raise SaywhoError(f"{source}: no folder to save a new project in (beside it, or in "
                      f"{data_dir()})")


def welcome(store: QSettings) -> tuple[str, str, Path | None] | None:
    """The first start: asks who annotates and where to begin (see gui.dialogs.welcome).

    Returns ``(annotator, project location, file or folder to import into it)``, or None
    when the user quits. A project that cannot be created is reported and the welcome is
    shown again.
    """
    from gui.dialogs.welcome import Start, WelcomeDialog

    name = system_user()
    while True:
        dialog = WelcomeDialog(name)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.start is None:
            return None
        name = dialog.annotator()
        store.setValue("annotator/name", name)
        try:
            if dialog.start is Start.SAMPLE:
                return name, str(sample_project()), None
            assert dialog.source is not None
            if dialog.start is Start.OPEN:
                return name, str(dialog.source), None
            return name, str(new_project_beside(dialog.source)), dialog.source
        except SaywhoError as exc:
            QMessageBox.warning(None, "Saywho", str(exc))


def set_window_icon(app: QApplication) -> None:
    """The application icon (title bars, task switchers) and, on Wayland, the desktop entry."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    desktop = resources.path("desktop")
    for png in sorted((desktop / "icons" / "hicolor").glob(f"*/apps/{resources.APP_ID}.png")):
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    app.setDesktopFileName(resources.APP_ID)


def run(argv: Sequence[str] | None = None, project_location: str | None = None) -> int:
    """Runs the annotation window until it is closed; returns the exit code.

    ``project_location`` is a project to open (a file the desktop passes, a URL); without
    it the last project opens. The first start (no annotator remembered) shows the welcome.
    """
    from gui.main_window import MainWindow

    app = make_application(argv)
    install_excepthook()
    store = settings()
    mode = read_str(store, "view/theme", "system")
    apply_theme(app, mode if mode in THEMES else "system")

    annotator = read_str(store, "annotator/name")
    to_import: Path | None = None
    location = project_location or read_str(store, "recent/last")
    chosen_now = project_location is not None  # not the remembered last project
    if not annotator and project_location is None:
        started = welcome(store)
        if started is None:
            return 0
        annotator, location, to_import = started
        chosen_now = True
    elif not annotator:
        chosen = ask_annotator(None)
        if chosen is None:
            return 0
        annotator = chosen
        store.setValue("annotator/name", annotator)

    project: Project | None = None
    if location:
        try:
            project = open_project(location)
        except SaywhoError as exc:
            which = "the project" if chosen_now else "the last project"
            QMessageBox.warning(None, "Saywho", f"Cannot open {which}:\n{exc}\n\n"
                                "Opening the sample project instead.")
    if project is None:
        location = str(sample_project())
        project = open_project(location)
    remember_project(location, store)
    window = MainWindow(project, annotator, store)
    window.show()
    if to_import is not None:
        window.statusBar().showMessage(f"Created {location}; importing {to_import.name}…")
        window.import_paths([to_import])
    code = app.exec()
    workers.wait_for_jobs()
    return code


def render_window(window: QWidget, path: Path) -> Path:
    """Lets the window lay itself out, then saves a screenshot of it as PNG."""
    app = QApplication.instance()
    for _ in range(5):
        if app is not None:
            app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise SaywhoError(f"{path}: cannot write the screenshot")
    return path


def screenshot_or_run(location: str, screenshot: Path | None = None,
                      annotator: str | None = None, document: str | None = None,
                      theme: str | None = None, size: tuple[int, int] = (1440, 900)) -> int:
    """Opens the window on a project; with ``screenshot``, saves a PNG and returns.

    Raises:
        SaywhoError: the project cannot be opened, the document does not exist.
    """
    from gui.main_window import MainWindow

    app = make_application()
    store = settings()
    mode = theme or read_str(store, "view/theme", "system")
    apply_theme(app, mode if mode in THEMES else "system")
    name = annotator or read_str(store, "annotator/name")
    if not name:
        if screenshot is not None:
            name = system_user()
        else:
            chosen = ask_annotator(None)
            if chosen is None:
                return 0
            name = chosen
            store.setValue("annotator/name", name)
    project = open_project(location)
    if screenshot is None:
        install_excepthook()
        remember_project(location, store)
    window = MainWindow(project, name, store, persist=screenshot is None)
    if document is not None:
        window.open_document(project.document_by_external_id(document).id)
    if screenshot is not None:
        window.resize(*size)
        window.show()
        spans = sorted(window.spans.values(), key=lambda s: (s.label != "Quote", s.start))
        if spans:
            window.select_span(spans[0].id)
        render_window(window, screenshot)
        print(f"wrote {screenshot}")
        window.close()
        workers.wait_for_jobs()
        project.close()
        return 0
    window.show()
    code = app.exec()
    workers.wait_for_jobs()
    return code
