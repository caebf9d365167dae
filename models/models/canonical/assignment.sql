with

assignments as (

    select * from {{ ref('stg_kantata__assignments') }}

),

stories as (

    select * from {{ ref('stg_kantata__stories') }}

),

worker_keys as (

    select * from {{ ref('int_identity__worker_keys') }}
    where source_system = 'kantata'

),

final as (

    select
        'assignment:kantata:' || assignments.assignment_id as assignment_id,
        assignments.assignment_id as kantata_assignment_id,
        case
            when stories.story_type = 'milestone' then 'milestone:kantata:' || assignments.story_id
            else 'task:kantata:' || assignments.story_id
        end as work_item_id,
        'project:kantata:' || coalesce(assignments.workspace_id, stories.workspace_id) as project_id,
        worker_keys.worker_id,
        stories.state as work_item_state

    from assignments
    left join stories
        on stories.story_id = assignments.story_id
    left join worker_keys
        on worker_keys.source_id = assignments.user_id

)

select * from final
