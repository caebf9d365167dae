{#- Integration health per stream: freshness (time since the last successful sync) and lag (how
    far the committed cursor trails the run), live rows in the current-state table, records in
    quarantine, failures over the last 7 days and the last error. freshness_hours and failures_7d
    are measured at the build (`measured_at`, the run's timestamp); a dashboard that shows the lag
    now computes it from last_success_at, or adds the time since measured_at. -#}
{%- set streams = [
    ['salesforce', 'account'], ['salesforce', 'opportunity'],
    ['netsuite', 'subsidiary'], ['netsuite', 'customer'], ['netsuite', 'job'], ['netsuite', 'employee'],
    ['netsuite', 'timebill'], ['netsuite', 'transaction'], ['netsuite', 'transactionline'],
    ['netsuite', 'accountingperiod'],
    ['kantata', 'workspace_groups'], ['kantata', 'workspaces'], ['kantata', 'users'], ['kantata', 'stories'],
    ['kantata', 'assignments'], ['kantata', 'time_entries'], ['kantata', 'expenses'], ['kantata', 'invoices'],
    ['kantata', 'external_references'], ['kantata', 'custom_field_values'],
    ['workday', 'workers']
] -%}

with

runs as (

    select * from {{ source('bookkeeping', 'runs') }}

),

run_streams as (

    select * from {{ source('bookkeeping', 'run_streams') }}

),

stream_state as (

    select * from {{ source('bookkeeping', 'stream_state') }}

),

quarantine as (

    select * from {{ source('bookkeeping', 'quarantine') }}

),

stream_runs as (

    select
        run_streams.source as source_system,
        lower(run_streams.stream) as stream,
        run_streams.status,
        run_streams.error,
        run_streams.new_rows + run_streams.changed_rows as rows_written,
        coalesce(runs.finished_at, runs.started_at) as finished_at,
        row_number() over (
            partition by run_streams.source, lower(run_streams.stream)
            order by coalesce(runs.finished_at, runs.started_at) desc
        ) as recency

    from run_streams
    inner join runs
        on runs.run_id = run_streams.run_id

),

run_summary as (

    select
        source_system,
        stream,
        max(case when status = 'succeeded' then finished_at end) as last_success_at,
        max(finished_at) as last_run_at,
        max(case when recency = 1 then status end) as last_status,
        max(case when recency = 1 then error end) as last_error,
        max(case when recency = 1 then rows_written end) as last_rows_written,
        sum(
            case
                when status = 'failed' and finished_at >= {{ run_timestamp() }} - interval '7 days' then 1
                else 0
            end
        ) as failures_7d

    from stream_runs
    group by source_system, stream

),

cursors as (

    select
        source as source_system,
        lower(stream) as stream,
        cast({{ json_text('cursor', 'modified_before') }} as timestamptz) as cursor_at

    from stream_state

),

quarantined as (

    select
        source as source_system,
        lower(stream) as stream,
        count(*) as quarantined_records

    from quarantine
    where resolved_at is null
    group by source, lower(stream)

),

live_rows as (

    {% for system, stream in streams %}
    select '{{ system }}' as source_system, '{{ stream }}' as stream, count(*) as live_rows
    from {{ source(system, stream) }}
    where _pslink_deleted_at is null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        live_rows.source_system,
        live_rows.stream,
        live_rows.live_rows,
        run_summary.last_run_at,
        run_summary.last_status,
        run_summary.last_success_at,
        {{ run_timestamp() }} as measured_at,
        cast(
            extract(epoch from ({{ run_timestamp() }} - run_summary.last_success_at)) / 3600
            as decimal(18, 2)
        ) as freshness_hours,
        cursors.cursor_at,
        cast(
            extract(epoch from (run_summary.last_success_at - cursors.cursor_at)) / 60
            as decimal(18, 2)
        ) as cursor_lag_minutes,
        run_summary.last_rows_written,
        coalesce(quarantined.quarantined_records, 0) as quarantined_records,
        coalesce(run_summary.failures_7d, 0) as failures_7d,
        run_summary.last_error

    from live_rows
    left join run_summary
        on run_summary.source_system = live_rows.source_system
        and run_summary.stream = live_rows.stream
    left join cursors
        on cursors.source_system = live_rows.source_system
        and cursors.stream = live_rows.stream
    left join quarantined
        on quarantined.source_system = live_rows.source_system
        and quarantined.stream = live_rows.stream

)

select * from final
