{#- ERP customer → CRM account: customer.externalid = Account.Id. -#}
with

customers as (

    select * from {{ ref('stg_netsuite__customers') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

final as (

    select
        customers.customer_id,
        accounts.account_id

    from customers
    inner join accounts
        on accounts.account_id = customers.external_id

)

select * from final
