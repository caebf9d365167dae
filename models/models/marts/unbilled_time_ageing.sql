{#- Work in progress: approved billable time not invoiced yet, per project and age bucket (days
    from the work date to the as-of date), in the functional currency at the as-of date's rate. -#}
with

time_entries as (

    select * from {{ ref('time_entry') }}
    where is_approved
        and is_billable
        and not is_invoiced
        and kantata_time_entry_id is not null

),

projects as (

    select * from {{ ref('project') }}

),

legal_entities as (

    select * from {{ ref('legal_entity') }}

),

fx_rates as (

    select * from {{ ref('int_finance__fx_rates') }}

),

aged as (

    select
        *,
        {{ age_days('work_date') }} as age_days

    from time_entries

),

bucketed as (

    select
        project_id,
        case
            when age_days <= 30 then '0-30'
            when age_days <= 60 then '31-60'
            when age_days <= 90 then '61-90'
            else '90+'
        end as age_bucket,
        count(*) as entry_count,
        min(work_date) as oldest_work_date,
        sum(hours) as hours,
        sum(billable_amount) as unbilled_amount

    from aged
    group by project_id,
        case
            when age_days <= 30 then '0-30'
            when age_days <= 60 then '31-60'
            when age_days <= 90 then '61-90'
            else '90+'
        end

),

final as (

    select
        bucketed.project_id,
        projects.project_name,
        projects.customer_id,
        projects.billing_type,
        bucketed.age_bucket,
        bucketed.entry_count,
        bucketed.oldest_work_date,
        cast(bucketed.hours as decimal(18, 2)) as hours,
        projects.currency,
        cast(bucketed.unbilled_amount as decimal(18, 2)) as unbilled_amount,
        legal_entities.functional_currency,
        cast(bucketed.unbilled_amount * fx_rates.rate as decimal(18, 2)) as unbilled_amount_functional

    from bucketed
    left join projects
        on projects.project_id = bucketed.project_id
    left join legal_entities
        on legal_entities.legal_entity_id = projects.legal_entity_id
    left join fx_rates
        on fx_rates.from_currency = projects.currency
        and fx_rates.to_currency = legal_entities.functional_currency
        and {{ fx_rate_in_force('fx_rates', as_of_date()) }}

)

select * from final
