{#- R01: approved PSA time with no ERP time bill, older than the grace period, in an open period. -#}
with

unposted as (

    select * from {{ ref('int_recon__unposted_approved_entries') }}
    where not is_period_closed
        and age_days > {{ var('r01_grace_days') }}

),

final as (

    select
        'R01' as rule_id,
        'high' as severity,
        'time' as domain,
        'time_entry:kantata:' || time_entry_id as canonical_id,
        {{ json_object(["'kantata'", json_object(["'time_entry'", "time_entry_id", "'workspace'", "workspace_id"])]) }} as systems,
        {{ json_object([
            "'date_performed'", "cast(date_performed as varchar)",
            "'age_days'", "age_days",
            "'workspace_id'", "workspace_id",
            "'user_id'", "user_id",
            "'billable'", "is_billable"
        ]) }} as details,
        {{ round2('billable_amount') }} as amount_impact,
        currency,
        {{ round2('cast(time_minutes as float8) / 60') }} as hours_impact

    from unposted

)

select * from final
