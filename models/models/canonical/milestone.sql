{#- Billing milestones (Kantata stories of type milestone) with the NetSuite invoice that bills
    each (externalid KOX-MS-<story id>). -#}
with

stories as (

    select * from {{ ref('stg_kantata__stories') }}
    where story_type = 'milestone'

),

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

erp_invoices as (

    select external_id, min(transaction_id) as transaction_id
    from {{ ref('stg_netsuite__transactions') }}
    where transaction_type = 'CustInvc'
        and external_id like 'KOX-MS-%'
    group by external_id

),

final as (

    select
        'milestone:kantata:' || stories.story_id as milestone_id,
        stories.story_id as kantata_story_id,
        'project:kantata:' || stories.workspace_id as project_id,
        stories.title as milestone_name,
        stories.state,
        stories.due_date,
        stories.budget_estimate_amount as amount,
        workspaces.currency,
        erp_invoices.transaction_id as netsuite_transaction_id,
        case when erp_invoices.transaction_id is not null then 'invoice:netsuite:' || erp_invoices.transaction_id end as invoice_id

    from stories
    left join workspaces
        on workspaces.workspace_id = stories.workspace_id
    left join erp_invoices
        on erp_invoices.external_id = 'KOX-MS-' || stories.story_id

)

select * from final
