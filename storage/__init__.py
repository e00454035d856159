"""The database and the domain, Qt-free: what a project holds and the rules it keeps.

``project`` is the API every caller uses (open, read, apply an edit); ``edits``
are the validated, undoable operations and ``operations`` the rules that span
several; ``schema`` reads the XML annotation schema and ``vocabulary`` declares
the domain's words once; ``models``/``db`` are the tables and the engine
(migrations under ``migrations/``); ``importing`` stores what readers produced,
``corpus`` reads for exports, ``consistency``/``check`` verify, ``adjudication``
builds the gold layer, ``backup`` copies SQLite files. Imports only :mod:`text`.
"""
