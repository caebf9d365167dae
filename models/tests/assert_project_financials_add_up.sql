-- The published amounts add up: margin is revenue − cost in both currencies, revenue is the
-- amount its basis names, project-to-date columns sum the months, and a null money column
-- (a missing FX rate) is flagged.
with

financials as (

    select
        *,
        sum(revenue_amount) over (
            partition by project_id order by month_start
            rows between unbounded preceding and current row
        ) as summed_revenue_amount

    from {{ ref('project_financials_monthly') }}

)

select project_id, month_start
from financials
where margin_amount <> revenue_amount - cost_amount
    or margin_amount_functional <> revenue_amount_functional - cost_amount_functional
    or revenue_amount <> case when revenue_basis = 'billed_amount' then billed_amount else billable_value end
    or cumulative_revenue_amount <> summed_revenue_amount
    or cumulative_margin_amount <> cumulative_revenue_amount - cumulative_cost_amount
    or (
        not is_fx_rate_missing
        and (cost_amount is null or (functional_currency is not null and (cost_amount_functional is null or fx_rate is null)))
    )
    or (is_fx_rate_missing and cost_amount is not null and cost_amount_functional is not null and fx_rate is not null)
