{#- ERP employee → HRIS worker: employee.externalid = Employee_ID. -#}
with

employees as (

    select * from {{ ref('stg_netsuite__employees') }}

),

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

final as (

    select
        employees.employee_id,
        workers.employee_id as worker_employee_id

    from employees
    inner join workers
        on workers.employee_id = employees.external_id

)

select * from final
