"""Fixtures shared by every test: a fast, quiet, deterministic environment."""

from __future__ import annotations

import os

# TensorFlow's start-up chatter and oneDNN nondeterminism are not what the tests check.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"


@pytest.fixture
def resources_dir() -> Path:
    return RESOURCES
