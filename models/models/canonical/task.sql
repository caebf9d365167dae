with

stories as (

    select * from {{ ref('stg_kantata__stories') }}
    where story_type <> 'milestone'

),

final as (

    select
        'task:kantata:' || story_id as task_id,
        story_id as kantata_story_id,
        'project:kantata:' || workspace_id as project_id,
        title as task_name,
        state,
        due_date,
        is_billable

    from stories

)

select * from final
