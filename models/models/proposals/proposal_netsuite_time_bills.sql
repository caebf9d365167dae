{#- R01 / R15: approved Kantata time with no NetSuite time bill, as timeBill creates carrying
    externalId KOX-TE-<entry id> (NetSuite refuses a duplicate, so a retry never double-posts).
    Time dated in a closed period is proposed for the adjustment queue, never posted. Entries
    whose worker or project has no NetSuite record wait for R05 / the worker link first. -#}
with

exceptions as (

    select * from {{ ref('exceptions') }}
    where status = 'open'
        and rule_id in ('R01', 'R15')

),

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

employees as (

    select worker_employee_id, min(employee_id) as employee_id
    from {{ ref('int_identity__employee_workers') }}
    group by worker_employee_id

),

user_workers as (

    select * from {{ ref('int_identity__user_workers') }}

),

postable as (

    select
        exceptions.exception_id,
        exceptions.rule_id,
        exceptions.canonical_id,
        time_entries.time_entry_id,
        time_entries.date_performed,
        time_entries.hours,
        time_entries.is_billable,
        time_entries.rate_amount,
        time_entries.currency,
        time_entries.notes,
        workspace_jobs.job_id,
        employees.employee_id

    from exceptions
    inner join time_entries
        on 'time_entry:kantata:' || time_entries.time_entry_id = exceptions.canonical_id
    inner join workspace_jobs
        on workspace_jobs.workspace_id = time_entries.workspace_id
    inner join user_workers
        on user_workers.user_id = time_entries.user_id
    inner join employees
        on employees.worker_employee_id = user_workers.employee_id

),

final as (

    select
        rule_id || ':' || canonical_id || ':timeBill' as proposal_key,
        rule_id,
        exception_id,
        'project_execution' as domain,
        'kantata' as source_system,
        'netsuite' as target_system,
        'timeBill' as object,
        cast(null as varchar) as target_id,
        case when rule_id = 'R15' then 'adjustment_queue' else 'create' end as operation,
        {{ json_object([
            "'externalId'", "'KOX-TE-' || time_entry_id",
            "'tranDate'", "cast(date_performed as varchar)",
            "'employee'", json_object(["'id'", "employee_id"]),
            "'customer'", json_object(["'id'", "job_id"]),
            "'hours'", "cast(hours as decimal(18, 4))",
            "'isBillable'", "is_billable",
            "'rate'", "rate_amount",
            "'custcol_kantata_time_entry'", "time_entry_id",
            "'memo'", "notes"
        ]) }} as fields,
        {{ json_object([
            "'kantata_time_entry'", "time_entry_id",
            "'date_performed'", "cast(date_performed as varchar)",
            "'hours'", "cast(hours as decimal(18, 4))",
            "'billable'", "is_billable",
            "'currency'", "currency"
        ]) }} as evidence

    from postable

)

select * from final
