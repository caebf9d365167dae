{#- Rates as they are in force: bill rates per project and role (as Kantata charges them on time),
    and cost rates per worker (Workday, the cost-rate owner). -#}
with

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}
    where is_billable

),

bill_rates as (

    select
        workspace_id,
        role_id,
        rate_amount,
        currency,
        min(date_performed) as effective_from,
        max(date_performed) as effective_to

    from time_entries
    group by workspace_id, role_id, rate_amount, currency

),

workers as (

    select * from {{ ref('worker') }}
    where workday_employee_id is not null

),

final as (

    select
        'rate_card:kantata:' || workspace_id || ':' || coalesce(role_id, '') || ':' || cast(rate_amount as varchar) as rate_card_id,
        'bill' as rate_type,
        'project:kantata:' || workspace_id as project_id,
        cast(null as varchar) as worker_id,
        role_id,
        cast(rate_amount as decimal(18, 4)) as hourly_rate,
        currency,
        effective_from,
        effective_to

    from bill_rates

    union all

    select
        'rate_card:workday:' || workday_employee_id as rate_card_id,
        'cost' as rate_type,
        cast(null as varchar) as project_id,
        worker_id,
        role_name as role_id,
        cost_rate as hourly_rate,
        cost_rate_currency as currency,
        hire_date as effective_from,
        termination_date as effective_to

    from workers

)

select * from final
