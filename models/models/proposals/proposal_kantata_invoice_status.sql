{#- NetSuite owns invoices and receivables: where a Kantata invoice's status trails its NetSuite
    invoice (A open → sent, B paid in full → paid), propose NetSuite's. -#}
with

invoices as (

    select * from {{ ref('invoice') }}
    where kantata_invoice_id is not null
        and netsuite_transaction_id is not null

),

psa_invoices as (

    select * from {{ ref('stg_kantata__invoices') }}

),

erp_invoices as (

    select * from {{ ref('stg_netsuite__transactions') }}

),

mapped as (

    select
        invoices.invoice_id,
        psa_invoices.invoice_id as kantata_invoice_id,
        psa_invoices.status as psa_status,
        erp_invoices.transaction_id,
        erp_invoices.status as erp_status,
        case erp_invoices.status
            when 'A' then 'sent'
            when 'B' then 'paid'
        end as wanted_status

    from invoices
    inner join psa_invoices
        on psa_invoices.invoice_id = invoices.kantata_invoice_id
    inner join erp_invoices
        on erp_invoices.transaction_id = invoices.netsuite_transaction_id

),

final as (

    select
        'invoice_status:' || invoice_id || ':invoices:' || kantata_invoice_id as proposal_key,
        'invoice_status' as rule_id,
        cast(null as varchar) as exception_id,
        'invoices' as domain,
        'netsuite' as source_system,
        'kantata' as target_system,
        'invoices' as object,
        kantata_invoice_id as target_id,
        'update' as operation,
        {{ json_object(["'status'", "wanted_status"]) }} as fields,
        {{ json_object([
            "'netsuite_transaction'", "transaction_id",
            "'erp_status'", "erp_status",
            "'psa_status'", "psa_status"
        ]) }} as evidence

    from mapped
    where wanted_status is not null
        and psa_status is distinct from wanted_status

)

select * from final
