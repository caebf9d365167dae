with

lines as (

    select * from {{ ref('stg_netsuite__transaction_lines') }}
    where not is_mainline

),

invoices as (

    select invoice_id, netsuite_transaction_id, currency
    from {{ ref('invoice') }}
    where netsuite_transaction_id is not null

),

final as (

    select
        'invoice_line:netsuite:' || lines.transaction_line_key as invoice_line_id,
        invoices.invoice_id,
        lines.transaction_id as netsuite_transaction_id,
        lines.line_id,
        lines.item_id,
        lines.memo as description,
        lines.foreign_amount as amount,
        invoices.currency,
        lines.net_amount as functional_amount

    from lines
    inner join invoices
        on invoices.netsuite_transaction_id = lines.transaction_id

)

select * from final
