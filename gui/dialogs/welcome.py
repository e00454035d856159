"""The first start: who annotates, and where to begin.

Shown when Saywho starts without settings (no annotator name remembered). The annotator
types their name, then picks one way in: the sample project (built from the packaged sample
articles), a new project from a folder of articles, a new project from one file, or an
existing project. Every choice has a mnemonic (Alt+letter); Enter opens the sample project;
Escape quits. A file dialog that is cancelled leaves the welcome open.
"""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.dialogs.layout import form, hint

IMPORTABLE = "Documents (*.txt *.html *.htm *.jsonl *.json);;All files (*)"


class Start(enum.Enum):
    """Where the first session begins."""

    SAMPLE = "sample"
    FOLDER = "folder"
    FILE = "file"
    OPEN = "open"


class WelcomeDialog(QDialog):
    """Asks for the annotator's name and how to begin; see :meth:`annotator`, :attr:`start`."""

    def __init__(self, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to Saywho")
        self.start: Start | None = None
        self.source: Path | None = None

        title = QLabel("Welcome to Saywho")
        title.setObjectName("documentTitle")
        intro = hint("Mark who speaks or acts in news articles, what they said, and under "
                     "what condition. Every edit is saved as you make it; F1 lists every key.")
        self.name_edit = QLineEdit(annotator)
        self.name_edit.setObjectName("welcomeName")
        self.name_edit.selectAll()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.hide()

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form(("&Annotating as:", self.name_edit)))
        layout.addWidget(hint("Your annotations are stored under this name; colleagues in a "
                              "shared project see it."))
        layout.addWidget(self.error)
        section = QLabel("START WITH")
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        self.buttons: dict[Start, QPushButton] = {}
        for start, text, note in (
            (Start.SAMPLE, "Open the &sample project",
             "Five short fictional wire stories to try every key on."),
            (Start.FOLDER, "Create a project from a &folder of articles…",
             "Each text, HTML and JSONL file in the folder becomes a document; the project "
             "file is saved beside the folder."),
            (Start.FILE, "&Import a file into a new project…",
             "One text, HTML or JSONL file; the project file is saved beside it."),
            (Start.OPEN, "Open an &existing project…",
             "A .saywho file, yours or one a colleague shared."),
        ):
            button = QPushButton(text)
            button.setObjectName(f"welcome-{start.value}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=start: self.choose(s))
            self.buttons[start] = button
            choice = QVBoxLayout()
            choice.setSpacing(2)
            choice.addWidget(button)
            choice.addWidget(hint(note))
            layout.addLayout(choice)
        self.buttons[Start.SAMPLE].setDefault(True)
        layout.addStretch(1)  # spare height goes below the choices, not between them
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("&Quit")
        close.rejected.connect(self.reject)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(520)
        self.name_edit.setFocus()

    def annotator(self) -> str:
        return self.name_edit.text().strip()

    def choose(self, start: Start) -> None:
        """Picks a way in (asking for the folder or file it needs); accepts when complete."""
        if not self.annotator():
            self.error.setText("Type your name first: annotations are stored under it.")
            self.error.show()
            self.name_edit.setFocus()
            return
        source: Path | None = None
        if start is Start.FOLDER:
            folder = QFileDialog.getExistingDirectory(self, "Folder of Articles")
            source = Path(folder) if folder else None
        elif start is Start.FILE:
            path, _ = QFileDialog.getOpenFileName(self, "Import a File", "", IMPORTABLE)
            source = Path(path) if path else None
        elif start is Start.OPEN:
            path, _ = QFileDialog.getOpenFileName(self, "Open Project", "",
                                                  "Saywho projects (*.saywho);;All files (*)")
            source = Path(path) if path else None
        if start is not Start.SAMPLE and source is None:
            return  # the file dialog was cancelled: stay on the welcome
        self.start, self.source = start, source
        self.accept()
