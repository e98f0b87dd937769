"""Shared fixtures: the repository, the command-line tools to compare with, and helpers."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> Path:
    """A release binary of the crate: $STANCE_BIN_DIR/NAME, else target/release/NAME (built by `cargo build --release`)."""
    path = Path(os.environ.get("STANCE_BIN_DIR", ROOT / "target" / "release")) / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `cargo build --release` (or set STANCE_BIN_DIR)")
    return path


def run(args: "list[object]", check: bool = True) -> subprocess.CompletedProcess:
    """Runs a command from the repository root, capturing its output as text."""
    p = subprocess.run([str(a) for a in args], cwd=ROOT, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}: {p.stderr}")
    return p


def jsonl(text: str) -> "list[dict]":
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def shared() -> Path:
    """The read-only shared data folder ($SHARED, else ../shared beside the repository)."""
    path = Path(os.environ.get("SHARED", ROOT.parent / "shared")).resolve()
    if not path.is_dir():
        pytest.fail(f"the shared data folder {path} is missing (set SHARED)")
    return path


@pytest.fixture(scope="session")
def stance_tag() -> Path:
    return tool("stance-tag")


@pytest.fixture(scope="session")
def stance_train() -> Path:
    return tool("stance-train")
