"""Where the shipped data lives, and where the tools put what they build."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BUILD_DIR = ROOT / "build"  # made by the tools, never committed: the compiled engine, caches
