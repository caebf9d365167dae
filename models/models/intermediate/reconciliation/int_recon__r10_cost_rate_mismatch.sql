{#- R10: an active HRIS worker whose PSA cost rate is missing, in another currency, or differs
    by more than r10_rate_tolerance (checked in that order). -#}
with

workers as (

    select * from {{ ref('stg_workday__workers') }}
    where is_active

),

worker_users as (

    select * from {{ ref('int_recon__worker_users') }}

),

users as (

    select * from {{ ref('stg_kantata__users') }}

),

compared as (

    select
        workers.employee_id,
        workers.cost_rate_currency,
        users.user_id,
        users.cost_rate_cents,
        coalesce(cast(workers.cost_rate as float8), 0) as hris_cost_rate,
        cast(coalesce(users.cost_rate_cents, 0) as float8) / 100 as psa_cost_rate,
        case
            when coalesce(users.cost_rate_cents, 0) = 0 then 'missing'
            when users.cost_rate_currency is distinct from workers.cost_rate_currency then 'currency'
            when abs(cast(users.cost_rate_cents as float8) / 100 - coalesce(cast(workers.cost_rate as float8), 0))
                > {{ var('r10_rate_tolerance') }} then 'different'
        end as reason

    from workers
    inner join worker_users
        on worker_users.employee_id = workers.employee_id
    inner join users
        on users.user_id = worker_users.user_id

),

final as (

    select
        'R10' as rule_id,
        'medium' as severity,
        'worker' as domain,
        'worker:workday:' || employee_id as canonical_id,
        {{ json_object([
            "'workday'", json_object(["'worker'", "employee_id"]),
            "'kantata'", json_object(["'user'", "user_id"])
        ]) }} as systems,
        {{ json_object([
            "'reason'", "reason",
            "'psa_cost_rate'", "case when cost_rate_cents is not null then psa_cost_rate end",
            "'hris_cost_rate'", "hris_cost_rate"
        ]) }} as details,
        {{ round2('hris_cost_rate - psa_cost_rate') }} as amount_impact,
        cost_rate_currency as currency,
        cast(null as decimal(18, 2)) as hours_impact

    from compared
    where reason is not null

)

select * from final
