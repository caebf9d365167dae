{#- R09: a worker terminated in the HRIS (on or before the as-of date) whose PSA user is still
    enabled, assigned to an open story, or logging time dated after the termination. -#}
with

workers as (

    select * from {{ ref('stg_workday__workers') }}
    where termination_date is not null
        and termination_date <= {{ as_of_date() }}

),

worker_users as (

    select * from {{ ref('int_recon__worker_users') }}

),

users as (

    select * from {{ ref('stg_kantata__users') }}

),

open_assignments as (

    select distinct assignments.user_id
    from {{ ref('stg_kantata__assignments') }} as assignments
    inner join {{ ref('stg_kantata__stories') }} as stories
        on stories.story_id = assignments.story_id
    where stories.state <> 'completed'

),

terminated as (

    select
        workers.employee_id,
        workers.termination_date,
        worker_users.user_id

    from workers
    inner join worker_users
        on worker_users.employee_id = workers.employee_id

),

time_after as (

    select
        terminated.employee_id,
        sum(time_entries.time_minutes) as minutes_after

    from terminated
    inner join {{ ref('stg_kantata__time_entries') }} as time_entries
        on time_entries.user_id = terminated.user_id
        and time_entries.date_performed > terminated.termination_date
    group by terminated.employee_id

),

reasons as (

    select
        terminated.*,
        coalesce(not users.is_disabled, false) as is_active_in_psa,
        open_assignments.user_id is not null as is_assigned,
        coalesce(time_after.minutes_after, 0) as minutes_after

    from terminated
    left join users
        on users.user_id = terminated.user_id
    left join open_assignments
        on open_assignments.user_id = terminated.user_id
    left join time_after
        on time_after.employee_id = terminated.employee_id

),

final as (

    select
        'R09' as rule_id,
        'high' as severity,
        'worker' as domain,
        'worker:workday:' || employee_id as canonical_id,
        {{ json_object([
            "'workday'", json_object(["'worker'", "employee_id"]),
            "'kantata'", json_object(["'user'", "user_id"])
        ]) }} as systems,
        {{ json_object([
            "'reasons'", json_compact_array([
                "case when is_active_in_psa then 'active_in_psa' end",
                "case when is_assigned then 'assigned' end",
                "case when minutes_after > 0 then 'time_after_termination' end"
            ]),
            "'termination_date'", "cast(termination_date as varchar)",
            "'user_id'", "user_id"
        ]) }} as details,
        cast(null as decimal(18, 2)) as amount_impact,
        cast(null as varchar) as currency,
        {{ round2('cast(minutes_after as float8) / 60') }} as hours_impact

    from reasons
    where is_active_in_psa
        or is_assigned
        or minutes_after > 0

)

select * from final
