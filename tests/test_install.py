"""Saywho installed from its wheel, as an annotator installs it: no checkout in sight.

Builds the sdist and, from it, the wheel (``python -m build``: the wheel only has what the
sdist carried), installs the wheel into a new virtual environment in a temporary folder
and runs the installed ``saywho`` there (tests/installed.py: init, import of two sample
articles, check, export --format jsonl, gui --screenshot; results read back). Dependencies
come from the registry through pip's cache, so a second run installs without downloading.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from installed import ROOT, check_installed, clean_env, version

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=clean_env(),
                            capture_output=True, text=True, timeout=1800, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, args))}:\n{result.stdout}\n" \
                                   f"{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin folder of a fresh virtual environment with Saywho's wheel installed."""
    folder = tmp_path_factory.mktemp("wheel-install")
    assert not folder.is_relative_to(ROOT)
    dist = folder / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, ROOT, cwd=folder)
    wheel = dist / f"saywho-{version()}-py3-none-any.whl"
    assert wheel.exists(), sorted(p.name for p in dist.iterdir())
    assert (dist / f"saywho-{version()}.tar.gz").exists()
    env = folder / "venv"
    venv.create(env, with_pip=True)
    bin_dir = env / ("Scripts" if sys.platform == "win32" else "bin")
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        wheel, cwd=folder)
    yield bin_dir


def test_the_wheel_works_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    timings = check_installed([str(installed / "saywho")], tmp_path / "work")
    assert set(timings) >= {"init", "import", "export jsonl", "gui --screenshot"}


def test_package_data_comes_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    probe = ("import resources, storage.db, storage.schema, formats.tei, saywho\n"
             "import text, ingest, charts, export.run, agreement, cli, gui  # every package\n"
             "print(resources.path('samples', '01-varnay-warns-ostmere.txt'))\n"
             "print(storage.schema.XSD_PATH)\nprint(formats.tei.SCHEMA_PATH)\n"
             "print(storage.db.MIGRATIONS_DIR / 'versions')\nprint(saywho.__file__)\n")
    paths = [Path(p) for p in run(installed / "python", "-c", probe, cwd=tmp_path).split()]
    environment = installed.parent.resolve()
    for path in paths:
        assert path.resolve().is_relative_to(environment), path
        assert path.exists(), path
    assert any(p.name.startswith("0001") for p in paths[3].iterdir())
    said = run(installed / "python", "-m", "saywho", "--version", cwd=tmp_path)
    assert said.strip() == f"saywho {version()}"


def test_the_installed_desktop_entry_starts_this_installation(installed: Path,
                                                              tmp_path: Path) -> None:
    home = tmp_path / "share"
    home.mkdir()
    env = {"XDG_DATA_HOME": str(home)}
    result = subprocess.run([str(installed / "saywho"), "--install-desktop-entry"],
                            cwd=tmp_path, env=clean_env(env), capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    entry = (home / "applications" / "org.saywho.Saywho.desktop").read_text(encoding="utf-8")
    assert f"Exec={installed / 'saywho'} %f" in entry.splitlines()
    assert (home / "icons" / "hicolor" / "48x48" / "apps" / "org.saywho.Saywho.png").exists()
    result = subprocess.run([str(installed / "saywho"), "--uninstall-desktop-entry"],
                            cwd=tmp_path, env=clean_env(env), capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == []
