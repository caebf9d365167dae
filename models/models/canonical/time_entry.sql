{#- Time: one row per Kantata time entry (the system of record for approved time) with its primary
    NetSuite posting; postings whose entry no longer exists stand alone as `time_entry:netsuite:<id>`. -#}
with

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}

),

postings as (

    select * from {{ ref('int_identity__time_entry_postings') }}

),

worker_keys as (

    select * from {{ ref('int_identity__worker_keys') }}

),

periods as (

    select * from {{ ref('accounting_period') }}

),

psa_time as (

    select
        'time_entry:kantata:' || time_entries.time_entry_id as time_entry_id,
        time_entries.time_entry_id as kantata_time_entry_id,
        postings.timebill_id as netsuite_timebill_id,
        coalesce(postings.posting_count, 0) as posting_count,
        'project:kantata:' || time_entries.workspace_id as project_id,
        worker_keys.worker_id,
        case when time_entries.story_id is not null then 'task:kantata:' || time_entries.story_id end as task_id,
        time_entries.role_id,
        time_entries.date_performed as work_date,
        cast(time_entries.hours as decimal(18, 6)) as hours,
        time_entries.is_billable,
        time_entries.is_approved,
        time_entries.is_invoiced,
        case when time_entries.invoice_id is not null then 'invoice:kantata:' || time_entries.invoice_id end as invoice_id,
        time_entries.rate_amount as bill_rate,
        cast(
            case when time_entries.is_billable then time_entries.hours * time_entries.rate_amount else 0 end
            as decimal(18, 6)
        ) as billable_amount,
        time_entries.cost_rate_amount as cost_rate,
        cast(time_entries.hours * coalesce(time_entries.cost_rate_amount, 0) as decimal(18, 6)) as cost_amount,
        time_entries.currency,
        periods.accounting_period_id

    from time_entries
    left join postings
        on postings.time_entry_id = time_entries.time_entry_id
        and postings.is_primary
    left join worker_keys
        on worker_keys.source_system = 'kantata'
        and worker_keys.source_id = time_entries.user_id
    left join periods
        on time_entries.date_performed between periods.start_date and periods.end_date

),

orphan_postings as (

    select
        'time_entry:netsuite:' || timebills.timebill_id as time_entry_id,
        cast(null as varchar) as kantata_time_entry_id,
        timebills.timebill_id as netsuite_timebill_id,
        1 as posting_count,
        'project:netsuite:' || timebills.job_id as project_id,
        worker_keys.worker_id,
        cast(null as varchar) as task_id,
        cast(null as varchar) as role_id,
        timebills.tran_date as work_date,
        timebills.hours,
        timebills.is_billable,
        false as is_approved,
        false as is_invoiced,
        cast(null as varchar) as invoice_id,
        timebills.rate as bill_rate,
        cast(case when timebills.is_billable then timebills.hours * timebills.rate else 0 end as decimal(18, 6)) as billable_amount,
        cast(null as decimal(18, 2)) as cost_rate,
        cast(0 as decimal(18, 6)) as cost_amount,
        cast(null as varchar) as currency,
        periods.accounting_period_id

    from {{ ref('stg_netsuite__timebills') }} as timebills
    left join time_entries
        on time_entries.time_entry_id = timebills.kantata_time_entry_id
    left join worker_keys
        on worker_keys.source_system = 'netsuite'
        and worker_keys.source_id = timebills.employee_id
    left join periods
        on timebills.tran_date between periods.start_date and periods.end_date
    where time_entries.time_entry_id is null

),

final as (

    select * from psa_time
    union all
    select * from orphan_postings

)

select * from final
