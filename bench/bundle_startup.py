"""Start-up to the first window: the standalone bundle against ``python main.py``.

    python bench/bundle_startup.py dist/Saywho-<version>-linux-x86_64/Saywho [--runs 5]

Both start on the same sample project with ``gui PROJECT --screenshot``: the process starts,
opens the project, lays the window out, renders it (offscreen) and exits, which is the time
to a usable first window plus a PNG write that both pay alike. Runs alternate between the
two so that a busy machine slows both; the medians and their ratio are printed (the target
is a bundle no slower than 1.5x). The bundle's folder size is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the bundle's Saywho executable")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="saywho-startup-") as folder:
        work = Path(folder)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(QT_QPA_PLATFORM="offscreen", SAYWHO_DATA_DIR=str(work / "data"),
                   XDG_CONFIG_HOME=str(work / "config"))
        python = [sys.executable, str(ROOT / "main.py")]
        project = work / "samples.saywho"
        subprocess.run([*python, "init", str(project)], env=env, check=True,
                       capture_output=True)
        subprocess.run([*python, "import", str(project), str(ROOT / "resources" / "samples")],
                       env=env, check=True, capture_output=True)
        show = ["gui", str(project), "--annotator", "alice", "--screenshot"]
        runs: dict[str, list[float]] = {"python main.py": [], "bundle": []}
        # one warm-up each: the first run reads everything from disk
        timed([*python, *show, str(work / "warm.png")], env)
        timed([str(args.bundle), *show, str(work / "warm.png")], env)
        for _ in range(args.runs):
            runs["python main.py"].append(timed([*python, *show, str(work / "a.png")], env))
            runs["bundle"].append(timed([str(args.bundle), *show, str(work / "b.png")], env))
    medians = {name: statistics.median(times) for name, times in runs.items()}
    for name, times in runs.items():
        print(f"{name:16} median {medians[name]:5.2f} s  (runs: "
              f"{', '.join(f'{t:.2f}' for t in times)})")
    print(f"bundle / python main.py: {medians['bundle'] / medians['python main.py']:.2f}x "
          "(target <= 1.5x)")
    print(f"bundle folder: {folder_size(args.bundle.parent) / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
