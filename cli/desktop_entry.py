"""``saywho --install-desktop-entry`` / ``--uninstall-desktop-entry``: the Linux menu entry.

Installs, for the current user under the XDG data folder (``$XDG_DATA_HOME``, by default
``~/.local/share``), the packaged freedesktop files from ``resources/desktop``: the
``.desktop`` entry (its ``Exec`` pointing at this installation), the application icon in
every packaged size, the ``application/x-saywho`` MIME type (``*.saywho``, so a double-click
opens the project) and the AppStream metainfo. Then the desktop's caches are refreshed with
``update-mime-database`` and ``update-desktop-database`` where they are installed.

Every file written and every folder created is recorded, with the file's SHA-256, in
``Saywho/desktop-entry.json`` under the data folder; uninstalling removes exactly those (a
file changed since is left in place and reported), the caches the refresh tools generated in
folders that only Saywho's files needed, and nothing else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import resources
from resources import APP_ID
from storage.errors import SaywhoError

MANIFEST = Path("Saywho") / "desktop-entry.json"
Report = Callable[[str], None]


def data_home() -> Path:
    """``$XDG_DATA_HOME`` when set to an absolute path, otherwise ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else \
        Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """The command that starts this installation of Saywho (bundle, venv script or module)."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).absolute())]
    # a venv's python is a symlink: the console script sits beside the link, not its target
    script = Path(sys.executable).absolute().parent / \
        ("saywho.exe" if sys.platform == "win32" else "saywho")
    if script.is_file():
        return [str(script)]
    return [str(Path(sys.executable).absolute()), "-m", "saywho"]


_PLAIN_ARGUMENT = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def exec_argument(argument: str) -> str:
    """One argument of a desktop entry's ``Exec`` key, quoted and escaped as the spec says.

    Inside double quotes ``"`` `````` ``$`` ``\\`` take a backslash; the string-value escape
    rule then doubles every backslash; a literal ``%`` is written ``%%``.
    """
    argument = argument.replace("%", "%%")
    if _PLAIN_ARGUMENT.fullmatch(argument):
        return argument
    quoted = re.sub(r'(["`$\\])', r"\\\1", argument)
    return '"' + quoted.replace("\\", "\\\\") + '"'


def desktop_entry_text(command: list[str]) -> str:
    """The packaged entry with ``Exec`` and ``TryExec`` pointing at ``command``."""
    text = resources.path("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exec_line = " ".join(exec_argument(a) for a in command) + " %f"
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            line = f"TryExec={command[0]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def planned_files(command: list[str]) -> dict[Path, bytes]:
    """What an install writes: path relative to the data folder -> content."""
    desktop = resources.path("desktop")
    files: dict[Path, bytes] = {
        Path("applications") / f"{APP_ID}.desktop": desktop_entry_text(command).encode(),
        Path("mime") / "packages" / f"{APP_ID}.xml": (desktop / f"{APP_ID}.xml").read_bytes(),
        Path("metainfo") / f"{APP_ID}.metainfo.xml":
            (desktop / f"{APP_ID}.metainfo.xml").read_bytes(),
        Path("icons") / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg":
            (desktop / f"{APP_ID}.svg").read_bytes(),
    }
    for png in sorted((desktop / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.png")):
        files[Path("icons") / "hicolor" / png.parent.parent.name / "apps" / png.name] = \
            png.read_bytes()
    return files


@dataclass
class Manifest:
    """What an install wrote: files (relative path -> SHA-256) and folders it created."""

    files: dict[str, str] = field(default_factory=dict)
    created_dirs: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(files=dict(data["files"]), created_dirs=list(data["created_dirs"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SaywhoError(f"{path}: cannot read the record of the desktop entry "
                              f"install ({exc})") from exc

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"files": self.files, "created_dirs": self.created_dirs},
                                   indent=2) + "\n", encoding="utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _make_dirs(home: Path, folder: Path, manifest: Manifest) -> None:
    """Creates ``folder`` (relative to ``home``) and records each level it created."""
    missing = []
    current = home / folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        created.mkdir()
        manifest.created_dirs.append(created.relative_to(home).as_posix())


def _refresh(home: Path, report: Report) -> None:
    """Lets the desktop see the change: MIME database and desktop entry cache."""
    for tool, folder in (("update-mime-database", home / "mime"),
                         ("update-desktop-database", home / "applications")):
        if not folder.is_dir():
            continue
        program = shutil.which(tool)
        if program is None:
            report(f"{tool} is not installed: the desktop picks the change up at next login")
            continue
        result = subprocess.run([program, str(folder)], capture_output=True, text=True,
                                check=False)
        if result.returncode != 0:
            report(f"{tool} {folder} failed: {result.stderr.strip()}")


def install(home: Path | None = None, command: list[str] | None = None,
            report: Report = print) -> list[Path]:
    """Installs the entry for this user; returns the files written (absolute paths).

    An earlier install is removed first. Raises:
        SaywhoError: a file in the way that Saywho did not write, or a write failed.
    """
    home = home or data_home()
    command = command or launch_command()
    manifest_path = home / MANIFEST
    if Manifest.load(manifest_path) is not None:
        uninstall(home, report=lambda _line: None)
    files = planned_files(command)
    for relative in files:
        if (home / relative).exists():
            raise SaywhoError(f"{home / relative}: already exists and was not written by "
                              "saywho --install-desktop-entry; remove it first")
    manifest = Manifest()
    written: list[Path] = []
    try:
        _make_dirs(home, MANIFEST.parent, manifest)
        for relative, content in files.items():
            _make_dirs(home, relative.parent, manifest)
            (home / relative).write_bytes(content)
            manifest.files[relative.as_posix()] = _digest(content)
            written.append(home / relative)
    except OSError as exc:
        if manifest_path.parent.is_dir():
            manifest.save(manifest_path)
        raise SaywhoError(f"{exc.filename or home}: cannot write ({exc.strerror}); "
                          "`saywho --uninstall-desktop-entry` removes what was written") from exc
    manifest.save(manifest_path)
    _refresh(home, report)
    for path in written:
        report(f"wrote {path}")
    report(f"Saywho is in the applications menu; {command[0]} opens .saywho files.")
    return written


def uninstall(home: Path | None = None, report: Report = print) -> list[Path]:
    """Removes what :func:`install` wrote; returns the files removed (absolute paths)."""
    home = home or data_home()
    manifest_path = home / MANIFEST
    manifest = Manifest.load(manifest_path)
    if manifest is None:
        report(f"no desktop entry installed by Saywho under {home} (no {manifest_path})")
        return []
    removed: list[Path] = []
    for relative, digest in manifest.files.items():
        path = home / relative
        if not path.exists():
            continue
        if _digest(path.read_bytes()) != digest:
            report(f"kept {path}: changed since Saywho installed it")
            continue
        path.unlink()
        removed.append(path)
    manifest_path.unlink()
    _refresh(home, report)
    created = set(manifest.created_dirs)
    # caches the refresh tools generated where only Saywho's files needed a folder
    if "mime" in created and not any((home / "mime" / "packages").glob("*")):
        shutil.rmtree(home / "mime")
    if "applications" in created:
        cache = home / "applications" / "mimeinfo.cache"
        if cache.exists() and [p.name for p in cache.parent.iterdir()] == [cache.name]:
            cache.unlink()
    # deepest first; the data folder itself ("."), when the install created it, last
    for relative in sorted(created, key=lambda d: len(Path(d).parts), reverse=True):
        folder = home / relative
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    for path in removed:
        report(f"removed {path}")
    return removed


def run_install(args: argparse.Namespace) -> int:
    """``saywho --install-desktop-entry``."""
    install()
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    """``saywho --uninstall-desktop-entry``."""
    uninstall()
    return 0
