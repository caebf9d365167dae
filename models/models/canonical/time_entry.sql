{#- Time: one row per Kantata time entry (the system of record for approved time) with its primary
    NetSuite posting; postings whose entry no longer exists stand alone as `time_entry:netsuite:<id>`.
    The entry's bill rate is in the entry's `currency`; its cost rate is the worker's, in the
    worker's cost currency (Workday's Cost_Rate_Currency, else the Kantata user's), so cost is kept
    as recorded (`cost_amount_in_cost_currency` + `cost_currency`) and converted into the entry's
    currency (`cost_amount`) with `int_finance__fx_rates`, at the rate of the work date's month;
    with no rate for the pair `cost_amount` stays null and `is_fx_rate_missing` is true. -#}
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

workers as (

    select * from {{ ref('worker') }}

),

users as (

    select * from {{ ref('stg_kantata__users') }}

),

fx_rates as (

    select * from {{ ref('int_finance__fx_rates') }}

),

entries_with_cost as (

    select
        time_entries.*,
        worker_keys.worker_id,
        coalesce(workers.cost_rate_currency, users.cost_rate_currency) as cost_currency,
        cast(time_entries.hours * coalesce(time_entries.cost_rate_amount, 0) as decimal(18, 6)) as cost_amount_in_cost_currency

    from time_entries
    left join worker_keys
        on worker_keys.source_system = 'kantata'
        and worker_keys.source_id = time_entries.user_id
    left join workers
        on workers.worker_id = worker_keys.worker_id
    left join users
        on users.user_id = time_entries.user_id

),

psa_time as (

    select
        'time_entry:kantata:' || entries.time_entry_id as time_entry_id,
        entries.time_entry_id as kantata_time_entry_id,
        postings.timebill_id as netsuite_timebill_id,
        coalesce(postings.posting_count, 0) as posting_count,
        'project:kantata:' || entries.workspace_id as project_id,
        entries.worker_id,
        case when entries.story_id is not null then 'task:kantata:' || entries.story_id end as task_id,
        entries.role_id,
        entries.date_performed as work_date,
        cast(entries.hours as decimal(18, 6)) as hours,
        entries.is_billable,
        entries.is_approved,
        entries.is_invoiced,
        case when entries.invoice_id is not null then 'invoice:kantata:' || entries.invoice_id end as invoice_id,
        entries.rate_amount as bill_rate,
        cast(
            case when entries.is_billable then entries.hours * entries.rate_amount else 0 end
            as decimal(18, 6)
        ) as billable_amount,
        entries.cost_rate_amount as cost_rate,
        entries.cost_currency,
        entries.cost_amount_in_cost_currency,
        case
            when entries.cost_currency = entries.currency then cast(1 as decimal(18, 8))
            else fx_rates.rate
        end as cost_fx_rate,
        -- No cost needs no rate; a cost with no rate into the entry's currency stays unconverted.
        cast(
            case
                when entries.cost_amount_in_cost_currency = 0 then 0
                when entries.cost_currency = entries.currency then entries.cost_amount_in_cost_currency
                else entries.cost_amount_in_cost_currency * fx_rates.rate
            end
            as decimal(18, 6)
        ) as cost_amount,
        entries.cost_amount_in_cost_currency <> 0
            and coalesce(entries.cost_currency <> entries.currency, true)
            and fx_rates.rate is null as is_fx_rate_missing,
        entries.currency,
        periods.accounting_period_id

    from entries_with_cost as entries
    left join postings
        on postings.time_entry_id = entries.time_entry_id
        and postings.is_primary
    left join fx_rates
        on fx_rates.from_currency = entries.cost_currency
        and fx_rates.to_currency = entries.currency
        and {{ fx_rate_in_force('fx_rates', 'entries.date_performed') }}
    left join periods
        on entries.date_performed between periods.start_date and periods.end_date

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
        cast(null as varchar) as cost_currency,
        cast(0 as decimal(18, 6)) as cost_amount_in_cost_currency,
        cast(null as decimal(18, 8)) as cost_fx_rate,
        cast(0 as decimal(18, 6)) as cost_amount,
        false as is_fx_rate_missing,
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
