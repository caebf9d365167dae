{#- Project financials per project and calendar month, in the project's (transaction) currency and
    in its legal entity's functional currency. Time counts when approved; `billed_amount` is what
    NetSuite invoiced to the project in the month (T&M and milestone invoices); `wip_amount` the
    approved billable time of the month not invoiced yet. -#}
with

projects as (

    select * from {{ ref('project') }}

),

legal_entities as (

    select * from {{ ref('legal_entity') }}

),

fx_rates as (

    select * from {{ ref('int_finance__fx_rates') }}

),

time_by_month as (

    select
        project_id,
        {{ month_start('work_date') }} as month_start,
        sum(hours) as hours,
        sum(case when is_billable then hours else 0 end) as billable_hours,
        sum(cost_amount) as cost_amount,
        sum(billable_amount) as billable_value,
        sum(case when not is_invoiced then billable_amount else 0 end) as wip_amount

    from {{ ref('time_entry') }}
    where is_approved
    group by project_id, {{ month_start('work_date') }}

),

billed_by_month as (

    select
        project_id,
        {{ month_start('invoice_date') }} as month_start,
        sum(erp_amount) as billed_amount

    from {{ ref('invoice') }}
    where project_id is not null
        and erp_amount is not null
    group by project_id, {{ month_start('invoice_date') }}

),

months as (

    select project_id, month_start from time_by_month
    union
    select project_id, month_start from billed_by_month

),

monthly as (

    select
        months.project_id,
        months.month_start,
        coalesce(time_by_month.hours, 0) as hours,
        coalesce(time_by_month.billable_hours, 0) as billable_hours,
        coalesce(time_by_month.cost_amount, 0) as cost_amount,
        coalesce(time_by_month.billable_value, 0) as billable_value,
        coalesce(billed_by_month.billed_amount, 0) as billed_amount,
        coalesce(time_by_month.wip_amount, 0) as wip_amount

    from months
    left join time_by_month
        on time_by_month.project_id = months.project_id
        and time_by_month.month_start = months.month_start
    left join billed_by_month
        on billed_by_month.project_id = months.project_id
        and billed_by_month.month_start = months.month_start

),

cumulative as (

    select
        monthly.*,
        sum(billable_value) over (
            partition by project_id order by month_start
            rows between unbounded preceding and current row
        ) as cumulative_billable_value

    from monthly

),

final as (

    select
        cumulative.project_id,
        projects.project_name,
        projects.customer_id,
        projects.legal_entity_id,
        projects.billing_type,
        cumulative.month_start,
        cast(cumulative.hours as decimal(18, 2)) as hours,
        cast(cumulative.billable_hours as decimal(18, 2)) as billable_hours,
        projects.currency,
        cast(cumulative.cost_amount as decimal(18, 2)) as cost_amount,
        cast(cumulative.billable_value as decimal(18, 2)) as billable_value,
        cast(cumulative.billed_amount as decimal(18, 2)) as billed_amount,
        cast(cumulative.wip_amount as decimal(18, 2)) as wip_amount,
        cast(cumulative.billable_value - cumulative.cost_amount as decimal(18, 2)) as margin_amount,
        case
            when cumulative.billable_value <> 0
                then cast((cumulative.billable_value - cumulative.cost_amount) / cumulative.billable_value as decimal(18, 4))
        end as margin_pct,
        cast(projects.budget_amount as decimal(18, 2)) as budget_amount,
        case
            when projects.budget_amount > 0
                then cast(cumulative.cumulative_billable_value / projects.budget_amount as decimal(18, 4))
        end as budget_burn_pct,
        legal_entities.functional_currency,
        fx_rates.rate as fx_rate,
        cast(cumulative.cost_amount * fx_rates.rate as decimal(18, 2)) as cost_amount_functional,
        cast(cumulative.billable_value * fx_rates.rate as decimal(18, 2)) as billable_value_functional,
        cast(cumulative.billed_amount * fx_rates.rate as decimal(18, 2)) as billed_amount_functional,
        cast(cumulative.wip_amount * fx_rates.rate as decimal(18, 2)) as wip_amount_functional,
        cast((cumulative.billable_value - cumulative.cost_amount) * fx_rates.rate as decimal(18, 2)) as margin_amount_functional

    from cumulative
    inner join projects
        on projects.project_id = cumulative.project_id
    left join legal_entities
        on legal_entities.legal_entity_id = projects.legal_entity_id
    left join fx_rates
        on fx_rates.from_currency = projects.currency
        and fx_rates.to_currency = legal_entities.functional_currency

)

select * from final
