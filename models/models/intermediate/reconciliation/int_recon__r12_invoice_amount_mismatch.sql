{#- R12: a T&M invoice whose ERP total (0 when the ERP has none) differs from the billable amount
    of the time entries it invoices by more than r12_tolerance. -#}
with

invoices as (

    select * from {{ ref('stg_kantata__invoices') }}

),

tm_workspaces as (

    select * from {{ ref('int_recon__tm_workspaces') }}

),

invoiced_time as (

    select
        invoice_id,
        sum(
            case
                when is_billable then cast(time_minutes as float8) * rate_cents / 6000
                else 0
            end
        ) as expected_amount

    from {{ ref('stg_kantata__time_entries') }}
    where invoice_id is not null
    group by invoice_id

),

erp_invoices as (

    select external_id, max(transaction_id) as transaction_id, max(foreign_total) as foreign_total
    from {{ ref('stg_netsuite__transactions') }}
    where transaction_type = 'CustInvc'
        and external_id like 'KOX-INV-%'
    group by external_id

),

compared as (

    select
        invoices.invoice_id,
        invoices.currency,
        invoices.amount as psa_amount,
        coalesce(invoiced_time.expected_amount, 0) as expected_amount,
        erp_invoices.transaction_id,
        coalesce(erp_invoices.foreign_total, 0) as erp_total

    from invoices
    inner join tm_workspaces
        on tm_workspaces.workspace_id = invoices.workspace_id
    left join invoiced_time
        on invoiced_time.invoice_id = invoices.invoice_id
    left join erp_invoices
        on erp_invoices.external_id = 'KOX-INV-' || invoices.invoice_id

),

final as (

    select
        'R12' as rule_id,
        'high' as severity,
        'billing' as domain,
        'invoice:kantata:' || invoice_id as canonical_id,
        case
            when transaction_id is null then {{ json_object(["'kantata'", json_object(["'invoice'", "invoice_id"])]) }}
            else {{ json_object([
                "'kantata'", json_object(["'invoice'", "invoice_id"]),
                "'netsuite'", json_object(["'transaction'", "transaction_id"])
            ]) }}
        end as systems,
        {{ json_object([
            "'expected'", round2('expected_amount'),
            "'erp_total'", "erp_total",
            "'erp_transaction_id'", "transaction_id",
            "'psa_amount'", "psa_amount"
        ]) }} as details,
        {{ round2('expected_amount - cast(erp_total as float8)') }} as amount_impact,
        currency,
        cast(null as decimal(18, 2)) as hours_impact

    from compared
    where abs(expected_amount - cast(erp_total as float8)) > {{ var('r12_tolerance') }}

)

select * from final
