"""The workspace layer on SQLite: accounts, roles, knowledge bases, threads, comments,
draft history and the audit log (the same scenarios run on PostgreSQL in
test_servers_postgres.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.platform.config import Settings
from tests.workspace_scenarios import (
    SCENARIOS,
    fast_hashing,  # noqa: F401  (fixture)
    indicator_rows_stay_in_workspace,
)

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_scenario_on_sqlite(settings: Settings, scenario: Callable[[Settings], None]) -> None:
    scenario(settings)


def test_indicator_rows_stay_in_their_workspace(settings: Settings, tmp_path: Path) -> None:
    indicator_rows_stay_in_workspace(settings, tmp_path)
