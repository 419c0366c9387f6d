"""
The products list's pagination: the project's ``page`` and ``page_size``
with ``count``, ``next``, ``previous`` and ``results``, whose ``next`` and
``previous`` links also carry the key of the row next to their page
(``after``, ``before``), so following them costs the same on any page
(``paging``, decision 0034). A page number alone still works.
"""

from django.core.paginator import EmptyPage
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from shop.core.api.pagination import PageNumberPagination

from .. import paging

KEYS = ("after", "before")


class ProductPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        """``queryset``: the filter backend's ``listings.Listing`` (or any QuerySet)."""
        self.request = request
        size = self.get_page_size(request)
        try:
            number = int(request.query_params.get(self.page_query_param, 1))
            self.page = paging.paginate(
                queryset,
                number,
                size,
                after=request.query_params.get("after"),
                before=request.query_params.get("before"),
            )
        except (ValueError, EmptyPage):
            raise NotFound("Invalid page.") from None
        return self.page.rows

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def _url(self) -> str:
        url = self.request.build_absolute_uri()
        for name in KEYS:
            url = remove_query_param(url, name)
        return url

    def get_next_link(self):
        if not self.page.has_next():
            return None
        url = replace_query_param(self._url(), self.page_query_param, self.page.number + 1)
        return replace_query_param(url, "after", self.page.after) if self.page.after else url

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        if self.page.number == 2:
            return remove_query_param(self._url(), self.page_query_param)
        url = replace_query_param(self._url(), self.page_query_param, self.page.number - 1)
        return replace_query_param(url, "before", self.page.before) if self.page.before else url

    def get_schema_operation_parameters(self, view):
        described = {
            "after": "The key of the row before this page, as the previous page's next link "
            "gives it: the page then starts there, however deep it is. Ignored when it does "
            "not fit the ordering.",
            "before": "The key of the row after this page, as the next page's previous link "
            "gives it.",
        }
        return [
            *super().get_schema_operation_parameters(view),
            *(
                {
                    "name": name,
                    "required": False,
                    "in": "query",
                    "description": text,
                    "schema": {"type": "string"},
                }
                for name, text in described.items()
            ),
        ]
