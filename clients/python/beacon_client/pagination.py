"""Iterators over Beacon's lists that follow `links.next` page after page.

Lists answer `{"data": [...], "meta": {...}, "links": {"next": ...}}`; a list
that is not paged (templates, schemas) answers `{"data": [...]}` and is one
page. Iterating a pager yields items and fetches the next page only when the
current one is used up; `.pages()` yields whole `Page`s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from beacon_client._http import follow_url
from beacon_client.models import Page

__all__ = ["AsyncPageIterator", "PageIterator", "page_parse"]

T = TypeVar("T")
Params = dict[str, Any] | None


def page_parse(body: Mapping[str, Any], parse: Callable[[Mapping[str, Any]], T]) -> Page[T]:
    meta = body.get("meta") or {}
    links = body.get("links") or {}
    return Page(
        data=[parse(item) for item in body.get("data") or []],
        page=meta.get("page"),
        per_page=meta.get("perPage"),
        total=meta.get("total"),
        total_pages=meta.get("totalPages"),
        next_url=links.get("next"),
        prev_url=links.get("prev"),
        raw=dict(body),
    )


class PageIterator(Generic[T]):
    """`for generation in client.generations.list(status="failed"): ...`"""

    def __init__(
        self,
        fetch: Callable[[str, Params], Mapping[str, Any]],
        *,
        base_url: str,
        path: str,
        params: Params,
        parse: Callable[[Mapping[str, Any]], T],
        limit: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._base_url = base_url
        self._path = path
        self._params = params
        self._parse = parse
        self._limit = limit

    def pages(self) -> Iterator[Page[T]]:
        url: str | None = self._path
        params = self._params
        while url is not None:
            page = page_parse(self._fetch(url, params), self._parse)
            yield page
            url = follow_url(self._base_url, page.next_url) if page.next_url and page.data else None
            params = None  # the next link carries the query

    def __iter__(self) -> Iterator[T]:
        count = 0
        for page in self.pages():
            for item in page.data:
                if self._limit is not None and count >= self._limit:
                    return
                count += 1
                yield item

    def first_page(self) -> Page[T]:
        return next(iter(self.pages()))


class AsyncPageIterator(Generic[T]):
    """`async for generation in client.generations.list(): ...`"""

    def __init__(
        self,
        fetch: Callable[[str, Params], Awaitable[Mapping[str, Any]]],
        *,
        base_url: str,
        path: str,
        params: Params,
        parse: Callable[[Mapping[str, Any]], T],
        limit: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._base_url = base_url
        self._path = path
        self._params = params
        self._parse = parse
        self._limit = limit

    async def pages(self) -> AsyncIterator[Page[T]]:
        url: str | None = self._path
        params = self._params
        while url is not None:
            page = page_parse(await self._fetch(url, params), self._parse)
            yield page
            url = follow_url(self._base_url, page.next_url) if page.next_url and page.data else None
            params = None

    async def __aiter__(self) -> AsyncIterator[T]:
        count = 0
        async for page in self.pages():
            for item in page.data:
                if self._limit is not None and count >= self._limit:
                    return
                count += 1
                yield item

    async def to_list(self) -> list[T]:
        return [item async for item in self]
