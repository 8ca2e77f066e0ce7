"""Shared fixtures: the seed articles, database targets (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine, text

from storytrace.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
EXAMPLES = REPO / "examples" / "corpus"
PG_URL = os.environ.get("STORYTRACE_TEST_PG_URL")
# CI sets STORYTRACE_REQUIRE_PG=1 so that a missing server fails the run instead of skipping.
REQUIRE_PG = os.environ.get("STORYTRACE_REQUIRE_PG") == "1"
# The web tests read each page as it is once built: a first story view that takes longer than
# the default wait (a story's first comparison on a loaded machine) would answer 202 instead.
# tests/test_web_background.py checks that answer itself.
PATIENT_WEB = Settings(web_build_wait_seconds=300)


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed articles not found at {SEEDS} (the shared/ folder must sit beside the repository)")
    return SEEDS


def _postgres_database() -> Iterator[str]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("STORYTRACE_REQUIRE_PG=1 but STORYTRACE_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need STORYTRACE_TEST_PG_URL (set by .ci/run)")
    name = f"st_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, and a PostgreSQL database when a server is configured."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
    else:
        yield from _postgres_database()


def benchmark_module(name: str, needed: Iterable[Path]) -> ModuleType:
    """A script of benchmarks/ (on sys.path, as its scripts import their neighbours), once the
    shared data it reads is there; the quality gates run the benchmarks' own runners and scoring."""
    for path in needed:
        if not path.exists():
            pytest.fail(f"labelled data not found at {path} (the shared/ folder must sit beside the repository)")
    benchmarks = str(REPO / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)
    return importlib.import_module(name)
