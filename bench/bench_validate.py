"""Validate benchmark: ``factbot validate`` on a hostile file against the shipped knowledge base.

Runs ``factbot validate`` as a child process, several times each, on:

* the shipped knowledge directory (the baseline), and
* a directory holding one alias bomb of under 500 bytes: nine levels of nine YAML aliases
  (9**9 = 387 million strings once expanded), used as a mapping key;

and prints the median wall time and the median peak resident memory of the child (``wait4``).

Run: ``python bench/bench_validate.py [--runs 5]``. A benchmark, not a test.
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

from bot.settings import DEFAULT_KNOWLEDGE_DIR

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.knowledge import alias_bomb  # noqa: E402


def validate(directory: Path, timeout: float) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB and exit code of one ``factbot validate DIRECTORY``."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "validate", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a run is killed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="factbot-bench-validate-") as scratch:
        bomb_dir = Path(scratch) / "knowledge"
        bomb_dir.mkdir()
        bomb = alias_bomb()
        (bomb_dir / "bomb.yaml").write_text(bomb, encoding="utf-8")
        cases = {"shipped knowledge": DEFAULT_KNOWLEDGE_DIR, f"alias bomb ({len(bomb.encode())} bytes)": bomb_dir}
        print(f"{'case':28} {'exit':>4} {'median s':>9} {'median peak MB':>15}   (runs: {args.runs})")
        for name, directory in cases.items():
            runs = [validate(directory, args.timeout) for _ in range(args.runs)]
            codes = sorted({code for _, _, code in runs})
            seconds = statistics.median(s for s, _, _ in runs)
            peak = statistics.median(m for _, m, _ in runs)
            print(f"{name:28} {','.join(map(str, codes)):>4} {seconds:9.2f} {peak:15.1f}")


if __name__ == "__main__":
    main()
