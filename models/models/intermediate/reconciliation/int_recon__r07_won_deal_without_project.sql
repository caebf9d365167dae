{#- R07: a closed-won opportunity with no workspace r07_days after it closed. -#}
with

won as (

    select * from {{ ref('int_recon__won_opportunities') }}
    where workspace_id is null
        and age_days > {{ var('r07_days') }}

),

final as (

    select
        'R07' as rule_id,
        'medium' as severity,
        'opportunity' as domain,
        'opportunity:salesforce:' || opportunity_id as canonical_id,
        {{ json_object(["'salesforce'", json_object(["'opportunity'", "opportunity_id"])]) }} as systems,
        {{ json_object([
            "'close_date'", "cast(close_date as varchar)",
            "'age_days'", "age_days",
            "'account_id'", "account_id"
        ]) }} as details,
        {{ round2('amount') }} as amount_impact,
        currency,
        cast(null as decimal(18, 2)) as hours_impact

    from won

)

select * from final
