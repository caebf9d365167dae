{#- Open reconciliation exceptions per rule and severity: how many, how old (days since first
    detected), and their summed impact per currency. The integration-health view of the rules. -#}
with

exceptions as (

    select * from {{ ref('exceptions') }}

),

open_exceptions as (

    select
        *,
        cast({{ run_timestamp() }} as date) - cast(first_detected_at as date) as open_days

    from exceptions
    where status = 'open'

),

final as (

    select
        rule_id,
        severity,
        domain,
        currency,
        count(*) as open_exceptions,
        sum(case when open_days <= 7 then 1 else 0 end) as open_0_7_days,
        sum(case when open_days between 8 and 30 then 1 else 0 end) as open_8_30_days,
        sum(case when open_days > 30 then 1 else 0 end) as open_over_30_days,
        max(open_days) as oldest_open_days,
        cast(avg(open_days) as decimal(18, 2)) as average_open_days,
        cast(sum(amount_impact) as decimal(18, 2)) as amount_impact,
        cast(sum(hours_impact) as decimal(18, 2)) as hours_impact

    from open_exceptions
    group by rule_id, severity, domain, currency

)

select * from final
