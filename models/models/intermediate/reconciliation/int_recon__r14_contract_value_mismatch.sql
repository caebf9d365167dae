{#- R14: the CRM deal amount, PSA budget and ERP budget (when a job exists) of a won deal spread
    by more than r14_tolerance. -#}
with

won as (

    select * from {{ ref('int_recon__won_opportunities') }}
    where workspace_id is not null

),

spread as (

    select
        *,
        greatest(
            cast(amount as float8),
            cast(price_amount as float8),
            coalesce(cast(projected_total_value as float8), cast(amount as float8))
        )
        - least(
            cast(amount as float8),
            cast(price_amount as float8),
            coalesce(cast(projected_total_value as float8), cast(amount as float8))
        ) as value_spread

    from won

),

final as (

    select
        'R14' as rule_id,
        'medium' as severity,
        'opportunity' as domain,
        'opportunity:salesforce:' || opportunity_id as canonical_id,
        case
            when job_id is null then {{ json_object([
                "'salesforce'", json_object(["'opportunity'", "opportunity_id"]),
                "'kantata'", json_object(["'workspace'", "workspace_id"])
            ]) }}
            else {{ json_object([
                "'salesforce'", json_object(["'opportunity'", "opportunity_id"]),
                "'kantata'", json_object(["'workspace'", "workspace_id"]),
                "'netsuite'", json_object(["'job'", "job_id"])
            ]) }}
        end as systems,
        {{ json_object([
            "'crm'", "amount",
            "'psa'", "price_amount",
            "'erp'", "projected_total_value"
        ]) }} as details,
        {{ round2('value_spread') }} as amount_impact,
        currency,
        cast(null as decimal(18, 2)) as hours_impact

    from spread
    where value_spread > {{ var('r14_tolerance') }}

)

select * from final
