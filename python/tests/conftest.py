"""Shared fixtures: the Rust side of the parity test."""

import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def rust():
    """Runs `examples/python_parity.rs` (built once, release) on a list of queries and
    returns its answers. Needs cargo: the parity test fails, never skips, without it."""
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "python_parity"],
                   cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    exe = os.path.join(target, "release", "examples", "python_parity")

    def run(queries):
        out = subprocess.run([exe], input=json.dumps(queries), capture_output=True, text=True,
                             check=True, cwd=ROOT)
        answers = json.loads(out.stdout)
        assert len(answers) == len(queries)
        return answers

    return run
