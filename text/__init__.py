"""Qt-free text helpers every layer may use: offsets between units, tokens, selections.

``offsets`` converts code points, UTF-16 units and UTF-8 bytes; ``tokenize`` is
the tokeniser and sentence splitter of the token-level formats and of agreement;
``selection`` snaps selections to words and finds quotation contents;
``encodings`` is the one table of byte-order marks; ``names`` keeps file names
readable and safe to print.
This package imports nothing else of Saywho but the error vocabulary
(:mod:`storage.errors`, which imports nothing).
"""
