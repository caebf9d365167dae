with

source as (

    select * from {{ source('workday', 'workers') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(employee_id as varchar) as employee_id,
        cast(worker as varchar) as worker_name,
        cast(email as varchar) as email,
        cast(worker_type as varchar) as worker_type,
        cast(nullif(cast(hire_date as varchar), '') as date) as hire_date,
        -- RaaS sends an empty string for "no termination".
        cast(nullif(cast(termination_date as varchar), '') as date) as termination_date,
        cast(active_status as boolean) as is_active,
        cast(cost_center as varchar) as cost_center,
        cast(location as varchar) as location,
        cast(nullif(cast(manager_id as varchar), '') as varchar) as manager_employee_id,
        cast(legal_entity as varchar) as legal_entity_name,
        cast(job_profile as varchar) as job_profile,
        cast(nullif(cast(cost_rate as varchar), '') as decimal(18, 4)) as cost_rate,
        cast(cost_rate_currency as varchar) as cost_rate_currency,
        cast(last_updated as timestamptz) as modified_at

    from source

)

select * from renamed
