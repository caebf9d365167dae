{#- Approved PSA time with no ERP time bill, with its age and its ERP period (R01, R15).
    A date no period covers counts as an open period. -#}
with

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}
    where is_approved

),

postings as (

    select distinct time_entry_id from {{ ref('int_identity__time_entry_postings') }}

),

periods as (

    select * from {{ ref('stg_netsuite__accounting_periods') }}
    where not is_year and not is_quarter

),

unposted as (

    select time_entries.*
    from time_entries
    left join postings
        on postings.time_entry_id = time_entries.time_entry_id
    where postings.time_entry_id is null

),

final as (

    select
        unposted.*,
        periods.accounting_period_id,
        coalesce(periods.is_closed, false) as is_period_closed,
        {{ age_days('unposted.date_performed') }} as age_days,
        case
            when unposted.is_billable
                then cast(unposted.time_minutes as float8) * unposted.rate_cents / 6000
            else 0
        end as billable_amount

    from unposted
    left join periods
        on unposted.date_performed between periods.start_date and periods.end_date

)

select * from final
