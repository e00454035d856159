"""The writing side: a project (or part of it) out as files in one of :mod:`formats`.

``run`` is the export pipeline the CLI's ``export`` and File > Export call: it
reads one consistent corpus, hands it to the chosen format's writer and writes
``manifest.json``; ``splits`` makes the reproducible train/dev/test splits.
"""
