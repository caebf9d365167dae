{#- Utilisation per worker and month: approved hours against capacity (8 hours a weekday while
    employed, counted from the first day of approved time to the as-of date, so the current month
    is prorated), with role and legal entity so BI can roll it up by either.
    The rows are a spine, not just the months with time: every month from the first month of
    approved time to the as-of month in which a worker was employed (Workday hire and termination
    dates), so a month on the bench is a row with 0 hours that counts in averages; plus any other
    month a worker logged approved time in (after termination, or a worker with no Workday record,
    whose employment is unknown). -#}
with

workers as (

    select * from {{ ref('worker') }}

),

approved_time as (

    select * from {{ ref('time_entry') }}
    where is_approved
        and worker_id is not null

),

time_by_month as (

    select
        worker_id,
        {{ month_start('work_date') }} as month_start,
        sum(hours) as hours,
        sum(case when is_billable then hours else 0 end) as billable_hours

    from approved_time
    group by worker_id, {{ month_start('work_date') }}

),

bounds as (

    select
        min(work_date) as first_day,
        {{ month_start('min(work_date)') }} as first_month,
        {{ month_start(as_of_date()) }} as as_of_month,
        greatest({{ month_start('max(work_date)') }}, {{ month_start(as_of_date()) }}) as last_month

    from approved_time
    having count(*) > 0

),

months as (

    select cast(calendar.month_start as date) as month_start
    from bounds
    cross join generate_series(
        cast(bounds.first_month as timestamp),
        cast(bounds.as_of_month as timestamp),
        interval '1 month'
    ) as calendar (month_start)

),

days as (

    select cast(calendar.day as date) as day
    from bounds
    cross join generate_series(
        cast(bounds.first_month as timestamp),
        cast(bounds.last_month as timestamp) + interval '1 month' - interval '1 day',
        interval '1 day'
    ) as calendar (day)
    where extract(dow from calendar.day) between 1 and 5
        and cast(calendar.day as date) between bounds.first_day and {{ as_of_date() }}

),

employed_months as (

    select
        workers.worker_id,
        months.month_start

    from workers
    inner join months
        on months.month_start >= {{ month_start('workers.hire_date') }}
        and (
            workers.termination_date is null
            or months.month_start <= workers.termination_date
        )
    where workers.hire_date is not null

),

spine as (

    select worker_id, month_start from employed_months
    union
    select worker_id, month_start from time_by_month

),

capacity as (

    select
        spine.worker_id,
        spine.month_start,
        8 * count(days.day) as capacity_hours

    from spine
    left join workers
        on workers.worker_id = spine.worker_id
    inner join days
        on {{ month_start('days.day') }} = spine.month_start
        and (workers.hire_date is null or days.day >= workers.hire_date)
        and (workers.termination_date is null or days.day <= workers.termination_date)
    group by spine.worker_id, spine.month_start

),

final as (

    select
        spine.worker_id,
        workers.worker_name,
        workers.role_name,
        workers.legal_entity_id,
        spine.month_start,
        {{ round2('coalesce(time_by_month.hours, 0)') }} as hours,
        {{ round2('coalesce(time_by_month.billable_hours, 0)') }} as billable_hours,
        coalesce(capacity.capacity_hours, 0) as capacity_hours,
        case
            when capacity.capacity_hours > 0
                then {{ round4('coalesce(time_by_month.billable_hours, 0) / capacity.capacity_hours') }}
        end as utilisation_pct,
        case
            when capacity.capacity_hours > 0
                then {{ round4('coalesce(time_by_month.hours, 0) / capacity.capacity_hours') }}
        end as occupancy_pct

    from spine
    left join workers
        on workers.worker_id = spine.worker_id
    left join time_by_month
        on time_by_month.worker_id = spine.worker_id
        and time_by_month.month_start = spine.month_start
    left join capacity
        on capacity.worker_id = spine.worker_id
        and capacity.month_start = spine.month_start

)

select * from final
