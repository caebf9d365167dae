"""dlt's side of the benchmark: the Kantata time entries the sandbox serves, paged the way pslink
pages them (page/per_page=200, updated_at ascending, bearer token), through dlt's REST API
client, merged by primary key into DuckDB. Prints one JSON line: rows loaded and seconds.

Usage: python bench/dlt_time_entries.py BASE_URL TOKEN DUCKDB_PATH PIPELINES_DIR
"""

import json
import sys
import time

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator


def main() -> None:
    base_url, token, db_path, pipelines_dir = sys.argv[1:5]
    started = time.perf_counter()
    client = RESTClient(
        base_url=base_url,
        auth=BearerTokenAuth(token),
        paginator=PageNumberPaginator(base_page=1, page_param="page", total_path="meta.page_count"),
    )

    @dlt.resource(name="time_entries", primary_key="id", write_disposition="merge")
    def time_entries():
        params = {
            "per_page": 200,
            "order": "updated_at:asc",
            "updated_after": "2000-01-01T00:00:00Z",
            "from_archived_workspaces": "true",
        }
        # Records sit in the top-level map keyed by id; the selector yields that map's values.
        yield from client.paginate(
            "/time_entries.json", params=params, data_selector="time_entries.*"
        )

    pipeline = dlt.pipeline(
        pipeline_name="pslink_bench",
        destination=dlt.destinations.duckdb(db_path),
        dataset_name="kantata",
        pipelines_dir=pipelines_dir,
    )
    pipeline.run(time_entries())
    rows = pipeline.last_trace.last_normalize_info.row_counts.get("time_entries", 0)
    print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
