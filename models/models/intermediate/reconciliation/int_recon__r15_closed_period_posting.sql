{#- R15: approved PSA time, not posted, dated in a closed ERP period (no grace): it can only be
    posted as an adjustment in an open period. -#}
with

unposted as (

    select * from {{ ref('int_recon__unposted_approved_entries') }}
    where is_period_closed

),

final as (

    select
        'R15' as rule_id,
        'high' as severity,
        'time' as domain,
        'time_entry:kantata:' || time_entry_id as canonical_id,
        {{ json_object(["'kantata'", json_object(["'time_entry'", "time_entry_id", "'workspace'", "workspace_id"])]) }} as systems,
        {{ json_object([
            "'date_performed'", "cast(date_performed as varchar)",
            "'period_id'", "accounting_period_id"
        ]) }} as details,
        {{ round2('billable_amount') }} as amount_impact,
        currency,
        {{ round2('cast(time_minutes as float8) / 60') }} as hours_impact

    from unposted

)

select * from final
