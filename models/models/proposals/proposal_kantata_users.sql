{#- Workday owns worker status and cost rates. R09: deactivate the Kantata user of a terminated
    worker; R10: set the user's cost rate (and currency) from Workday. -#}
with

exceptions as (

    select * from {{ ref('exceptions') }}
    where status = 'open'
        and rule_id in ('R09', 'R10')

),

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

worker_users as (

    select * from {{ ref('int_recon__worker_users') }}

),

users as (

    select * from {{ ref('stg_kantata__users') }}

),

joined as (

    select
        exceptions.exception_id,
        exceptions.rule_id,
        exceptions.canonical_id,
        workers.employee_id,
        workers.termination_date,
        workers.cost_rate,
        workers.cost_rate_currency,
        users.user_id,
        users.is_disabled,
        users.cost_rate_cents,
        users.cost_rate_currency as psa_cost_rate_currency

    from exceptions
    inner join workers
        on 'worker:workday:' || workers.employee_id = exceptions.canonical_id
    inner join worker_users
        on worker_users.employee_id = workers.employee_id
    inner join users
        on users.user_id = worker_users.user_id

),

deactivations as (

    select
        'R09:' || canonical_id || ':users:' || user_id as proposal_key,
        rule_id,
        exception_id,
        'worker' as domain,
        'workday' as source_system,
        'kantata' as target_system,
        'users' as object,
        user_id as target_id,
        'deactivate' as operation,
        {{ json_object(["'disabled'", "true"]) }} as fields,
        {{ json_object([
            "'workday_employee'", "employee_id",
            "'termination_date'", "cast(termination_date as varchar)",
            "'psa_disabled'", "is_disabled"
        ]) }} as evidence

    from joined
    where rule_id = 'R09'
        and not is_disabled

),

cost_rates as (

    select
        'R10:' || canonical_id || ':users:' || user_id as proposal_key,
        rule_id,
        exception_id,
        'worker' as domain,
        'workday' as source_system,
        'kantata' as target_system,
        'users' as object,
        user_id as target_id,
        'update' as operation,
        {{ json_object([
            "'cost_rate_in_cents'", "cast(round(cost_rate * 100, 0) as bigint)",
            "'cost_rate_currency'", "cost_rate_currency"
        ]) }} as fields,
        {{ json_object([
            "'workday_employee'", "employee_id",
            "'hris_cost_rate'", "cost_rate",
            "'hris_currency'", "cost_rate_currency",
            "'psa_cost_rate_in_cents'", "cost_rate_cents",
            "'psa_currency'", "psa_cost_rate_currency"
        ]) }} as evidence

    from joined
    where rule_id = 'R10'
        and cost_rate is not null

),

final as (

    select * from deactivations
    union all
    select * from cost_rates

)

select * from final
