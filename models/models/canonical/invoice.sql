{#- Invoices: Kantata invoices with the NetSuite customer invoice posting each (externalid
    KOX-INV-<id>); NetSuite invoices without a Kantata invoice (milestone and manual billing)
    stand alone as `invoice:netsuite:<id>`. NetSuite owns invoices and receivables. `psa_amount` is
    in `currency` (Kantata's, or NetSuite's for a NetSuite-only invoice), `erp_amount` in
    `erp_currency` (the NetSuite invoice's). -#}
with

psa_invoices as (

    select * from {{ ref('stg_kantata__invoices') }}

),

erp_invoices as (

    select * from {{ ref('stg_netsuite__transactions') }}
    where transaction_type = 'CustInvc'

),

customers as (

    select * from {{ ref('customer') }}

),

periods as (

    select * from {{ ref('accounting_period') }}

),

linked as (

    select
        'invoice:kantata:' || psa_invoices.invoice_id as invoice_id,
        psa_invoices.invoice_id as kantata_invoice_id,
        erp_invoices.transaction_id as netsuite_transaction_id,
        erp_invoices.document_number,
        'project:kantata:' || psa_invoices.workspace_id as project_id,
        customers.customer_id,
        coalesce(erp_invoices.tran_date, psa_invoices.invoice_date) as invoice_date,
        coalesce(erp_invoices.status, psa_invoices.status) as status,
        psa_invoices.amount as psa_amount,
        erp_invoices.foreign_total as erp_amount,
        psa_invoices.currency,
        erp_invoices.currency as erp_currency,
        case
            when erp_invoices.accounting_period_id is not null
                then 'accounting_period:netsuite:' || erp_invoices.accounting_period_id
        end as accounting_period_id

    from psa_invoices
    left join erp_invoices
        on erp_invoices.external_id = 'KOX-INV-' || psa_invoices.invoice_id
    left join customers
        on customers.netsuite_customer_id = erp_invoices.entity_id

),

erp_only as (

    select
        'invoice:netsuite:' || erp_invoices.transaction_id as invoice_id,
        cast(null as varchar) as kantata_invoice_id,
        erp_invoices.transaction_id as netsuite_transaction_id,
        erp_invoices.document_number,
        case
            when erp_invoices.external_id like 'KOX-MS-%' then (
                select 'project:kantata:' || stories.workspace_id
                from {{ ref('stg_kantata__stories') }} as stories
                where 'KOX-MS-' || stories.story_id = erp_invoices.external_id
            )
        end as project_id,
        customers.customer_id,
        erp_invoices.tran_date as invoice_date,
        erp_invoices.status,
        cast(null as decimal(18, 2)) as psa_amount,
        erp_invoices.foreign_total as erp_amount,
        erp_invoices.currency,
        erp_invoices.currency as erp_currency,
        case
            when erp_invoices.accounting_period_id is not null
                then 'accounting_period:netsuite:' || erp_invoices.accounting_period_id
        end as accounting_period_id

    from erp_invoices
    left join psa_invoices
        on erp_invoices.external_id = 'KOX-INV-' || psa_invoices.invoice_id
    left join customers
        on customers.netsuite_customer_id = erp_invoices.entity_id
    where psa_invoices.invoice_id is null

),

final as (

    select * from linked
    union all
    select * from erp_only

)

select * from final
