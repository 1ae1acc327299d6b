"""The running bot the fuzz tests post to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.test_fuzz import SERVED, ServedBot


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBot]:
    bot = ServedBot(tmp_path_factory.mktemp("fuzz") / "bot.db")
    SERVED.append(bot)
    yield bot
    SERVED.remove(bot)
    bot.close()
