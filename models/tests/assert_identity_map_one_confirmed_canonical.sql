-- Every system record belongs to exactly one canonical object by a confirmed link; name-proposed
-- matches come on top and never replace it.
select source_system, system_object, system_id, count(*) as confirmed_links
from {{ ref('identity_map') }}
where not needs_steward
group by source_system, system_object, system_id
having count(*) > 1
