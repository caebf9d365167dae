{#- Workers: one per Workday worker (owner of worker identity, status and cost rate), with the
    Kantata user and NetSuite employee linked to it; unlinked users and employees stand alone. -#}
with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

worker_keys as (

    select * from {{ ref('int_identity__worker_keys') }}

),

users as (

    select * from {{ ref('stg_kantata__users') }}

),

employees as (

    select * from {{ ref('stg_netsuite__employees') }}

),

legal_entities as (

    select * from {{ ref('legal_entity') }}

),

linked_users as (

    select worker_id, min(source_id) as user_id
    from worker_keys
    where source_system = 'kantata'
    group by worker_id

),

linked_employees as (

    select worker_id, min(source_id) as employee_id
    from worker_keys
    where source_system = 'netsuite'
    group by worker_id

),

hris_workers as (

    select
        'worker:workday:' || workers.employee_id as worker_id,
        workers.employee_id as workday_employee_id,
        linked_users.user_id as kantata_user_id,
        linked_employees.employee_id as netsuite_employee_id,
        workers.worker_name,
        workers.email,
        workers.worker_type,
        workers.job_profile as role_name,
        legal_entities.legal_entity_id,
        workers.cost_center,
        workers.location,
        workers.hire_date,
        workers.termination_date,
        workers.is_active,
        workers.cost_rate,
        workers.cost_rate_currency

    from workers
    left join linked_users
        on linked_users.worker_id = 'worker:workday:' || workers.employee_id
    left join linked_employees
        on linked_employees.worker_id = 'worker:workday:' || workers.employee_id
    left join legal_entities
        on legal_entities.legal_entity_name = workers.legal_entity_name

),

psa_only as (

    select
        worker_keys.worker_id,
        cast(null as varchar) as workday_employee_id,
        users.user_id as kantata_user_id,
        cast(null as varchar) as netsuite_employee_id,
        users.full_name as worker_name,
        users.email,
        cast(null as varchar) as worker_type,
        users.headline as role_name,
        cast(null as varchar) as legal_entity_id,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as location,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        not users.is_disabled as is_active,
        cast(users.cost_rate_amount as decimal(18, 4)) as cost_rate,
        users.cost_rate_currency

    from worker_keys
    inner join users
        on users.user_id = worker_keys.source_id
    where worker_keys.source_system = 'kantata'
        and worker_keys.match_method = 'unmatched'

),

erp_only as (

    select
        worker_keys.worker_id,
        cast(null as varchar) as workday_employee_id,
        cast(null as varchar) as kantata_user_id,
        employees.employee_id as netsuite_employee_id,
        employees.entity_code as worker_name,
        employees.email,
        cast(null as varchar) as worker_type,
        cast(null as varchar) as role_name,
        'legal_entity:netsuite:' || employees.subsidiary_id as legal_entity_id,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as location,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        not employees.is_inactive as is_active,
        cast(employees.labor_cost as decimal(18, 4)) as cost_rate,
        cast(null as varchar) as cost_rate_currency

    from worker_keys
    inner join employees
        on employees.employee_id = worker_keys.source_id
    where worker_keys.source_system = 'netsuite'
        and worker_keys.match_method = 'unmatched'

),

final as (

    select * from hris_workers
    union all
    select * from psa_only
    union all
    select * from erp_only

)

select * from final
