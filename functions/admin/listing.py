"""Paged, filtered lists for the console's 一覧 screens: one Query per partition, signed cursors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from shoken.db import paging
from shoken.db.dynamo import Expr, Item
from shoken.principal import Principal
from shoken.runtime import Runtime

READ_BUDGET = 2000


@dataclass(frozen=True)
class Source:
    """Where a list reads: the partitions, in order, of one index."""

    partitions: list[str]
    index: str  # "list1" or "list2"
    # An exact id searched for (the lists' sort key is the record's id): each partition then reads at
    # most that one item, however long the list, instead of filtering the whole list.
    sk_equals: str | None = None

    @property
    def pk_name(self) -> str:
        return "L1PK" if self.index == "list1" else "L2PK"

    @property
    def sk_name(self) -> str:
        return "L1SK" if self.index == "list1" else "L2SK"


def read(
    rt: Runtime,
    caller: Principal,
    query: BaseModel,
    source: Source,
    filters: Callable[[Expr], list[str]],
    *,
    cursor: str | None,
    page_size: int,
) -> tuple[list[Item], str | None]:
    search_id = paging.search_hash(
        {"q": query.model_dump(exclude={"cursor", "page_size"}), "who": caller.user_id, "t": type(query).__name__}
    )
    state = paging.decode_cursor(rt.session_key, search_id, cursor)

    def build(expr: Expr) -> str | None:
        return " AND ".join(filters(expr)) or None

    page = paging.read_partitions(
        rt.db,
        partitions=source.partitions,
        pk_name=source.pk_name,
        index=source.index,
        sk_name=source.sk_name,
        sk_between=(source.sk_equals, source.sk_equals) if source.sk_equals else None,
        page_size=page_size,
        read_budget=READ_BUDGET,
        state=state,
        filter_builder=build,
        newest_first=False,
    )
    return page.items, (paging.encode_cursor(rt.session_key, search_id, page.state) if page.state else None)


def contains(expr: Expr, field: str, text: str | None) -> list[str]:
    return [f"contains({expr.n(field)}, {expr.v(text.strip())})"] if text and text.strip() else []


def equals(expr: Expr, field: str, value: object) -> list[str]:
    return [] if value in (None, "") else [f"{expr.n(field)} = {expr.v(value)}"]


def one_of(expr: Expr, field: str, values: list[str] | None) -> list[str]:
    return [] if values is None else [expr.one_of(field, values)]
