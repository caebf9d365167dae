{#- Utilisation per worker and month: approved hours against capacity (8 hours a weekday while
    employed), with role and legal entity so BI can roll it up by either. -#}
with

workers as (

    select * from {{ ref('worker') }}

),

time_by_month as (

    select
        worker_id,
        {{ month_start('work_date') }} as month_start,
        sum(hours) as hours,
        sum(case when is_billable then hours else 0 end) as billable_hours

    from {{ ref('time_entry') }}
    where is_approved
        and worker_id is not null
    group by worker_id, {{ month_start('work_date') }}

),

bounds as (

    select min(month_start) as first_month, max(month_start) as last_month
    from time_by_month

),

days as (

    select cast(calendar.day as date) as day
    from bounds
    cross join generate_series(
        cast(bounds.first_month as timestamp),
        cast(bounds.last_month as timestamp) + interval '1 month' - interval '1 day',
        interval '1 day'
    ) as calendar (day)

),

capacity as (

    select
        time_by_month.worker_id,
        time_by_month.month_start,
        8 * count(days.day) as capacity_hours

    from time_by_month
    inner join workers
        on workers.worker_id = time_by_month.worker_id
    inner join days
        on {{ month_start('days.day') }} = time_by_month.month_start
        and extract(dow from days.day) between 1 and 5
        and (workers.hire_date is null or days.day >= workers.hire_date)
        and (workers.termination_date is null or days.day <= workers.termination_date)
    group by time_by_month.worker_id, time_by_month.month_start

),

final as (

    select
        time_by_month.worker_id,
        workers.worker_name,
        workers.role_name,
        workers.legal_entity_id,
        time_by_month.month_start,
        cast(time_by_month.hours as decimal(18, 2)) as hours,
        cast(time_by_month.billable_hours as decimal(18, 2)) as billable_hours,
        coalesce(capacity.capacity_hours, 0) as capacity_hours,
        case
            when capacity.capacity_hours > 0
                then cast(time_by_month.billable_hours / capacity.capacity_hours as decimal(18, 4))
        end as utilisation_pct,
        case
            when capacity.capacity_hours > 0
                then cast(time_by_month.hours / capacity.capacity_hours as decimal(18, 4))
        end as occupancy_pct

    from time_by_month
    left join workers
        on workers.worker_id = time_by_month.worker_id
    left join capacity
        on capacity.worker_id = time_by_month.worker_id
        and capacity.month_start = time_by_month.month_start

)

select * from final
