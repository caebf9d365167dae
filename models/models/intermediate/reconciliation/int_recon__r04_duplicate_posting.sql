{#- R04: more than one ERP time bill for one PSA entry; the impact is what the extra postings
    (all but the primary) hold. -#}
with

postings as (

    select * from {{ ref('int_identity__time_entry_postings') }}
    where posting_count > 1

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}

),

per_entry as (

    select
        postings.time_entry_id,
        max(case when postings.is_primary then postings.timebill_id end) as primary_timebill_id,
        max(case when postings.is_primary then jobs.currency end) as currency,
        sum(case when not postings.is_primary then cast(postings.hours as float8) else 0 end) as extra_hours,
        sum(
            case
                when not postings.is_primary and postings.is_billable
                    then cast(postings.hours as float8) * cast(postings.rate as float8)
                else 0
            end
        ) as extra_amount,
        {{ json_agg_ordered('postings.timebill_id', id_order('postings.timebill_id')) }} as timebill_ids

    from postings
    left join jobs
        on jobs.job_id = postings.job_id
    group by postings.time_entry_id

),

final as (

    select
        'R04' as rule_id,
        'high' as severity,
        'time' as domain,
        'time_entry:kantata:' || time_entry_id as canonical_id,
        {{ json_object([
            "'kantata'", json_object(["'time_entry'", "time_entry_id"]),
            "'netsuite'", json_object(["'timebill'", "timebill_ids"])
        ]) }} as systems,
        {{ json_object([
            "'timebill_ids'", "timebill_ids",
            "'primary_timebill_id'", "primary_timebill_id"
        ]) }} as details,
        case when currency is not null then {{ round2('-extra_amount') }} end as amount_impact,
        currency,
        {{ round2('-extra_hours') }} as hours_impact

    from per_entry

)

select * from final
