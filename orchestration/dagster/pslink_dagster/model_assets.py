"""The dbt models of `models/`, built by pslink's embedded runner.

One multi-asset with an asset per model (`<schema>/<name>`, as `pslink build --list-assets`
names them); a run launches `pslink build --pipes` (a materialization per model and the
reconciliation thresholds check) and then `pslink test --pipes` (each data test as a check on
its model). Selecting some models passes them to `--select`.
"""

import dagster as dg

from .resource import PslinkResource


def build_model_assets(catalog: list[dict]) -> dg.AssetsDefinition:
    """The multi-asset for the models `pslink build --list-assets` lists."""
    specs = [
        dg.AssetSpec(
            dg.AssetKey(asset["asset_key"]),
            deps=[dg.AssetKey(dep) for dep in asset["deps"]],
            group_name=asset["group"],
            kinds={"pslink", "sql"},
            metadata={"model": asset["model"], "materialized": asset["materialized"]},
        )
        for asset in catalog
    ]
    check_specs = [
        dg.AssetCheckSpec(
            check["name"],
            asset=dg.AssetKey(asset["asset_key"]),
            description=check.get("description"),
        )
        for asset in catalog
        for check in asset["checks"]
    ]
    model_by_key = {dg.AssetKey(asset["asset_key"]): asset["model"] for asset in catalog}

    @dg.multi_asset(name="pslink_models", specs=specs, check_specs=check_specs, can_subset=True)
    def pslink_models(context: dg.AssetExecutionContext, pslink: PslinkResource):
        selected = sorted(model_by_key[key] for key in context.selected_asset_keys)
        select = [] if len(selected) == len(model_by_key) else ["--select", *selected]
        for command in ("build", "test"):
            invocation = pslink.run(context, [command, *select])
            yield from invocation.get_results(implicit_materializations=False)

    return pslink_models
