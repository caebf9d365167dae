with

expenses as (

    select * from {{ ref('stg_kantata__expenses') }}

),

worker_keys as (

    select * from {{ ref('int_identity__worker_keys') }}
    where source_system = 'kantata'

),

final as (

    select
        'expense:kantata:' || expenses.expense_id as expense_id,
        expenses.expense_id as kantata_expense_id,
        'project:kantata:' || expenses.workspace_id as project_id,
        worker_keys.worker_id,
        expenses.expense_date,
        expenses.category,
        expenses.amount,
        expenses.currency,
        expenses.is_billable,
        expenses.is_approved,
        expenses.is_invoiced

    from expenses
    left join worker_keys
        on worker_keys.source_id = expenses.user_id

)

select * from final
