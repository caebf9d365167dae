{#- Contracts: won opportunities (Salesforce owns opportunity / contract) with the project that
    delivers each and the three values they were sold, planned and booked at. -#}
with

opportunities as (

    select * from {{ ref('opportunity') }}
    where is_won

),

projects as (

    select * from {{ ref('project') }}
    where salesforce_opportunity_id is not null

),

final as (

    select
        'contract:salesforce:' || opportunities.salesforce_opportunity_id as contract_id,
        opportunities.opportunity_id,
        projects.project_id,
        opportunities.customer_id,
        projects.billing_type,
        opportunities.close_date as signed_date,
        opportunities.amount as crm_amount,
        projects.budget_amount as psa_budget_amount,
        projects.erp_budget_amount,
        opportunities.currency

    from opportunities
    left join projects
        on projects.salesforce_opportunity_id = opportunities.salesforce_opportunity_id

)

select * from final
