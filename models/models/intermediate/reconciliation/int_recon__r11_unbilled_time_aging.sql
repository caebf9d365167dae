{#- R11: approved billable T&M time not invoiced r11_unbilled_days after it was worked, per project. -#}
with

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}
    where is_approved
        and is_billable
        and not is_invoiced
        and {{ age_days('date_performed') }} > {{ var('r11_unbilled_days') }}

),

tm_workspaces as (

    select * from {{ ref('int_recon__tm_workspaces') }}

),

per_project as (

    select
        tm_workspaces.workspace_id,
        tm_workspaces.currency,
        count(*) as entry_count,
        min(time_entries.date_performed) as oldest_date,
        sum(time_entries.time_minutes) as minutes,
        sum(cast(time_entries.time_minutes as float8) * time_entries.rate_cents / 6000) as amount

    from time_entries
    inner join tm_workspaces
        on tm_workspaces.workspace_id = time_entries.workspace_id
    group by tm_workspaces.workspace_id, tm_workspaces.currency

),

final as (

    select
        'R11' as rule_id,
        'medium' as severity,
        'billing' as domain,
        'project:kantata:' || workspace_id as canonical_id,
        {{ json_object(["'kantata'", json_object(["'workspace'", "workspace_id"])]) }} as systems,
        {{ json_object([
            "'entry_count'", "entry_count",
            "'oldest_date'", "cast(oldest_date as varchar)"
        ]) }} as details,
        {{ round2('amount') }} as amount_impact,
        currency,
        {{ round2('cast(minutes as float8) / 60') }} as hours_impact

    from per_project

)

select * from final
