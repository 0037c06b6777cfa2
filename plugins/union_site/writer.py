"""Pelican's writer, rendering only the pages whose inputs changed (incremental.py says which).

Pagination is done here page by page, exactly as Pelican's `Writer.write_file` does it (same
paginator, same `<key>_page` / `_paginator` / `_previous_page` / `_next_page` variables, same
context per page), so that each page of a listing is skipped or rendered on its own: an edit
re-renders the one page of the province's listing that shows the story, not all of them.
A skipped file still counts as written: a second write to it fails as it does in Pelican.
"""

from __future__ import annotations

from collections import ChainMap

from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from .incremental import PageRecord


class IncrementalWriter(Writer):
    record: PageRecord | None = None   # set by the glue before Pelican creates the writer

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        record = type(self).record
        if record is None or not name:
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return self._write_page(record, name, template, context, relative_urls, override_output, kwargs)
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, val, self.settings, per_page) for key, val in paginated.items()}
        for page_num in range(next(iter(paginators.values())).num_pages):
            paginated_kwargs = kwargs.copy()
            for key, paginator in paginators.items():
                page = paginator.page(page_num + 1)
                paginated_kwargs.update({
                    f"{key}_paginator": paginator,
                    f"{key}_page": page,
                    f"{key}_previous_page": paginator.page(page_num) if page_num > 0 else None,
                    f"{key}_next_page": paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None,
                })
            self._write_page(record, page.save_as, template, context, relative_urls, override_output,
                             paginated_kwargs)

    def _write_page(self, record, name, template, context, relative_urls, override, kwargs):
        """Render `name` unless the previous build wrote it from the same inputs."""
        path = sanitised_join(self.output_path, name)
        digest = record.page_digest(name, template, self._localcontext(context, name, kwargs, relative_urls))
        if (record.unchanged(name, digest, path) and path not in self._written_files
                and path not in self._overridden_files):
            if override:
                self._overridden_files.add(path)
            self._written_files.add(path)
            record.kept += 1
            record.written(name, digest, path)
            return
        # not paginated any more: Pelican renders exactly this page with these variables
        super().write_file(name, template, context, relative_urls, None, None, override, None, **kwargs)
        record.rendered += 1
        record.written(name, digest, path)

    @staticmethod
    def _localcontext(context, name, kwargs, relative_urls) -> ChainMap:
        """The variables the page is rendered with (Pelican's `_get_localcontext`), without
        copying the whole context for each page."""
        page = {"localsiteurl": context.get("localsiteurl", None)}
        if relative_urls:
            relative_url = path_to_url(get_relative_path(name))
            page["SITEURL"] = relative_url
            page["localsiteurl"] = relative_url
        page["output_file"] = name
        page.update(kwargs)
        return ChainMap(page, context)
