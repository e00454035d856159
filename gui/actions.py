"""Every action of the annotation window, declared once.

Menus, the toolbar and the F1 shortcut sheet are all built from :data:`ACTIONS`
(plus the keys of the project's schema, see :func:`schema_actions`). A handler
is a function of the main window returning the bound method to call
(``lambda w: w._on_undo``), so mypy checks every handler exists and this module
holds no behaviour.

Actions whose ``scope`` is ``"view"`` only fire while the article view has
focus: they use plain letters (label keys) or keys the other widgets need
for themselves (arrows with modifiers, Tab, Delete).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPalette, QPixmap
from PySide6.QtWidgets import QMenu, QMenuBar, QStyle, QToolBar, QWidget

from storage.schema import Schema

if TYPE_CHECKING:
    from gui.comparison import ComparisonWindow
    from gui.main_window import MainWindow

#: The window an action table's handlers are picked from.
W = TypeVar("W", bound=QWidget)

Handler = Callable[["MainWindow"], Callable[..., Any]]
"""Picks the method an action calls from the window: ``lambda w: w._on_undo`` (an
:class:`ActionDef` is generic in its window: the comparison window has its own table)."""

MENUS = ("File", "Edit", "Annotate", "View", "Document", "Help")

#: F1 sheet sections listed first: the keys used on every quote
ANNOTATION_SECTIONS = ("Labels (view focus)", "Relations (span selected)", "Marking")


@dataclass(frozen=True)
class ActionDef(Generic[W]):
    """One action: what it is called, its keys, and the window method it calls.

    Attributes:
        id: stable identifier, e.g. ``"edit.undo"``.
        text: menu text (with ``&`` mnemonic).
        shortcuts: key sequences, the first is the one shown in menus.
        handler: picks the main window method called with no arguments (or
            ``(checked)`` for checkable actions, ``(arg)`` with ``arg``); None for
            ``"sheet"`` entries.
        menu: the menu it appears in; ``""`` for keyboard-only actions.
        scope: ``"window"`` (anywhere in the window), ``"view"`` (the article view),
            or ``"sheet"``: handled by a widget itself, only listed on the F1 sheet.
        icon: a ``QStyle.StandardPixmap`` name or a resource icon file stem.
        toolbar: shown on the toolbar.
        checkable: a toggle.
        section: group name on the F1 sheet (defaults to the menu).
        separator_before: draw a separator before it in its menu.
        arg: passed to the handler (schema actions carry the label or relation name).
    """

    id: str
    text: str
    shortcuts: tuple[str, ...]
    handler: Callable[[W], Callable[..., Any]] | None
    menu: str
    scope: str = "window"
    icon: str | None = None
    toolbar: bool = False
    checkable: bool = False
    section: str = ""
    separator_before: bool = False
    arg: Any = None
    tip: str = ""

    @property
    def group(self) -> str:
        return self.section or self.menu or "Keyboard"


def _a(id_: str, text: str, keys: str | tuple[str, ...],
       handler: Callable[[W], Callable[..., Any]] | None, menu: str,
       **kwargs: Any) -> ActionDef[W]:
    shortcuts = (keys,) if isinstance(keys, str) else keys
    return ActionDef(id_, text, tuple(k for k in shortcuts if k), handler, menu, **kwargs)


ACTIONS: tuple[ActionDef[MainWindow], ...] = (
    # File
    _a("file.new", "&New Project…", "Ctrl+N", lambda w: w._on_new_project, "File",
       icon="new"),
    _a("file.open", "&Open Project…", "Ctrl+O", lambda w: w._on_open_project, "File",
       icon="open", toolbar=True, tip="Open a project file"),
    _a("file.open_shared", "Open &Shared Project (URL)…", "Ctrl+Shift+O",
       lambda w: w._on_open_shared_project, "File"),
    _a("file.import", "&Import Documents…", "Ctrl+Shift+I", lambda w: w._on_import, "File",
       icon="import", toolbar=True, separator_before=True,
       tip="Import text, HTML or JSONL files and folders"),
    _a("file.import_folder", "Import &Folder…", "Ctrl+Alt+I", lambda w: w._on_import_folder, "File",
       tip="Import every text, HTML and JSONL file in a folder"),
    _a("file.export", "&Export…", "Ctrl+Shift+E", lambda w: w._on_export, "File", icon="export",
       toolbar=True, tip="Export annotations to a training format"),
    _a("file.backups", "&Backups to Keep…", "Ctrl+Alt+B", lambda w: w._on_backups_to_keep, "File",
       separator_before=True, tip="How many backups of a project file are kept beside it"),
    _a("file.quit", "&Quit", "Ctrl+Q", lambda w: w._on_quit, "File", separator_before=True),
    # Edit
    _a("edit.undo", "&Undo", "Ctrl+Z", lambda w: w._on_undo, "Edit", icon="undo",
       toolbar=True),
    _a("edit.redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), lambda w: w._on_redo, "Edit",
       icon="redo", toolbar=True),
    _a("edit.delete", "&Delete Span", "Delete", lambda w: w._on_delete_span, "Edit",
       separator_before=True, icon="delete", tip="Delete the selected span"),
    _a("edit.add_fragment", "Add Selection as &Fragment", "F", lambda w: w._on_add_fragment, "Edit",
       scope="view", section="Marking", tip="Add the selected text to the selected span as a "
       "fragment"),
    _a("edit.next_span", "Next Overlapping Span at the Cursor", "Tab", None, "",
       scope="sheet", section="Edit"),
    _a("edit.prev_span", "Previous Overlapping Span at the Cursor", "Shift+Tab", None, "",
       scope="sheet", section="Edit"),
    _a("edit.click_span", "Select a Span (click again: next overlapping)", "Click", None, "",
       scope="sheet", section="Edit"),
    _a("edit.deselect", "Deselect / Cancel", "Esc", lambda w: w._on_escape, "Edit", scope="view"),
    _a("edit.inside_quotes", "Select Inside &Quotation Marks", "Ctrl+'",
       lambda w: w._on_select_inside_quotes, "Edit", section="Marking"),
    _a("edit.start_left", "Start One Character Left", "Alt+Left", lambda w: w._on_boundary, "Edit",
       scope="view", section="Boundaries", separator_before=True, arg=("start", -1, "char")),
    _a("edit.start_right", "Start One Character Right", "Alt+Right",
       lambda w: w._on_boundary, "Edit",
       scope="view", section="Boundaries", arg=("start", 1, "char")),
    _a("edit.end_left", "End One Character Left", "Alt+Shift+Left",
       lambda w: w._on_boundary, "Edit",
       scope="view", section="Boundaries", arg=("end", -1, "char")),
    _a("edit.end_right", "End One Character Right", "Alt+Shift+Right", lambda w: w._on_boundary,
       "Edit", scope="view", section="Boundaries", arg=("end", 1, "char")),
    _a("edit.start_word_left", "Start One Word Left", "Ctrl+Alt+Left", lambda w: w._on_boundary,
       "Edit", scope="view", section="Boundaries", arg=("start", -1, "word")),
    _a("edit.start_word_right", "Start One Word Right", "Ctrl+Alt+Right", lambda w: w._on_boundary,
       "Edit", scope="view", section="Boundaries", arg=("start", 1, "word")),
    _a("edit.end_word_left", "End One Word Left", "Ctrl+Alt+Shift+Left", lambda w: w._on_boundary,
       "Edit", scope="view", section="Boundaries", arg=("end", -1, "word")),
    _a("edit.end_word_right", "End One Word Right", "Ctrl+Alt+Shift+Right",
       lambda w: w._on_boundary,
       "Edit", scope="view", section="Boundaries", arg=("end", 1, "word")),
    # Annotate
    _a("annotate.link_actor", "&Link Mention to Actor…", "Ctrl+L", lambda w: w._on_link_actor,
       "Annotate", tip="Type an actor's name or alias for the selected mention"),
    _a("annotate.create_actor", "&Create Actor from Selection", "Ctrl+E",
       lambda w: w._on_create_actor_from_selection, "Annotate", icon="actor-add", toolbar=True,
       tip="Mark the selected text as an Actor and add it to the registry"),
    _a("annotate.unlink_actor", "&Unlink Actor", "Ctrl+Shift+L", lambda w: w._on_unlink_actor,
       "Annotate"),
    _a("annotate.actors", "Actor &Registry", "Ctrl+R", lambda w: w._on_show_actors, "Annotate",
       icon="actors", toolbar=True, separator_before=True,
       tip="Show the actor registry"),
    # Suggestions (gui/proposals.py): the window's ``proposals`` helper handles them
    _a("suggest.accept", "&Accept Suggestion and What It Links To", ("Return", "Enter"),
       lambda w: w.proposals.accept, "Annotate", scope="view", section="Suggestions",
       separator_before=True, tip="Store the suggestion at the cursor and the suggestions it "
       "links to (a quote with its speaker and cue) in your layer"),
    _a("suggest.reject", "&Reject Suggestion", "Backspace",
       lambda w: w.proposals.reject, "Annotate",
       scope="view", section="Suggestions",
       tip="Never suggest this mark again for this document"),
    _a("suggest.next", "&Next Suggestion", "Alt+N", lambda w: w.proposals.next, "Annotate",
       scope="view", section="Suggestions"),
    _a("suggest.prev", "&Previous Suggestion", "Alt+P", lambda w: w.proposals.previous,
       "Annotate", scope="view", section="Suggestions"),
    _a("suggest.accept_label", "Accept All Suggestions of This &Label", "Shift+Return",
       lambda w: w.proposals.accept_label, "Annotate", scope="view", section="Suggestions",
       tip="Accept every suggestion in this document with the label of the one at the "
       "cursor"),
    _a("suggest.refresh", "Suggest &Again", "Ctrl+Shift+R",
       lambda w: w.proposals.refresh, "Annotate",
       section="Suggestions", tip="Run the suggesters on this document again"),
    _a("suggest.train", "&Train Suggestion Model", "Ctrl+Alt+T", lambda w: w.proposals.train,
       "Annotate", section="Suggestions", tip="Learn from the done documents and the accepted "
       "and rejected suggestions (in the background)"),
    # View
    _a("view.zoom_in", "Zoom &In", ("Ctrl++", "Ctrl+="), lambda w: w.view.zoom_in, "View",
       icon="zoom-in"),
    _a("view.zoom_reset", "&Reset Zoom", "Ctrl+0", lambda w: w.view.reset_zoom, "View"),
    _a("view.zoom_out", "Zoom &Out", "Ctrl+-", lambda w: w.view.zoom_out, "View", icon="zoom-out"),
    _a("view.snap", "&Snap Selection to Words", "Ctrl+Shift+W", lambda w: w._on_toggle_snap, "View",
       checkable=True, separator_before=True),
    _a("view.theme_system", "Theme: Follow &System", "Ctrl+Alt+S",
       lambda w: w._on_theme_system, "View",
       checkable=True, separator_before=True),
    _a("view.theme_light", "Theme: &Light", "Ctrl+Alt+L", lambda w: w._on_theme_light, "View",
       checkable=True),
    _a("view.theme_dark", "Theme: &Dark", "Ctrl+Alt+D", lambda w: w._on_theme_dark, "View",
       checkable=True),
    _a("view.suggestions", "Show &Suggestions", "Ctrl+Alt+G", lambda w: w.proposals.set_visible,
       "View", checkable=True, separator_before=True, section="Suggestions"),
    _a("view.suggestion_threshold", "Suggestion &Confidence Threshold…", "Ctrl+Alt+C",
       lambda w: w.proposals.ask_threshold, "View", section="Suggestions",
       tip="Hide suggestions below this confidence"),
    _a("view.show_annotator", "Show &Annotator…", "Ctrl+Shift+H", lambda w: w._on_show_annotator,
       "View", separator_before=True,
       tip="Show another annotator's annotations read-only"),
    _a("view.hide_annotators", "&Hide Other Annotators", "Ctrl+Alt+H",
       lambda w: w._on_hide_annotators,
       "View"),
    _a("view.find", "&Find Document…", "Ctrl+F", lambda w: w._on_find_document, "View",
       separator_before=True),
    _a("view.reload", "&Reload Changes by Others", "F5", lambda w: w._on_reload, "View",
       separator_before=True,
       tip="Show what colleagues changed: actors, statuses, this document"),
    _a("view.focus_text", "Focus &Text", "Ctrl+1", lambda w: w._on_focus_text, "View"),
    _a("view.focus_table", "Focus Annotation &Table", "Ctrl+2",
       lambda w: w._on_focus_table, "View"),
    # Document
    _a("document.prev_unfinished", "&Previous Unfinished Document", "Ctrl+PgUp",
       lambda w: w._on_prev_unfinished, "Document", icon="prev-doc", toolbar=True),
    _a("document.next_unfinished", "&Next Unfinished Document", "Ctrl+PgDown",
       lambda w: w._on_next_unfinished, "Document", icon="next-doc", toolbar=True),
    _a("document.next", "Ne&xt Document", "Alt+PgDown", lambda w: w._on_next_document, "Document"),
    _a("document.prev", "P&revious Document", "Alt+PgUp",
       lambda w: w._on_prev_document, "Document"),
    _a("document.in_progress", "Mark &In Progress", "Ctrl+Shift+P",
       lambda w: w._on_mark_in_progress,
       "Document", separator_before=True),
    _a("document.done", "Mark &Done", "Ctrl+D", lambda w: w._on_mark_done, "Document",
       icon="done", toolbar=True, tip="Mark this document done"),
    _a("document.reset", "Mark &New", "Ctrl+Shift+M", lambda w: w._on_mark_new, "Document"),
    _a("document.annotator", "Switch &Annotator…", "Ctrl+Shift+N", lambda w: w._on_switch_annotator,
       "Document", separator_before=True),
    _a("document.compare", "&Compare Annotators / Adjudicate…", "Ctrl+Shift+A",
       lambda w: w._on_compare_annotators, "Document", separator_before=True,
       tip="Compare every annotator's marks and build the gold layer"),
    _a("document.progress", "Progress and A&greement…", "Ctrl+Shift+G",
       lambda w: w._on_show_progress,
       "Document", tip="Documents done over time, spans per label, agreement per label"),
    # Help
    _a("help.shortcuts", "&Keyboard Shortcuts", "F1", lambda w: w._on_show_shortcuts, "Help",
       icon="shortcuts"),
    _a("help.about", "&About Saywho", "Shift+F1", lambda w: w._on_about, "Help"),
)

ACTIONS_BY_ID = {action.id: action for action in ACTIONS}

# ------------------------------------------------------------------ comparison window

#: The comparison window's menus, in menu-bar order.
COMPARISON_MENUS = ("Edit", "Adjudicate", "Document", "Help")

#: Every key of the curator's comparison window (gui/comparison.py); the handlers are in
#: gui/comparison_keys.py (``w.keys``) and the window itself.
COMPARISON_ACTIONS: tuple[ActionDef[ComparisonWindow], ...] = (
    _a("compare.undo", "&Undo", "Ctrl+Z", lambda w: w.controller.stack.undo, "Edit"),
    _a("compare.redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), lambda w: w.controller.stack.redo,
       "Edit"),
    *(_a(f"compare.accept_{number}", f"Accept Version of Annotator {number}", str(number),
         lambda w: w.keys.accept_version, "Adjudicate", arg=number,
         tip=f"Take annotator {number}'s version of the selected row into gold")
      for number in range(1, 10)),
    _a("compare.accept_unanimous", "Accept All &Unanimous", "A",
       lambda w: w.keys.accept_all_unanimous, "Adjudicate", separator_before=True,
       tip="Copy every span and relation all annotators agree on into gold"),
    _a("compare.reject", "&Reject (Remove from Gold)", ("R", "Delete"),
       lambda w: w.keys.reject_selected, "Adjudicate"),
    _a("compare.edit", "&Edit Gold Attributes…", "E", lambda w: w.keys.edit_selected,
       "Adjudicate"),
    _a("compare.new", "&New Gold Span from Selection…", "N", lambda w: w.keys.new_gold_span,
       "Adjudicate"),
    _a("compare.next_row", "Next / Previous Row", ("Down", "Up"), None, "", scope="sheet",
       section="Adjudicate"),
    _a("compare.previous", "&Previous Document", "PgUp", lambda w: w.step_document,
       "Document", arg=-1),
    _a("compare.next", "&Next Document", "PgDown", lambda w: w.step_document, "Document",
       arg=1),
    _a("compare.done", "Mark Gold &Done / In Progress", "D", lambda w: w.keys.toggle_gold_done,
       "Document", separator_before=True),
    _a("compare.shortcuts", "&Keyboard Shortcuts", "F1", lambda w: w.show_shortcuts, "Help"),
)


def schema_actions(schema: Schema) -> list[ActionDef]:
    """The keys the project's schema declares: label keys, relabel keys, relation keys."""
    result: list[ActionDef] = []
    for label in schema.labels:
        if not label.key:
            continue
        key = label.key.upper()
        result.append(ActionDef(
            f"label.{label.name}", f"Mark as {label.name}", (key,), lambda w: w._on_label_key,
            "Annotate", scope="view", section="Labels (view focus)", arg=label.name))
        result.append(ActionDef(
            f"relabel.{label.name}", f"Change Label to {label.name}", (f"Shift+{key}",),
            lambda w: w._on_relabel_key, "", scope="view", section="Labels (view focus)",
            arg=label.name))
    label_keys = {label.key.upper() for label in schema.labels if label.key}
    for relation in schema.relations:
        if not relation.key:
            continue
        sources = " or ".join(relation.sources)
        targets = " or ".join(relation.targets)
        key = relation.key.upper()
        # a key shared with a label is dispatched by the label action (see
        # MainWindow._on_label_key): relation when a span and no text is selected
        result.append(ActionDef(
            f"relation.{relation.name}", f"Add {relation.name.capitalize()} "
            f"({sources} → {targets})…", () if key in label_keys else (key,),
            lambda w: w._on_relation_key, "Annotate",
            scope="view", section="Relations (span selected)",
            arg=relation.name, tip=f"key {key} (shared with a label)" if key in label_keys
            else ""))
        if key not in label_keys and len(relation.targets) == 1:
            # the same key with text selected (see MainWindow._relation_key_on_selection)
            text = (f"Mark Selection as {relation.name.capitalize()}: {targets} Linked to the "
                    f"Selected {sources}")
            if len(relation.sources) == 1:
                text += f"; or a New {sources}, then Pick"
            result.append(ActionDef(f"relation.{relation.name}.selection", text, (key,), None, "",
                                    scope="sheet", section="Relations (span selected)"))
    return result


def without_clashes(builtin: Iterable[ActionDef],
                    schema_defined: Iterable[ActionDef]) -> list[ActionDef]:
    """Built-in actions minus the keys a schema claims (the schema's keys win)."""
    taken = {QKeySequence(k).toString() for d in schema_defined for k in d.shortcuts}
    result = []
    for definition in builtin:
        keys = tuple(k for k in definition.shortcuts
                     if k == "Click" or QKeySequence(k).toString() not in taken)
        if keys != definition.shortcuts:
            definition = dataclasses.replace(definition, shortcuts=keys)
        result.append(definition)
    return result


def standard_icon(widget: QWidget, name: str | None, icon_dir: Any = None) -> QIcon:
    """An icon by ``QStyle`` standard pixmap name or by SVG file stem in ``icon_dir``.

    SVG icons are line drawings in ``currentColor``; they are drawn in the
    palette's text colour (and its disabled colour), so they suit both themes.
    """
    if not name:
        return QIcon()
    if name.startswith("SP_"):
        pixmap = getattr(QStyle.StandardPixmap, name, None)
        return widget.style().standardIcon(pixmap) if pixmap is not None else QIcon()
    if icon_dir is None:
        return QIcon()
    path = icon_dir / f"{name}.svg"
    if not path.exists():
        return QIcon()
    svg = path.read_bytes()
    palette = widget.palette()
    icon = QIcon()
    for mode, group in ((QIcon.Mode.Normal, QPalette.ColorGroup.Active),
                        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled)):
        color = palette.color(group, QPalette.ColorRole.WindowText).name().encode()
        for size in (20, 40):
            pixmap = QPixmap()
            pixmap.loadFromData(svg.replace(b"currentColor", color)
                                .replace(b'width="24" height="24"',
                                         f'width="{size}" height="{size}"'.encode()), "SVG")
            icon.addPixmap(pixmap, mode)
    return icon


def create_actions(window: W, definitions: Iterable[ActionDef[W]], view: QWidget,
                   icon: Callable[[str | None], QIcon]) -> dict[str, QAction]:
    """Creates the QActions, wires them to the window's handlers, adds view ones to ``view``."""
    actions: dict[str, QAction] = {}
    for definition in definitions:
        if definition.scope == "sheet" or definition.handler is None:
            continue
        action = QAction(definition.text, window)
        action.setObjectName(definition.id)
        if definition.shortcuts:
            action.setShortcuts([QKeySequence(k) for k in definition.shortcuts])
        if definition.icon:
            action.setIcon(icon(definition.icon))
        if definition.tip:
            action.setStatusTip(definition.tip)
        tooltip = definition.tip or definition.text.replace("&", "").rstrip("…")
        if definition.shortcuts:
            tooltip += f"  ({QKeySequence(definition.shortcuts[0]).toString()})"
        action.setToolTip(tooltip)
        action.setCheckable(definition.checkable)
        handler = definition.handler(window)
        if definition.arg is not None:
            arg = definition.arg
            action.triggered.connect(lambda _checked=False, h=handler, a=arg: h(a))
        elif definition.checkable:
            action.triggered.connect(handler)
        else:
            action.triggered.connect(lambda _checked=False, h=handler: h())
        if definition.scope == "view":
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            view.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
        actions[definition.id] = action
    return actions


def build_menus(menubar: QMenuBar, definitions: Iterable[ActionDef[W]],
                actions: dict[str, QAction], names: Sequence[str] = MENUS) -> dict[str, QMenu]:
    """Fills the menu bar in ``names`` order (:data:`MENUS`) from the declarations."""
    menus = {name: menubar.addMenu(f"&{name}") for name in names}
    for definition in definitions:
        if not definition.menu or definition.id not in actions:
            continue
        menu = menus[definition.menu]
        if definition.separator_before and not menu.isEmpty():
            menu.addSeparator()
        menu.addAction(actions[definition.id])
    return menus


def build_toolbar(toolbar: QToolBar, definitions: Iterable[ActionDef],
                  actions: dict[str, QAction]) -> None:
    """Adds the toolbar actions, with a separator between menus."""
    previous_menu = None
    for definition in definitions:
        if not definition.toolbar:
            continue
        if previous_menu is not None and definition.menu != previous_menu:
            toolbar.addSeparator()
        toolbar.addAction(actions[definition.id])
        previous_menu = definition.menu


def shortcut_rows(definitions: Iterable[ActionDef]) -> list[tuple[str, str, str]]:
    """(section, action text, keys) for the F1 sheet: annotation keys first, then by menu.

    The sections of :data:`ANNOTATION_SECTIONS` (labels, relations, marking
    keys such as Ctrl+') come first; within a section, declaration order.
    """
    rows = []
    listed = list(definitions)
    first = {section: index for index, section in enumerate(ANNOTATION_SECTIONS)}
    listed.sort(key=lambda d: first.get(d.group, len(first)))
    for definition in listed:
        keys = ", ".join(k if k == "Click" else
                         QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                         for k in definition.shortcuts)
        rows.append((definition.group, definition.text.replace("&", ""), keys or "—"))
    return rows
