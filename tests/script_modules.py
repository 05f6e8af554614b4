"""The scripts in scripts/ as modules, so tests can call their main() and their checks."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from app.paths import ROOT


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py, imported once under its own name."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
