"""The Qt layer: windows and widgets over the storage API, no SQL, no format code.

``app`` starts the application; ``main_window`` is the annotation window and
``comparison`` the adjudication window; ``text_view``, ``document_list``,
``annotation_table``, ``schema_panel``, ``actors`` are its parts. Every action is
declared once in ``actions``, every remembered setting in ``preferences``;
``undo`` adapts the core's edits to Qt's undo stack, ``workers`` runs imports and
exports in the background, ``theme`` holds the palettes, ``dialogs/`` the dialogs.
"""
