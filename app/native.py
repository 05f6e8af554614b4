"""The engine's compiled modules: used only while they match the sources exactly.

`make native` (scripts/build_native.py) compiles the engine's modules with mypyc into
build/native/, with a manifest of the SHA-256 of each source it compiled and the Python it
compiled for. On import, the engine uses them only when the manifest matches this Python
and every one of those sources as they are now; otherwise (no compiler, an edited file, a
different Python, WEFRAME_PURE=1) it runs the same modules as plain Python. So an edit is
never hidden by an old build: it only makes the engine slower until the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from types import ModuleType

from app.paths import BUILD_DIR

NATIVE_DIR = BUILD_DIR / "native"
MANIFEST = NATIVE_DIR / "manifest.json"


def build_tag() -> str:
    """What a build is only good for: this interpreter's ABI."""
    return f"{sys.implementation.cache_tag}-{sys.platform}-{sys.maxsize.bit_length() + 1}bit"


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compiled_status(package: ModuleType) -> str:
    """Why the package's compiled modules can or cannot be used: "ok" or a reason."""
    if os.environ.get("WEFRAME_PURE", "") not in ("", "0"):
        return "WEFRAME_PURE is set"
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not built (make native)"
    except (OSError, ValueError):
        return "the build's manifest is unreadable"
    if not isinstance(manifest, dict) or manifest.get("tag") != build_tag():
        return "built for another Python"
    modules = manifest.get("modules")
    if not isinstance(modules, dict) or not modules:
        return str(manifest.get("error") or "the build failed")
    folder = Path(package.__file__ or "").parent
    prefix = package.__name__ + "."
    for name, digest in modules.items():
        if not isinstance(name, str) or not name.startswith(prefix):
            return "the build's manifest names another package"
        try:
            if source_digest(folder / f"{name[len(prefix) :]}.py") != digest:
                return f"{name} changed since the build"
        except OSError:
            return f"{name} is missing"
    return "ok"


def use_compiled(package: ModuleType) -> bool:
    """Put the compiled modules of package first on its search path, when they may be used
    (see compiled_status). Call it from the package's __init__ before importing them."""
    if compiled_status(package) != "ok":
        return False
    where = NATIVE_DIR.joinpath(*package.__name__.split("."))
    package.__path__.insert(0, str(where))  # its modules are found there first
    if str(NATIVE_DIR) not in sys.path:
        sys.path.append(str(NATIVE_DIR))  # the runtime library mypyc shares between them
    return True
