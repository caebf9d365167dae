{#- R03: an ERP time bill whose PSA entry was deleted or is not approved. -#}
with

postings as (

    select * from {{ ref('int_identity__time_entry_postings') }}

),

time_entries as (

    select * from {{ ref('stg_kantata__time_entries') }}

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}

),

unapproved as (

    select
        postings.timebill_id,
        postings.time_entry_id,
        postings.hours,
        case
            when postings.is_billable then cast(postings.hours as float8) * cast(postings.rate as float8)
            else 0
        end as billable_amount,
        jobs.currency,
        case when time_entries.time_entry_id is null then 'entry_deleted' else 'entry_unapproved' end as reason

    from postings
    left join time_entries
        on time_entries.time_entry_id = postings.time_entry_id
    left join jobs
        on jobs.job_id = postings.job_id
    where time_entries.time_entry_id is null
        or not time_entries.is_approved

),

final as (

    select
        'R03' as rule_id,
        'high' as severity,
        'time' as domain,
        'timebill:netsuite:' || timebill_id as canonical_id,
        {{ json_object([
            "'netsuite'", json_object(["'timebill'", "timebill_id"]),
            "'kantata'", json_object(["'time_entry'", "time_entry_id"])
        ]) }} as systems,
        {{ json_object(["'reason'", "reason", "'time_entry_id'", "time_entry_id"]) }} as details,
        case when currency is not null then {{ round2('-billable_amount') }} end as amount_impact,
        currency,
        {{ round2('-cast(hours as float8)') }} as hours_impact

    from unapproved

)

select * from final
