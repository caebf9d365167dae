{#- Project financials per project and calendar month, in the project's (transaction) currency and
    in its legal entity's functional currency. Time counts when approved; `billed_amount` is what
    NetSuite invoiced to the project in the month (T&M and milestone invoices); `wip_amount` the
    approved billable time of the month not invoiced yet.

    Cost is recorded in the workers' cost currencies (canonical.time_entry): the month's cost in
    each cost currency is converted into the project's currency and, straight from the cost
    currency, into the functional currency. Invoices are in NetSuite's invoice currency
    (canonical.invoice.erp_currency) and converted into the project's the same way. Every
    conversion uses the month's rate (int_finance__fx_rates is dated by month). Revenue follows
    the billing type: T&M projects (and those with no ERP billing type) earn their billable
    value, fixed fee (FFM) and retainer (CB) projects what was invoiced. Every published amount is rounded once; margin, the cumulative
    columns and the percentages are computed from the published amounts, so the columns add up.
    An amount that needs a rate `int_finance__fx_rates` lacks is null, never partly converted,
    and `is_fx_rate_missing` says so. -#}
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

project_currencies as (

    select
        projects.project_id,
        projects.project_name,
        projects.customer_id,
        projects.legal_entity_id,
        projects.billing_type,
        projects.currency,
        projects.budget_amount,
        legal_entities.functional_currency

    from projects
    left join legal_entities
        on legal_entities.legal_entity_id = projects.legal_entity_id

),

approved_time as (

    select * from {{ ref('time_entry') }}
    where is_approved

),

cost_by_currency as (

    select
        project_id,
        {{ month_start('work_date') }} as month_start,
        cost_currency,
        sum(cost_amount_in_cost_currency) as cost_amount_in_cost_currency

    from approved_time
    group by project_id, {{ month_start('work_date') }}, cost_currency

),

-- Each month's cost is converted per cost currency, into the project's and the functional
-- currency; a cost with no rate stays null (no cost needs no rate).
converted_cost as (

    select
        cost_by_currency.project_id,
        cost_by_currency.month_start,
        case
            when cost_by_currency.cost_amount_in_cost_currency = 0 then 0
            when cost_by_currency.cost_currency = project_currencies.currency
                then cost_by_currency.cost_amount_in_cost_currency
            else cost_by_currency.cost_amount_in_cost_currency * project_rates.rate
        end as cost_amount,
        case
            when cost_by_currency.cost_amount_in_cost_currency = 0 then 0
            when cost_by_currency.cost_currency = project_currencies.functional_currency
                then cost_by_currency.cost_amount_in_cost_currency
            else cost_by_currency.cost_amount_in_cost_currency * functional_rates.rate
        end as cost_amount_functional

    from cost_by_currency
    left join project_currencies
        on project_currencies.project_id = cost_by_currency.project_id
    left join fx_rates as project_rates
        on project_rates.from_currency = cost_by_currency.cost_currency
        and project_rates.to_currency = project_currencies.currency
        and {{ fx_rate_in_force('project_rates', 'cost_by_currency.month_start') }}
    left join fx_rates as functional_rates
        on functional_rates.from_currency = cost_by_currency.cost_currency
        and functional_rates.to_currency = project_currencies.functional_currency
        and {{ fx_rate_in_force('functional_rates', 'cost_by_currency.month_start') }}

),

cost_by_month as (

    select
        project_id,
        month_start,
        -- sum() skips nulls: a month with an unconverted cost has no total at all.
        case when count(cost_amount) = count(*) then sum(cost_amount) end as cost_amount,
        case
            when count(cost_amount_functional) = count(*) then sum(cost_amount_functional)
        end as cost_amount_functional

    from converted_cost
    group by project_id, month_start

),

time_by_month as (

    select
        project_id,
        {{ month_start('work_date') }} as month_start,
        sum(hours) as hours,
        sum(case when is_billable then hours else 0 end) as billable_hours,
        sum(billable_amount) as billable_value,
        sum(case when not is_invoiced then billable_amount else 0 end) as wip_amount

    from approved_time
    group by project_id, {{ month_start('work_date') }}

),

billed_by_currency as (

    select
        project_id,
        {{ month_start('invoice_date') }} as month_start,
        erp_currency,
        sum(erp_amount) as billed_amount_in_invoice_currency

    from {{ ref('invoice') }}
    where project_id is not null
        and erp_amount is not null
    group by project_id, {{ month_start('invoice_date') }}, erp_currency

),

-- NetSuite may invoice a project in another currency than the project's: each month's invoices
-- are converted per invoice currency, as cost is, and an invoice with no rate stays null.
converted_billed as (

    select
        billed_by_currency.project_id,
        billed_by_currency.month_start,
        case
            when billed_by_currency.billed_amount_in_invoice_currency = 0 then 0
            when billed_by_currency.erp_currency = project_currencies.currency
                then billed_by_currency.billed_amount_in_invoice_currency
            else billed_by_currency.billed_amount_in_invoice_currency * invoice_rates.rate
        end as billed_amount

    from billed_by_currency
    left join project_currencies
        on project_currencies.project_id = billed_by_currency.project_id
    left join fx_rates as invoice_rates
        on invoice_rates.from_currency = billed_by_currency.erp_currency
        and invoice_rates.to_currency = project_currencies.currency
        and {{ fx_rate_in_force('invoice_rates', 'billed_by_currency.month_start') }}

),

billed_by_month as (

    select
        project_id,
        month_start,
        case when count(billed_amount) = count(*) then sum(billed_amount) end as billed_amount

    from converted_billed
    group by project_id, month_start

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
        {{ round2('coalesce(time_by_month.hours, 0)') }} as hours,
        {{ round2('coalesce(time_by_month.billable_hours, 0)') }} as billable_hours,
        case
            when time_by_month.project_id is null then cast(0 as decimal(18, 2))
            else {{ round2('cost_by_month.cost_amount') }}
        end as cost_amount,
        {{ round2('coalesce(time_by_month.billable_value, 0)') }} as billable_value,
        case
            when billed_by_month.project_id is null then cast(0 as decimal(18, 2))
            else {{ round2('billed_by_month.billed_amount') }}
        end as billed_amount,
        {{ round2('coalesce(time_by_month.wip_amount, 0)') }} as wip_amount,
        case
            when time_by_month.project_id is null then cast(0 as decimal(18, 2))
            else {{ round2('cost_by_month.cost_amount_functional') }}
        end as cost_amount_functional

    from months
    left join time_by_month
        on time_by_month.project_id = months.project_id
        and time_by_month.month_start = months.month_start
    left join cost_by_month
        on cost_by_month.project_id = months.project_id
        and cost_by_month.month_start = months.month_start
    left join billed_by_month
        on billed_by_month.project_id = months.project_id
        and billed_by_month.month_start = months.month_start

),

earned as (

    select
        monthly.*,
        project_currencies.project_name,
        project_currencies.customer_id,
        project_currencies.legal_entity_id,
        project_currencies.billing_type,
        project_currencies.currency,
        project_currencies.budget_amount,
        project_currencies.functional_currency,
        functional_rates.rate as fx_rate,
        case
            when project_currencies.billing_type in ('FFM', 'CB') then 'billed_amount'
            else 'billable_value'
        end as revenue_basis,
        case
            when project_currencies.billing_type in ('FFM', 'CB') then monthly.billed_amount
            else monthly.billable_value
        end as revenue_amount

    from monthly
    inner join project_currencies
        on project_currencies.project_id = monthly.project_id
    left join fx_rates as functional_rates
        on functional_rates.from_currency = project_currencies.currency
        and functional_rates.to_currency = project_currencies.functional_currency
        and {{ fx_rate_in_force('functional_rates', 'monthly.month_start') }}

),

cumulative as (

    select
        earned.*,
        -- Null from the first month whose revenue or cost could not be converted on.
        case
            when count(revenue_amount) over project_to_date = count(*) over project_to_date
                then sum(revenue_amount) over project_to_date
        end as cumulative_revenue_amount,
        case
            when count(cost_amount) over project_to_date = count(*) over project_to_date
                then sum(cost_amount) over project_to_date
        end as cumulative_cost_amount

    from earned
    window project_to_date as (
        partition by project_id order by month_start
        rows between unbounded preceding and current row
    )

),

final as (

    select
        project_id,
        project_name,
        customer_id,
        legal_entity_id,
        billing_type,
        month_start,
        hours,
        billable_hours,
        currency,
        cost_amount,
        billable_value,
        billed_amount,
        wip_amount,
        revenue_basis,
        revenue_amount,
        cast(revenue_amount - cost_amount as decimal(18, 2)) as margin_amount,
        case
            when revenue_amount <> 0 then {{ round4('(revenue_amount - cost_amount) / revenue_amount') }}
        end as margin_pct,
        cast(budget_amount as decimal(18, 2)) as budget_amount,
        cast(cumulative_revenue_amount as decimal(18, 2)) as cumulative_revenue_amount,
        cast(cumulative_cost_amount as decimal(18, 2)) as cumulative_cost_amount,
        cast(cumulative_revenue_amount - cumulative_cost_amount as decimal(18, 2)) as cumulative_margin_amount,
        case
            when cumulative_revenue_amount <> 0
                then {{ round4('(cumulative_revenue_amount - cumulative_cost_amount) / cumulative_revenue_amount') }}
        end as cumulative_margin_pct,
        case
            when budget_amount > 0 then {{ round4('cumulative_revenue_amount / budget_amount') }}
        end as budget_burn_pct,
        case
            when budget_amount > 0 then {{ round4('cumulative_cost_amount / budget_amount') }}
        end as cost_burn_pct,
        functional_currency,
        fx_rate,
        cost_amount_functional,
        {{ round2('billable_value * fx_rate') }} as billable_value_functional,
        {{ round2('billed_amount * fx_rate') }} as billed_amount_functional,
        {{ round2('wip_amount * fx_rate') }} as wip_amount_functional,
        {{ round2('revenue_amount * fx_rate') }} as revenue_amount_functional,
        cast(
            {{ round2('revenue_amount * fx_rate') }} - cost_amount_functional as decimal(18, 2)
        ) as margin_amount_functional,
        -- A project with no legal entity has no functional currency: nothing to convert into.
        cost_amount is null
            or billed_amount is null
            or (
                functional_currency is not null
                and (cost_amount_functional is null or fx_rate is null)
            ) as is_fx_rate_missing

    from cumulative

)

select * from final
