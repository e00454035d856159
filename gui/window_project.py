"""The main window's project: create, open, import, export, help, and the menus and
toolbar built from the action table (gui/actions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
)

from gui import actions as action_table
from gui import preferences as prefs
from gui.window_editing import EditingWindow
from storage.errors import SaywhoError
from storage.project import Project

if TYPE_CHECKING:
    from gui.main_window import MainWindow

class ProjectWindow(EditingWindow):
    """Project files, import and export, help; builds the actions, menus and toolbar."""

    def _build_actions(self) -> None:
        """(Re)creates every action, menu and the toolbar from the declarations."""
        for action in self.actions.values():
            self.removeAction(action)
            self.view.removeAction(action)
            action.deleteLater()
        self.menuBar().clear()
        self.toolbar.clear()
        schema_defined = action_table.schema_actions(self.project.schema)
        self.definitions = [*action_table.without_clashes(action_table.ACTIONS, schema_defined),
                            *schema_defined]
        # the table's handlers name methods of the assembled window (all its parts)
        window = cast("MainWindow", self)
        self.actions = action_table.create_actions(window, self.definitions, self.view,
                                                   self._icon)
        self.menus = action_table.build_menus(self.menuBar(), self.definitions, self.actions)
        action_table.build_toolbar(self.toolbar, self.definitions, self.actions)
        stack = self.controller.stack
        stack.canUndoChanged.connect(self.actions["edit.undo"].setEnabled)
        stack.canRedoChanged.connect(self.actions["edit.redo"].setEnabled)
        stack.undoTextChanged.connect(
            lambda text: self.actions["edit.undo"].setText(f"&Undo {text}".strip()))
        stack.redoTextChanged.connect(
            lambda text: self.actions["edit.redo"].setText(f"&Redo {text}".strip()))
        self.actions["edit.undo"].setEnabled(stack.canUndo())
        self.actions["edit.redo"].setEnabled(stack.canRedo())
        self.actions["view.suggestions"].setChecked(self.proposals.visible)
        theme_group = QActionGroup(self)
        for key in ("view.theme_system", "view.theme_light", "view.theme_dark"):
            theme_group.addAction(self.actions[key])
        self.recent_menu = QMenu("Open &Recent", self)
        self.menus["File"].insertMenu(self.actions["file.open_shared"], self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        relabel = QMenu("Change &Label To", self)
        self.menus["Edit"].insertMenu(self.actions["edit.add_fragment"], relabel)
        for definition in self.definitions:
            if definition.id.startswith("relabel."):
                relabel.addAction(self.actions[definition.id])

    def set_project(self, project: Project, location: str | None = None) -> None:
        """Switches the window to another project (the undo history is cleared)."""
        self._remember_document()
        self._cancel_pick()
        old = self.project
        self.controller.clear()
        self.project = project
        self.controller.project = project
        self.actor_registry.mentions_source = project.mentions
        self.readonly_annotators = []
        self._build_actions()
        self._load_project()
        old.close()
        if location:
            prefs.remember_project(location, self.settings)

    def _on_new_project(self) -> None:
        from gui.dialogs.project_dialogs import NewProjectDialog

        dialog = NewProjectDialog(prefs.data_dir(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, schema = dialog.values()
        try:
            project = Project.create(path, schema)
        except SaywhoError as exc:
            QMessageBox.warning(self, "New Project", str(exc))
            return
        self.set_project(project, str(path))
        self._status(f"Created {path.name}. Import documents with Ctrl+Shift+I.")

    def _open_location(self, location: str) -> None:
        try:
            project = prefs.open_project(location)
        except SaywhoError as exc:
            QMessageBox.warning(self, "Open Project", str(exc))
            return
        self.set_project(project, location)

    def _on_backups_to_keep(self) -> None:
        count, ok = QInputDialog.getInt(
            self, "Backups to Keep",
            "Each time a project file is opened, a copy goes into the 'backups' folder\n"
            "beside it. How many copies to keep (0: make none):",
            prefs.backups_kept(self.settings), 0, prefs.MAX_BACKUPS_KEPT)
        if ok:
            prefs.BACKUPS_KEEP.write(self.settings, count)
            self._status(f"{count} backup(s) of each project file will be kept.")

    def _on_open_project(self) -> None:
        start = str(self.project.path.parent) if self.project.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open Project", start,
                                              "Saywho projects (*.saywho);;All files (*)")
        if path:
            self._open_location(path)

    def _on_open_shared_project(self) -> None:
        from gui.dialogs.project_dialogs import SharedProjectDialog

        dialog = SharedProjectDialog(prefs.recent_projects(self.settings), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.url():
            self._open_location(dialog.url())

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for location in prefs.recent_projects(self.settings):
            action = self.recent_menu.addAction(location)
            action.triggered.connect(lambda _c=False, loc=location: self._open_location(loc))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _on_import(self) -> None:

        from gui.dialogs.transfer import import_filter

        paths, _ = QFileDialog.getOpenFileNames(self, "Import Documents", "", import_filter())
        if not paths:
            return
        self.import_paths([Path(p) for p in paths])

    def _on_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import Folder")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: Sequence[Path],
                     on_done: Callable[[Any], None] | None = None) -> QDialog:
        """Imports in the background with a progress dialog; refreshes the list after."""
        from gui.dialogs.transfer import ImportProgressDialog

        dialog = ImportProgressDialog(self.project, paths, None, self)

        def finished(report: Any) -> None:
            documents = self.project.documents(self.annotator)
            self.document_list.model.append_documents(documents)
            self._update_status_labels()
            if self.document is None and documents:
                self.open_document(documents[0].id)
            if on_done is not None:
                on_done(report)

        dialog.done.connect(finished)
        dialog.start()
        dialog.show()
        return dialog

    def _on_export(self) -> None:
        from formats import registry
        from gui.dialogs.transfer import ExportDialog, ExportProgressDialog, export_available

        if not export_available():
            QMessageBox.information(self, "Export", "Export is not available in this build "
                                    "yet (the export runner, export.run, is missing). Use "
                                    "`python main.py export` when it is installed.")
            return
        folder = (self.project.path.parent if self.project.path else Path.home()) / "export"
        dialog = ExportDialog(registry.writer_names(), [a.name for a in self.project.annotators()],
                              self.project.schema.label_names, folder, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        format_name, out_dir, options = dialog.values()
        progress = ExportProgressDialog(self.project, format_name, out_dir, options, self)
        progress.start()
        progress.show()

    def _on_quit(self) -> None:
        self.close()

    def _on_show_shortcuts(self) -> None:
        from gui.dialogs.shortcut_sheet import ShortcutSheet

        self.shortcut_sheet = ShortcutSheet(self.definitions, self)
        self.shortcut_sheet.show()

    def _on_about(self) -> None:
        from storage.project import SAYWHO_VERSION

        QMessageBox.about(self, "About Saywho",
                          f"<h3>Saywho {SAYWHO_VERSION}</h3><p>Annotate who says or does "
                          "what, and under what condition, in news text.</p><p>Project: "
                          f"{self.project.name}<br>Schema: {self.project.schema.name} "
                          f"v{self.project.schema.version}</p>")
