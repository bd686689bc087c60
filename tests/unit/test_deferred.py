"""A handler's route modules run on the first use of one of their names (shoken.api.deferred), once
however many threads ask at the same moment, and behave as if imported as usual."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoken import api


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    root = tmp_path / "deferredpkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "slow.py").write_text(
        "import time\nRUNS = globals().get('RUNS', 0) + 1\ntime.sleep(0.05)\ndef answer():\n    return 42\n"
    )
    (root / "other.py").write_text("from deferredpkg import slow\nVALUE = slow.answer() + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "deferredpkg"
    for name in [m for m in sys.modules if m.startswith("deferredpkg")]:
        del sys.modules[name]


def test_a_deferred_module_runs_on_first_use_once(package: str) -> None:
    with api.deferred(package):
        from deferredpkg import other, slow  # type: ignore[import-not-found]
    assert "RUNS" not in vars(slow) and type(slow) is not types.ModuleType  # nothing ran yet
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(slow.answer())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8 and slow.RUNS == 1 and type(slow) is types.ModuleType
    assert other.VALUE == 43  # its own import of slow, after the block, is the same module


def test_a_module_loaded_before_the_block_is_taken_as_it_is(package: str) -> None:
    import deferredpkg.slow  # type: ignore[import-not-found]

    with api.deferred(package):
        from deferredpkg import slow
    assert slow is deferredpkg.slow and slow.RUNS == 1
    assert not any(isinstance(f, api._Deferring) for f in sys.meta_path)
