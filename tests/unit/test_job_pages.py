"""A paced job stopped inside a page (its time up while a page of mails waits for SES's rate) resumes
on the next lap with every row done once, whatever rows were added to or removed from the page."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workers import jobs

PAGE = 4


def pages_of(rows: list[str]) -> Any:
    """Pages of PAGE rows of the (sorted) list as it is at each read, keyed by the last row read."""

    def page(start: str | None) -> tuple[list[str], str | None]:
        after = [r for r in sorted(rows) if start is None or r > start]
        chunk = after[:PAGE]
        return chunk, (chunk[-1] if len(after) > PAGE else None)

    return page


class StopAfter:
    """A lap's clock: the time is up after `rows` looks."""

    def __init__(self, rows: int) -> None:
        self.left = rows

    def __call__(self) -> bool:
        self.left -= 1
        return self.left < 0


@given(
    stops=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=8),
    added=st.lists(st.sampled_from([f"w{n:02d}x" for n in range(20)]), max_size=4, unique=True),
    removed=st.lists(st.sampled_from([f"w{n:02d}" for n in range(20)]), max_size=3, unique=True),
)
def test_every_row_is_done_once_across_laps_that_stop_mid_page(
    stops: list[int], added: list[str], removed: list[str]
) -> None:
    # Given 20 wallets, a step that counts each row, and laps that each stop after a few rows
    rows = [f"w{n:02d}" for n in range(20)]
    done: list[str] = []
    checkpoint: dict[str, Any] = {}
    for lap in range(100):
        if lap == 1:  # rows added and removed between laps (a new holder, an erased wallet)
            rows.extend(added)
            rows[:] = [r for r in rows if r not in removed]
        pause, before = StopAfter(stops[lap % len(stops)]), len(done)
        finished = jobs.each_page(checkpoint, pages_of(rows), lambda row, cp: done.append(row), pause)
        # each lap ends when its time is up, inside a page too (one row at least, for progress)
        assert len(done) - before <= stops[lap % len(stops)] + 1
        if finished:
            break
    # Then no row was done twice and every row still there at the end was done
    assert len(done) == len(set(done)), done
    assert set(rows) - set(added) <= set(done)
