{#- R02: the primary NetSuite posting of an approved Kantata entry disagrees with it; propose the
    entry's hours, billable flag, project and worker (Kantata owns approved time). -#}
with

exceptions as (

    select * from {{ ref('exceptions') }}
    where status = 'open'
        and rule_id = 'R02'

),

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}

),

postings as (

    select * from {{ ref('int_identity__time_entry_postings') }}
    where is_primary

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

user_workers as (

    select * from {{ ref('int_identity__user_workers') }}

),

employees as (

    select worker_employee_id, min(employee_id) as employee_id
    from {{ ref('int_identity__employee_workers') }}
    group by worker_employee_id

),

corrections as (

    select
        exceptions.exception_id,
        exceptions.canonical_id,
        exceptions.details,
        postings.timebill_id,
        postings.hours as posted_hours,
        postings.is_billable as posted_billable,
        postings.job_id as posted_job_id,
        time_entries.hours,
        time_entries.is_billable,
        workspace_jobs.job_id,
        employees.employee_id

    from exceptions
    inner join time_entries
        on 'time_entry:kantata:' || time_entries.time_entry_id = exceptions.canonical_id
    inner join postings
        on postings.time_entry_id = time_entries.time_entry_id
    left join workspace_jobs
        on workspace_jobs.workspace_id = time_entries.workspace_id
    left join user_workers
        on user_workers.user_id = time_entries.user_id
    left join employees
        on employees.worker_employee_id = user_workers.employee_id

),

final as (

    select
        'R02:' || canonical_id || ':timeBill:' || timebill_id as proposal_key,
        'R02' as rule_id,
        exception_id,
        'project_execution' as domain,
        'kantata' as source_system,
        'netsuite' as target_system,
        'timeBill' as object,
        timebill_id as target_id,
        'update' as operation,
        {{ json_object([
            "'hours'", "cast(hours as decimal(18, 4))",
            "'isBillable'", "is_billable",
            "'customer'", json_object(["'id'", "job_id"]),
            "'employee'", json_object(["'id'", "employee_id"])
        ]) }} as fields,
        {{ json_object([
            "'mismatch'", "details",
            "'posted_hours'", "posted_hours",
            "'posted_billable'", "posted_billable",
            "'posted_job'", "posted_job_id"
        ]) }} as evidence

    from corrections
    -- A PATCH writes every field it carries: with no NetSuite job for the workspace or no
    -- employee for the worker it would blank the time bill's project or worker. Such an entry
    -- needs its identity links first (the exception stays open, with no write-back).
    where job_id is not null
        and employee_id is not null

)

select * from final
