-- Every system record belongs to exactly one canonical object by a confirmed link; name-proposed
-- matches come on top and never replace it. The one exception: a Kantata client group that
-- external references link to several ERP customers (one client signed by several legal
-- entities, a customer in each subsidiary) belongs to each of them.
select source_system, system_object, system_id, count(*) as confirmed_links
from {{ ref('identity_map') }}
where not needs_steward
group by source_system, system_object, system_id
having count(*) > 1
    and not (
        source_system = 'kantata'
        and system_object = 'workspace_group'
        and count(*) = count(case when match_method = 'external_reference' then 1 end)
    )
