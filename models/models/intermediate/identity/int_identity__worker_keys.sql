{#- The canonical worker of every PSA user and ERP employee: the HRIS worker it links to, else a
    worker of its own (`worker:kantata:<user id>`, `worker:netsuite:<employee id>`). -#}
with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

user_workers as (

    select user_workers.*
    from {{ ref('int_identity__user_workers') }} as user_workers
    inner join workers
        on workers.employee_id = user_workers.employee_id

),

users as (

    select * from {{ ref('stg_kantata__users') }}

),

employees as (

    select * from {{ ref('stg_netsuite__employees') }}

),

employee_workers as (

    select * from {{ ref('int_identity__employee_workers') }}

),

final as (

    select
        'kantata' as source_system,
        users.user_id as source_id,
        coalesce('worker:workday:' || user_workers.employee_id, 'worker:kantata:' || users.user_id) as worker_id,
        coalesce(user_workers.match_method, 'unmatched') as match_method

    from users
    left join user_workers
        on user_workers.user_id = users.user_id

    union all

    select
        'netsuite' as source_system,
        employees.employee_id as source_id,
        coalesce(
            'worker:workday:' || employee_workers.worker_employee_id,
            'worker:netsuite:' || employees.employee_id
        ) as worker_id,
        case when employee_workers.employee_id is not null then 'external_id' else 'unmatched' end as match_method

    from employees
    left join employee_workers
        on employee_workers.employee_id = employees.employee_id

)

select * from final
