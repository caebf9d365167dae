"""Raw and current-state tables, partitioned by source system.

One multi-asset holds every stream's `raw_<system>.<stream>` and `src_<system>.<stream>` table;
a partition is a source system, and a run of partitions launches
`pslink sync --source <partitions> --pipes`. Partitions are how the work scales out: one run
per system can go to separate workers (with PostgreSQL as the shared warehouse).
"""

import dagster as dg

from .resource import PslinkResource

SYSTEMS = ["salesforce", "netsuite", "kantata", "workday"]
source_partitions = dg.StaticPartitionsDefinition(SYSTEMS)


class SyncConfig(dg.Config):
    full_refresh: bool = False
    """Re-read every stream whole and run the delete scans (the nightly schedule sets it)."""


def _key(asset: dict) -> dg.AssetKey:
    return dg.AssetKey(asset["asset_key"])


def configured_tables(catalog: list[dict]) -> dg.AssetSelection:
    """The tables a plain `pslink sync` writes: configured systems, enabled streams."""
    return dg.AssetSelection.assets(*[_key(asset) for asset in catalog if asset["configured"]])


def build_sync_assets(catalog: list[dict]) -> dg.AssetsDefinition:
    """The multi-asset for the tables `pslink sync --list-assets` lists."""
    specs = [
        dg.AssetSpec(
            _key(asset),
            deps=[dg.AssetKey(dep) for dep in asset["deps"]],
            description=asset.get("description"),
            group_name=asset["group"],
            kinds={"pslink"},
            metadata={"system": asset["system"], "stream": asset["stream"]},
        )
        for asset in catalog
    ]
    check_specs = [
        dg.AssetCheckSpec(check["name"], asset=_key(asset), description=check.get("description"))
        for asset in catalog
        for check in asset["checks"]
    ]
    streams_by_key = {_key(asset): (asset["system"], asset["stream"]) for asset in catalog}
    # What a plain `pslink sync --source <system>` syncs: the enabled streams.
    synced = {(asset["system"], asset["stream"]) for asset in catalog if asset["configured"]}

    @dg.multi_asset(
        name="pslink_sync",
        description="pslink sync --source <partitions>: raw landing and current state per stream.",
        specs=specs,
        check_specs=check_specs,
        partitions_def=source_partitions,
        can_subset=True,
        # Several partitions in one run share one pslink process (its systems run in parallel).
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def pslink_sync(
        context: dg.AssetExecutionContext, config: SyncConfig, pslink: PslinkResource
    ):
        wanted = [streams_by_key[key] for key in context.selected_asset_keys]
        systems = [system for system in SYSTEMS if any(s == system for s, _ in wanted)]
        outside = sorted(set(systems) - set(context.partition_keys))
        if outside:
            # Pipes expects a result for every selected table, and a partition syncs one system.
            raise dg.Failure(
                f"the selection holds tables of {', '.join(outside)}, which this run's partitions "
                f"({', '.join(context.partition_keys)}) do not sync: select the asset groups of "
                "the partitions' systems only"
            )
        args = ["sync", "--source", *systems]
        every = {stream for stream in synced if stream[0] in systems}
        if set(wanted) != every:
            args += ["--stream", *sorted({f"{system}.{stream}" for system, stream in wanted})]
        if config.full_refresh:
            args.append("--full-refresh")
        yield from pslink.run(context, args).get_results(implicit_materializations=False)

    return pslink_sync
