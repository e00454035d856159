"""The Linux desktop integration: packaged files valid, per-user install and uninstall exact.

The freedesktop validators (``desktop-file-validate``, ``appstreamcli``) and
``update-mime-database`` run where installed; under ``CI=true`` a missing one is a failure
(.ci/run installs them), elsewhere the test is skipped.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from installed import png_size
from lxml import etree

import resources
from cli import desktop_entry, run
from saywho import __version__

DESKTOP = resources.path("desktop")
APP_ID = resources.APP_ID


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return found


def entry(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_the_packaged_files_pass_the_freedesktop_validators() -> None:
    result = subprocess.run([tool("desktop-file-validate"), str(DESKTOP / f"{APP_ID}.desktop")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout
    result = subprocess.run([tool("appstreamcli"), "validate", "--no-net",
                             str(DESKTOP / f"{APP_ID}.metainfo.xml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_entry_metainfo_mime_type_and_icons_agree() -> None:
    desktop = entry((DESKTOP / f"{APP_ID}.desktop").read_text(encoding="utf-8"))
    assert desktop["Icon"] == APP_ID
    assert desktop["Exec"] == "saywho %f"
    mime = etree.parse(str(DESKTOP / f"{APP_ID}.xml"))
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = mime.find("m:mime-type", ns)
    assert mime_type is not None
    assert desktop["MimeType"] == f"{mime_type.get('type')};"
    assert [g.get("pattern") for g in mime_type.findall("m:glob", ns)] == ["*.saywho"]
    meta = etree.parse(str(DESKTOP / f"{APP_ID}.metainfo.xml"))
    assert meta.findtext("id") == APP_ID
    assert meta.findtext("launchable") == f"{APP_ID}.desktop"
    assert meta.findtext("provides/mediatype") == mime_type.get("type")
    # the newest release is this version (saywho/__init__.py is the one source)
    newest = meta.find("releases/release")
    assert newest is not None and newest.get("version") == __version__
    sizes = sorted(int(p.parent.parent.name.split("x")[0])
                   for p in (DESKTOP / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.png"))
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512]
    for size in sizes:
        png = DESKTOP / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png_size(png) == (size, size)


@pytest.mark.parametrize(("argument", "written"), [
    ("/opt/saywho/bin/saywho", "/opt/saywho/bin/saywho"),
    ("/home/ann/My Tools/saywho", '"/home/ann/My Tools/saywho"'),
    ('/srv/a"b$c`d\\e', '"/srv/a\\\\"b\\\\$c\\\\`d\\\\\\\\e"'),
    ("/srv/100%/saywho", "/srv/100%%/saywho"),
])
def test_exec_arguments_are_quoted_as_the_desktop_entry_spec_says(argument: str,
                                                                  written: str) -> None:
    assert desktop_entry.exec_argument(argument) == written


def test_install_writes_the_entry_and_uninstall_removes_exactly_that(tmp_path: Path) -> None:
    home = tmp_path / "share"
    (home / "applications").mkdir(parents=True)
    theirs = home / "applications" / "other.desktop"
    theirs.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    command = ["/home/ann/My Tools/saywho"]
    written = desktop_entry.install(home, command, report=lambda _line: None)
    installed = entry((home / "applications" / f"{APP_ID}.desktop").read_text())
    assert installed["Exec"] == '"/home/ann/My Tools/saywho" %f'
    assert installed["TryExec"] == "/home/ann/My Tools/saywho"
    assert installed["MimeType"] == "application/x-saywho;"
    assert (home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").exists()
    assert len(written) == 12  # entry, MIME type, metainfo, SVG and 8 PNG sizes
    desktop_entry.install(home, command, report=lambda _line: None)  # again: replaces it
    removed = desktop_entry.uninstall(home, report=lambda _line: None)
    assert sorted(removed) == sorted(written)
    left = sorted(p.relative_to(home).as_posix() for p in home.rglob("*"))
    if shutil.which("update-desktop-database"):  # its cache lives in a folder that was there
        left.remove("applications/mimeinfo.cache")
    assert left == ["applications", "applications/other.desktop"]
    lines: list[str] = []
    assert desktop_entry.uninstall(home, report=lines.append) == []
    assert "no desktop entry installed" in lines[0]


def test_uninstall_keeps_a_file_changed_since_and_install_refuses_foreign_files(
        tmp_path: Path) -> None:
    home = tmp_path / "share"
    desktop_entry.install(home, ["/usr/bin/saywho"], report=lambda _line: None)
    metainfo = home / "metainfo" / f"{APP_ID}.metainfo.xml"
    metainfo.write_text("edited by hand")
    lines: list[str] = []
    desktop_entry.uninstall(home, report=lines.append)
    assert metainfo.read_text() == "edited by hand"
    assert any(line.startswith(f"kept {metainfo}") for line in lines)
    assert not (home / "applications" / f"{APP_ID}.desktop").exists()
    with pytest.raises(desktop_entry.SaywhoError, match=r"metainfo.*already exists and was "
                                                        r"not written by saywho"):
        desktop_entry.install(home, ["/usr/bin/saywho"], report=lambda _line: None)
    assert not (home / "applications" / f"{APP_ID}.desktop").exists()


def test_the_mime_database_maps_saywho_files_to_the_type(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``saywho --install-desktop-entry``: the refreshed MIME database knows ``*.saywho``."""
    tool("update-mime-database")
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert run(["--install-desktop-entry"]) == 0
    assert "application/x-saywho:*.saywho" in (home / "mime" / "globs2").read_text()
    installed = entry((home / "applications" / f"{APP_ID}.desktop").read_text())
    command = " ".join(desktop_entry.exec_argument(a) for a in desktop_entry.launch_command())
    assert installed["Exec"] == f"{command} %f"
    assert run(["--uninstall-desktop-entry"]) == 0
    assert not home.exists()  # the install created the data folder itself: gone again
    assert run(["--install-desktop-entry", "init", "x.saywho"]) == 2
    assert not home.exists()
