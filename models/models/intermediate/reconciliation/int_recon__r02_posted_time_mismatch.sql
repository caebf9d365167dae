{#- R02: the primary ERP posting of an approved PSA entry differs in hours, billable flag,
    project or worker. A missing ERP employee and a missing worker link count as agreeing. -#}
with

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}
    where is_approved

),

primary_postings as (

    select * from {{ ref('int_identity__time_entry_postings') }}
    where is_primary

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

employees as (

    select * from {{ ref('stg_netsuite__employees') }}

),

user_workers as (

    select * from {{ ref('int_identity__user_workers') }}

),

compared as (

    select
        time_entries.time_entry_id,
        time_entries.currency,
        primary_postings.timebill_id,
        cast(time_entries.time_minutes as float8) / 60 - cast(primary_postings.hours as float8) as hours_gap,
        case
            when time_entries.is_billable
                then cast(time_entries.time_minutes as float8) * time_entries.rate_cents / 6000
            else 0
        end
        - case
            when primary_postings.is_billable
                then cast(primary_postings.hours as float8) * cast(primary_postings.rate as float8)
            else 0
        end as amount_gap,
        time_entries.is_billable <> primary_postings.is_billable as is_billable_mismatch,
        workspace_jobs.job_id is null
            or primary_postings.job_id is null
            or workspace_jobs.job_id <> primary_postings.job_id as is_project_mismatch,
        case
            when employees.employee_id is null and user_workers.employee_id is null then false
            when employees.external_id = user_workers.employee_id then false
            else true
        end as is_worker_mismatch

    from time_entries
    inner join primary_postings
        on primary_postings.time_entry_id = time_entries.time_entry_id
    left join workspace_jobs
        on workspace_jobs.workspace_id = time_entries.workspace_id
    left join employees
        on employees.employee_id = primary_postings.employee_id
    left join user_workers
        on user_workers.user_id = time_entries.user_id

),

mismatched as (

    select
        *,
        abs(hours_gap) > {{ var('r02_hours_tolerance') }} as is_hours_mismatch

    from compared

),

final as (

    select
        'R02' as rule_id,
        'medium' as severity,
        'time' as domain,
        'time_entry:kantata:' || time_entry_id as canonical_id,
        {{ json_object([
            "'kantata'", json_object(["'time_entry'", "time_entry_id"]),
            "'netsuite'", json_object(["'timebill'", "timebill_id"])
        ]) }} as systems,
        {{ json_object([
            "'mismatched_fields'", json_compact_array([
                "case when is_hours_mismatch then 'hours' end",
                "case when is_billable_mismatch then 'billable' end",
                "case when is_project_mismatch then 'project' end",
                "case when is_worker_mismatch then 'worker' end"
            ]),
            "'timebill_id'", "timebill_id"
        ]) }} as details,
        {{ round2('amount_gap') }} as amount_impact,
        currency,
        {{ round2('hours_gap') }} as hours_impact

    from mismatched
    where is_hours_mismatch
        or is_billable_mismatch
        or is_project_mismatch
        or is_worker_mismatch

)

select * from final
