"""Saywho used as shipped: runs an installed ``saywho`` (a wheel's console script, or the
bundle's ``Saywho`` executable) from a folder outside the checkout and checks what it wrote.

Used by tests/test_install.py (the wheel in a fresh virtual environment) and by
``make bundle-test`` (``python tests/installed.py dist/Saywho-<version>-linux-x86_64/Saywho``).
Each step prints its wall time. Inputs are two of the packaged sample articles, copied into
the work folder as a user's own files would be.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
TXT = "05-ardova-conditions.txt"
HTML = "04-assembly-emergency-session.html"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: the formats checked as shipped (spacy needs the `spacy` extra; jsonl is checked apart)
EXPORT_FORMATS = ("xmi", "tei", "conll", "brat", "csv", "hf")
_TEXT = "Ardova speaks\n\nSelene Ardova said: \u201cWe will return to the talks.\u201d"
_ACTOR = _TEXT.index("Selene Ardova")
_QUOTE = _TEXT.index("\u201cWe")
#: one document annotated by alice: an actor, a quote and the quote's speaker relation
ANNOTATED = {
    "id": "ardova-speaks", "title": "Ardova speaks", "text": _TEXT,
    "annotations": [{
        "annotator": "alice", "status": "done",
        "spans": [
            {"id": "s1", "label": "Actor", "start": _ACTOR, "end": _ACTOR + 13,
             "text": "Selene Ardova", "attributes": {}},
            {"id": "s2", "label": "Quote", "start": _QUOTE, "end": len(_TEXT),
             "text": _TEXT[_QUOTE:], "attributes": {}},
        ],
        "relations": [{"id": "r1", "type": "speaker", "source": "s2", "target": "s1",
                       "attributes": {}}],
    }],
}


class InstallCheckError(AssertionError):
    """The installed program did not do what a user asked of it."""


def version() -> str:
    """The version in the checkout (saywho/__init__.py), read without importing it."""
    namespace: dict[str, object] = {}
    exec((ROOT / "saywho" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return str(namespace["__version__"])


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment without anything that points Python at the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra or {})
    return env


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise InstallCheckError(f"{path}: not a PNG")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def check_installed(command: Sequence[str], workdir: Path,
                    env: Mapping[str, str] | None = None) -> dict[str, float]:
    """Runs ``--version``, init, import, check, export --format jsonl, an annotated import
    exported in every format needing no extra (:data:`EXPORT_FORMATS`) and gui --screenshot
    in ``workdir``; raises :class:`InstallCheckError` on the first wrong result (a
    complaint on stderr counts).

    Returns the wall time of each step in seconds.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    program = Path(command[0])
    if program.parent != Path() and program.exists():  # a path: run it from any folder
        command = [str(program.absolute()), *command[1:]]  # not resolve(): a venv symlink
    environment = clean_env({"SAYWHO_DATA_DIR": str(workdir / "data"),
                             "XDG_CONFIG_HOME": str(workdir / "config"), **(env or {})})
    timings: dict[str, float] = {}

    def run(step: str, *args: str) -> str:
        started = time.perf_counter()
        result = subprocess.run([*command, *args], cwd=workdir, env=environment,
                                capture_output=True, text=True, timeout=600, check=False)
        timings[step] = time.perf_counter() - started
        if result.returncode != 0:
            raise InstallCheckError(f"`saywho {' '.join(args)}` exited {result.returncode}:\n"
                                    f"{result.stdout}\n{result.stderr}")
        # e.g. "trafilatura failed (No option ...)": a library's data file left behind
        if "failed" in result.stderr or "Traceback" in result.stderr:
            raise InstallCheckError(f"`saywho {' '.join(args)}` complained:\n{result.stderr}")
        return result.stdout

    shown = run("version", "--version").strip()
    if shown != f"saywho {version()}":
        raise InstallCheckError(f"--version printed {shown!r}, not 'saywho {version()}'")

    project = workdir / "corpus.saywho"
    run("init", "init", str(project))
    if project.read_bytes()[:16] != SQLITE_MAGIC:
        raise InstallCheckError(f"{project}: init did not write a SQLite project")

    for name in (TXT, HTML):
        shutil.copyfile(SAMPLES / name, workdir / name)
    said = run("import", "import", str(project), str(workdir / TXT), str(workdir / HTML))
    if "2 documents imported from 2 files" not in said:
        raise InstallCheckError(f"import said {said!r}")
    run("check", "check", str(project))

    out = workdir / "jsonl"
    run("export jsonl", "export", str(project), "--format", "jsonl", "--out", str(out))
    documents = [json.loads(line) for line in
                 (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {d["id"]: d for d in documents}
    txt = by_id.get(Path(TXT).stem)
    if len(documents) != 2 or txt is None:
        raise InstallCheckError(f"{out}/documents.jsonl: ids {sorted(by_id)}")
    original = (SAMPLES / TXT).read_text(encoding="utf-8")
    if txt["text"] != original.strip() or txt["title"] != original.splitlines()[0]:
        raise InstallCheckError(f"{out}/documents.jsonl: {TXT} came back changed")
    html = by_id[Path(HTML).stem]
    if "cookie" in html["text"].lower() or len(html["text"]) < 500:
        raise InstallCheckError(f"{HTML}: the page's clutter was not removed, or its "
                                "article text was lost")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("saywho_version") != version():
        raise InstallCheckError(f"{out}/manifest.json: saywho_version "
                                f"{manifest.get('saywho_version')!r}")

    # annotations made elsewhere (the native JSON Lines), then every format that needs no
    # optional extra: each must write its files and count what it wrote
    annotated = workdir / "annotated.jsonl"
    annotated.write_text(json.dumps(ANNOTATED, ensure_ascii=False) + "\n", encoding="utf-8")
    said = run("import annotated", "import", str(project), str(annotated))
    if "2 spans, 1 relations" not in said:
        raise InstallCheckError(f"import of {annotated.name} said {said!r}")
    for name in EXPORT_FORMATS:
        folder = workdir / name
        said = run(f"export {name}", "export", str(project), "--format", name,
                   "--out", str(folder))
        written = [p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"]
        if "2 spans, 1 relation" not in said or not written:
            raise InstallCheckError(f"export --format {name} said {said!r} and wrote "
                                    f"{sorted(p.name for p in written)}")
        if not any("Ardova" in p.read_text(encoding="utf-8", errors="replace")
                   for p in written):
            raise InstallCheckError(f"{folder}: no exported file holds the annotated text")

    shot = workdir / "window.png"
    run("gui --screenshot", "gui", str(project), "--screenshot", str(shot),
        "--annotator", "alice", "--size", "1200x800")
    if png_size(shot) != (1200, 800) or shot.stat().st_size < 20_000:
        raise InstallCheckError(f"{shot}: {png_size(shot)}, {shot.stat().st_size} bytes")
    return timings


def main(argv: Sequence[str]) -> int:
    """``python tests/installed.py COMMAND...``: checks that command in a temporary folder."""
    if not argv:
        print("usage: python tests/installed.py SAYWHO_COMMAND [ARG...]", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="saywho-installed-") as folder:
        try:
            timings = check_installed(list(argv), Path(folder))
        except InstallCheckError as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    for step, seconds in timings.items():
        print(f"{step:18} {seconds:6.2f} s")
    print(f"ok: {' '.join(argv)} works as shipped ({sum(timings.values()):.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
