"""Every file format Saywho reads or writes, one module per format.

Readers turn files into :mod:`storage.records` (``plaintext``, ``html``, ``jsonl``,
``brat``, ``xmi``); writers turn a project's corpus into files (``jsonl``, ``conll``,
``hf``, ``brat``, ``xmi``, ``spacy_format``, ``tei``, ``csv_tables``). ``registry``
lists them; ``base`` and ``common`` hold what writers share, ``reading`` and
``decoding`` what readers share; ``brat_config`` is brat's configuration files.
Formats use :mod:`storage` and :mod:`text`; storage never uses formats.
"""
