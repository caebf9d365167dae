with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}
    where not is_deleted

),

customers as (

    select salesforce_account_id, min(customer_id) as customer_id
    from {{ ref('customer') }}
    where salesforce_account_id is not null
    group by salesforce_account_id

),

final as (

    select
        'opportunity:salesforce:' || opportunities.opportunity_id as opportunity_id,
        opportunities.opportunity_id as salesforce_opportunity_id,
        customers.customer_id,
        opportunities.opportunity_name,
        opportunities.stage_name,
        opportunities.is_won,
        opportunities.is_closed,
        opportunities.close_date,
        opportunities.amount,
        opportunities.currency

    from opportunities
    left join customers
        on customers.salesforce_account_id = opportunities.account_id

)

select * from final
