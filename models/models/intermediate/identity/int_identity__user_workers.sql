{#- PSA user → HRIS worker, one row per user: a User external reference to a Workday Worker;
    when a user has none, the worker with the same e-mail address (case-insensitive). -#}
with

users as (

    select * from {{ ref('stg_kantata__users') }}

),

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

external_references as (

    select * from {{ ref('stg_kantata__external_references') }}
    where subject_type = 'User'
        and service_name = 'Workday'
        and service_model = 'Worker'

),

-- A user with several references keeps the newest (highest reference id), as a later write would.
by_reference as (

    select
        subject_id as user_id,
        service_model_ref as employee_id,
        'external_reference' as match_method

    from (
        select
            *,
            row_number() over (
                partition by subject_id
                order by length(external_reference_id) desc, external_reference_id desc
            ) as reference_rank
        from external_references
    ) as ranked
    where reference_rank = 1

),

by_email as (

    select
        users.user_id,
        workers.employee_id,
        'email' as match_method

    from users
    inner join workers
        on lower(workers.email) = lower(users.email)
    where users.user_id not in (select user_id from by_reference)

),

final as (

    select * from by_reference
    union all
    select * from by_email

)

select * from final
