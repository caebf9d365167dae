{#- HRIS worker → PSA user, one user per worker: a reference link wins over an e-mail match. -#}
with

user_workers as (

    select * from {{ ref('int_identity__user_workers') }}

),

ranked as (

    select
        employee_id,
        user_id,
        row_number() over (
            partition by employee_id
            order by
                case when match_method = 'external_reference' then 0 else 1 end,
                length(user_id) desc,
                user_id desc
        ) as user_rank

    from user_workers

),

final as (

    select employee_id, user_id
    from ranked
    where user_rank = 1

)

select * from final
