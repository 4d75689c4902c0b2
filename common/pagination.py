"""Page-number pagination in the PRD's shape: {"data", "meta", "links"}."""

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class EnvelopePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "perPage"
    max_page_size = 100

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator = self.page.paginator
        return Response(
            {
                "data": data,
                "meta": {
                    "page": self.page.number,
                    "perPage": paginator.per_page,
                    "total": paginator.count,
                    "totalPages": paginator.num_pages,
                },
                "links": {
                    "self": self.request.build_absolute_uri() if self.request else None,
                    "first": self._page_link(1),
                    "last": self._page_link(paginator.num_pages),
                    "next": self.get_next_link(),
                    "prev": self.get_previous_link(),
                },
            }
        )

    def _page_link(self, number: int) -> str | None:
        if self.request is None:
            return None
        url = self.request.build_absolute_uri()
        if number <= 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["data", "meta", "links"],
            "properties": {
                "data": schema,
                "meta": {
                    "type": "object",
                    "properties": {
                        "page": {"type": "integer"},
                        "perPage": {"type": "integer"},
                        "total": {"type": "integer"},
                        "totalPages": {"type": "integer"},
                    },
                },
                "links": {
                    "type": "object",
                    "properties": {
                        "self": {"type": "string", "format": "uri", "nullable": True},
                        "first": {"type": "string", "format": "uri", "nullable": True},
                        "last": {"type": "string", "format": "uri", "nullable": True},
                        "next": {"type": "string", "format": "uri", "nullable": True},
                        "prev": {"type": "string", "format": "uri", "nullable": True},
                    },
                },
            },
        }
