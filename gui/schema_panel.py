"""The schema panel (right): label buttons, and the editor of the selected span.

Everything shown is built from the project's schema: one button per label
with its colour and key, one editor per attribute (enum -> combo box,
boolean -> check box, text -> line edit), the span's relations with their
targets, the relation types it may still get, and the actor link for labels
that take one. The panel only emits signals; the main window turns them into
undoable edits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.annotation_table import covered_text
from storage.schema import AttributeDef, Schema
from storage.views import EntityView, RelationView, SpanView
from storage.vocabulary import ValueType

ENTITY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
Layout = TypeVar("Layout", bound=QLayout)


def swatch_icon(color: str, size: int = 12) -> QIcon:
    """A small rounded colour square for buttons and lists."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def _bare_box(layout_class: type[Layout], spacing: int) -> tuple[QWidget, Layout]:
    """A plain widget and its layout of ``layout_class``, without margins."""
    box = QWidget()
    layout = layout_class(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    return box, layout


def _section_title(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("sectionTitle")
    return label


class SchemaPanel(QScrollArea):
    """Label buttons and the selected span's editor.

    Signals:
        labelClicked(str): a label button was clicked.
        attributeEdited(str, object): an attribute editor changed (name, value or None).
        relationRequested(str): a relation-type button was clicked.
        relationTargetClicked(int): jump to the target span of a relation.
        relationDeleteRequested(int): the relation's remove button.
        entityChosen(int): an actor was picked for the mention.
        createActorRequested(): "create actor from the mention".
        unlinkRequested(): remove the actor link.
    """

    labelClicked = Signal(str)
    attributeEdited = Signal(str, object)
    relationRequested = Signal(str)
    relationTargetClicked = Signal(int)
    relationDeleteRequested = Signal(int)
    entityChosen = Signal(int)
    createActorRequested = Signal()
    unlinkRequested = Signal()

    def __init__(self, schema: Schema, find_entities: Callable[[str], list[EntityView]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schemaPanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._find_entities = find_entities
        self.schema = schema
        self._span: SpanView | None = None
        self._updating = False
        self.label_buttons: dict[str, QPushButton] = {}
        self.relation_buttons: dict[str, QPushButton] = {}
        self.attribute_editors: dict[str, QWidget] = {}

        body = QWidget()
        body.setObjectName("schemaPanelBody")
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(12, 10, 12, 12)
        self._layout.setSpacing(8)
        self.setWidget(body)

        self._layout.addWidget(_section_title("Labels"))
        self._labels_box, self._labels_grid = _bare_box(QGridLayout, 6)
        self._layout.addWidget(self._labels_box)

        self._hint = QLabel()
        self._hint.setObjectName("hint")
        self._hint.setWordWrap(True)
        self._layout.addWidget(self._hint)

        # --- the selected span
        self._span_box = QFrame()
        self._span_box.setObjectName("spanBox")
        span_layout = QVBoxLayout(self._span_box)
        span_layout.setContentsMargins(0, 6, 0, 0)
        span_layout.setSpacing(8)
        self._span_title = QLabel()
        self._span_title.setObjectName("spanTitle")
        self._span_text = QLabel()
        self._span_text.setObjectName("spanText")
        self._span_text.setWordWrap(True)
        self._span_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        span_layout.addWidget(self._span_title)
        span_layout.addWidget(self._span_text)

        self._attributes_title = _section_title("Attributes")
        span_layout.addWidget(self._attributes_title)
        self._attributes_box, self._attributes_form = _bare_box(QFormLayout, 6)
        self._attributes_form.setHorizontalSpacing(10)
        self._attributes_form.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        span_layout.addWidget(self._attributes_box)

        # actor link
        self._entity_title = _section_title("Actor")
        span_layout.addWidget(self._entity_title)
        self._entity_box, entity_layout = _bare_box(QVBoxLayout, 6)
        linked_row = QHBoxLayout()
        linked_row.setSpacing(6)
        self.entity_label = QLabel()
        self.entity_label.setObjectName("entityLabel")
        self.entity_label.setWordWrap(True)
        self.unlink_button = QToolButton()
        self.unlink_button.setText("Unlink")
        self.unlink_button.setToolTip("Remove the link to the actor (Ctrl+Shift+L)")
        linked_row.addWidget(self.entity_label, 1)
        linked_row.addWidget(self.unlink_button)
        entity_layout.addLayout(linked_row)
        self.entity_edit = QLineEdit()
        self.entity_edit.setObjectName("entityEdit")
        self.entity_edit.setPlaceholderText("Link to actor: type a name or alias…")
        self.entity_edit.setClearButtonEnabled(True)
        self.completion_model = QStandardItemModel(self)
        self.completer = QCompleter(self.completion_model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.entity_edit.setCompleter(self.completer)
        entity_layout.addWidget(self.entity_edit)
        self.create_actor_button = QPushButton("Create actor from mention")
        self.create_actor_button.setObjectName("createActor")
        self.create_actor_button.setToolTip("Add this mention's text to the registry and "
                                            "link it (Ctrl+E)")
        entity_layout.addWidget(self.create_actor_button)
        span_layout.addWidget(self._entity_box)

        # relations
        self._relations_title = _section_title("Relations")
        span_layout.addWidget(self._relations_title)
        self._relations_box, self._relations_layout = _bare_box(QVBoxLayout, 4)
        span_layout.addWidget(self._relations_box)
        self._add_relation_box, self._add_relation_layout = _bare_box(QHBoxLayout, 6)
        span_layout.addWidget(self._add_relation_box)
        self._keys_hint = QLabel(
            "<b>Shift</b>+label key: change label · <b>F</b>: add selection as fragment · "
            "<b>Alt</b>+←/→: move start · <b>Alt+Shift</b>+←/→: move end (with <b>Ctrl</b>: "
            "by word) · <b>Del</b>: delete · <b>F1</b>: all keys")
        self._keys_hint.setObjectName("hint")
        self._keys_hint.setWordWrap(True)
        span_layout.addSpacing(6)
        span_layout.addWidget(self._keys_hint)

        self._layout.addWidget(self._span_box)
        self._layout.addStretch(1)

        self.entity_edit.textEdited.connect(self._on_entity_text_edited)
        self.entity_edit.returnPressed.connect(self._on_entity_return)
        # the QModelIndex overload of activated; the stubs do not type overload indexing
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._on_completion_activated)
        self.unlink_button.clicked.connect(self.unlinkRequested)
        self.create_actor_button.clicked.connect(self.createActorRequested)

        self.set_schema(schema)
        self.show_span(None)

    # ------------------------------------------------------------------ API

    def set_schema(self, schema: Schema) -> None:
        """Rebuilds the label buttons from a schema."""
        self.schema = schema
        while self._labels_grid.count():
            item = self._labels_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.label_buttons = {}
        for position, label in enumerate(schema.labels):
            key = f"  {label.key.upper()}" if label.key else ""
            button = QPushButton(f"{label.name}{key}")
            button.setObjectName(f"label_{label.name}")
            button.setIcon(swatch_icon(label.color))
            button.setIconSize(QSize(12, 12))
            button.setToolTip(f"{label.description.strip()}\n\nSelect text, then press "
                              f"{label.key.upper() if label.key else 'this button'}."
                              if label.description else label.name)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setProperty("labelColor", label.color)
            button.setStyleSheet(f"QPushButton {{ text-align: left; padding: 5px 8px; "
                                 f"border-left: 3px solid {label.color}; }}")
            button.clicked.connect(lambda _c=False, name=label.name: self.labelClicked.emit(name))
            self._labels_grid.addWidget(button, position // 2, position % 2)
            self.label_buttons[label.name] = button

    def show_span(self, span: SpanView | None, text: str = "",
                  relations: Sequence[RelationView] = (),
                  spans_by_id: Mapping[int, SpanView] | None = None,
                  entities: Mapping[int, EntityView] | None = None,
                  readonly: bool = False) -> None:
        """Shows the editor for ``span`` (None: only the label buttons and a hint)."""
        self._span = span
        spans_by_id = spans_by_id or {}
        entities = entities or {}
        if span is None:
            self._span_box.hide()
            self._hint.setText("Select text and press a label's key, or click a span to "
                               "edit it. F1 lists every key.")
            self._hint.show()
            return
        self._hint.hide()
        self._span_box.show()
        label = self.schema.label(span.label)
        color = label.color if label is not None else "#888888"
        owner = " (read-only)" if readonly else ""
        self._span_title.setText(
            f"<span style='color:{color}; font-size:16px'>■</span>&nbsp;"
            f"<b>{span.label}</b>{owner}")
        shown = covered_text(text, span.fragments)
        if len(shown) > 280:
            shown = shown[:277] + "…"
        self._span_text.setText(f"“{shown}”")
        self._span_text.setToolTip(f"{len(span.fragments)} fragment(s): " + ", ".join(
            f"{a}–{b}" for a, b in span.fragments))
        self._build_attributes(span, readonly)
        self._build_entity(span, label is not None and label.entity, entities, readonly)
        self._build_relations(span, relations, spans_by_id, entities, text, readonly)

    @property
    def span(self) -> SpanView | None:
        return self._span

    def focus_entity_edit(self) -> bool:
        """Puts the cursor in the actor field; False when the span takes no actor."""
        if self._span is None or not self._entity_box.isVisible() or \
                not self.entity_edit.isEnabled():
            return False
        self.entity_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.entity_edit.selectAll()
        self._refresh_completions(self.entity_edit.text())
        return True

    # ------------------------------------------------------------- builders

    def _clear(self, layout: QFormLayout | QVBoxLayout | QHBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            if item is None:
                continue
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _build_attributes(self, span: SpanView, readonly: bool) -> None:
        self._updating = True
        self._clear(self._attributes_form)
        self.attribute_editors = {}
        label = self.schema.label(span.label)
        definitions: tuple[AttributeDef, ...] = label.attributes if label is not None else ()
        for definition in definitions:
            editor = self._attribute_editor(definition, span.attributes.get(definition.name))
            editor.setEnabled(not readonly)
            editor.setObjectName(f"attr_{definition.name}")
            if definition.description:
                editor.setToolTip(definition.description)
            self._attributes_form.addRow(f"{definition.name}:", editor)
            self.attribute_editors[definition.name] = editor
        self._attributes_title.setVisible(bool(definitions))
        self._attributes_box.setVisible(bool(definitions))
        self._updating = False

    def _attribute_editor(self, definition: AttributeDef, value: Any) -> QWidget:
        name = definition.name
        if definition.type == ValueType.ENUM:
            combo = QComboBox()
            if not definition.required:
                combo.addItem("—", None)
            for allowed in definition.values:
                combo.addItem(allowed, allowed)
                described = definition.value_descriptions.get(allowed)
                if described:
                    combo.setItemData(combo.count() - 1, described,
                                      Qt.ItemDataRole.ToolTipRole)
            at = combo.findData(value)
            combo.setCurrentIndex(max(at, 0))
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, n=name: self._emit_attribute(n, c.currentData()))
            return combo
        if definition.type == ValueType.BOOLEAN:
            check = QCheckBox()
            check.setChecked(bool(value))
            check.toggled.connect(lambda checked, n=name: self._emit_attribute(n, checked))
            return check
        line = QLineEdit()
        line.setText("" if value is None else str(value))
        line.editingFinished.connect(
            lambda l_=line, n=name: self._emit_attribute(n, l_.text() or None))
        return line

    def _emit_attribute(self, name: str, value: Any) -> None:
        if self._updating or self._span is None:
            return
        if self._span.attributes.get(name) == value:
            return
        self.attributeEdited.emit(name, value)

    def _build_entity(self, span: SpanView, takes_entity: bool,
                      entities: Mapping[int, EntityView], readonly: bool) -> None:
        self._entity_title.setVisible(takes_entity)
        self._entity_box.setVisible(takes_entity)
        if not takes_entity:
            return
        entity = entities.get(span.entity_id) if span.entity_id is not None else None
        if entity is not None:
            aliases = f" — also {', '.join(entity.aliases)}" if entity.aliases else ""
            self.entity_label.setText(f"<b>{entity.name}</b> <span style='opacity:.7'>"
                                      f"({entity.kind}){aliases}</span>")
        else:
            self.entity_label.setText("<i>Not linked to an actor</i>")
        self.unlink_button.setVisible(entity is not None and not readonly)
        self.entity_edit.setEnabled(not readonly)
        self.create_actor_button.setEnabled(not readonly)
        self.create_actor_button.setVisible(entity is None)
        self.entity_edit.clear()

    def _build_relations(self, span: SpanView, relations: Sequence[RelationView],
                         spans_by_id: Mapping[int, SpanView],
                         entities: Mapping[int, EntityView], text: str,
                         readonly: bool) -> None:
        self._clear(self._relations_layout)
        self._clear(self._add_relation_layout)
        self.relation_buttons = {}
        rows = 0
        for relation in relations:
            if span.id not in (relation.source_id, relation.target_id):
                continue
            outgoing = relation.source_id == span.id
            other = spans_by_id.get(relation.target_id if outgoing else relation.source_id)
            if other is None:
                continue
            entity = entities.get(other.entity_id) if other.entity_id else None
            shown = covered_text(text, other.fragments)
            if len(shown) > 48:
                shown = shown[:45] + "…"
            if entity is not None and entity.name != shown:
                shown = f"{shown} = {entity.name}"
            arrow = "→" if outgoing else "←"
            row, row_layout = _bare_box(QHBoxLayout, 4)
            jump = QPushButton(f"{relation.type} {arrow} {other.label}: {shown}")
            jump.setObjectName(f"relation_{relation.id}")
            jump.setFlat(True)
            jump.setStyleSheet("QPushButton { text-align: left; padding: 3px 4px; }")
            jump.setToolTip("Go to this span")
            jump.setCursor(Qt.CursorShape.PointingHandCursor)
            jump.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            jump.clicked.connect(lambda _c=False, o=other.id: self.relationTargetClicked.emit(o))
            row_layout.addWidget(jump, 1)
            if not readonly:
                remove = QToolButton()
                remove.setText("✕")
                remove.setToolTip("Remove this relation")
                remove.setAutoRaise(True)
                remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                remove.clicked.connect(
                    lambda _c=False, r=relation.id: self.relationDeleteRequested.emit(r))
                row_layout.addWidget(remove)
            self._relations_layout.addWidget(row)
            rows += 1
        available = [] if readonly else self.available_relations(span, relations)
        for definition in available:
            key = f"  {definition.key.upper()}" if definition.key else ""
            button = QPushButton(f"+ {definition.name}{key}")
            button.setObjectName(f"add_{definition.name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{definition.description.strip()}\n\nPress "
                              f"{definition.key.upper() if definition.key else ''} in the text "
                              "to pick the target.")
            button.clicked.connect(
                lambda _c=False, n=definition.name: self.relationRequested.emit(n))
            self._add_relation_layout.addWidget(button)
            self.relation_buttons[definition.name] = button
        self._add_relation_layout.addStretch(1)
        self._relations_title.setVisible(rows > 0 or bool(available))
        self._relations_box.setVisible(rows > 0)
        self._add_relation_box.setVisible(bool(available))

    def available_relations(self, span: SpanView, relations: Sequence[RelationView]) -> list:
        """Relation types this span may still be the source of (cardinality left)."""
        result = []
        for definition in self.schema.relations_from(span.label):
            used = sum(1 for r in relations if r.source_id == span.id and
                       r.type == definition.name)
            if definition.max_per_source is None or used < definition.max_per_source:
                result.append(definition)
        return result

    # ------------------------------------------------------------- handlers

    def _refresh_completions(self, text: str) -> None:
        self.completion_model.clear()
        for entity in self._find_entities(text):
            for name in (entity.name, *entity.aliases):
                shown = name if name == entity.name else f"{name} → {entity.name}"
                item = QStandardItem(shown)
                item.setData(entity.id, ENTITY_ID_ROLE)
                item.setToolTip(f"{entity.name} ({entity.kind})")
                self.completion_model.appendRow(item)

    def _on_entity_text_edited(self, text: str) -> None:
        self._refresh_completions(text)
        self.completer.setCompletionPrefix(text)
        if text:
            self.completer.complete()

    def _on_completion_activated(self, index: QModelIndex) -> None:
        entity_id = index.data(ENTITY_ID_ROLE)
        if entity_id is not None:
            self.entityChosen.emit(int(entity_id))

    def _on_entity_return(self) -> None:
        text = self.entity_edit.text().strip()
        if not text:
            return
        popup = self.completer.popup()
        if popup is not None and popup.isVisible() and popup.currentIndex().isValid():
            return  # the completer handles it
        candidates = self._find_entities(text)
        folded = text.casefold().split(" → ")[0]
        for entity in candidates:
            if folded in (n.casefold() for n in (entity.name, *entity.aliases)):
                self.entityChosen.emit(entity.id)
                return
        if candidates:
            self.entityChosen.emit(candidates[0].id)
