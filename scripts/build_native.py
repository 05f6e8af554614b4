#!/usr/bin/env python3
"""Compile the engine's modules with mypyc into build/native/ (see app/native.py).

The engine runs as plain Python without this; compiled, the same code runs about a quarter
faster. A build that fails (no C compiler, say) leaves a manifest saying so, prints why,
and exits 0: the engine then stays plain Python. Usage: python scripts/build_native.py
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.native import MANIFEST, NATIVE_DIR, build_tag, source_digest  # noqa: E402

PACKAGE = ROOT / "app" / "engine"
SKIP = {"__init__.py"}  # the package itself stays Python: it decides whether to use the build


def sources() -> list[Path]:
    return sorted(path for path in PACKAGE.glob("*.py") if path.name not in SKIP)


def write_manifest(payload: dict[str, object]) -> bool:
    """Write the manifest (atomically: readers see the old one or the new one, never half);
    False when it cannot be written (a read-only checkout): the engine then stays plain Python,
    since without a manifest that matches, no build is used."""
    try:
        NATIVE_DIR.mkdir(parents=True, exist_ok=True)
        partial = MANIFEST.with_suffix(".tmp")
        partial.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        partial.replace(MANIFEST)
    except OSError as exc:
        print(f"cannot write {MANIFEST}: {exc.strerror}; the engine stays plain Python", file=sys.stderr)
        return False
    return True


def build(files: list[Path]) -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    with tempfile.TemporaryDirectory(prefix="weframe-native-") as work:
        relative = [str(path.relative_to(ROOT)) for path in files]
        os.chdir(ROOT)  # mypyc names modules by their path from here
        extensions = mypycify(relative, opt_level="3", multi_file=True, target_dir=str(Path(work) / "c"))
        out = Path(work) / "lib"
        with contextlib.redirect_stdout(sys.stderr):
            setup(
                name="weframe-native",
                ext_modules=extensions,
                script_args=[
                    "--quiet",
                    "build_ext",
                    "--parallel",
                    str(os.cpu_count() or 1),
                    "--build-lib",
                    str(out),
                    "--build-temp",
                    work,
                ],
            )
        if NATIVE_DIR.exists():
            shutil.rmtree(NATIVE_DIR)
        shutil.copytree(out, NATIVE_DIR)


def main() -> None:
    files = sources()
    digests = {f"app.engine.{path.stem}": source_digest(path) for path in files}
    try:
        build(files)
    except (Exception, SystemExit) as exc:  # setuptools reports a failed compile as SystemExit
        reason = f"{type(exc).__name__}: {exc}"[:300]
        print(f"native build failed, the engine stays plain Python ({reason})", file=sys.stderr)
        write_manifest({"tag": build_tag(), "modules": {}, "error": f"build failed: {reason}"})
        return
    # The digests were taken before compiling: a file edited meanwhile will not match.
    if write_manifest({"tag": build_tag(), "modules": digests}):
        print(f"compiled {len(files)} engine modules into {NATIVE_DIR.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
